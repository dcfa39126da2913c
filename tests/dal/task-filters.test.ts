import type { z } from "zod";
import { describe, expect, it } from "vitest";
import type { Repository } from "../../src/data";
import type { taskQueryInput } from "../../src/domain";
import {
  archiveProject,
  completeTask,
  countTasks,
  createProject,
  createTask,
  listTasks,
  unarchiveProject,
  updateTask,
} from "./fixtures";
import { implementations } from "./implementations";

type Query = z.input<typeof taskQueryInput>;

/**
 * Two active projects and an archived one:
 *   milk   home  "Buy milk"        "at the store"          normal  2025-01-10  [Errand]        open
 *   rent   home  "Pay rent"        ""                      high    2025-01-31  [Home, money]   completed
 *   report work  "Write report"    "quarterly numbers"     urgent  —           [work]          open
 *   email  work  "Email Bob"       "about the MILK order"  low     2025-02-01  []              open
 *   review work  "Review homework" ""                      low     —           [homework]      completed
 *   old    old   "Old thing"       "milk"                  normal  2025-01-15  [errand]        open
 */
function world(write: Repository) {
  const home = createProject(write, { name: "Home" });
  const work = createProject(write, { name: "Work" });
  const old = createProject(write, { name: "Old" });
  const t = {
    milk: createTask(write, home.id, { title: "Buy milk", description: "at the store", dueDate: "2025-01-10", labels: ["Errand"] }),
    rent: createTask(write, home.id, { title: "Pay rent", priority: "high", dueDate: "2025-01-31", labels: ["money", "Home"] }),
    report: createTask(write, work.id, { title: "Write report", description: "quarterly numbers", priority: "urgent", labels: ["work"] }),
    email: createTask(write, work.id, { title: "Email Bob", description: "about the MILK order", priority: "low", dueDate: "2025-02-01" }),
    review: createTask(write, work.id, { title: "Review homework", priority: "low", labels: ["homework"] }),
    old: createTask(write, old.id, { title: "Old thing", description: "milk", dueDate: "2025-01-15", labels: ["errand"] }),
  };
  completeTask(write, { id: t.rent.id });
  completeTask(write, { id: t.review.id });
  archiveProject(write, { id: old.id });
  const names = new Map(Object.entries(t).map(([name, task]) => [task.id, name]));
  /** The fixture names of the tasks a query finds, sorted; and checks that count agrees. */
  const found = (query: Query = {}): string[] => {
    const items = listTasks(write, { ...query, limit: 100 }).items;
    const { sort: _sort, limit: _limit, cursor: _cursor, ...filter } = query;
    expect(countTasks(write, filter)).toBe(items.length);
    return items.map((task) => names.get(task.id) ?? task.id).sort();
  };
  return { home, work, old, t, found };
}

