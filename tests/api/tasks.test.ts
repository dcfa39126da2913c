import { describe, expect, it } from "vitest";
import { createTestClient, expectReason } from "../support/client";
import { ids, isoTimestamp, makeProject, makeTask } from "./fixtures";

const taskKeys = [
  "completed",
  "completedAt",
  "createdAt",
  "description",
  "dueDate",
  "id",
  "labels",
  "priority",
  "projectId",
  "title",
  "updatedAt",
  "version",
].sort();

describe("tasks.create", () => {
  it("returns the new task with every field of SPEC in wire form and the defaults applied", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const task = await client.tasks.create.mutate({ projectId: project.id, title: "Buy milk" });
    expect(Object.keys(task).sort()).toEqual(taskKeys);
    expect(task).toMatchObject({
      projectId: project.id,
      title: "Buy milk",
      description: "",
      priority: "normal",
      dueDate: null,
      labels: [],
      completed: false,
      completedAt: null,
      version: 1,
    });
    expect(typeof task.id).toBe("string");
    expect(task.id.length).toBeGreaterThan(0);
    expect(task.id.length).toBeLessThanOrEqual(64);
    expect(task.createdAt).toMatch(isoTimestamp);
    expect(task.updatedAt).toBe(task.createdAt);
  });

  it("stores every given field, trimming the title and each label and sorting the labels", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const task = await client.tasks.create.mutate({
      projectId: project.id,
      title: "  Plan trip  ",
      description: "  keep this spacing ",
      priority: "urgent",
      dueDate: "2024-02-29",
      labels: [" travel ", "Budget", "admin", "b"],
    });
    expect(task).toMatchObject({
      title: "Plan trip",
      description: "  keep this spacing ",
      priority: "urgent",
      dueDate: "2024-02-29",
      labels: ["admin", "b", "Budget", "travel"],
    });
    expect(await client.tasks.get.query({ id: task.id })).toEqual(task);
  });

  it("accepts the limits: title of 500, description of 10,000, 20 labels of 50 characters", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const labels = Array.from({ length: 20 }, (_, i) => `${String(i).padStart(2, "0")}${"x".repeat(48)}`);
    const task = await makeTask(client, project.id, { title: "t".repeat(500), description: "d".repeat(10_000), labels });
    expect(task.title).toHaveLength(500);
    expect(task.description).toHaveLength(10_000);
    expect(task.labels).toEqual(labels);
  });

  it("accepts an explicit null due date", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    expect((await makeTask(client, project.id, { dueDate: null })).dueDate).toBeNull();
  });

  it("fails with PROJECT_NOT_FOUND in a project that does not exist, creating nothing", async () => {
    const client = createTestClient();
    const error = await expectReason(makeTask(client, "no-such-project"), "PROJECT_NOT_FOUND");
    expect(error.data?.code).toBe("NOT_FOUND");
    expect(error.data?.httpStatus).toBe(404);
    expect(await client.tasks.count.query({ status: "all", includeArchivedProjects: true })).toEqual({ count: 0 });
  });
});

describe("tasks.get", () => {
  it("fails with TASK_NOT_FOUND for an unknown id", async () => {
    const client = createTestClient();
    const error = await expectReason(client.tasks.get.query({ id: "no-such-task" }), "TASK_NOT_FOUND");
    expect(error.data?.code).toBe("NOT_FOUND");
    expect(error.data?.httpStatus).toBe(404);
  });
});

