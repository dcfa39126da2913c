import { beforeAll, describe, expect, it } from "vitest";
import type { TestClient } from "../support/client";
import { createTestClient, expectReason } from "../support/client";
import { openDatabaseCopy, sharedStore } from "../support/database";
import { ids, listAllTasks, makeProject, makeTask, type TaskQuery, type TaskSort } from "./fixtures";

type Task = Awaited<ReturnType<typeof makeTask>>;

/**
 * Two live projects and an archived one. Tasks (created in this order, so createdAt ascends with the
 * letter) vary in every field a filter or sort looks at; some are later updated or completed.
 */
async function seed(client: TestClient) {
  const home = await makeProject(client, { name: "Home" });
  const work = await makeProject(client, { name: "Work" });
  const attic = await makeProject(client, { name: "Attic" });
  const t = {
    milk: await makeTask(client, home.id, { title: "Buy milk", description: "From the corner STORE", priority: "high", dueDate: "2026-03-10", labels: ["Errand", "food"] }),
    bread: await makeTask(client, home.id, { title: "buy bread", priority: "normal", labels: ["errand"] }),
    report: await makeTask(client, work.id, { title: "Write report", description: "Quarterly numbers, 50% done", priority: "urgent", dueDate: "2026-03-01" }),
    review: await makeTask(client, work.id, { title: "Review PR", priority: "high", dueDate: "2026-03-15", labels: ["code"] }),
    taxes: await makeTask(client, home.id, { title: "Taxes", description: "file them", priority: "low", dueDate: "2026-03-10", labels: ["Admin"] }),
    call: await makeTask(client, work.id, { title: "call Bob", priority: "normal", dueDate: "2026-02-28" }),
    plan: await makeTask(client, work.id, { title: "Plan sprint", priority: "low", labels: ["CODE", "admin"] }),
    box: await makeTask(client, attic.id, { title: "Sort old box", priority: "urgent", dueDate: "2026-03-05", labels: ["errand"] }),
  };
  // Touch some so updatedAt order differs from createdAt order, and complete two.
  t.milk = await client.tasks.update.mutate({ id: t.milk.id, description: "From the corner STORE, 2 litres" });
  t.call = await client.tasks.complete.mutate({ id: t.call.id });
  t.bread = await client.tasks.update.mutate({ id: t.bread.id, priority: "normal", dueDate: null, title: "buy bread" });
  t.taxes = await client.tasks.complete.mutate({ id: t.taxes.id });
  await client.projects.archive.mutate({ id: attic.id });
  return { home, work, attic, t };
}

const sorted = (tasks: Task[]) => ids(tasks).sort();

/** A store seeded by `seeding`, shared by the tests that only read it (tests/support/database.ts). */
const seededOnce = <T>(seeding: (client: TestClient) => Promise<T>) =>
  sharedStore(async () => {
    const database = openDatabaseCopy();
    const client = createTestClient(database);
    return { ...(await seeding(client)), client, database };
  });

const seededStore = seededOnce(seed);

describe("tasks.list with no input", () => {
  it("lists open tasks of live projects, newest first, 50 per page", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const created: Task[] = [];
    for (let i = 0; i < 52; i++) created.push(await makeTask(client, project.id, { title: `t${i}` }));
    await client.tasks.complete.mutate({ id: created[10]?.id ?? "" });
    const archivedProject = await makeProject(client, { name: "Old" });
    await makeTask(client, archivedProject.id, { title: "hidden" });
    await client.projects.archive.mutate({ id: archivedProject.id });

    const open = created.filter((_, i) => i !== 10).reverse();
    const first = await client.tasks.list.query();
    expect(first.items).toHaveLength(50);
    expect(ids(first.items)).toEqual(ids(open.slice(0, 50)));
    expect(first.items[0]).toEqual(await client.tasks.get.query({ id: created[51]?.id ?? "" }));
    expect(first.nextCursor).toEqual(expect.any(String));

    const second = await client.tasks.list.query({ cursor: first.nextCursor ?? "" });
    expect(ids(second.items)).toEqual(ids(open.slice(50)));
    expect(second.nextCursor).toBeNull();

    expect(await client.tasks.count.query()).toEqual({ count: 51 });
  });

  it("gives the same page as the defaults spelt out", async () => {
    const { client, t } = await seededStore();
    const implicit = await client.tasks.list.query();
    const explicit = await client.tasks.list.query({
      status: "open",
      includeArchivedProjects: false,
      sort: { by: "createdAt", dir: "desc" },
      limit: 50,
    });
    expect(implicit).toEqual(explicit);
    expect(ids(implicit.items)).toEqual(ids([t.plan, t.review, t.report, t.bread, t.milk]));
  });
});

