import { describe, expect, it } from "vitest";
import type { Project } from "../../src/domain";
import {
  allProjectPages,
  archiveProject,
  byId,
  createProject,
  createTask,
  deleteProject,
  expectReason,
  listProjects,
  listTasks,
  updateProject,
  inTurn,
} from "./fixtures";
import { implementations } from "./implementations";

const names = (projects: Project[]) => projects.map((p) => p.name);

/** Name case-insensitively, then id: the order projects.list promises. */
const byName = (a: Project, b: Project) => {
  const [x, y] = [a.name.toLowerCase(), b.name.toLowerCase()];
  return x < y ? -1 : x > y ? 1 : byId(a, b);
};

describe.each(implementations)("projects.list ($name)", ({ open }) => {
  it("lists nothing in an empty store", async () => {
    const { read } = open();
    expect(await listProjects(read)).toEqual({ items: [], nextCursor: null });
  });

  it("lists active projects by default and archived ones on request", async () => {
    const { write } = open();
    const active = await createProject(write, { name: "Active" });
    const old = await createProject(write, { name: "Old" });
    const archived = await archiveProject(write, { id: old.id });
    expect((await listProjects(write)).items).toEqual([await write.getProject(active.id)]);
    expect((await listProjects(write, { archived: false })).items).toEqual([active]);
    expect((await listProjects(write, { archived: true })).items).toEqual([archived]);
  });

  it("orders by name case-insensitively, then by id", async () => {
    const { write } = open();
    const created = await inTurn(["cherry", "Banana", "apple", "banana", "Apple", "Cherry pie", "apple"], (name) =>
      createProject(write, { name }),
    );
    const listed = (await listProjects(write)).items;
    expect(listed).toEqual([...created].sort(byName));
    expect(names(listed).map((n) => n.toLowerCase())).toEqual([
      "apple", "apple", "apple", "banana", "banana", "cherry", "cherry pie",
    ]);
  });

  it("reorders after a rename", async () => {
    const { write } = open();
    const a = await createProject(write, { name: "a" });
    await createProject(write, { name: "b" });
    await updateProject(write, { id: a.id, name: "c" });
    expect(names((await listProjects(write)).items)).toEqual(["b", "c"]);
  });

  describe("search", () => {
    it("matches each term as a case-insensitive substring of the name", async () => {
      const { write } = open();
      for (const name of ["Home Renovation", "Garden", "Homework", "Work stuff", "renovate kitchen"]) {
        await createProject(write, { name });
      }
      expect(names((await listProjects(write, { search: "home" })).items)).toEqual(["Home Renovation", "Homework"]);
      expect(names((await listProjects(write, { search: "RENOV" })).items)).toEqual(["Home Renovation", "renovate kitchen"]);
      expect(names((await listProjects(write, { search: "work home" })).items)).toEqual(["Homework"]);
      expect(names((await listProjects(write, { search: "  ho   ren  " })).items)).toEqual(["Home Renovation"]);
      expect(names((await listProjects(write, { search: "o" })).items)).toEqual([
        "Home Renovation", "Homework", "renovate kitchen", "Work stuff",
      ]);
      expect((await listProjects(write, { search: "garden work" })).items).toEqual([]);
      expect((await listProjects(write, { search: "" })).items).toHaveLength(5);
      expect((await listProjects(write, { search: "   " })).items).toHaveLength(5);
    });

    it("follows a rename and folds non-ASCII case", async () => {
      const { write } = open();
      const project = await createProject(write, { name: "Garden" });
      await updateProject(write, { id: project.id, name: "Äpfel" });
      expect((await listProjects(write, { search: "garden" })).items).toEqual([]);
      expect(names((await listProjects(write, { search: "äPF" })).items)).toEqual(["Äpfel"]);
      expect(names((await listProjects(write, { search: "Ä" })).items)).toEqual(["Äpfel"]);
    });

    it("does not match the description", async () => {
      const { write } = open();
      await createProject(write, { name: "Plain", description: "secret" });
      expect((await listProjects(write, { search: "secret" })).items).toEqual([]);
    });

    it("treats wildcard and quote characters literally", async () => {
      const { write } = open();
      for (const name of ["50% off", "500 off", "a_c", "abc", 'say "hi"', "C++ book", "x*y"]) {
        await createProject(write, { name });
      }
      expect(names((await listProjects(write, { search: "50%" })).items)).toEqual(["50% off"]);
      expect(names((await listProjects(write, { search: "a_c" })).items)).toEqual(["a_c"]);
      expect(names((await listProjects(write, { search: '"hi"' })).items)).toEqual(['say "hi"']);
      expect(names((await listProjects(write, { search: "c++" })).items)).toEqual(["C++ book"]);
      expect(names((await listProjects(write, { search: "x*" })).items)).toEqual(["x*y"]);
      expect((await listProjects(write, { search: "%" })).items).toHaveLength(1);
      expect((await listProjects(write, { search: "\\" })).items).toEqual([]);
    });

    it("combines with the archived filter", async () => {
      const { write } = open();
      await createProject(write, { name: "Home" });
      await archiveProject(write, { id: (await createProject(write, { name: "Old home" })).id });
      await createProject(write, { name: "Old work" });
      expect(names((await listProjects(write, { search: "home", archived: true })).items)).toEqual(["Old home"]);
      expect(names((await listProjects(write, { search: "home" })).items)).toEqual(["Home"]);
    });
  });

  describe("paging", () => {
    it("pages through every project exactly once, in order", async () => {
      const { write } = open();
      const created = await inTurn(["d", "B", "a", "c", "b", "A", "e"], (name) => createProject(write, { name }));
      const expected = [...created].sort(byName).map((p) => p.id);
      for (const limit of [1, 2, 3, 6, 7, 100]) {
        const pages = await allProjectPages(write, { limit });
        expect(pages.flat().map((p) => p.id)).toEqual(expected);
        expect(pages.every((page) => page.length > 0 && page.length <= limit)).toBe(true);
        expect(pages).toHaveLength(Math.ceil(expected.length / limit));
      }
    });

    it("returns nextCursor null on the last page, also when it is exactly full", async () => {
      const { write } = open();
      for (const name of ["a", "b", "c", "d"]) await createProject(write, { name });
      const first = await listProjects(write, { limit: 2 });
      expect(first.nextCursor).not.toBeNull();
      const second = await listProjects(write, { limit: 2, cursor: first.nextCursor! });
      expect(names(second.items)).toEqual(["c", "d"]);
      expect(second.nextCursor).toBeNull();
      expect((await listProjects(write, { limit: 4 })).nextCursor).toBeNull();
    });

    it("pages searched and archived lists", async () => {
      const { write } = open();
      for (const name of ["x1", "y1", "x2", "x3", "y2"]) await archiveProject(write, { id: (await createProject(write, { name })).id });
      await createProject(write, { name: "x0" });
      const pages = await allProjectPages(write, { archived: true, search: "x", limit: 2 });
      expect(pages.map(names)).toEqual([["x1", "x2"], ["x3"]]);
    });

    it("stays stable when projects are created and deleted between pages", async () => {
      const { write } = open();
      const byLetter = Object.fromEntries(await inTurn(["b", "d", "f", "h"], async (name) => [name, await createProject(write, { name })] as const));
      const first = await listProjects(write, { limit: 2 });
      expect(names(first.items)).toEqual(["b", "d"]);
      await createProject(write, { name: "a" });
      await createProject(write, { name: "c" });
      await createProject(write, { name: "g" });
      await deleteProject(write, { id: byLetter.d!.id });
      await deleteProject(write, { id: byLetter.f!.id });
      const second = await listProjects(write, { limit: 2, cursor: first.nextCursor! });
      expect(names(second.items)).toEqual(["g", "h"]);
      expect(second.nextCursor).toBeNull();
    });

    it("takes a cursor only exactly as issued, and rejects a hand-made one that names this query", async () => {
      const { write } = open();
      for (const name of ["a", "b", "c"]) await createProject(write, { name });
      const cursor = (await listProjects(write, { limit: 1 })).nextCursor!;
      expect(names((await listProjects(write, { limit: 1, cursor })).items)).toEqual(["b"]);
      for (const changed of [`${cursor}@@`, `${cursor}==`, `${cursor} `, `${cursor}!`, cursor.slice(1), `${cursor.slice(0, -1)}${cursor.endsWith("A") ? "B" : "A"}`]) {
        await expectReason(() => listProjects(write, { limit: 1, cursor: changed }), "INVALID_CURSOR");
      }
      const [payload = "", signature = ""] = cursor.split(".");
      const [owner, , id] = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as unknown[];
      const forged = Buffer.from(JSON.stringify([owner, "b", id])).toString("base64url");
      await expectReason(() => listProjects(write, { limit: 1, cursor: forged }), "INVALID_CURSOR");
      await expectReason(() => listProjects(write, { limit: 1, cursor: `${forged}.${signature}` }), "INVALID_CURSOR");
    });

    it("rejects a garbage cursor with INVALID_CURSOR", async () => {
      const { write } = open();
      await createProject(write);
      for (const cursor of ["garbage", "x", "eyJmb28iOjF9", "W10", "!!!"]) {
        await expectReason(() => listProjects(write, { cursor }), "INVALID_CURSOR");
      }
    });

    it("rejects a cursor from a different query with INVALID_CURSOR", async () => {
      const { write } = open();
      for (const name of ["a1", "a2", "a3"]) {
        await createProject(write, { name });
        await archiveProject(write, { id: (await createProject(write, { name: `${name}-old` })).id });
      }
      const { nextCursor } = await listProjects(write, { limit: 1, search: "a" });
      expect(nextCursor).not.toBeNull();
      await expectReason(() => listProjects(write, { limit: 1, search: "a1", cursor: nextCursor! }), "INVALID_CURSOR");
      await expectReason(() => listProjects(write, { limit: 1, cursor: nextCursor! }), "INVALID_CURSOR");
      await expectReason(() => listProjects(write, { limit: 1, search: "a", archived: true, cursor: nextCursor! }), "INVALID_CURSOR");
      expect((await listProjects(write, { limit: 1, search: "a", cursor: nextCursor! })).items).toHaveLength(1);
    });

    it("rejects a task cursor", async () => {
      const { write } = open();
      const project = await createProject(write);
      await createProject(write, { name: "Other" });
      await createTask(write, project.id);
      await createTask(write, project.id);
      const { nextCursor } = await listTasks(write, { limit: 1 });
      expect(nextCursor).not.toBeNull();
      await expectReason(() => listProjects(write, { cursor: nextCursor! }), "INVALID_CURSOR");
    });
  });
});