describe("tasks.update", () => {
  it("changes only the given fields, bumps the version and updatedAt", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const task = await makeTask(client, project.id, {
      title: "Old",
      description: "desc",
      priority: "low",
      dueDate: "2026-03-01",
      labels: ["a"],
    });
    const retitled = await client.tasks.update.mutate({ id: task.id, title: " New " });
    expect(retitled).toEqual({ ...task, title: "New", version: 2, updatedAt: retitled.updatedAt });
    expect(retitled.updatedAt).toMatch(isoTimestamp);
    expect(retitled.updatedAt > task.updatedAt).toBe(true);

    const changed = await client.tasks.update.mutate({
      id: task.id,
      description: "",
      priority: "high",
      dueDate: "2026-04-30",
      labels: ["Zeta", " alpha "],
    });
    expect(changed).toMatchObject({
      title: "New",
      description: "",
      priority: "high",
      dueDate: "2026-04-30",
      labels: ["alpha", "Zeta"],
      version: 3,
      createdAt: task.createdAt,
      projectId: project.id,
    });
    expect(await client.tasks.get.query({ id: task.id })).toEqual(changed);
  });

  it("clears the due date with null and the labels with an empty array", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const task = await makeTask(client, project.id, { dueDate: "2026-03-01", labels: ["a", "b"] });
    const cleared = await client.tasks.update.mutate({ id: task.id, dueDate: null, labels: [] });
    expect(cleared).toMatchObject({ dueDate: null, labels: [], version: 2 });
    expect(await client.tasks.get.query({ id: task.id })).toEqual(cleared);
    expect(await client.tasks.count.query({ labels: ["a"] })).toEqual({ count: 0 });
    expect(await client.tasks.count.query({ hasDueDate: true })).toEqual({ count: 0 });
  });

  it("changes nothing when no field is given or only stored values are given", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const task = await makeTask(client, project.id, {
      title: "Same",
      description: "d",
      priority: "high",
      dueDate: "2026-03-01",
      labels: ["b", "A"],
    });
    const noops = [
      await client.tasks.update.mutate({ id: task.id }),
      await client.tasks.update.mutate({ id: task.id, title: "  Same " }),
      await client.tasks.update.mutate({
        id: task.id,
        title: "Same",
        description: "d",
        priority: "high",
        dueDate: "2026-03-01",
        labels: ["A", "b"],
        projectId: project.id,
      }),
      await client.tasks.update.mutate({ id: task.id, labels: ["b", "A"], expectedVersion: 1 }),
    ];
    for (const result of noops) expect(result).toEqual(task);
    const noDue = await makeTask(client, project.id);
    expect(await client.tasks.update.mutate({ id: noDue.id, dueDate: null })).toEqual(noDue);
    expect(await client.tasks.get.query({ id: task.id })).toEqual(task);
  });

  it("treats a change of a label's case as a change", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const task = await makeTask(client, project.id, { labels: ["home"] });
    const updated = await client.tasks.update.mutate({ id: task.id, labels: ["Home"] });
    expect(updated).toMatchObject({ labels: ["Home"], version: 2 });
  });

  it("moves a task to another project with projectId, keeping its other fields", async () => {
    const client = createTestClient();
    const from = await makeProject(client, { name: "From" });
    const to = await makeProject(client, { name: "To" });
    const task = await makeTask(client, from.id, { title: "Movable", labels: ["x"] });
    const moved = await client.tasks.update.mutate({ id: task.id, projectId: to.id });
    expect(moved).toEqual({ ...task, projectId: to.id, version: 2, updatedAt: moved.updatedAt });
    expect(moved.updatedAt > task.updatedAt).toBe(true);
    expect(ids((await client.tasks.list.query({ projectId: to.id })).items)).toEqual([task.id]);
    expect((await client.tasks.list.query({ projectId: from.id })).items).toEqual([]);
    expect((await client.projects.get.query({ id: from.id })).openTaskCount).toBe(0);
    expect((await client.projects.get.query({ id: to.id })).openTaskCount).toBe(1);
    // The source project is now empty, so it can be deleted.
    expect(await client.projects.delete.mutate({ id: from.id })).toEqual({ id: from.id });
  });

  it("moves and changes other fields in one call", async () => {
    const client = createTestClient();
    const from = await makeProject(client, { name: "From" });
    const to = await makeProject(client, { name: "To" });
    const task = await makeTask(client, from.id);
    const moved = await client.tasks.update.mutate({ id: task.id, projectId: to.id, title: "Moved", priority: "low" });
    expect(moved).toMatchObject({ projectId: to.id, title: "Moved", priority: "low", version: 2 });
  });

  it("fails with PROJECT_NOT_FOUND when moving to a project that does not exist, changing nothing", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const task = await makeTask(client, project.id, { title: "Stay" });
    await expectReason(client.tasks.update.mutate({ id: task.id, projectId: "missing", title: "Gone" }), "PROJECT_NOT_FOUND");
    expect(await client.tasks.get.query({ id: task.id })).toEqual(task);
  });

  it("applies expectedVersion: a mismatch fails with VERSION_MISMATCH and changes nothing", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const other = await makeProject(client, { name: "Other" });
    const task = await makeTask(client, project.id, { title: "v1" });
    const v2 = await client.tasks.update.mutate({ id: task.id, title: "v2", expectedVersion: 1 });
    expect(v2.version).toBe(2);
    const error = await expectReason(
      client.tasks.update.mutate({ id: task.id, title: "stale", labels: ["stale"], projectId: other.id, expectedVersion: 1 }),
      "VERSION_MISMATCH",
    );
    expect(error.data?.code).toBe("CONFLICT");
    expect(error.data?.httpStatus).toBe(409);
    expect(await client.tasks.get.query({ id: task.id })).toEqual(v2);
    expect(await client.tasks.count.query({ labels: ["stale"] })).toEqual({ count: 0 });
    expect((await client.projects.get.query({ id: other.id })).openTaskCount).toBe(0);
  });

  it("makes the new title, description and labels visible to search and filters", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const task = await makeTask(client, project.id, { title: "alpha", description: "first", labels: ["old"] });
    await client.tasks.update.mutate({ id: task.id, title: "omega", description: "second", labels: ["new"] });
    expect(await client.tasks.count.query({ search: "alpha" })).toEqual({ count: 0 });
    expect(await client.tasks.count.query({ search: "first" })).toEqual({ count: 0 });
    expect(await client.tasks.count.query({ labels: ["old"] })).toEqual({ count: 0 });
    expect(ids((await client.tasks.list.query({ search: "omega second" })).items)).toEqual([task.id]);
    expect(ids((await client.tasks.list.query({ labels: ["NEW"] })).items)).toEqual([task.id]);
  });

  it("fails with TASK_NOT_FOUND for an unknown id", async () => {
    const client = createTestClient();
    await expectReason(client.tasks.update.mutate({ id: "missing", title: "x" }), "TASK_NOT_FOUND");
  });
});

