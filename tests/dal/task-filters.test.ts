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
async function world(write: Repository) {
  const home = await createProject(write, { name: "Home" });
  const work = await createProject(write, { name: "Work" });
  const old = await createProject(write, { name: "Old" });
  const t = {
    milk: await createTask(write, home.id, { title: "Buy milk", description: "at the store", dueDate: "2025-01-10", labels: ["Errand"] }),
    rent: await createTask(write, home.id, { title: "Pay rent", priority: "high", dueDate: "2025-01-31", labels: ["money", "Home"] }),
    report: await createTask(write, work.id, { title: "Write report", description: "quarterly numbers", priority: "urgent", labels: ["work"] }),
    email: await createTask(write, work.id, { title: "Email Bob", description: "about the MILK order", priority: "low", dueDate: "2025-02-01" }),
    review: await createTask(write, work.id, { title: "Review homework", priority: "low", labels: ["homework"] }),
    old: await createTask(write, old.id, { title: "Old thing", description: "milk", dueDate: "2025-01-15", labels: ["errand"] }),
  };
  await completeTask(write, { id: t.rent.id });
  await completeTask(write, { id: t.review.id });
  await archiveProject(write, { id: old.id });
  const names = new Map(Object.entries(t).map(([name, task]) => [task.id, name]));
  /** The fixture names of the tasks a query finds, sorted; and checks that count agrees. */
  const found = async (query: Query = {}): Promise<string[]> => {
    const items = (await listTasks(write, { ...query, limit: 100 })).items;
    const { sort: _sort, limit: _limit, cursor: _cursor, ...filter } = query;
    expect(await countTasks(write, filter)).toBe(items.length);
    return items.map((task) => names.get(task.id) ?? task.id).sort();
  };
  return { home, work, old, t, found };
}

