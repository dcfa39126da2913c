import { describe, expect, it } from "vitest";
import { archiveProject, completeTask, createProject, createTask, deleteTask, listLabels, updateTask } from "./fixtures";
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
});
