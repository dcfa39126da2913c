import { describe, expect, it } from "vitest";
import { archiveProject, completeTask, createProject, createTask, deleteTask, listLabels, reopenTask, unarchiveProject, updateTask } from "./fixtures";
import { implementations } from "./implementations";

describe.each(implementations)("listLabels ($name)", ({ open }) => {
  it("lists no labels in an empty store", () => {
    expect(listLabels(open().read)).toEqual([]);
  });

  it("gives each label in use once, lower-cased, with how many tasks carry it, in label order", () => {
    const { read, write } = open();
    const project = createProject(write);
    createTask(write, project.id, { labels: ["Work", "bug"] });
    createTask(write, project.id, { labels: ["BUG"] });
    createTask(write, project.id, { labels: [] });
    expect(listLabels(read)).toEqual([
      { label: "bug", taskCount: 2 },
      { label: "work", taskCount: 1 },
    ]);
  });

  it("counts only the tasks the filter selects (open by default, like tasks.count)", () => {
    const { read, write } = open();
    const home = createProject(write, { name: "Home" });
    const office = createProject(write, { name: "Office" });
    const done = createTask(write, home.id, { labels: ["errand"] });
    completeTask(write, { id: done.id });
    createTask(write, office.id, { labels: ["meeting", "errand"] });
    expect(listLabels(read)).toEqual([
      { label: "errand", taskCount: 1 },
      { label: "meeting", taskCount: 1 },
    ]);
    expect(listLabels(read, { status: "all" })).toEqual([
      { label: "errand", taskCount: 2 },
      { label: "meeting", taskCount: 1 },
    ]);
    expect(listLabels(read, { status: "completed", projectId: home.id })).toEqual([{ label: "errand", taskCount: 1 }]);
  });

  it("leaves out archived projects unless asked for, as tasks.list does", () => {
    const { read, write } = open();
    const project = createProject(write);
    createTask(write, project.id, { labels: ["frozen"] });
    archiveProject(write, { id: project.id });
    expect(listLabels(read)).toEqual([]);
    expect(listLabels(read, { includeArchivedProjects: true })).toEqual([{ label: "frozen", taskCount: 1 }]);
    expect(listLabels(read, { projectId: project.id })).toEqual([{ label: "frozen", taskCount: 1 }]);
  });

  it("follows relabelling and deletion", () => {
    const { read, write } = open();
    const project = createProject(write);
    const task = createTask(write, project.id, { labels: ["old"] });
    updateTask(write, { id: task.id, labels: ["new"] });
    expect(listLabels(read)).toEqual([{ label: "new", taskCount: 1 }]);
    deleteTask(write, { id: task.id });
    expect(listLabels(read)).toEqual([]);
  });

  it("lists the labels of the tasks carrying one label, across projects, through every kind of change", () => {
    const { read, write } = open();
    const home = createProject(write, { name: "Home" });
    const office = createProject(write, { name: "Office" });
    const usage = (filter: Parameters<typeof listLabels>[1] = {}) => listLabels(read, { labels: ["Bug"], ...filter });
    const first = createTask(write, home.id, { labels: ["bug", "ui"], priority: "high", dueDate: "2026-05-01" });
    const second = createTask(write, office.id, { labels: ["BUG", "ui", "db"] });
    createTask(write, office.id, { labels: ["ui"] });
    expect(usage()).toEqual([
      { label: "bug", taskCount: 2 },
      { label: "db", taskCount: 1 },
      { label: "ui", taskCount: 2 },
    ]);
    expect(usage({ priority: ["high"], hasDueDate: true })).toEqual([
      { label: "bug", taskCount: 1 },
      { label: "ui", taskCount: 1 },
    ]);
    updateTask(write, { id: first.id, priority: "low", dueDate: null, labels: ["bug", "api"] });
    expect(usage({ priority: ["high"] })).toEqual([]);
    expect(usage({ priority: ["low"], hasDueDate: false })).toEqual([
      { label: "api", taskCount: 1 },
      { label: "bug", taskCount: 1 },
    ]);
    completeTask(write, { id: second.id });
    expect(usage()).toEqual([
      { label: "api", taskCount: 1 },
      { label: "bug", taskCount: 1 },
    ]);
    expect(usage({ status: "completed" })).toEqual([
      { label: "bug", taskCount: 1 },
      { label: "db", taskCount: 1 },
      { label: "ui", taskCount: 1 },
    ]);
    reopenTask(write, { id: second.id });
    archiveProject(write, { id: office.id });
    expect(usage()).toEqual([
      { label: "api", taskCount: 1 },
      { label: "bug", taskCount: 1 },
    ]);
    expect(usage({ includeArchivedProjects: true })).toEqual([
      { label: "api", taskCount: 1 },
      { label: "bug", taskCount: 2 },
      { label: "db", taskCount: 1 },
      { label: "ui", taskCount: 1 },
    ]);
    unarchiveProject(write, { id: office.id });
    updateTask(write, { id: second.id, projectId: home.id });
    archiveProject(write, { id: office.id });
    expect(usage()).toEqual([
      { label: "api", taskCount: 1 },
      { label: "bug", taskCount: 2 },
      { label: "db", taskCount: 1 },
      { label: "ui", taskCount: 1 },
    ]);
    deleteTask(write, { id: first.id });
    updateTask(write, { id: second.id, labels: ["db", "bug"] });
    expect(usage({ includeArchivedProjects: true })).toEqual([
      { label: "bug", taskCount: 1 },
      { label: "db", taskCount: 1 },
    ]);
  });
});
