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
  it("sees every write at once", async () => {
    const { read, write } = open();
    const project = await createProject(write, { name: "Home" });
    expect(await read.getProject(project.id)).toEqual(project);
    expect((await listProjects(read)).items).toEqual([project]);

    const task = await createTask(write, project.id, { title: "Buy milk", labels: ["b", "a"] });
    expect(await read.getTask(task.id)).toEqual(task);
    expect((await listTasks(read)).items).toEqual([task]);
    expect(await countTasks(read)).toBe(1);
    expect((await read.getProject(project.id)).openTaskCount).toBe(1);

    const updated = await updateTask(write, { id: task.id, title: "Buy bread" });
    expect(await read.getTask(task.id)).toEqual(updated);
    const done = await completeTask(write, { id: task.id });
    expect(await read.getTask(task.id)).toEqual(done);
    expect(await countTasks(read, { status: "completed" })).toBe(1);

    const renamed = await updateProject(write, { id: project.id, name: "House" });
    expect(await read.getProject(project.id)).toEqual(renamed);

    await deleteTask(write, { id: task.id });
    expect((await listTasks(read, { status: "all" })).items).toEqual([]);
    const archived = await archiveProject(write, { id: project.id });
    expect((await listProjects(read, { archived: true })).items).toEqual([archived]);
    await deleteProject(write, { id: project.id });
    expect((await listProjects(read, { archived: true })).items).toEqual([]);
  });

  it("pages with cursors from the write view and the other way round", async () => {
    const { read, write } = open();
    const project = await createProject(write);
    for (const title of ["a", "b", "c"]) await createTask(write, project.id, { title });
    const query = { sort: { by: "title" }, limit: 2 } as const;
    const fromWrite = await listTasks(write, query);
    expect((await listTasks(read, { ...query, cursor: fromWrite.nextCursor! })).items.map((t) => t.title)).toEqual(["c"]);
    const fromRead = await listTasks(read, query);
    expect(fromRead).toEqual(fromWrite);
  });
});
