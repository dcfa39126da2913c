import type { z } from "zod";
import { beforeAll, describe, expect, it } from "vitest";
import type { Repository } from "../../src/data";
import { taskSortKeys, type Task, type TaskSortKey, type taskQueryInput } from "../../src/domain";
import {
  allTaskPages,
  byId,
  completeTask,
  createProject,
  createTask,
  deleteTask,
  expectReason,
  listProjects,
  listTasks,
  taskIds,
  updateTask,
  inTurn,
} from "./fixtures";
import { implementations } from "./implementations";

const rank = { low: 0, normal: 1, high: 2, urgent: 3 } as const;
/** Every sort the API takes: each key in each direction. */
const everySort = taskSortKeys.flatMap((by) => (["asc", "desc"] as const).map((dir) => ({ by, dir })));

const compare = <T extends string | number>(a: T, b: T): number => (a < b ? -1 : a > b ? 1 : 0);

/** The order SPEC promises: by the key, ties by id in the same direction, no due date last either way. */
function expectedOrder(tasks: Task[], by: TaskSortKey, dir: "asc" | "desc"): string[] {
  const sign = dir === "asc" ? 1 : -1;
  return [...tasks]
    .sort((a, b) => {
      if (by === "dueDate" && (a.dueDate === null) !== (b.dueDate === null)) return a.dueDate === null ? 1 : -1;
      const key = (t: Task) =>
        by === "priority" ? rank[t.priority] : by === "title" ? t.title.toLowerCase() : by === "dueDate" ? (t.dueDate ?? "") : t[by];
      return sign * (compare(key(a), key(b)) || byId(a, b));
    })
    .map((t) => t.id);
}

/** Tasks with many ties in every sort key, some without a due date, some completed, some updated. */
async function seed(write: Repository): Promise<Task[]> {
  const project = await createProject(write);
  const rows = [
    { title: "banana", priority: "high", dueDate: "2025-03-01" },
    { title: "Apple", priority: "low", dueDate: null },
    { title: "apple", priority: "urgent", dueDate: "2025-01-15" },
    { title: "cherry", priority: "normal", dueDate: "2025-03-01" },
    { title: "Banana", priority: "normal", dueDate: null },
    { title: "date", priority: "high", dueDate: "2024-12-31" },
    { title: "Elder", priority: "low", dueDate: "2025-01-15" },
    { title: "apple", priority: "normal", dueDate: null },
    { title: "fig", priority: "urgent", dueDate: "2025-03-01" },
    { title: "Cherry", priority: "high", dueDate: "2026-06-30" },
    { title: "grape", priority: "low", dueDate: null },
  ] as const;
  const tasks = await inTurn(rows, (row) => createTask(write, project.id, row));
  await updateTask(write, { id: tasks[0]!.id, description: "touched" });
  await completeTask(write, { id: tasks[3]!.id });
  await updateTask(write, { id: tasks[6]!.id, labels: ["x"] });
  return inTurn(tasks, (t) => write.getTask(t.id));
}

