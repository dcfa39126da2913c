import { describe, expect, it } from "vitest";
import {
  archiveProject,
  completeTask,
  countTasks,
  createProject,
  createTask,
  deleteProject,
  deleteTask,
  listProjects,
  listTasks,
  updateProject,
  updateTask,
} from "./fixtures";
import { implementations } from "./implementations";

describe.each(implementations)("the read view ($name)", ({ open }) => {
  it("sees every write at once", () => {
    const { read, write } = open();
    const project = createProject(write, { name: "Home" });
    expect(read.getProject(project.id)).toEqual(project);
    expect(listProjects(read).items).toEqual([project]);

    const task = createTask(write, project.id, { title: "Buy milk", labels: ["b", "a"] });
    expect(read.getTask(task.id)).toEqual(task);
    expect(listTasks(read).items).toEqual([task]);
    expect(countTasks(read)).toBe(1);
    expect(read.getProject(project.id).openTaskCount).toBe(1);

    const updated = updateTask(write, { id: task.id, title: "Buy bread" });
    expect(read.getTask(task.id)).toEqual(updated);
    const done = completeTask(write, { id: task.id });
    expect(read.getTask(task.id)).toEqual(done);
    expect(countTasks(read, { status: "completed" })).toBe(1);

    const renamed = updateProject(write, { id: project.id, name: "House" });
    expect(read.getProject(project.id)).toEqual(renamed);

    deleteTask(write, { id: task.id });
    expect(listTasks(read, { status: "all" }).items).toEqual([]);
    const archived = archiveProject(write, { id: project.id });
    expect(listProjects(read, { archived: true }).items).toEqual([archived]);
    deleteProject(write, { id: project.id });
    expect(listProjects(read, { archived: true }).items).toEqual([]);
  });

  it("pages with cursors from the write view and the other way round", () => {
    const { read, write } = open();
    const project = createProject(write);
    for (const title of ["a", "b", "c"]) createTask(write, project.id, { title });
    const query = { sort: { by: "title" }, limit: 2 } as const;
    const fromWrite = listTasks(write, query);
    expect(listTasks(read, { ...query, cursor: fromWrite.nextCursor! }).items.map((t) => t.title)).toEqual(["c"]);
    const fromRead = listTasks(read, query);
    expect(fromRead).toEqual(fromWrite);
  });
});