describe("tasks.list items", () => {
  it("are the full tasks, exactly as tasks.get returns them", async () => {
    const { client } = await seededStore();
    const items = await listAllTasks(client, { status: "all", includeArchivedProjects: true }, 3);
    expect(items).toHaveLength(8);
    for (const item of items) expect(item).toEqual(await client.tasks.get.query({ id: item.id }));
  });
});

describe("tasks.list filters", () => {
  // These tests only read: one seeded store serves them all.
  let client: TestClient;
  let seeded: Awaited<ReturnType<typeof seed>>;
  beforeAll(async () => {
    ({ client, ...seeded } = await seededStore());
  });

  it("projectId takes one id or a list of ids", async () => {
    const { home, work, t } = seeded;
    expect(sorted((await client.tasks.list.query({ projectId: home.id })).items)).toEqual(sorted([t.milk, t.bread]));
    expect(sorted((await client.tasks.list.query({ projectId: [work.id] })).items)).toEqual(sorted([t.report, t.review, t.plan]));
    expect(sorted((await client.tasks.list.query({ projectId: [home.id, work.id] })).items)).toEqual(
      sorted([t.milk, t.bread, t.report, t.review, t.plan]),
    );
    expect((await client.tasks.list.query({ projectId: "no-such-project" })).items).toEqual([]);
  });

  it("status chooses open, completed or all tasks", async () => {
    const { home, t } = seeded;
    expect(sorted((await client.tasks.list.query({ projectId: home.id, status: "open" })).items)).toEqual(sorted([t.milk, t.bread]));
    expect(sorted((await client.tasks.list.query({ projectId: home.id, status: "completed" })).items)).toEqual(sorted([t.taxes]));
    expect(sorted((await client.tasks.list.query({ projectId: home.id, status: "all" })).items)).toEqual(sorted([t.milk, t.bread, t.taxes]));
    expect(sorted((await client.tasks.list.query({ status: "completed" })).items)).toEqual(sorted([t.call, t.taxes]));
  });

  it("search needs every term, case-insensitively, in the title or the description", async () => {
    const { t } = seeded;
    const search = async (text: string) => sorted((await client.tasks.list.query({ search: text, status: "all" })).items);
    expect(await search("milk")).toEqual(sorted([t.milk]));
    expect(await search("BUY")).toEqual(sorted([t.milk, t.bread]));
    expect(await search("buy store")).toEqual(sorted([t.milk]));
    expect(await search("  store   MILK  ")).toEqual(sorted([t.milk]));
    expect(await search("buy nothing")).toEqual([]);
    expect(await search("ilk")).toEqual(sorted([t.milk]));
    expect(await search("bo")).toEqual(sorted([t.call]));
    expect(await search("2 litres")).toEqual(sorted([t.milk]));
    expect(await search("50%")).toEqual(sorted([t.report]));
    expect(await search("5%")).toEqual([]);
    expect(await search("them")).toEqual(sorted([t.taxes]));
    expect(await search('"them"')).toEqual([]);
    expect(await search("")).toEqual(sorted([t.milk, t.bread, t.report, t.review, t.taxes, t.call, t.plan]));
    expect(await search(" \t ")).toEqual(sorted([t.milk, t.bread, t.report, t.review, t.taxes, t.call, t.plan]));
  });

  it("search treats quotes and operators as plain text", async () => {
    const own = createTestClient();
    const project = await makeProject(own);
    const quoted = await makeTask(own, project.id, { title: 'Say "hello" AND NOT bye*' });
    await makeTask(own, project.id, { title: "hello there" });
    for (const text of ['"hello"', "bye*", "AND NOT", 'say "hello" and']) {
      expect(ids((await own.tasks.list.query({ search: text })).items), text).toEqual([quoted.id]);
    }
    expect((await own.tasks.list.query({ search: "OR" })).items).toEqual([]);
  });

  it("priority matches any of the given priorities", async () => {
    const { t } = seeded;
    expect(sorted((await client.tasks.list.query({ priority: ["high", "urgent"] })).items)).toEqual(sorted([t.milk, t.report, t.review]));
    expect(sorted((await client.tasks.list.query({ priority: ["low"], status: "all" })).items)).toEqual(sorted([t.taxes, t.plan]));
  });

  it("labels matches tasks with at least one of the labels, case-insensitively", async () => {
    const { t } = seeded;
    expect(sorted((await client.tasks.list.query({ labels: ["ERRAND"] })).items)).toEqual(sorted([t.milk, t.bread]));
    expect(sorted((await client.tasks.list.query({ labels: ["code", "Food"] })).items)).toEqual(sorted([t.milk, t.review, t.plan]));
    expect(sorted((await client.tasks.list.query({ labels: [" admin "], status: "all" })).items)).toEqual(sorted([t.taxes, t.plan]));
    expect((await client.tasks.list.query({ labels: ["errands"] })).items).toEqual([]);
  });

  it("dueFrom and dueTo are inclusive and leave out tasks without a due date", async () => {
    const { t } = seeded;
    const due = async (query: TaskQuery) => sorted((await client.tasks.list.query({ status: "all", ...query })).items);
    expect(await due({ dueFrom: "2026-03-10" })).toEqual(sorted([t.milk, t.taxes, t.review]));
    expect(await due({ dueTo: "2026-03-01" })).toEqual(sorted([t.report, t.call]));
    expect(await due({ dueFrom: "2026-03-01", dueTo: "2026-03-10" })).toEqual(sorted([t.report, t.milk, t.taxes]));
    expect(await due({ dueFrom: "2026-03-10", dueTo: "2026-03-10" })).toEqual(sorted([t.milk, t.taxes]));
    expect(await due({ dueFrom: "2026-03-11", dueTo: "2026-03-14" })).toEqual([]);
    expect(await due({ dueFrom: "2000-01-01" })).toEqual(sorted([t.milk, t.report, t.review, t.taxes, t.call]));
  });

  it("hasDueDate chooses tasks with or without a due date", async () => {
    const { t } = seeded;
    expect(sorted((await client.tasks.list.query({ hasDueDate: false, status: "all" })).items)).toEqual(sorted([t.bread, t.plan]));
    expect(sorted((await client.tasks.list.query({ hasDueDate: true })).items)).toEqual(sorted([t.milk, t.report, t.review]));
  });

  it("leaves out tasks of archived projects unless includeArchivedProjects or the project is named", async () => {
    const { attic, home, t } = seeded;
    expect(ids((await client.tasks.list.query({ search: "box" })).items)).toEqual([]);
    expect(ids((await client.tasks.list.query({ search: "box", includeArchivedProjects: false })).items)).toEqual([]);
    expect(ids((await client.tasks.list.query({ search: "box", includeArchivedProjects: true })).items)).toEqual([t.box.id]);
    expect(ids((await client.tasks.list.query({ projectId: attic.id })).items)).toEqual([t.box.id]);
    expect(sorted((await client.tasks.list.query({ projectId: [attic.id, home.id] })).items)).toEqual(sorted([t.box, t.milk, t.bread]));
    expect(sorted((await client.tasks.list.query({ labels: ["errand"], includeArchivedProjects: true })).items)).toEqual(
      sorted([t.milk, t.bread, t.box]),
    );
    expect(await client.tasks.count.query({ includeArchivedProjects: true })).toEqual({ count: 6 });
    expect(await client.tasks.count.query({})).toEqual({ count: 5 });
  });

  it("applies every given filter together (AND)", async () => {
    const { home, work, t } = seeded;
    expect(ids((await client.tasks.list.query({ projectId: [home.id, work.id], priority: ["high"], labels: ["code"] })).items)).toEqual([t.review.id]);
    expect(ids((await client.tasks.list.query({ search: "buy", hasDueDate: true })).items)).toEqual([t.milk.id]);
    expect(ids((await client.tasks.list.query({ labels: ["admin"], status: "completed", dueTo: "2026-12-31" })).items)).toEqual([t.taxes.id]);
    expect((await client.tasks.list.query({ hasDueDate: false, dueFrom: "2000-01-01" })).items).toEqual([]);
    expect((await client.tasks.list.query({ projectId: home.id, search: "report" })).items).toEqual([]);
  });

  it("tasks.count agrees with tasks.list for every filter", async () => {
    const { home, work, attic } = seeded;
    const filters: TaskQuery[] = [
      {},
      { status: "all" },
      { status: "completed" },
      { projectId: home.id },
      { projectId: [work.id, attic.id], status: "all" },
      { search: "buy" },
      { search: "o", status: "all" },
      { priority: ["urgent", "low"], status: "all" },
      { labels: ["ERRAND", "admin"], includeArchivedProjects: true },
      { dueFrom: "2026-03-01", dueTo: "2026-03-10", status: "all" },
      { hasDueDate: false },
      { hasDueDate: true, includeArchivedProjects: true, status: "all" },
      { includeArchivedProjects: true, status: "all" },
    ];
    for (const filter of filters) {
      const listed = await listAllTasks(client, filter, 2);
      expect(await client.tasks.count.query(filter), JSON.stringify(filter)).toEqual({ count: listed.length });
    }
    expect((await client.tasks.count.query({ status: "all", includeArchivedProjects: true })).count).toBe(8);
  });
});