describe.each(implementations)("tasks.list and tasks.count filters ($name)", ({ open }) => {
  it("finds nothing in an empty store", async () => {
    const { read } = open();
    expect(await listTasks(read, { status: "all", includeArchivedProjects: true })).toEqual({ items: [], nextCursor: null });
    expect(await countTasks(read, { status: "all", includeArchivedProjects: true })).toBe(0);
  });

  it("lists full tasks as stored", async () => {
    const { write } = open();
    const { t } = await world(write);
    const items = (await listTasks(write, { status: "all" })).items;
    expect(items.find((task) => task.id === t.milk.id)).toEqual(await write.getTask(t.milk.id));
    expect(items.find((task) => task.id === t.rent.id)).toEqual(await write.getTask(t.rent.id));
  });

  describe("status", () => {
    it("defaults to open", async () => {
      const { write } = open();
      const { found } = await world(write);
      expect(await found()).toEqual(["email", "milk", "report"]);
      expect(await found({ status: "open" })).toEqual(["email", "milk", "report"]);
      expect(await countTasks(write)).toBe(3);
    });

    it("completed and all", async () => {
      const { write } = open();
      const { found } = await world(write);
      expect(await found({ status: "completed" })).toEqual(["rent", "review"]);
      expect(await found({ status: "all" })).toEqual(["email", "milk", "rent", "report", "review"]);
    });

    it("follows complete and reopen", async () => {
      const { write } = open();
      const { t, found } = await world(write);
      await completeTask(write, { id: t.milk.id });
      expect(await found({ status: "completed" })).toEqual(["milk", "rent", "review"]);
      expect(await found()).toEqual(["email", "report"]);
    });
  });

  describe("projectId", () => {
    it("as one id", async () => {
      const { write } = open();
      const { home, work, found } = await world(write);
      expect(await found({ projectId: home.id })).toEqual(["milk"]);
      expect(await found({ projectId: home.id, status: "all" })).toEqual(["milk", "rent"]);
      expect(await found({ projectId: work.id, status: "completed" })).toEqual(["review"]);
    });

    it("as a list of ids", async () => {
      const { write } = open();
      const { home, work, found } = await world(write);
      expect(await found({ projectId: [home.id, work.id] })).toEqual(["email", "milk", "report"]);
      expect(await found({ projectId: [work.id] })).toEqual(["email", "report"]);
      expect(await found({ projectId: [home.id, home.id] })).toEqual(["milk"]);
    });

    it("of a project without tasks or that does not exist finds nothing", async () => {
      const { write } = open();
      const { found } = await world(write);
      const empty = await createProject(write, { name: "Empty" });
      expect(await found({ projectId: empty.id, status: "all" })).toEqual([]);
      expect(await found({ projectId: ["missing"], status: "all" })).toEqual([]);
    });
  });

  describe("archived projects", () => {
    it("are left out by default", async () => {
      const { write } = open();
      const { found } = await world(write);
      expect(await found({ status: "all" })).not.toContain("old");
      expect(await found({ search: "milk" })).toEqual(["email", "milk"]);
    });

    it("are included with includeArchivedProjects", async () => {
      const { write } = open();
      const { found } = await world(write);
      expect(await found({ includeArchivedProjects: true })).toEqual(["email", "milk", "old", "report"]);
      expect(await found({ includeArchivedProjects: true, search: "milk" })).toEqual(["email", "milk", "old"]);
    });

    it("are included when named in projectId", async () => {
      const { write } = open();
      const { old, home, work, found } = await world(write);
      expect(await found({ projectId: old.id })).toEqual(["old"]);
      expect(await found({ projectId: [old.id] })).toEqual(["old"]);
      expect(await found({ projectId: [home.id, old.id] })).toEqual(["milk", "old"]);
      expect(await found({ projectId: [home.id, work.id] })).toEqual(["email", "milk", "report"]);
    });

    it("come back when the project is unarchived", async () => {
      const { write } = open();
      const { old, found } = await world(write);
      await unarchiveProject(write, { id: old.id });
      expect(await found()).toEqual(["email", "milk", "old", "report"]);
    });
  });

  describe("search", () => {
    it("matches a term in the title or the description, case-insensitively", async () => {
      const { write } = open();
      const { found } = await world(write);
      expect(await found({ search: "milk" })).toEqual(["email", "milk"]);
      expect(await found({ search: "MiLk" })).toEqual(["email", "milk"]);
      expect(await found({ search: "QUARTER" })).toEqual(["report"]);
      expect(await found({ search: "store", status: "all" })).toEqual(["milk"]);
    });

    it("requires every term, each in the title or the description", async () => {
      const { write } = open();
      const { found } = await world(write);
      expect(await found({ search: "milk store" })).toEqual(["milk"]);
      expect(await found({ search: "bob milk" })).toEqual(["email"]);
      expect(await found({ search: "  buy \t  milk \n" })).toEqual(["milk"]);
      expect(await found({ search: "milk rent", status: "all" })).toEqual([]);
    });

    it("works with terms shorter than three characters", async () => {
      const { write } = open();
      const { found } = await world(write);
      expect(await found({ search: "bu mi" })).toEqual(["milk"]);
      expect(await found({ search: "y", status: "all" })).toEqual(["milk", "rent", "report"]);
      expect(await found({ search: "ew", status: "all" })).toEqual(["review"]);
      expect(await found({ search: "at", status: "all" })).toEqual(["milk"]);
      expect(await found({ search: "q" })).toEqual(["report"]);
    });

    it("does not match a term spanning the title and the description", async () => {
      const { write } = open();
      const { found } = await world(write);
      // "Buy milk" + "at the store"
      expect(await found({ search: "milkat" })).toEqual([]);
      expect(await found({ search: "kat" })).toEqual([]);
      expect(await found({ search: "milk at" })).toEqual(["milk"]);
    });

    it("matches a term only as a whole, not as its pieces found apart", async () => {
      const { write } = open();
      const project = await createProject(write);
      // Each holds every three-letter piece of "abcab" (abc, bca, cab), only the first holds the term itself.
      const whole = await createTask(write, project.id, { title: "xabcabx" });
      await createTask(write, project.id, { title: "abca", description: "xcab" });
      await createTask(write, project.id, { title: "abca xcab" });
      expect((await listTasks(write, { search: "abcab" })).items.map((task) => task.id)).toEqual([whole.id]);
      expect(await countTasks(write, { search: "ABCAB" })).toBe(1);
    });

    it("an empty or blank search matches everything", async () => {
      const { write } = open();
      const { found } = await world(write);
      expect(await found({ search: "" })).toEqual(["email", "milk", "report"]);
      expect(await found({ search: "   " })).toEqual(["email", "milk", "report"]);
    });

    it("treats wildcard, quote and operator characters literally", async () => {
      const { write } = open();
      const project = await createProject(write);
      const titles = ["50% off", "500 off", "a_c", "abc", 'say "hi"', "C++ tips", "x*y", "NOT this", "a-b", "(paren)"];
      for (const title of titles) await createTask(write, project.id, { title });
      const search = async (s: string) => (await listTasks(write, { search: s, limit: 100 })).items.map((task) => task.title).sort();
      expect(await search("50%")).toEqual(["50% off"]);
      expect(await search("a_c")).toEqual(["a_c"]);
      expect(await search('"hi"')).toEqual(['say "hi"']);
      expect(await search('"')).toEqual(['say "hi"']);
      expect(await search("c++")).toEqual(["C++ tips"]);
      expect(await search("x*")).toEqual(["x*y"]);
      expect(await search("not")).toEqual(["NOT this"]);
      expect(await search("a-b")).toEqual(["a-b"]);
      expect(await search("(paren")).toEqual(["(paren)"]);
      expect(await search("\\")).toEqual([]);
      expect(await search("AND OR")).toEqual([]);
      expect(await countTasks(write, { search: "50%" })).toBe(1);
    });

    it("folds the case of non-ASCII letters too", async () => {
      const { write } = open();
      const project = await createProject(write);
      await createTask(write, project.id, { title: "Äpfel kaufen" });
      await createTask(write, project.id, { title: "Brot", description: "ÜBER Straße" });
      const search = async (s: string) => (await listTasks(write, { search: s })).items.map((task) => task.title);
      expect(await search("äPFEL")).toEqual(["Äpfel kaufen"]);
      expect(await search("ä")).toEqual(["Äpfel kaufen"]);
      expect(await search("über STRASSE")).toEqual([]);
      expect(await search("über STRAẞE".toLowerCase())).toEqual(["Brot"]);
      expect(await search("apfel")).toEqual([]);
    });

    it("follows updates of title and description", async () => {
      const { write } = open();
      const project = await createProject(write);
      const task = await createTask(write, project.id, { title: "alpha", description: "beta" });
      expect((await listTasks(write, { search: "beta" })).items).toHaveLength(1);
      await updateTask(write, { id: task.id, description: "gamma" });
      expect((await listTasks(write, { search: "beta" })).items).toHaveLength(0);
      expect((await listTasks(write, { search: "gamma alpha" })).items).toHaveLength(1);
    });

    it("finds a word added after a search found nothing for it", async () => {
      const { read, write } = open();
      const project = await createProject(write);
      const search = { search: "invoice", status: "all" } as const;
      expect(await listTasks(read, search)).toEqual({ items: [], nextCursor: null });
      expect(await countTasks(read, search)).toBe(0);
      const titled = await createTask(write, project.id, { title: "Send invoice" });
      const described = await createTask(write, project.id, { title: "Call Ann", description: "about the INVOICE" });
      await completeTask(write, { id: described.id });
      expect((await listTasks(read, search)).items.map((task) => task.id).sort()).toEqual([titled.id, described.id].sort());
      expect(await countTasks(read, search)).toBe(2);
    });
  });

  describe("priority", () => {
    it("matches any of the given priorities", async () => {
      const { write } = open();
      const { found } = await world(write);
      expect(await found({ priority: ["low"] })).toEqual(["email"]);
      expect(await found({ priority: ["low"], status: "all" })).toEqual(["email", "review"]);
      expect(await found({ priority: ["high", "urgent"], status: "all" })).toEqual(["rent", "report"]);
      expect(await found({ priority: ["normal"], includeArchivedProjects: true })).toEqual(["milk", "old"]);
      expect(await found({ priority: ["low", "normal", "high", "urgent"] })).toEqual(["email", "milk", "report"]);
    });
  });

  describe("labels", () => {
    it("matches any of the given labels, case-insensitively and whole", async () => {
      const { write } = open();
      const { found } = await world(write);
      expect(await found({ labels: ["errand"] })).toEqual(["milk"]);
      expect(await found({ labels: ["ERRAND"], includeArchivedProjects: true })).toEqual(["milk", "old"]);
      expect(await found({ labels: ["Work"], status: "all" })).toEqual(["report"]);
      expect(await found({ labels: ["home"], status: "all" })).toEqual(["rent"]);
      expect(await found({ labels: ["money", "work"], status: "all" })).toEqual(["rent", "report"]);
      expect(await found({ labels: ["err"], status: "all" })).toEqual([]);
      expect(await found({ labels: [" homework "], status: "all" })).toEqual(["review"]);
    });

    it("follows label updates", async () => {
      const { write } = open();
      const { t, found } = await world(write);
      await updateTask(write, { id: t.milk.id, labels: ["Shopping"] });
      expect(await found({ labels: ["errand"] })).toEqual([]);
      expect(await found({ labels: ["shopping"] })).toEqual(["milk"]);
    });
  });

  describe("due dates", () => {
    it("dueFrom and dueTo are inclusive", async () => {
      const { write } = open();
      const { found } = await world(write);
      expect(await found({ dueFrom: "2025-01-10", dueTo: "2025-01-31", status: "all" })).toEqual(["milk", "rent"]);
      expect(await found({ dueFrom: "2025-01-31", status: "all" })).toEqual(["email", "rent"]);
      expect(await found({ dueTo: "2025-01-10", status: "all" })).toEqual(["milk"]);
      expect(await found({ dueFrom: "2025-02-01", dueTo: "2025-02-01" })).toEqual(["email"]);
      expect(await found({ dueFrom: "2025-01-11", dueTo: "2025-01-30", status: "all" })).toEqual([]);
      expect(await found({ dueFrom: "2025-01-11", dueTo: "2025-01-30", status: "all", includeArchivedProjects: true })).toEqual(["old"]);
      expect(await found({ dueFrom: "2025-02-02", status: "all" })).toEqual([]);
      expect(await found({ dueFrom: "2025-02-01", dueTo: "2025-01-01", status: "all" })).toEqual([]);
    });

    it("tasks without a due date never match a range", async () => {
      const { write } = open();
      const { found } = await world(write);
      expect(await found({ dueFrom: "0001-01-01", status: "all" })).toEqual(["email", "milk", "rent"]);
      expect(await found({ dueTo: "9999-12-31", status: "all" })).toEqual(["email", "milk", "rent"]);
    });

    it("hasDueDate", async () => {
      const { write } = open();
      const { found } = await world(write);
      expect(await found({ hasDueDate: true, status: "all" })).toEqual(["email", "milk", "rent"]);
      expect(await found({ hasDueDate: false, status: "all" })).toEqual(["report", "review"]);
      expect(await found({ hasDueDate: false, dueFrom: "2025-01-01", status: "all" })).toEqual([]);
    });

    it("follows a cleared due date", async () => {
      const { write } = open();
      const { t, found } = await world(write);
      await updateTask(write, { id: t.milk.id, dueDate: null });
      expect(await found({ hasDueDate: false })).toEqual(["milk", "report"]);
      expect(await found({ dueTo: "2025-12-31" })).toEqual(["email"]);
    });
  });

  it("combines every given filter with AND", async () => {
    const { write } = open();
    const { home, work, found } = await world(write);
    expect(await found({ status: "all", projectId: work.id, priority: ["low"], hasDueDate: false })).toEqual(["review"]);
    expect(await found({ search: "milk", priority: ["low"] })).toEqual(["email"]);
    expect(await found({ search: "milk", projectId: home.id })).toEqual(["milk"]);
    expect(await found({ labels: ["errand", "work"], dueFrom: "2025-01-01" })).toEqual(["milk"]);
    expect(await found({ labels: ["errand", "work"], includeArchivedProjects: true, priority: ["normal"], dueTo: "2025-01-12" })).toEqual(["milk"]);
    expect(await found({ status: "completed", projectId: [home.id, work.id], hasDueDate: true })).toEqual(["rent"]);
    expect(await found({ status: "completed", search: "milk" })).toEqual([]);
  });
});