describe.each(implementations)("tasks.list and tasks.count filters ($name)", ({ open }) => {
  it("finds nothing in an empty store", () => {
    const { read } = open();
    expect(listTasks(read, { status: "all", includeArchivedProjects: true })).toEqual({ items: [], nextCursor: null });
    expect(countTasks(read, { status: "all", includeArchivedProjects: true })).toBe(0);
  });

  it("lists full tasks as stored", () => {
    const { write } = open();
    const { t } = world(write);
    const items = listTasks(write, { status: "all" }).items;
    expect(items.find((task) => task.id === t.milk.id)).toEqual(write.getTask(t.milk.id));
    expect(items.find((task) => task.id === t.rent.id)).toEqual(write.getTask(t.rent.id));
  });

  describe("status", () => {
    it("defaults to open", () => {
      const { write } = open();
      const { found } = world(write);
      expect(found()).toEqual(["email", "milk", "report"]);
      expect(found({ status: "open" })).toEqual(["email", "milk", "report"]);
      expect(countTasks(write)).toBe(3);
    });

    it("completed and all", () => {
      const { write } = open();
      const { found } = world(write);
      expect(found({ status: "completed" })).toEqual(["rent", "review"]);
      expect(found({ status: "all" })).toEqual(["email", "milk", "rent", "report", "review"]);
    });

    it("follows complete and reopen", () => {
      const { write } = open();
      const { t, found } = world(write);
      completeTask(write, { id: t.milk.id });
      expect(found({ status: "completed" })).toEqual(["milk", "rent", "review"]);
      expect(found()).toEqual(["email", "report"]);
    });
  });

  describe("projectId", () => {
    it("as one id", () => {
      const { write } = open();
      const { home, work, found } = world(write);
      expect(found({ projectId: home.id })).toEqual(["milk"]);
      expect(found({ projectId: home.id, status: "all" })).toEqual(["milk", "rent"]);
      expect(found({ projectId: work.id, status: "completed" })).toEqual(["review"]);
    });

    it("as a list of ids", () => {
      const { write } = open();
      const { home, work, found } = world(write);
      expect(found({ projectId: [home.id, work.id] })).toEqual(["email", "milk", "report"]);
      expect(found({ projectId: [work.id] })).toEqual(["email", "report"]);
      expect(found({ projectId: [home.id, home.id] })).toEqual(["milk"]);
    });

    it("of a project without tasks or that does not exist finds nothing", () => {
      const { write } = open();
      const { found } = world(write);
      const empty = createProject(write, { name: "Empty" });
      expect(found({ projectId: empty.id, status: "all" })).toEqual([]);
      expect(found({ projectId: ["missing"], status: "all" })).toEqual([]);
    });
  });

  describe("archived projects", () => {
    it("are left out by default", () => {
      const { write } = open();
      const { found } = world(write);
      expect(found({ status: "all" })).not.toContain("old");
      expect(found({ search: "milk" })).toEqual(["email", "milk"]);
    });

    it("are included with includeArchivedProjects", () => {
      const { write } = open();
      const { found } = world(write);
      expect(found({ includeArchivedProjects: true })).toEqual(["email", "milk", "old", "report"]);
      expect(found({ includeArchivedProjects: true, search: "milk" })).toEqual(["email", "milk", "old"]);
    });

    it("are included when named in projectId", () => {
      const { write } = open();
      const { old, home, work, found } = world(write);
      expect(found({ projectId: old.id })).toEqual(["old"]);
      expect(found({ projectId: [old.id] })).toEqual(["old"]);
      expect(found({ projectId: [home.id, old.id] })).toEqual(["milk", "old"]);
      expect(found({ projectId: [home.id, work.id] })).toEqual(["email", "milk", "report"]);
    });

    it("come back when the project is unarchived", () => {
      const { write } = open();
      const { old, found } = world(write);
      unarchiveProject(write, { id: old.id });
      expect(found()).toEqual(["email", "milk", "old", "report"]);
    });
  });

  describe("search", () => {
    it("matches a term in the title or the description, case-insensitively", () => {
      const { write } = open();
      const { found } = world(write);
      expect(found({ search: "milk" })).toEqual(["email", "milk"]);
      expect(found({ search: "MiLk" })).toEqual(["email", "milk"]);
      expect(found({ search: "QUARTER" })).toEqual(["report"]);
      expect(found({ search: "store", status: "all" })).toEqual(["milk"]);
    });

    it("requires every term, each in the title or the description", () => {
      const { write } = open();
      const { found } = world(write);
      expect(found({ search: "milk store" })).toEqual(["milk"]);
      expect(found({ search: "bob milk" })).toEqual(["email"]);
      expect(found({ search: "  buy \t  milk \n" })).toEqual(["milk"]);
      expect(found({ search: "milk rent", status: "all" })).toEqual([]);
    });

    it("works with terms shorter than three characters", () => {
      const { write } = open();
      const { found } = world(write);
      expect(found({ search: "bu mi" })).toEqual(["milk"]);
      expect(found({ search: "y", status: "all" })).toEqual(["milk", "rent", "report"]);
      expect(found({ search: "ew", status: "all" })).toEqual(["review"]);
      expect(found({ search: "at", status: "all" })).toEqual(["milk"]);
      expect(found({ search: "q" })).toEqual(["report"]);
    });

    it("does not match a term spanning the title and the description", () => {
      const { write } = open();
      const { found } = world(write);
      // "Buy milk" + "at the store"
      expect(found({ search: "milkat" })).toEqual([]);
      expect(found({ search: "kat" })).toEqual([]);
      expect(found({ search: "milk at" })).toEqual(["milk"]);
    });

    it("matches a term only as a whole, not as its pieces found apart", () => {
      const { write } = open();
      const project = createProject(write);
      // Each holds every three-letter piece of "abcab" (abc, bca, cab), only the first holds the term itself.
      const whole = createTask(write, project.id, { title: "xabcabx" });
      createTask(write, project.id, { title: "abca", description: "xcab" });
      createTask(write, project.id, { title: "abca xcab" });
      expect(listTasks(write, { search: "abcab" }).items.map((task) => task.id)).toEqual([whole.id]);
      expect(countTasks(write, { search: "ABCAB" })).toBe(1);
    });

    it("an empty or blank search matches everything", () => {
      const { write } = open();
      const { found } = world(write);
      expect(found({ search: "" })).toEqual(["email", "milk", "report"]);
      expect(found({ search: "   " })).toEqual(["email", "milk", "report"]);
    });

    it("treats wildcard, quote and operator characters literally", () => {
      const { write } = open();
      const project = createProject(write);
      const titles = ["50% off", "500 off", "a_c", "abc", 'say "hi"', "C++ tips", "x*y", "NOT this", "a-b", "(paren)"];
      for (const title of titles) createTask(write, project.id, { title });
      const search = (s: string) => listTasks(write, { search: s, limit: 100 }).items.map((task) => task.title).sort();
      expect(search("50%")).toEqual(["50% off"]);
      expect(search("a_c")).toEqual(["a_c"]);
      expect(search('"hi"')).toEqual(['say "hi"']);
      expect(search('"')).toEqual(['say "hi"']);
      expect(search("c++")).toEqual(["C++ tips"]);
      expect(search("x*")).toEqual(["x*y"]);
      expect(search("not")).toEqual(["NOT this"]);
      expect(search("a-b")).toEqual(["a-b"]);
      expect(search("(paren")).toEqual(["(paren)"]);
      expect(search("\\")).toEqual([]);
      expect(search("AND OR")).toEqual([]);
      expect(countTasks(write, { search: "50%" })).toBe(1);
    });

    it("folds the case of non-ASCII letters too", () => {
      const { write } = open();
      const project = createProject(write);
      createTask(write, project.id, { title: "Äpfel kaufen" });
      createTask(write, project.id, { title: "Brot", description: "ÜBER Straße" });
      const search = (s: string) => listTasks(write, { search: s }).items.map((task) => task.title);
      expect(search("äPFEL")).toEqual(["Äpfel kaufen"]);
      expect(search("ä")).toEqual(["Äpfel kaufen"]);
      expect(search("über STRASSE")).toEqual([]);
      expect(search("über STRAẞE".toLowerCase())).toEqual(["Brot"]);
      expect(search("apfel")).toEqual([]);
    });

    it("follows updates of title and description", () => {
      const { write } = open();
      const project = createProject(write);
      const task = createTask(write, project.id, { title: "alpha", description: "beta" });
      expect(listTasks(write, { search: "beta" }).items).toHaveLength(1);
      updateTask(write, { id: task.id, description: "gamma" });
      expect(listTasks(write, { search: "beta" }).items).toHaveLength(0);
      expect(listTasks(write, { search: "gamma alpha" }).items).toHaveLength(1);
    });
  });

  describe("priority", () => {
    it("matches any of the given priorities", () => {
      const { write } = open();
      const { found } = world(write);
      expect(found({ priority: ["low"] })).toEqual(["email"]);
      expect(found({ priority: ["low"], status: "all" })).toEqual(["email", "review"]);
      expect(found({ priority: ["high", "urgent"], status: "all" })).toEqual(["rent", "report"]);
      expect(found({ priority: ["normal"], includeArchivedProjects: true })).toEqual(["milk", "old"]);
      expect(found({ priority: ["low", "normal", "high", "urgent"] })).toEqual(["email", "milk", "report"]);
    });
  });

  describe("labels", () => {
    it("matches any of the given labels, case-insensitively and whole", () => {
      const { write } = open();
      const { found } = world(write);
      expect(found({ labels: ["errand"] })).toEqual(["milk"]);
      expect(found({ labels: ["ERRAND"], includeArchivedProjects: true })).toEqual(["milk", "old"]);
      expect(found({ labels: ["Work"], status: "all" })).toEqual(["report"]);
      expect(found({ labels: ["home"], status: "all" })).toEqual(["rent"]);
      expect(found({ labels: ["money", "work"], status: "all" })).toEqual(["rent", "report"]);
      expect(found({ labels: ["err"], status: "all" })).toEqual([]);
      expect(found({ labels: [" homework "], status: "all" })).toEqual(["review"]);
    });

    it("follows label updates", () => {
      const { write } = open();
      const { t, found } = world(write);
      updateTask(write, { id: t.milk.id, labels: ["Shopping"] });
      expect(found({ labels: ["errand"] })).toEqual([]);
      expect(found({ labels: ["shopping"] })).toEqual(["milk"]);
    });
  });

  describe("due dates", () => {
    it("dueFrom and dueTo are inclusive", () => {
      const { write } = open();
      const { found } = world(write);
      expect(found({ dueFrom: "2025-01-10", dueTo: "2025-01-31", status: "all" })).toEqual(["milk", "rent"]);
      expect(found({ dueFrom: "2025-01-31", status: "all" })).toEqual(["email", "rent"]);
      expect(found({ dueTo: "2025-01-10", status: "all" })).toEqual(["milk"]);
      expect(found({ dueFrom: "2025-02-01", dueTo: "2025-02-01" })).toEqual(["email"]);
      expect(found({ dueFrom: "2025-01-11", dueTo: "2025-01-30", status: "all" })).toEqual([]);
      expect(found({ dueFrom: "2025-01-11", dueTo: "2025-01-30", status: "all", includeArchivedProjects: true })).toEqual(["old"]);
      expect(found({ dueFrom: "2025-02-02", status: "all" })).toEqual([]);
      expect(found({ dueFrom: "2025-02-01", dueTo: "2025-01-01", status: "all" })).toEqual([]);
    });

    it("tasks without a due date never match a range", () => {
      const { write } = open();
      const { found } = world(write);
      expect(found({ dueFrom: "0001-01-01", status: "all" })).toEqual(["email", "milk", "rent"]);
      expect(found({ dueTo: "9999-12-31", status: "all" })).toEqual(["email", "milk", "rent"]);
    });

    it("hasDueDate", () => {
      const { write } = open();
      const { found } = world(write);
      expect(found({ hasDueDate: true, status: "all" })).toEqual(["email", "milk", "rent"]);
      expect(found({ hasDueDate: false, status: "all" })).toEqual(["report", "review"]);
      expect(found({ hasDueDate: false, dueFrom: "2025-01-01", status: "all" })).toEqual([]);
    });

    it("follows a cleared due date", () => {
      const { write } = open();
      const { t, found } = world(write);
      updateTask(write, { id: t.milk.id, dueDate: null });
      expect(found({ hasDueDate: false })).toEqual(["milk", "report"]);
      expect(found({ dueTo: "2025-12-31" })).toEqual(["email"]);
    });
  });

  it("combines every given filter with AND", () => {
    const { write } = open();
    const { home, work, found } = world(write);
    expect(found({ status: "all", projectId: work.id, priority: ["low"], hasDueDate: false })).toEqual(["review"]);
    expect(found({ search: "milk", priority: ["low"] })).toEqual(["email"]);
    expect(found({ search: "milk", projectId: home.id })).toEqual(["milk"]);
    expect(found({ labels: ["errand", "work"], dueFrom: "2025-01-01" })).toEqual(["milk"]);
    expect(found({ labels: ["errand", "work"], includeArchivedProjects: true, priority: ["normal"], dueTo: "2025-01-12" })).toEqual(["milk"]);
    expect(found({ status: "completed", projectId: [home.id, work.id], hasDueDate: true })).toEqual(["rent"]);
    expect(found({ status: "completed", search: "milk" })).toEqual([]);
  });
});