const priorityRank = { low: 0, normal: 1, high: 2, urgent: 3 } as const;

/** The sort key a user sees: titles compare case-insensitively; a missing due date is handled by the caller. */
function keyOf(task: Task, by: TaskSort["by"]): string | number | null {
  switch (by) {
    case "createdAt":
      return task.createdAt;
    case "updatedAt":
      return task.updatedAt;
    case "priority":
      return priorityRank[task.priority];
    case "title":
      return task.title.toLowerCase();
    case "dueDate":
      return task.dueDate;
  }
}

/** Checks `items` is in `by`/`dir` order: missing due dates last, ties in one consistent id order. */
function expectOrdered(items: Task[], by: TaskSort["by"], dir: "asc" | "desc") {
  const label = `${by} ${dir}: ${items.map((task) => `${task.title}=${String(keyOf(task, by))}`).join(", ")}`;
  const sign = dir === "asc" ? 1 : -1;
  const tieDirections = new Set<number>();
  for (let i = 1; i < items.length; i++) {
    const [a, b] = [items[i - 1] as Task, items[i] as Task];
    const [ka, kb] = [keyOf(a, by), keyOf(b, by)];
    if (ka === null || kb === null) {
      // No due date sorts last in both directions.
      expect(ka === null && kb !== null, label).toBe(false);
      if (ka !== null || kb !== null) continue;
    } else if (ka !== kb) {
      expect((ka < kb ? 1 : -1) * sign, label).toBe(1);
      continue;
    }
    expect(a.id, label).not.toBe(b.id);
    tieDirections.add(a.id < b.id ? 1 : -1);
  }
  expect(tieDirections.size, `ties are broken by id: ${label}`).toBeLessThanOrEqual(1);
}

