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
} from "./fixtures";
import { implementations } from "./implementations";

const names = (projects: Project[]) => projects.map((p) => p.name);

/** Name case-insensitively, then id: the order projects.list promises. */
const byName = (a: Project, b: Project) => {
  const [x, y] = [a.name.toLowerCase(), b.name.toLowerCase()];
  return x < y ? -1 : x > y ? 1 : byId(a, b);
};

describe.each(implementations)("projects.list ($name)", ({ open }) => {
  it("lists nothing in an empty store", () => {
    const { read } = open();
    expect(listProjects(read)).toEqual({ items: [], nextCursor: null });
  });

  it("lists active projects by default and archived ones on request", () => {
    const { write } = open();
    const active = createProject(write, { name: "Active" });
    const old = createProject(write, { name: "Old" });
    const archived = archiveProject(write, { id: old.id });
    expect(listProjects(write).items).toEqual([write.getProject(active.id)]);
    expect(listProjects(write, { archived: false }).items).toEqual([active]);
    expect(listProjects(write, { archived: true }).items).toEqual([archived]);
  });

  it("orders by name case-insensitively, then by id", () => {
    const { write } = open();
    const created = ["cherry", "Banana", "apple", "banana", "Apple", "Cherry pie", "apple"].map((name) =>
      createProject(write, { name }),
    );
    const listed = listProjects(write).items;
    expect(listed).toEqual([...created].sort(byName));
    expect(names(listed).map((n) => n.toLowerCase())).toEqual([
      "apple", "apple", "apple", "banana", "banana", "cherry", "cherry pie",
    ]);
  });

  it("reorders after a rename", () => {
    const { write } = open();
    const a = createProject(write, { name: "a" });
    createProject(write, { name: "b" });
    updateProject(write, { id: a.id, name: "c" });
    expect(names(listProjects(write).items)).toEqual(["b", "c"]);
  });

  describe("search", () => {
    it("matches each term as a case-insensitive substring of the name", () => {
      const { write } = open();
      for (const name of ["Home Renovation", "Garden", "Homework", "Work stuff", "renovate kitchen"]) {
        createProject(write, { name });
      }
      expect(names(listProjects(write, { search: "home" }).items)).toEqual(["Home Renovation", "Homework"]);
      expect(names(listProjects(write, { search: "RENOV" }).items)).toEqual(["Home Renovation", "renovate kitchen"]);
      expect(names(listProjects(write, { search: "work home" }).items)).toEqual(["Homework"]);
      expect(names(listProjects(write, { search: "  ho   ren  " }).items)).toEqual(["Home Renovation"]);
      expect(names(listProjects(write, { search: "o" }).items)).toEqual([
        "Home Renovation", "Homework", "renovate kitchen", "Work stuff",
      ]);
      expect(listProjects(write, { search: "garden work" }).items).toEqual([]);
      expect(listProjects(write, { search: "" }).items).toHaveLength(5);
      expect(listProjects(write, { search: "   " }).items).toHaveLength(5);
    });

    it("follows a rename and folds non-ASCII case", () => {
      const { write } = open();
      const project = createProject(write, { name: "Garden" });
      updateProject(write, { id: project.id, name: "Äpfel" });
      expect(listProjects(write, { search: "garden" }).items).toEqual([]);
      expect(names(listProjects(write, { search: "äPF" }).items)).toEqual(["Äpfel"]);
      expect(names(listProjects(write, { search: "Ä" }).items)).toEqual(["Äpfel"]);
    });

    it("does not match the description", () => {
      const { write } = open();
      createProject(write, { name: "Plain", description: "secret" });
      expect(listProjects(write, { search: "secret" }).items).toEqual([]);
    });

    it("treats wildcard and quote characters literally", () => {
      const { write } = open();
      for (const name of ["50% off", "500 off", "a_c", "abc", 'say "hi"', "C++ book", "x*y"]) {
        createProject(write, { name });
      }
      expect(names(listProjects(write, { search: "50%" }).items)).toEqual(["50% off"]);
      expect(names(listProjects(write, { search: "a_c" }).items)).toEqual(["a_c"]);
      expect(names(listProjects(write, { search: '"hi"' }).items)).toEqual(['say "hi"']);
      expect(names(listProjects(write, { search: "c++" }).items)).toEqual(["C++ book"]);
      expect(names(listProjects(write, { search: "x*" }).items)).toEqual(["x*y"]);
      expect(listProjects(write, { search: "%" }).items).toHaveLength(1);
      expect(listProjects(write, { search: "\\" }).items).toEqual([]);
    });

    it("combines with the archived filter", () => {
      const { write } = open();
      createProject(write, { name: "Home" });
      archiveProject(write, { id: createProject(write, { name: "Old home" }).id });
      createProject(write, { name: "Old work" });
      expect(names(listProjects(write, { search: "home", archived: true }).items)).toEqual(["Old home"]);
      expect(names(listProjects(write, { search: "home" }).items)).toEqual(["Home"]);
    });
  });

  describe("paging", () => {
    it("pages through every project exactly once, in order", () => {
      const { write } = open();
      const created = ["d", "B", "a", "c", "b", "A", "e"].map((name) => createProject(write, { name }));
      const expected = [...created].sort(byName).map((p) => p.id);
      for (const limit of [1, 2, 3, 6, 7, 100]) {
        const pages = allProjectPages(write, { limit });
        expect(pages.flat().map((p) => p.id)).toEqual(expected);
        expect(pages.every((page) => page.length > 0 && page.length <= limit)).toBe(true);
        expect(pages).toHaveLength(Math.ceil(expected.length / limit));
      }
    });

    it("returns nextCursor null on the last page, also when it is exactly full", () => {
      const { write } = open();
      for (const name of ["a", "b", "c", "d"]) createProject(write, { name });
      const first = listProjects(write, { limit: 2 });
      expect(first.nextCursor).not.toBeNull();
      const second = listProjects(write, { limit: 2, cursor: first.nextCursor! });
      expect(names(second.items)).toEqual(["c", "d"]);
      expect(second.nextCursor).toBeNull();
      expect(listProjects(write, { limit: 4 }).nextCursor).toBeNull();
    });

    it("pages searched and archived lists", () => {
      const { write } = open();
      for (const name of ["x1", "y1", "x2", "x3", "y2"]) archiveProject(write, { id: createProject(write, { name }).id });
      createProject(write, { name: "x0" });
      const pages = allProjectPages(write, { archived: true, search: "x", limit: 2 });
      expect(pages.map(names)).toEqual([["x1", "x2"], ["x3"]]);
    });

    it("stays stable when projects are created and deleted between pages", () => {
      const { write } = open();
      const byLetter = Object.fromEntries(["b", "d", "f", "h"].map((name) => [name, createProject(write, { name })]));
      const first = listProjects(write, { limit: 2 });
      expect(names(first.items)).toEqual(["b", "d"]);
      createProject(write, { name: "a" });
      createProject(write, { name: "c" });
      createProject(write, { name: "g" });
      deleteProject(write, { id: byLetter.d!.id });
      deleteProject(write, { id: byLetter.f!.id });
      const second = listProjects(write, { limit: 2, cursor: first.nextCursor! });
      expect(names(second.items)).toEqual(["g", "h"]);
      expect(second.nextCursor).toBeNull();
    });

    it("takes a cursor only exactly as issued, and rejects a hand-made one that names this query", () => {
      const { write } = open();
      for (const name of ["a", "b", "c"]) createProject(write, { name });
      const cursor = listProjects(write, { limit: 1 }).nextCursor!;
      expect(names(listProjects(write, { limit: 1, cursor }).items)).toEqual(["b"]);
      for (const changed of [`${cursor}@@`, `${cursor}==`, `${cursor} `, `${cursor}!`, cursor.slice(1), `${cursor.slice(0, -1)}${cursor.endsWith("A") ? "B" : "A"}`]) {
        expectReason(() => listProjects(write, { limit: 1, cursor: changed }), "INVALID_CURSOR");
      }
      const [payload = "", signature = ""] = cursor.split(".");
      const [owner, , id] = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as unknown[];
      const forged = Buffer.from(JSON.stringify([owner, "b", id])).toString("base64url");
      expectReason(() => listProjects(write, { limit: 1, cursor: forged }), "INVALID_CURSOR");
      expectReason(() => listProjects(write, { limit: 1, cursor: `${forged}.${signature}` }), "INVALID_CURSOR");
    });

    it("rejects a garbage cursor with INVALID_CURSOR", () => {
      const { write } = open();
      createProject(write);
      for (const cursor of ["garbage", "x", "eyJmb28iOjF9", "W10", "!!!"]) {
        expectReason(() => listProjects(write, { cursor }), "INVALID_CURSOR");
      }
    });

    it("rejects a cursor from a different query with INVALID_CURSOR", () => {
      const { write } = open();
      for (const name of ["a1", "a2", "a3"]) {
        createProject(write, { name });
        archiveProject(write, { id: createProject(write, { name: `${name}-old` }).id });
      }
      const { nextCursor } = listProjects(write, { limit: 1, search: "a" });
      expect(nextCursor).not.toBeNull();
      expectReason(() => listProjects(write, { limit: 1, search: "a1", cursor: nextCursor! }), "INVALID_CURSOR");
      expectReason(() => listProjects(write, { limit: 1, cursor: nextCursor! }), "INVALID_CURSOR");
      expectReason(() => listProjects(write, { limit: 1, search: "a", archived: true, cursor: nextCursor! }), "INVALID_CURSOR");
      expect(listProjects(write, { limit: 1, search: "a", cursor: nextCursor! }).items).toHaveLength(1);
    });

    it("rejects a task cursor", () => {
      const { write } = open();
      const project = createProject(write);
      createProject(write, { name: "Other" });
      createTask(write, project.id);
      createTask(write, project.id);
      const { nextCursor } = listTasks(write, { limit: 1 });
      expect(nextCursor).not.toBeNull();
      expectReason(() => listProjects(write, { cursor: nextCursor! }), "INVALID_CURSOR");
    });
  });
});
