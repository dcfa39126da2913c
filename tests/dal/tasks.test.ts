import type { z } from "zod";
import { describe, expect, it } from "vitest";
import type { Task, updateTaskInput } from "../../src/domain";
import {
  completeTask,
  createProject,
  createTask,
  deleteTask,
  expectReason,
  isIsoTimestamp,
  listTasks,
  reopenTask,
  snapshot,
  updateTask,
  inTurn,
} from "./fixtures";
import { implementations } from "./implementations";

describe.each(implementations)("tasks ($name)", ({ open }) => {
  describe("create", () => {
    it("applies the defaults: normal priority, no due date, no labels, open, version 1", async () => {
      const { write } = open();
      const project = await createProject(write);
      const task = await createTask(write, project.id, { title: "  Buy milk " });
      expect(task).toEqual({
        id: task.id,
        projectId: project.id,
        title: "Buy milk",
        description: "",
        priority: "normal",
        dueDate: null,
        labels: [],
        completed: false,
        completedAt: null,
        version: 1,
        createdAt: task.createdAt,
        updatedAt: task.createdAt,
      });
      expect(task.id.length).toBeGreaterThan(0);
      expect(task.id.length).toBeLessThanOrEqual(64);
      expect(isIsoTimestamp(task.createdAt)).toBe(true);
      expect(await write.getTask(task.id)).toEqual(task);
    });

    it("stores every given field, with labels sorted case-insensitively", async () => {
      const { write } = open();
      const project = await createProject(write);
      const task = await createTask(write, project.id, {
        title: "Report",
        description: "quarterly",
        priority: "urgent",
        dueDate: "2024-02-29",
        labels: ["work", " Beta ", "alpha", "Zeta"],
      });
      expect(task).toMatchObject({
        title: "Report",
        description: "quarterly",
        priority: "urgent",
        dueDate: "2024-02-29",
        labels: ["alpha", "Beta", "work", "Zeta"],
      });
      expect(await write.getTask(task.id)).toEqual(task);
    });

    it("gives every task its own id", async () => {
      const { write } = open();
      const project = await createProject(write);
      const ids = new Set((await inTurn(Array.from({ length: 5 }), () => createTask(write, project.id))).map((task) => task.id));
      expect(ids.size).toBe(5);
    });

    it("fails PROJECT_NOT_FOUND for an unknown project and creates nothing", async () => {
      const { write } = open();
      await createProject(write);
      const before = await snapshot(write);
      await expectReason(() => createTask(write, "missing"), "PROJECT_NOT_FOUND");
      expect(await snapshot(write)).toEqual(before);
    });
  });

  describe("get", () => {
    it("fails TASK_NOT_FOUND for an unknown or deleted task", async () => {
      const { write, read } = open();
      const task = await createTask(write, (await createProject(write)).id);
      await expectReason(() => write.getTask("missing"), "TASK_NOT_FOUND");
      await expectReason(() => read.getTask("missing"), "TASK_NOT_FOUND");
      await deleteTask(write, { id: task.id });
      await expectReason(() => write.getTask(task.id), "TASK_NOT_FOUND");
    });
  });

  describe("update", () => {
    const cases: [string, Omit<z.input<typeof updateTaskInput>, "id">, Partial<Task>][] = [
      ["title", { title: " New title " }, { title: "New title" }],
      ["description", { description: "details" }, { description: "details" }],
      ["priority", { priority: "high" }, { priority: "high" }],
      ["dueDate", { dueDate: "2025-12-31" }, { dueDate: "2025-12-31" }],
      ["labels", { labels: ["b", "A", "c"] }, { labels: ["A", "b", "c"] }],
    ];

    it.each(cases)("changes %s alone, bumping version and updatedAt", async (_field, change, expected) => {
      const { write } = open();
      const project = await createProject(write);
      const task = await createTask(write, project.id, {
        title: "Old",
        description: "old",
        priority: "low",
        dueDate: "2025-01-01",
        labels: ["x"],
      });
      const updated = await updateTask(write, { id: task.id, ...change });
      expect(updated).toEqual({ ...task, ...expected, version: 2, updatedAt: updated.updatedAt });
      expect(updated.updatedAt > task.updatedAt).toBe(true);
      expect(await write.getTask(task.id)).toEqual(updated);
    });

    it("clears the due date with null and keeps it when left out", async () => {
      const { write } = open();
      const task = await createTask(write, (await createProject(write)).id, { dueDate: "2025-01-01" });
      expect((await updateTask(write, { id: task.id, title: "t" })).dueDate).toBe("2025-01-01");
      const cleared = await updateTask(write, { id: task.id, dueDate: null });
      expect(cleared.dueDate).toBeNull();
      expect(cleared.version).toBe(3);
      expect((await write.getTask(task.id)).dueDate).toBeNull();
    });

    it("replaces the labels, returned sorted, and clears them with []", async () => {
      const { write } = open();
      const task = await createTask(write, (await createProject(write)).id, { labels: ["one", "two"] });
      expect((await updateTask(write, { id: task.id, labels: ["three", "Four"] })).labels).toEqual(["Four", "three"]);
      expect((await write.getTask(task.id)).labels).toEqual(["Four", "three"]);
      expect((await updateTask(write, { id: task.id, labels: [] })).labels).toEqual([]);
      expect((await write.getTask(task.id)).labels).toEqual([]);
    });

    it("changes several fields with one version bump", async () => {
      const { write } = open();
      const task = await createTask(write, (await createProject(write)).id);
      const updated = await updateTask(write, { id: task.id, title: "A", priority: "urgent", labels: ["l"] });
      expect(updated).toMatchObject({ title: "A", priority: "urgent", labels: ["l"], version: 2 });
    });

    it("keeps completed state and createdAt", async () => {
      const { write } = open();
      const task = await createTask(write, (await createProject(write)).id);
      const done = await completeTask(write, { id: task.id });
      const updated = await updateTask(write, { id: task.id, title: "renamed" });
      expect(updated).toMatchObject({ completed: true, completedAt: done.completedAt, createdAt: task.createdAt });
    });

    it("returns the task unchanged when no field is given", async () => {
      const { write } = open();
      const task = await createTask(write, (await createProject(write)).id, { labels: ["a"] });
      expect(await updateTask(write, { id: task.id })).toEqual(task);
      expect(await write.getTask(task.id)).toEqual(task);
    });

    it("returns the task unchanged when every given value is already stored", async () => {
      const { write } = open();
      const project = await createProject(write);
      const task = await createTask(write, project.id, {
        title: "T",
        description: "d",
        priority: "high",
        dueDate: "2025-03-01",
        labels: ["b", "a"],
      });
      const same = await updateTask(write, {
        id: task.id,
        title: " T ",
        description: "d",
        priority: "high",
        dueDate: "2025-03-01",
        labels: ["a", "b"],
        projectId: project.id,
        expectedVersion: 1,
      });
      expect(same).toEqual(task);
      const plain = await createTask(write, project.id);
      expect(await updateTask(write, { id: plain.id, dueDate: null, labels: [], description: "" })).toEqual(plain);
      expect(await write.getTask(task.id)).toEqual(task);
      expect(await write.getTask(plain.id)).toEqual(plain);
    });

    it("fails TASK_NOT_FOUND for an unknown task", async () => {
      const { write } = open();
      const project = await createProject(write);
      await expectReason(() => updateTask(write, { id: "missing", title: "x" }), "TASK_NOT_FOUND");
      await expectReason(() => updateTask(write, { id: "missing", projectId: project.id }), "TASK_NOT_FOUND");
    });

    it("honours expectedVersion and changes nothing on a mismatch", async () => {
      const { write } = open();
      const task = await createTask(write, (await createProject(write)).id);
      await updateTask(write, { id: task.id, title: "v2", expectedVersion: 1 });
      const before = await snapshot(write);
      await expectReason(() => updateTask(write, { id: task.id, title: "v3", expectedVersion: 1 }), "VERSION_MISMATCH");
      await expectReason(() => updateTask(write, { id: task.id, expectedVersion: 5 }), "VERSION_MISMATCH");
      expect(await snapshot(write)).toEqual(before);
      expect(await updateTask(write, { id: task.id, title: "v3", expectedVersion: 2 })).toMatchObject({ title: "v3", version: 3 });
    });
  });

  describe("move", () => {
    it("moves a task to another project with a version bump", async () => {
      const { write } = open();
      const home = await createProject(write, { name: "Home" });
      const work = await createProject(write, { name: "Work" });
      const task = await createTask(write, home.id, { labels: ["x"] });
      const moved = await updateTask(write, { id: task.id, projectId: work.id });
      expect(moved).toEqual({ ...task, projectId: work.id, version: 2, updatedAt: moved.updatedAt });
      expect(moved.updatedAt > task.updatedAt).toBe(true);
      expect((await write.getTask(task.id)).projectId).toBe(work.id);
      expect((await listTasks(write, { projectId: home.id })).items).toEqual([]);
      expect((await listTasks(write, { projectId: work.id })).items).toEqual([moved]);
    });

    it("moves and changes other fields at once", async () => {
      const { write } = open();
      const home = await createProject(write, { name: "Home" });
      const work = await createProject(write, { name: "Work" });
      const task = await createTask(write, home.id);
      const moved = await updateTask(write, { id: task.id, projectId: work.id, title: "Moved", priority: "low" });
      expect(moved).toMatchObject({ projectId: work.id, title: "Moved", priority: "low", version: 2 });
    });

    it("moves a completed task, keeping it completed", async () => {
      const { write } = open();
      const home = await createProject(write, { name: "Home" });
      const work = await createProject(write, { name: "Work" });
      const task = await createTask(write, home.id);
      await completeTask(write, { id: task.id });
      expect(await updateTask(write, { id: task.id, projectId: work.id })).toMatchObject({ projectId: work.id, completed: true });
      expect((await write.getProject(work.id)).completedTaskCount).toBe(1);
    });

    it("fails PROJECT_NOT_FOUND when the target project does not exist, and changes nothing", async () => {
      const { write } = open();
      const task = await createTask(write, (await createProject(write)).id);
      const before = await snapshot(write);
      await expectReason(() => updateTask(write, { id: task.id, projectId: "missing", title: "changed" }), "PROJECT_NOT_FOUND");
      expect(await snapshot(write)).toEqual(before);
    });
  });

  describe("complete and reopen", () => {
    it("complete sets completed and completedAt and bumps the version", async () => {
      const { write } = open();
      const task = await createTask(write, (await createProject(write)).id);
      const done = await completeTask(write, { id: task.id });
      expect(done).toEqual({ ...task, completed: true, completedAt: done.updatedAt, version: 2, updatedAt: done.updatedAt });
      expect(done.updatedAt > task.updatedAt).toBe(true);
      expect(isIsoTimestamp(done.completedAt!)).toBe(true);
      expect(await write.getTask(task.id)).toEqual(done);
    });

    it("completing a completed task returns it unchanged", async () => {
      const { write } = open();
      const task = await createTask(write, (await createProject(write)).id);
      const done = await completeTask(write, { id: task.id });
      expect(await completeTask(write, { id: task.id })).toEqual(done);
      expect(await completeTask(write, { id: task.id, expectedVersion: 2 })).toEqual(done);
      expect(await write.getTask(task.id)).toEqual(done);
    });

    it("reopen clears completed and completedAt and bumps the version", async () => {
      const { write } = open();
      const task = await createTask(write, (await createProject(write)).id);
      const done = await completeTask(write, { id: task.id });
      const reopened = await reopenTask(write, { id: task.id });
      expect(reopened).toEqual({ ...task, completed: false, completedAt: null, version: 3, updatedAt: reopened.updatedAt });
      expect(reopened.updatedAt > done.updatedAt).toBe(true);
      expect(await write.getTask(task.id)).toEqual(reopened);
    });

    it("reopening an open task returns it unchanged", async () => {
      const { write } = open();
      const task = await createTask(write, (await createProject(write)).id);
      expect(await reopenTask(write, { id: task.id })).toEqual(task);
      expect(await reopenTask(write, { id: task.id, expectedVersion: 1 })).toEqual(task);
      expect(await write.getTask(task.id)).toEqual(task);
    });

    it("completing again after a reopen sets a new completedAt", async () => {
      const { write } = open();
      const task = await createTask(write, (await createProject(write)).id);
      const first = await completeTask(write, { id: task.id });
      await reopenTask(write, { id: task.id });
      const second = await completeTask(write, { id: task.id });
      expect(second.version).toBe(4);
      expect(second.completedAt! > first.completedAt!).toBe(true);
    });

    it("fails TASK_NOT_FOUND for an unknown task", async () => {
      const { write } = open();
      await expectReason(() => completeTask(write, { id: "missing" }), "TASK_NOT_FOUND");
      await expectReason(() => reopenTask(write, { id: "missing" }), "TASK_NOT_FOUND");
    });

    it("honours expectedVersion, even when the call would change nothing", async () => {
      const { write } = open();
      const task = await createTask(write, (await createProject(write)).id);
      await updateTask(write, { id: task.id, title: "v2" });
      const before = await snapshot(write);
      await expectReason(() => completeTask(write, { id: task.id, expectedVersion: 1 }), "VERSION_MISMATCH");
      await expectReason(() => reopenTask(write, { id: task.id, expectedVersion: 1 }), "VERSION_MISMATCH");
      expect(await snapshot(write)).toEqual(before);
      await completeTask(write, { id: task.id, expectedVersion: 2 });
      await expectReason(() => completeTask(write, { id: task.id, expectedVersion: 2 }), "VERSION_MISMATCH");
      await expectReason(() => reopenTask(write, { id: task.id, expectedVersion: 2 }), "VERSION_MISMATCH");
      expect((await write.getTask(task.id)).completed).toBe(true);
      expect((await reopenTask(write, { id: task.id, expectedVersion: 3 })).completed).toBe(false);
    });
  });

  describe("delete", () => {
    it("deletes the task and only that task", async () => {
      const { write } = open();
      const project = await createProject(write);
      const a = await createTask(write, project.id, { title: "a" });
      const b = await createTask(write, project.id, { title: "b" });
      expect(await deleteTask(write, { id: a.id })).toEqual({ id: a.id });
      expect((await listTasks(write, { status: "all" })).items).toEqual([b]);
      await expectReason(() => deleteTask(write, { id: a.id }), "TASK_NOT_FOUND");
    });

    it("deletes a completed task", async () => {
      const { write } = open();
      const task = await createTask(write, (await createProject(write)).id);
      await completeTask(write, { id: task.id });
      expect(await deleteTask(write, { id: task.id })).toEqual({ id: task.id });
      expect((await listTasks(write, { status: "all" })).items).toEqual([]);
    });

    it("fails TASK_NOT_FOUND for an unknown task", async () => {
      const { write } = open();
      await expectReason(() => deleteTask(write, { id: "missing" }), "TASK_NOT_FOUND");
    });

    it("honours expectedVersion", async () => {
      const { write } = open();
      const task = await createTask(write, (await createProject(write)).id);
      await completeTask(write, { id: task.id });
      await expectReason(() => deleteTask(write, { id: task.id, expectedVersion: 1 }), "VERSION_MISMATCH");
      expect((await write.getTask(task.id)).version).toBe(2);
      expect(await deleteTask(write, { id: task.id, expectedVersion: 2 })).toEqual({ id: task.id });
    });
  });
});