describe("tasks.list sort", () => {
  const keys = ["createdAt", "updatedAt", "dueDate", "priority", "title"] as const;

  /** Tasks whose every sort key has ties and gaps; all in one project, all open. */
  async function sortSeed(client: TestClient) {
    const project = await makeProject(client);
    const specs = [
      { title: "banana", priority: "high", dueDate: "2026-05-01" },
      { title: "Apple", priority: "low", dueDate: null },
      { title: "cherry", priority: "urgent", dueDate: "2026-04-01" },
      { title: "Banana", priority: "normal", dueDate: "2026-05-01" },
      { title: "apple pie", priority: "high", dueDate: null },
      { title: "Date", priority: "low", dueDate: "2026-06-30" },
      { title: "elder", priority: "normal", dueDate: "2026-04-01" },
    ] as const;
    const tasks = [];
    for (const spec of specs) tasks.push(await makeTask(client, project.id, spec));
    // Update in another order so that updatedAt differs from createdAt.
    for (const index of [3, 0, 6, 1]) {
      const task = tasks[index] as Task;
      tasks[index] = await client.tasks.update.mutate({ id: task.id, description: `touched ${index}` });
    }
    return { project, tasks };
  }

  // The three tests below only read: they share one seeded store.
  const sortStore = seededOnce(sortSeed);

  it("sorts by each key in each direction", async () => {
    const { client, tasks } = await sortStore();
    for (const by of keys) {
      for (const dir of ["asc", "desc"] as const) {
        const items = (await client.tasks.list.query({ sort: { by, dir } })).items;
        expect(sorted(items)).toEqual(sorted(tasks));
        expectOrdered(items, by, dir);
      }
    }
  });

  it("orders to the letter for hand-checked cases", async () => {
    const { client, tasks } = await sortStore();
    const titles = async (sort: TaskSort) => (await client.tasks.list.query({ sort })).items.map((task) => task.title);
    expect(await titles({ by: "createdAt", dir: "asc" })).toEqual(["banana", "Apple", "cherry", "Banana", "apple pie", "Date", "elder"]);
    expect(await titles({ by: "updatedAt", dir: "desc" })).toEqual(["Apple", "elder", "banana", "Banana", "Date", "apple pie", "cherry"]);
    expect((await titles({ by: "title", dir: "asc" })).slice(0, 2)).toEqual(["Apple", "apple pie"]);
    expect((await titles({ by: "title", dir: "asc" })).slice(4)).toEqual(["cherry", "Date", "elder"]);
    expect((await titles({ by: "title", dir: "desc" })).slice(0, 3)).toEqual(["elder", "Date", "cherry"]);
    expect((await titles({ by: "priority", dir: "desc" }))[0]).toBe("cherry");
    expect((await titles({ by: "priority", dir: "asc" })).slice(0, 2).sort()).toEqual(["Apple", "Date"]);
    const dueAsc = await titles({ by: "dueDate", dir: "asc" });
    expect(dueAsc.slice(0, 2).sort()).toEqual(["cherry", "elder"]);
    expect(dueAsc[4]).toBe("Date");
    expect(dueAsc.slice(5).sort()).toEqual(["Apple", "apple pie"]);
    const dueDesc = await titles({ by: "dueDate", dir: "desc" });
    expect(dueDesc[0]).toBe("Date");
    expect(dueDesc.slice(5).sort()).toEqual(["Apple", "apple pie"]);
    expect(tasks).toHaveLength(7);
  });

  it("puts tasks without a due date last in both directions", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const none1 = await makeTask(client, project.id, { title: "none 1" });
    const late = await makeTask(client, project.id, { title: "late", dueDate: "2099-12-31" });
    const none2 = await makeTask(client, project.id, { title: "none 2" });
    const early = await makeTask(client, project.id, { title: "early", dueDate: "1970-01-01" });
    const asc = ids((await client.tasks.list.query({ sort: { by: "dueDate", dir: "asc" } })).items);
    const desc = ids((await client.tasks.list.query({ sort: { by: "dueDate", dir: "desc" } })).items);
    expect(asc.slice(0, 2)).toEqual([early.id, late.id]);
    expect(desc.slice(0, 2)).toEqual([late.id, early.id]);
    expect(asc.slice(2).sort()).toEqual([none1.id, none2.id].sort());
    expect(desc.slice(2).sort()).toEqual([none1.id, none2.id].sort());
  });

  it("defaults dir to asc when only by is given", async () => {
    const { client } = await sortStore();
    for (const by of keys) {
      expect(await client.tasks.list.query({ sort: { by } })).toEqual(await client.tasks.list.query({ sort: { by, dir: "asc" } }));
    }
  });
});