describe.each(implementations)("tasks.list order and paging ($name)", ({ open, openForSuite }) => {
  /** The seeded tasks, on one store for the describe block it is called in: its tests only read. */
  function seededOnce(): () => { write: Repository; tasks: Task[] } {
    let seeded: { write: Repository; tasks: Task[] } | undefined;
    beforeAll(async () => {
      const store = openForSuite();
      seeded = { write: store.write, tasks: await seed(store.write) };
      return () => store.close();
    });
    return () => seeded as { write: Repository; tasks: Task[] };
  }

  describe("sort", () => {
    it("defaults to createdAt, newest first", async () => {
      const { write } = open();
      const project = await createProject(write);
      const [a, b, c] = await inTurn(["a", "b", "c"], (title) => createTask(write, project.id, { title }));
      expect(await taskIds(write)).toEqual([c!.id, b!.id, a!.id]);
      expect(await taskIds(write, { sort: { by: "createdAt" } })).toEqual([a!.id, b!.id, c!.id]);
      expect(await taskIds(write, { sort: { by: "createdAt", dir: "desc" } })).toEqual([c!.id, b!.id, a!.id]);
    });

    it("by updatedAt follows the latest change", async () => {
      const { write } = open();
      const project = await createProject(write);
      const [a, b, c] = await inTurn(["a", "b", "c"], (title) => createTask(write, project.id, { title }));
      await updateTask(write, { id: a!.id, title: "a2" });
      await completeTask(write, { id: b!.id });
      expect(await taskIds(write, { status: "all", sort: { by: "updatedAt", dir: "asc" } })).toEqual([c!.id, a!.id, b!.id]);
      expect(await taskIds(write, { status: "all", sort: { by: "updatedAt", dir: "desc" } })).toEqual([b!.id, a!.id, c!.id]);
      await updateTask(write, { id: c!.id });
      expect(await taskIds(write, { status: "all", sort: { by: "updatedAt", dir: "asc" } })).toEqual([c!.id, a!.id, b!.id]);
    });

    it("by priority orders low < normal < high < urgent", async () => {
      const { write } = open();
      const project = await createProject(write);
      for (const priority of ["high", "low", "urgent", "normal"] as const) await createTask(write, project.id, { priority });
      const priorities = async (dir: "asc" | "desc") =>
        (await listTasks(write, { sort: { by: "priority", dir } })).items.map((t) => t.priority);
      expect(await priorities("asc")).toEqual(["low", "normal", "high", "urgent"]);
      expect(await priorities("desc")).toEqual(["urgent", "high", "normal", "low"]);
    });

    it("by title ignores case", async () => {
      const { write } = open();
      const project = await createProject(write);
      for (const title of ["cherry", "Banana", "apple", "Date"]) await createTask(write, project.id, { title });
      const titles = async (dir: "asc" | "desc") => (await listTasks(write, { sort: { by: "title", dir } })).items.map((t) => t.title);
      expect(await titles("asc")).toEqual(["apple", "Banana", "cherry", "Date"]);
      expect(await titles("desc")).toEqual(["Date", "cherry", "Banana", "apple"]);
    });

    it("by dueDate puts tasks without a due date last in both directions", async () => {
      const { write } = open();
      const project = await createProject(write);
      for (const dueDate of [null, "2025-05-01", "2024-12-31", null, "2025-01-02"]) await createTask(write, project.id, { dueDate });
      const dues = async (dir: "asc" | "desc") => (await listTasks(write, { sort: { by: "dueDate", dir } })).items.map((t) => t.dueDate);
      expect(await dues("asc")).toEqual(["2024-12-31", "2025-01-02", "2025-05-01", null, null]);
      expect(await dues("desc")).toEqual(["2025-05-01", "2025-01-02", "2024-12-31", null, null]);
    });

    describe("on tasks with ties in every key", () => {
      const seeded = seededOnce();
      it.each(everySort)(
        "by $by $dir, ties broken by id",
        async ({ by, dir }) => {
          const { write, tasks } = seeded();
          expect(await taskIds(write, { status: "all", sort: { by, dir } })).toEqual(expectedOrder(tasks, by, dir));
        },
      );
    });
  });

  describe("paging", () => {
    describe("on tasks with ties in every key", () => {
      const seeded = seededOnce();
      it.each(everySort)(
        "by $by $dir returns every row exactly once, in order, with any limit",
        async ({ by, dir }) => {
          const { write, tasks } = seeded();
          const expected = expectedOrder(tasks, by, dir);
          for (const limit of [1, 2, 3, 5, 11, 12]) {
            const pages = await allTaskPages(write, { status: "all", sort: { by, dir }, limit });
            expect(pages.flat().map((t) => t.id)).toEqual(expected);
            expect(pages).toHaveLength(Math.ceil(expected.length / limit));
            expect(pages.every((page) => page.length > 0 && page.length <= limit)).toBe(true);
          }
        },
      );

      it.each(["asc", "desc"] as const)(
        "pages a list whose filter pins the sort key (priorities by priority, no due date by due date) %s, with any limit",
        async (dir) => {
          const { write, tasks } = seeded();
          const pinned: { filter: z.input<typeof taskQueryInput>; by: TaskSortKey; keep: (t: Task) => boolean }[] = [
            { filter: { priority: ["normal", "high"] }, by: "priority", keep: (t) => ["normal", "high"].includes(t.priority) },
            { filter: { priority: ["low"] }, by: "priority", keep: (t) => t.priority === "low" },
            { filter: { hasDueDate: false }, by: "dueDate", keep: (t) => t.dueDate === null },
          ];
          for (const { filter, by, keep } of pinned) {
            const expected = expectedOrder(tasks.filter(keep), by, dir);
            for (const limit of [1, 2, 3]) {
              const pages = await allTaskPages(write, { status: "all", ...filter, sort: { by, dir }, limit });
              expect(pages.flat().map((t) => t.id), `${JSON.stringify(filter)}, limit ${limit}`).toEqual(expected);
            }
          }
        },
      );

      it("pages a filtered list and counts it the same", async () => {
        const { write } = seeded();
        const query: z.input<typeof taskQueryInput> = { search: "a", priority: ["low", "normal"], sort: { by: "title" } };
        const all = (await listTasks(write, { ...query, limit: 100 })).items;
        expect(all.length).toBeGreaterThan(2);
        expect((await allTaskPages(write, { ...query, limit: 2 })).flat()).toEqual(all);
        expect(all.every((t) => !t.completed && ["low", "normal"].includes(t.priority) && /a/i.test(t.title + t.description))).toBe(true);
      });
    });

    it("defaults to pages of 50", async () => {
      const { write } = open();
      const project = await createProject(write);
      for (let i = 0; i < 51; i++) await createTask(write, project.id);
      const first = await listTasks(write);
      expect(first.items).toHaveLength(50);
      const second = await listTasks(write, { cursor: first.nextCursor! });
      expect(second.items).toHaveLength(1);
      expect(second.nextCursor).toBeNull();
    });

    it("returns nextCursor null on the last page, also when it is exactly full", async () => {
      const { write } = open();
      const project = await createProject(write);
      for (const title of ["a", "b", "c", "d"]) await createTask(write, project.id, { title });
      const first = await listTasks(write, { limit: 2 });
      expect(first.nextCursor).not.toBeNull();
      const second = await listTasks(write, { limit: 2, cursor: first.nextCursor! });
      expect(second.items).toHaveLength(2);
      expect(second.nextCursor).toBeNull();
      expect((await listTasks(write, { limit: 4 })).nextCursor).toBeNull();
    });

    it("stays stable when rows are inserted before and after the cursor and deleted between pages", async () => {
      const { write } = open();
      const project = await createProject(write);
      const task = Object.fromEntries(
        await inTurn(["b", "d", "f", "h", "j", "l"], async (title) => [title, await createTask(write, project.id, { title })] as const),
      );
      const query = { sort: { by: "title", dir: "asc" }, limit: 3 } as const;
      const first = await listTasks(write, query);
      expect(first.items.map((t) => t.title)).toEqual(["b", "d", "f"]);
      await createTask(write, project.id, { title: "a" });
      await createTask(write, project.id, { title: "c" });
      await createTask(write, project.id, { title: "g" });
      await deleteTask(write, { id: task.f!.id });
      await deleteTask(write, { id: task.j!.id });
      const second = await listTasks(write, { ...query, cursor: first.nextCursor! });
      expect(second.items.map((t) => t.title)).toEqual(["g", "h", "l"]);
      expect(second.nextCursor).toBeNull();
    });

    it("does not repeat or skip rows when newer rows arrive while paging newest first", async () => {
      const { write } = open();
      const project = await createProject(write);
      const created = await inTurn(Array.from({ length: 5 }, (_, i) => i), (i) => createTask(write, project.id, { title: `t${i}` }));
      const first = await listTasks(write, { limit: 2 });
      await createTask(write, project.id, { title: "new1" });
      const second = await listTasks(write, { limit: 2, cursor: first.nextCursor! });
      await createTask(write, project.id, { title: "new2" });
      await deleteTask(write, { id: created[0]!.id });
      const third = await listTasks(write, { limit: 2, cursor: second.nextCursor! });
      expect([...first.items, ...second.items, ...third.items].map((t) => t.title)).toEqual(["t4", "t3", "t2", "t1"]);
      expect(third.nextCursor).toBeNull();
    });

    it("stays stable among ties when rows with the same key come and go", async () => {
      const { write } = open();
      const project = await createProject(write);
      const originals = await inTurn(Array.from({ length: 6 }), () => createTask(write, project.id, { priority: "high" }));
      const query = { sort: { by: "priority", dir: "asc" }, limit: 2 } as const;
      const seen: Task[] = [];
      let cursor: string | undefined;
      const deleted = new Set<string>();
      do {
        const page = await listTasks(write, { ...query, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items);
        cursor = page.nextCursor ?? undefined;
        await createTask(write, project.id, { priority: "high" });
        const unseen = originals.find((t) => !deleted.has(t.id) && !seen.some((s) => s.id === t.id));
        if (unseen && seen.length === 2) {
          await deleteTask(write, { id: unseen.id });
          deleted.add(unseen.id);
        }
      } while (cursor);
      const ids = seen.map((t) => t.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual(ids);
      for (const t of originals) expect(ids.includes(t.id)).toBe(!deleted.has(t.id));
    });

    it.each(["asc", "desc"] as const)("stays stable across the rows without a due date (%s)", async (dir) => {
      const { write } = open();
      const project = await createProject(write);
      const created = await inTurn([null, "2025-01-01", null, "2025-01-02", null], (dueDate) => createTask(write, project.id, { dueDate }));
      const query = { sort: { by: "dueDate", dir }, limit: 2 } as const;
      const first = await listTasks(write, query);
      expect(first.items.map((t) => t.dueDate)).toEqual(dir === "asc" ? ["2025-01-01", "2025-01-02"] : ["2025-01-02", "2025-01-01"]);
      const second = await listTasks(write, { ...query, cursor: first.nextCursor! });
      expect(second.items.map((t) => t.dueDate)).toEqual([null, null]);
      await createTask(write, project.id, { dueDate: "2030-01-01" });
      await createTask(write, project.id, { dueDate: "2020-01-01" });
      const rest = (await allTaskPages(write, { ...query, cursor: second.nextCursor! })).flat();
      const undated = created.filter((t) => t.dueDate === null);
      const seen = [...second.items, ...rest].map((t) => t.id);
      expect(seen).toEqual(expectedOrder(undated, "dueDate", dir));
    });
  });

  describe("cursors", () => {
    it("reject garbage with INVALID_CURSOR", async () => {
      const { write } = open();
      await createTask(write, (await createProject(write)).id);
      for (const cursor of ["garbage", "x", "eyJmb28iOjF9", "W10", "WzEsMiwzXQ", "!!!"]) {
        await expectReason(() => listTasks(write, { cursor }), "INVALID_CURSOR");
      }
    });

    it("reject a truncated cursor with INVALID_CURSOR", async () => {
      const { write } = open();
      const project = await createProject(write);
      await createTask(write, project.id);
      await createTask(write, project.id);
      const { nextCursor } = await listTasks(write, { limit: 1 });
      await expectReason(() => listTasks(write, { limit: 1, cursor: nextCursor!.slice(0, -3) }), "INVALID_CURSOR");
    });

    it("reject a cursor from another query with INVALID_CURSOR", async () => {
      const { write } = open();
      const project = await createProject(write);
      for (const title of ["a", "b", "c"]) await createTask(write, project.id, { title });
      const query = { sort: { by: "title", dir: "asc" }, limit: 1 } as const;
      const { nextCursor } = await listTasks(write, query);
      const cursor = nextCursor!;
      expect((await listTasks(write, { ...query, cursor })).items.map((t) => t.title)).toEqual(["b"]);
      await expectReason(() => listTasks(write, { ...query, sort: { by: "title", dir: "desc" }, cursor }), "INVALID_CURSOR");
      await expectReason(() => listTasks(write, { ...query, sort: { by: "createdAt", dir: "asc" }, cursor }), "INVALID_CURSOR");
      await expectReason(() => listTasks(write, { limit: 1, cursor }), "INVALID_CURSOR");
      await expectReason(() => listTasks(write, { ...query, status: "all", cursor }), "INVALID_CURSOR");
      await expectReason(() => listTasks(write, { ...query, search: "a", cursor }), "INVALID_CURSOR");
      await expectReason(() => listTasks(write, { ...query, projectId: project.id, cursor }), "INVALID_CURSOR");
    });

    it("take a cursor only exactly as issued: any character added, changed or removed is INVALID_CURSOR", async () => {
      const { write } = open();
      const project = await createProject(write);
      for (const title of ["a", "b", "c"]) await createTask(write, project.id, { title });
      const query = { sort: { by: "title", dir: "asc" }, limit: 1 } as const;
      const cursor = (await listTasks(write, query)).nextCursor!;
      expect((await listTasks(write, { ...query, cursor })).items.map((t) => t.title)).toEqual(["b"]);
      // Node's base64url decoding skips characters it cannot read, so these decoded as the cursor itself.
      for (const suffix of ["@@", "==", "=", " ", "!", "A", "."]) {
        await expectReason(() => listTasks(write, { ...query, cursor: `${cursor}${suffix}` }), "INVALID_CURSOR");
        await expectReason(() => listTasks(write, { ...query, cursor: `${suffix}${cursor}` }), "INVALID_CURSOR");
      }
      for (let index = 0; index < cursor.length; index++) {
        const changed = cursor[index] === "A" ? "B" : "A";
        await expectReason(() => listTasks(write, { ...query, cursor: `${cursor.slice(0, index)}${changed}${cursor.slice(index + 1)}` }), "INVALID_CURSOR");
        await expectReason(() => listTasks(write, { ...query, cursor: `${cursor.slice(0, index)}${cursor.slice(index + 1)}` }), "INVALID_CURSOR");
      }
    });

    it("reject a hand-made cursor that names this query, with or without a signature part", async () => {
      const { write } = open();
      const project = await createProject(write);
      for (const title of ["a", "b", "c"]) await createTask(write, project.id, { title });
      const query = { sort: { by: "title", dir: "asc" }, limit: 1 } as const;
      const cursor = (await listTasks(write, query)).nextCursor!;
      const [payload = "", signature = ""] = cursor.split(".");
      const [owner, , id] = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as unknown[];
      // A cursor as today's main issued them (no signature), and one re-using a real cursor's signature.
      for (const parts of [[owner, "b", id], [owner, 0, "~"], [owner, null, id]]) {
        const forged = Buffer.from(JSON.stringify(parts)).toString("base64url");
        await expectReason(() => listTasks(write, { ...query, cursor: forged }), "INVALID_CURSOR");
        await expectReason(() => listTasks(write, { ...query, cursor: `${forged}.${signature}` }), "INVALID_CURSOR");
      }
    });

    it("reject a project cursor", async () => {
      const { write } = open();
      const project = await createProject(write);
      await createProject(write, { name: "Other" });
      await createTask(write, project.id);
      const { nextCursor } = await listProjects(write, { limit: 1 });
      await expectReason(() => listTasks(write, { cursor: nextCursor! }), "INVALID_CURSOR");
    });
  });
});