describe("tasks.complete and tasks.reopen", () => {
  it("complete sets completed and completedAt and bumps the version; reopen clears them", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const task = await makeTask(client, project.id);
    const done = await client.tasks.complete.mutate({ id: task.id });
    expect(done).toEqual({ ...task, completed: true, completedAt: done.completedAt, version: 2, updatedAt: done.updatedAt });
    expect(done.completedAt).toMatch(isoTimestamp);
    expect(done.updatedAt).toBe(done.completedAt);
    expect(done.updatedAt > task.updatedAt).toBe(true);
    expect(await client.tasks.get.query({ id: task.id })).toEqual(done);

    const reopened = await client.tasks.reopen.mutate({ id: task.id });
    expect(reopened).toMatchObject({ completed: false, completedAt: null, version: 3 });
    expect(reopened.updatedAt > done.updatedAt).toBe(true);
    expect(await client.tasks.get.query({ id: task.id })).toEqual(reopened);
  });

  it("is idempotent: completing a completed task or reopening an open one returns it unchanged", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const task = await makeTask(client, project.id);
    expect(await client.tasks.reopen.mutate({ id: task.id })).toEqual(task);
    const done = await client.tasks.complete.mutate({ id: task.id });
    expect(await client.tasks.complete.mutate({ id: task.id })).toEqual(done);
    expect(await client.tasks.complete.mutate({ id: task.id, expectedVersion: 2 })).toEqual(done);
    expect(await client.tasks.get.query({ id: task.id })).toEqual(done);
  });

  it("applies expectedVersion: a mismatch fails with VERSION_MISMATCH and changes nothing", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const task = await makeTask(client, project.id);
    await expectReason(client.tasks.complete.mutate({ id: task.id, expectedVersion: 2 }), "VERSION_MISMATCH");
    expect(await client.tasks.get.query({ id: task.id })).toEqual(task);
    const done = await client.tasks.complete.mutate({ id: task.id, expectedVersion: 1 });
    await expectReason(client.tasks.reopen.mutate({ id: task.id, expectedVersion: 1 }), "VERSION_MISMATCH");
    expect(await client.tasks.get.query({ id: task.id })).toEqual(done);
  });

  it("fails with TASK_NOT_FOUND for an unknown id", async () => {
    const client = createTestClient();
    await expectReason(client.tasks.complete.mutate({ id: "missing" }), "TASK_NOT_FOUND");
    await expectReason(client.tasks.reopen.mutate({ id: "missing" }), "TASK_NOT_FOUND");
  });
});

describe("tasks.delete", () => {
  it("deletes the task and returns its id", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const task = await makeTask(client, project.id, { title: "doomed", labels: ["gone"] });
    const keep = await makeTask(client, project.id, { title: "kept" });
    expect(await client.tasks.delete.mutate({ id: task.id })).toEqual({ id: task.id });
    await expectReason(client.tasks.get.query({ id: task.id }), "TASK_NOT_FOUND");
    await expectReason(client.tasks.delete.mutate({ id: task.id }), "TASK_NOT_FOUND");
    expect(ids((await client.tasks.list.query({ status: "all" })).items)).toEqual([keep.id]);
    expect(await client.tasks.count.query({ search: "doomed" })).toEqual({ count: 0 });
    expect(await client.tasks.count.query({ labels: ["gone"] })).toEqual({ count: 0 });
  });

  it("deletes completed tasks too", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const task = await makeTask(client, project.id);
    await client.tasks.complete.mutate({ id: task.id });
    expect(await client.tasks.delete.mutate({ id: task.id })).toEqual({ id: task.id });
    expect((await client.projects.get.query({ id: project.id })).completedTaskCount).toBe(0);
  });

  it("applies expectedVersion", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const task = await makeTask(client, project.id);
    const v2 = await client.tasks.update.mutate({ id: task.id, title: "v2" });
    await expectReason(client.tasks.delete.mutate({ id: task.id, expectedVersion: 1 }), "VERSION_MISMATCH");
    expect(await client.tasks.get.query({ id: task.id })).toEqual(v2);
    expect(await client.tasks.delete.mutate({ id: task.id, expectedVersion: 2 })).toEqual({ id: task.id });
  });
});