describe("tasks.list paging", () => {
  it("pages by title through titles of 500 four-byte characters: the longest cursors are taken back", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const titles = ["😀", "😃", "😄"].map((emoji) => emoji.repeat(500));
    for (const title of titles) await makeTask(client, project.id, { title });
    const first = await client.tasks.list.query({ sort: { by: "title", dir: "asc" }, limit: 1 });
    expect(first.nextCursor?.length).toBeGreaterThan(2_000);
    const second = await client.tasks.list.query({ sort: { by: "title", dir: "asc" }, limit: 1, cursor: first.nextCursor ?? "" });
    expect([...first.items, ...second.items].map((task) => task.title)).toEqual(titles.slice(0, 2));
  });

  it("returns every item exactly once, in order, for every sort and page size", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const priorities = ["low", "normal", "high", "urgent"] as const;
    for (let i = 0; i < 17; i++) {
      await makeTask(client, project.id, {
        title: ["alpha", "Beta", "gamma", "beta"][i % 4] ?? "x",
        priority: priorities[i % 3] ?? "low",
        dueDate: i % 4 === 0 ? null : `2026-0${(i % 3) + 1}-1${i % 2}`,
      });
    }
    for (const by of ["createdAt", "updatedAt", "dueDate", "priority", "title"] as const) {
      for (const dir of ["asc", "desc"] as const) {
        const whole = (await client.tasks.list.query({ sort: { by, dir }, limit: 100 })).items;
        expect(whole).toHaveLength(17);
        for (const limit of [1, 3, 5, 17]) {
          const paged = await listAllTasks(client, { sort: { by, dir } }, limit);
          expect(ids(paged), `${by} ${dir} limit ${limit}`).toEqual(ids(whole));
        }
      }
    }
  });

  it("returns nextCursor null on the last page, also when it is exactly full", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    for (let i = 0; i < 4; i++) await makeTask(client, project.id, { title: `t${i}` });
    const first = await client.tasks.list.query({ limit: 2 });
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await client.tasks.list.query({ limit: 2, cursor: first.nextCursor ?? "" });
    expect(second.items).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    expect((await client.tasks.list.query({ limit: 4 })).nextCursor).toBeNull();
    expect((await client.tasks.list.query({ limit: 3 })).nextCursor).toEqual(expect.any(String));
  });

  it("pages with filters, returning only matching tasks, each once", async () => {
    const { client, t } = await seededStore();
    const paged = await listAllTasks(client, { status: "all", labels: ["errand", "admin", "code"], sort: { by: "title", dir: "asc" } }, 1);
    expect(paged.map((task) => task.title)).toEqual(["buy bread", "Buy milk", "Plan sprint", "Review PR", "Taxes"]);
    expect(sorted(paged)).toEqual(sorted([t.bread, t.milk, t.plan, t.review, t.taxes]));
  });

  it("stays stable while newer tasks are inserted between pages (newest first)", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const originals: Task[] = [];
    for (let i = 0; i < 7; i++) originals.push(await makeTask(client, project.id, { title: `o${i}` }));
    const seen: string[] = [];
    let page = await client.tasks.list.query({ limit: 3 });
    seen.push(...ids(page.items));
    while (page.nextCursor !== null) {
      await makeTask(client, project.id, { title: "inserted" });
      page = await client.tasks.list.query({ limit: 3, cursor: page.nextCursor });
      seen.push(...ids(page.items));
    }
    expect(seen).toEqual(ids([...originals].reverse()));
  });

  it("stays stable while tasks are inserted on both sides of the cursor and deleted", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const byTitle: Record<string, Task> = {};
    for (const title of ["b", "d", "f", "h", "j", "l"]) byTitle[title] = await makeTask(client, project.id, { title });
    const query = { sort: { by: "title", dir: "asc" }, limit: 2 } as const;
    const first = await client.tasks.list.query(query);
    expect(first.items.map((task) => task.title)).toEqual(["b", "d"]);

    await makeTask(client, project.id, { title: "a" }); // before the cursor: not seen
    await makeTask(client, project.id, { title: "c" }); // before the cursor: not seen
    await makeTask(client, project.id, { title: "g" }); // after the cursor: seen in order
    await client.tasks.delete.mutate({ id: byTitle.b?.id ?? "" }); // already seen
    await client.tasks.delete.mutate({ id: byTitle.h?.id ?? "" }); // not yet seen: gone
    const second = await client.tasks.list.query({ ...query, cursor: first.nextCursor ?? "" });
    expect(second.items.map((task) => task.title)).toEqual(["f", "g"]);

    await client.tasks.complete.mutate({ id: byTitle.l?.id ?? "" }); // no longer matches status open
    const third = await client.tasks.list.query({ ...query, cursor: second.nextCursor ?? "" });
    expect(third.items.map((task) => task.title)).toEqual(["j"]);
    expect(third.nextCursor).toBeNull();
  });

  it("resumes after the last task of a page even when that task was deleted", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const tasks: Task[] = [];
    for (let i = 0; i < 5; i++) tasks.push(await makeTask(client, project.id, { title: `t${i}` }));
    const first = await client.tasks.list.query({ limit: 2, sort: { by: "createdAt", dir: "asc" } });
    expect(ids(first.items)).toEqual(ids(tasks.slice(0, 2)));
    await client.tasks.delete.mutate({ id: tasks[1]?.id ?? "" });
    const rest = await client.tasks.list.query({ limit: 10, sort: { by: "createdAt", dir: "asc" }, cursor: first.nextCursor ?? "" });
    expect(ids(rest.items)).toEqual(ids(tasks.slice(2)));
  });
});

