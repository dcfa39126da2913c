import { describe, expect, it } from "vitest";
import { archiveProject, completeTask, createProject, createTask, deleteTask, listLabels, reopenTask, unarchiveProject, updateTask } from "./fixtures";
import { implementations } from "./implementations";

describe.each(implementations)("listLabels ($name)", ({ open }) => {
  it("lists no labels in an empty store", async () => {
    expect(await listLabels(open().read)).toEqual([]);
  });

  it("gives each label in use once, lower-cased, with how many tasks carry it, in label order", async () => {
    const { read, write } = open();
    const project = await createProject(write);
    await createTask(write, project.id, { labels: ["Work", "bug"] });
    await createTask(write, project.id, { labels: ["BUG"] });
    await createTask(write, project.id, { labels: [] });
    expect(await listLabels(read)).toEqual([
      { label: "bug", taskCount: 2 },
      { label: "work", taskCount: 1 },
    ]);
  });

  it("counts only the tasks the filter selects (open by default, like tasks.count)", async () => {
    const { read, write } = open();
    const home = await createProject(write, { name: "Home" });
    const office = await createProject(write, { name: "Office" });
    const done = await createTask(write, home.id, { labels: ["errand"] });
    await completeTask(write, { id: done.id });
    await createTask(write, office.id, { labels: ["meeting", "errand"] });
    expect(await listLabels(read)).toEqual([
      { label: "errand", taskCount: 1 },
      { label: "meeting", taskCount: 1 },
    ]);
    expect(await listLabels(read, { status: "all" })).toEqual([
      { label: "errand", taskCount: 2 },
      { label: "meeting", taskCount: 1 },
    ]);
    expect(await listLabels(read, { status: "completed", projectId: home.id })).toEqual([{ label: "errand", taskCount: 1 }]);
  });

  it("leaves out archived projects unless asked for, as tasks.list does", async () => {
    const { read, write } = open();
    const project = await createProject(write);
    await createTask(write, project.id, { labels: ["frozen"] });
    await archiveProject(write, { id: project.id });
    expect(await listLabels(read)).toEqual([]);
    expect(await listLabels(read, { includeArchivedProjects: true })).toEqual([{ label: "frozen", taskCount: 1 }]);
    expect(await listLabels(read, { projectId: project.id })).toEqual([{ label: "frozen", taskCount: 1 }]);
  });

  it("follows relabelling and deletion", async () => {
    const { read, write } = open();
    const project = await createProject(write);
    const task = await createTask(write, project.id, { labels: ["old"] });
    await updateTask(write, { id: task.id, labels: ["new"] });
    expect(await listLabels(read)).toEqual([{ label: "new", taskCount: 1 }]);
    await deleteTask(write, { id: task.id });
    expect(await listLabels(read)).toEqual([]);
  });

  it("lists the labels of the tasks carrying one label, across projects, through every kind of change", async () => {
    const { read, write } = open();
    const home = await createProject(write, { name: "Home" });
    const office = await createProject(write, { name: "Office" });
    const usage = (filter: Parameters<typeof listLabels>[1] = {}) => listLabels(read, { labels: ["Bug"], ...filter });
    const first = await createTask(write, home.id, { labels: ["bug", "ui"], priority: "high", dueDate: "2026-05-01" });
    const second = await createTask(write, office.id, { labels: ["BUG", "ui", "db"] });
    await createTask(write, office.id, { labels: ["ui"] });
    expect(await usage()).toEqual([
      { label: "bug", taskCount: 2 },
      { label: "db", taskCount: 1 },
      { label: "ui", taskCount: 2 },
    ]);
    expect(await usage({ priority: ["high"], hasDueDate: true })).toEqual([
      { label: "bug", taskCount: 1 },
      { label: "ui", taskCount: 1 },
    ]);
    await updateTask(write, { id: first.id, priority: "low", dueDate: null, labels: ["bug", "api"] });
    expect(await usage({ priority: ["high"] })).toEqual([]);
    expect(await usage({ priority: ["low"], hasDueDate: false })).toEqual([
      { label: "api", taskCount: 1 },
      { label: "bug", taskCount: 1 },
    ]);
    await completeTask(write, { id: second.id });
    expect(await usage()).toEqual([
      { label: "api", taskCount: 1 },
      { label: "bug", taskCount: 1 },
    ]);
    expect(await usage({ status: "completed" })).toEqual([
      { label: "bug", taskCount: 1 },
      { label: "db", taskCount: 1 },
      { label: "ui", taskCount: 1 },
    ]);
    await reopenTask(write, { id: second.id });
    await archiveProject(write, { id: office.id });
    expect(await usage()).toEqual([
      { label: "api", taskCount: 1 },
      { label: "bug", taskCount: 1 },
    ]);
    expect(await usage({ includeArchivedProjects: true })).toEqual([
      { label: "api", taskCount: 1 },
      { label: "bug", taskCount: 2 },
      { label: "db", taskCount: 1 },
      { label: "ui", taskCount: 1 },
    ]);
    await unarchiveProject(write, { id: office.id });
    await updateTask(write, { id: second.id, projectId: home.id });
    await archiveProject(write, { id: office.id });
    expect(await usage()).toEqual([
      { label: "api", taskCount: 1 },
      { label: "bug", taskCount: 2 },
      { label: "db", taskCount: 1 },
      { label: "ui", taskCount: 1 },
    ]);
    await deleteTask(write, { id: first.id });
    await updateTask(write, { id: second.id, labels: ["db", "bug"] });
    expect(await usage({ includeArchivedProjects: true })).toEqual([
      { label: "bug", taskCount: 1 },
      { label: "db", taskCount: 1 },
    ]);
  });
});