describe("cursors", () => {
  it("a garbage cursor fails with INVALID_CURSOR", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    await makeTask(client, project.id);
    for (const cursor of ["garbage", "%%%", "eyJhIjoxfQ", Buffer.from('["x",1,"y"]').toString("base64url")]) {
      const error = await expectReason(client.tasks.list.query({ cursor }), "INVALID_CURSOR");
      expect(error.data?.code).toBe("BAD_REQUEST");
      expect(error.data?.httpStatus).toBe(400);
      await expectReason(client.projects.list.query({ cursor }), "INVALID_CURSOR");
    }
  });

  it("a cursor from another query fails with INVALID_CURSOR", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    await makeProject(client, { name: "Second" });
    for (let i = 0; i < 3; i++) await client.tasks.complete.mutate({ id: (await makeTask(client, project.id, { title: `t${i}` })).id });
    for (let i = 0; i < 3; i++) await makeTask(client, project.id, { title: `u${i}` });

    const base: TaskQuery = { status: "all", limit: 1 };
    const cursor = (await client.tasks.list.query(base)).nextCursor ?? "";
    expect(cursor).not.toBe("");
    // The same query pages fine.
    expect((await client.tasks.list.query({ ...base, cursor })).items).toHaveLength(1);

    const others: TaskQuery[] = [
      { status: "open", limit: 1 },
      { status: "all", limit: 1, sort: { by: "createdAt", dir: "asc" } },
      { status: "all", limit: 1, sort: { by: "title", dir: "desc" } },
      { status: "all", limit: 1, search: "t" },
      { status: "all", limit: 1, projectId: project.id },
      { status: "all", limit: 1, priority: ["normal"] },
    ];
    for (const other of others) {
      await expectReason(client.tasks.list.query({ ...other, cursor }), "INVALID_CURSOR");
    }
    await expectReason(client.projects.list.query({ cursor }), "INVALID_CURSOR");

    const projectCursor = (await client.projects.list.query({ limit: 1 })).nextCursor ?? "";
    expect(projectCursor).not.toBe("");
    await expectReason(client.tasks.list.query({ cursor: projectCursor }), "INVALID_CURSOR");
    await expectReason(client.projects.list.query({ limit: 1, archived: true, cursor: projectCursor }), "INVALID_CURSOR");
    await expectReason(client.projects.list.query({ limit: 1, search: "o", cursor: projectCursor }), "INVALID_CURSOR");
  });
});
