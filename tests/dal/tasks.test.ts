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
} from "./fixtures";
import { implementations } from "./implementations";

describe.each(implementations)("tasks ($name)", ({ open }) => {
  describe("create", () => {
    it("applies the defaults: normal priority, no due date, no labels, open, version 1", () => {
      const { write } = open();
      const project = createProject(write);
      const task = createTask(write, project.id, { title: "  Buy milk " });
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
      expect(write.getTask(task.id)).toEqual(task);
    });

    it("stores every given field, with labels sorted case-insensitively", () => {
      const { write } = open();
      const project = createProject(write);
      const task = createTask(write, project.id, {
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
      expect(write.getTask(task.id)).toEqual(task);
    });

    it("gives every task its own id", () => {
      const { write } = open();
      const project = createProject(write);
      const ids = new Set(Array.from({ length: 5 }, () => createTask(write, project.id).id));
      expect(ids.size).toBe(5);
    });

    it("fails PROJECT_NOT_FOUND for an unknown project and creates nothing", () => {
      const { write } = open();
      createProject(write);
      const before = snapshot(write);
      expectReason(() => createTask(write, "missing"), "PROJECT_NOT_FOUND");
      expect(snapshot(write)).toEqual(before);
    });
  });

  describe("get", () => {
    it("fails TASK_NOT_FOUND for an unknown or deleted task", () => {
      const { write, read } = open();
      const task = createTask(write, createProject(write).id);
      expectReason(() => write.getTask("missing"), "TASK_NOT_FOUND");
      expectReason(() => read.getTask("missing"), "TASK_NOT_FOUND");
      deleteTask(write, { id: task.id });
      expectReason(() => write.getTask(task.id), "TASK_NOT_FOUND");
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

    it.each(cases)("changes %s alone, bumping version and updatedAt", (_field, change, expected) => {
      const { write } = open();
      const project = createProject(write);
      const task = createTask(write, project.id, {
        title: "Old",
        description: "old",
        priority: "low",
        dueDate: "2025-01-01",
        labels: ["x"],
      });
      const updated = updateTask(write, { id: task.id, ...change });
      expect(updated).toEqual({ ...task, ...expected, version: 2, updatedAt: updated.updatedAt });
      expect(updated.updatedAt > task.updatedAt).toBe(true);
      expect(write.getTask(task.id)).toEqual(updated);
    });

    it("clears the due date with null and keeps it when left out", () => {
      const { write } = open();
      const task = createTask(write, createProject(write).id, { dueDate: "2025-01-01" });
      expect(updateTask(write, { id: task.id, title: "t" }).dueDate).toBe("2025-01-01");
      const cleared = updateTask(write, { id: task.id, dueDate: null });
      expect(cleared.dueDate).toBeNull();
      expect(cleared.version).toBe(3);
      expect(write.getTask(task.id).dueDate).toBeNull();
    });

    it("replaces the labels, returned sorted, and clears them with []", () => {
      const { write } = open();
      const task = createTask(write, createProject(write).id, { labels: ["one", "two"] });
      expect(updateTask(write, { id: task.id, labels: ["three", "Four"] }).labels).toEqual(["Four", "three"]);
      expect(write.getTask(task.id).labels).toEqual(["Four", "three"]);
      expect(updateTask(write, { id: task.id, labels: [] }).labels).toEqual([]);
      expect(write.getTask(task.id).labels).toEqual([]);
    });

    it("changes several fields with one version bump", () => {
      const { write } = open();
      const task = createTask(write, createProject(write).id);
      const updated = updateTask(write, { id: task.id, title: "A", priority: "urgent", labels: ["l"] });
      expect(updated).toMatchObject({ title: "A", priority: "urgent", labels: ["l"], version: 2 });
    });

    it("keeps completed state and createdAt", () => {
      const { write } = open();
      const task = createTask(write, createProject(write).id);
      const done = completeTask(write, { id: task.id });
      const updated = updateTask(write, { id: task.id, title: "renamed" });
      expect(updated).toMatchObject({ completed: true, completedAt: done.completedAt, createdAt: task.createdAt });
    });

    it("returns the task unchanged when no field is given", () => {
      const { write } = open();
      const task = createTask(write, createProject(write).id, { labels: ["a"] });
      expect(updateTask(write, { id: task.id })).toEqual(task);
      expect(write.getTask(task.id)).toEqual(task);
    });

    it("returns the task unchanged when every given value is already stored", () => {
      const { write } = open();
      const project = createProject(write);
      const task = createTask(write, project.id, {
        title: "T",
        description: "d",
        priority: "high",
        dueDate: "2025-03-01",
        labels: ["b", "a"],
      });
      const same = updateTask(write, {
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
      const plain = createTask(write, project.id);
      expect(updateTask(write, { id: plain.id, dueDate: null, labels: [], description: "" })).toEqual(plain);
      expect(write.getTask(task.id)).toEqual(task);
      expect(write.getTask(plain.id)).toEqual(plain);
    });

    it("fails TASK_NOT_FOUND for an unknown task", () => {
      const { write } = open();
      const project = createProject(write);
      expectReason(() => updateTask(write, { id: "missing", title: "x" }), "TASK_NOT_FOUND");
      expectReason(() => updateTask(write, { id: "missing", projectId: project.id }), "TASK_NOT_FOUND");
    });

    it("honours expectedVersion and changes nothing on a mismatch", () => {
      const { write } = open();
      const task = createTask(write, createProject(write).id);
      updateTask(write, { id: task.id, title: "v2", expectedVersion: 1 });
      const before = snapshot(write);
      expectReason(() => updateTask(write, { id: task.id, title: "v3", expectedVersion: 1 }), "VERSION_MISMATCH");
      expectReason(() => updateTask(write, { id: task.id, expectedVersion: 5 }), "VERSION_MISMATCH");
      expect(snapshot(write)).toEqual(before);
      expect(updateTask(write, { id: task.id, title: "v3", expectedVersion: 2 })).toMatchObject({ title: "v3", version: 3 });
    });
  });

  describe("move", () => {
    it("moves a task to another project with a version bump", () => {
      const { write } = open();
      const home = createProject(write, { name: "Home" });
      const work = createProject(write, { name: "Work" });
      const task = createTask(write, home.id, { labels: ["x"] });
      const moved = updateTask(write, { id: task.id, projectId: work.id });
      expect(moved).toEqual({ ...task, projectId: work.id, version: 2, updatedAt: moved.updatedAt });
      expect(moved.updatedAt > task.updatedAt).toBe(true);
      expect(write.getTask(task.id).projectId).toBe(work.id);
      expect(listTasks(write, { projectId: home.id }).items).toEqual([]);
      expect(listTasks(write, { projectId: work.id }).items).toEqual([moved]);
    });

    it("moves and changes other fields at once", () => {
      const { write } = open();
      const home = createProject(write, { name: "Home" });
      const work = createProject(write, { name: "Work" });
      const task = createTask(write, home.id);
      const moved = updateTask(write, { id: task.id, projectId: work.id, title: "Moved", priority: "low" });
      expect(moved).toMatchObject({ projectId: work.id, title: "Moved", priority: "low", version: 2 });
    });

    it("moves a completed task, keeping it completed", () => {
      const { write } = open();
      const home = createProject(write, { name: "Home" });
      const work = createProject(write, { name: "Work" });
      const task = createTask(write, home.id);
      completeTask(write, { id: task.id });
      expect(updateTask(write, { id: task.id, projectId: work.id })).toMatchObject({ projectId: work.id, completed: true });
      expect(write.getProject(work.id).completedTaskCount).toBe(1);
    });

    it("fails PROJECT_NOT_FOUND when the target project does not exist, and changes nothing", () => {
      const { write } = open();
      const task = createTask(write, createProject(write).id);
      const before = snapshot(write);
      expectReason(() => updateTask(write, { id: task.id, projectId: "missing", title: "changed" }), "PROJECT_NOT_FOUND");
      expect(snapshot(write)).toEqual(before);
    });
  });

  describe("complete and reopen", () => {
    it("complete sets completed and completedAt and bumps the version", () => {
      const { write } = open();
      const task = createTask(write, createProject(write).id);
      const done = completeTask(write, { id: task.id });
      expect(done).toEqual({ ...task, completed: true, completedAt: done.updatedAt, version: 2, updatedAt: done.updatedAt });
      expect(done.updatedAt > task.updatedAt).toBe(true);
      expect(isIsoTimestamp(done.completedAt!)).toBe(true);
      expect(write.getTask(task.id)).toEqual(done);
    });

    it("completing a completed task returns it unchanged", () => {
      const { write } = open();
      const task = createTask(write, createProject(write).id);
      const done = completeTask(write, { id: task.id });
      expect(completeTask(write, { id: task.id })).toEqual(done);
      expect(completeTask(write, { id: task.id, expectedVersion: 2 })).toEqual(done);
      expect(write.getTask(task.id)).toEqual(done);
    });

    it("reopen clears completed and completedAt and bumps the version", () => {
      const { write } = open();
      const task = createTask(write, createProject(write).id);
      const done = completeTask(write, { id: task.id });
      const reopened = reopenTask(write, { id: task.id });
      expect(reopened).toEqual({ ...task, completed: false, completedAt: null, version: 3, updatedAt: reopened.updatedAt });
      expect(reopened.updatedAt > done.updatedAt).toBe(true);
      expect(write.getTask(task.id)).toEqual(reopened);
    });

    it("reopening an open task returns it unchanged", () => {
      const { write } = open();
      const task = createTask(write, createProject(write).id);
      expect(reopenTask(write, { id: task.id })).toEqual(task);
      expect(reopenTask(write, { id: task.id, expectedVersion: 1 })).toEqual(task);
      expect(write.getTask(task.id)).toEqual(task);
    });

    it("completing again after a reopen sets a new completedAt", () => {
      const { write } = open();
      const task = createTask(write, createProject(write).id);
      const first = completeTask(write, { id: task.id });
      reopenTask(write, { id: task.id });
      const second = completeTask(write, { id: task.id });
      expect(second.version).toBe(4);
      expect(second.completedAt! > first.completedAt!).toBe(true);
    });

    it("fails TASK_NOT_FOUND for an unknown task", () => {
      const { write } = open();
      expectReason(() => completeTask(write, { id: "missing" }), "TASK_NOT_FOUND");
      expectReason(() => reopenTask(write, { id: "missing" }), "TASK_NOT_FOUND");
    });

    it("honours expectedVersion, even when the call would change nothing", () => {
      const { write } = open();
      const task = createTask(write, createProject(write).id);
      updateTask(write, { id: task.id, title: "v2" });
      const before = snapshot(write);
      expectReason(() => completeTask(write, { id: task.id, expectedVersion: 1 }), "VERSION_MISMATCH");
      expectReason(() => reopenTask(write, { id: task.id, expectedVersion: 1 }), "VERSION_MISMATCH");
      expect(snapshot(write)).toEqual(before);
      completeTask(write, { id: task.id, expectedVersion: 2 });
      expectReason(() => completeTask(write, { id: task.id, expectedVersion: 2 }), "VERSION_MISMATCH");
      expectReason(() => reopenTask(write, { id: task.id, expectedVersion: 2 }), "VERSION_MISMATCH");
      expect(write.getTask(task.id).completed).toBe(true);
      expect(reopenTask(write, { id: task.id, expectedVersion: 3 }).completed).toBe(false);
    });
  });

  describe("delete", () => {
    it("deletes the task and only that task", () => {
      const { write } = open();
      const project = createProject(write);
      const a = createTask(write, project.id, { title: "a" });
      const b = createTask(write, project.id, { title: "b" });
      expect(deleteTask(write, { id: a.id })).toEqual({ id: a.id });
      expect(listTasks(write, { status: "all" }).items).toEqual([b]);
      expectReason(() => deleteTask(write, { id: a.id }), "TASK_NOT_FOUND");
    });

    it("deletes a completed task", () => {
      const { write } = open();
      const task = createTask(write, createProject(write).id);
      completeTask(write, { id: task.id });
      expect(deleteTask(write, { id: task.id })).toEqual({ id: task.id });
      expect(listTasks(write, { status: "all" }).items).toEqual([]);
    });

    it("fails TASK_NOT_FOUND for an unknown task", () => {
      const { write } = open();
      expectReason(() => deleteTask(write, { id: "missing" }), "TASK_NOT_FOUND");
    });

    it("honours expectedVersion", () => {
      const { write } = open();
      const task = createTask(write, createProject(write).id);
      completeTask(write, { id: task.id });
      expectReason(() => deleteTask(write, { id: task.id, expectedVersion: 1 }), "VERSION_MISMATCH");
      expect(write.getTask(task.id).version).toBe(2);
      expect(deleteTask(write, { id: task.id, expectedVersion: 2 })).toEqual({ id: task.id });
    });
  });
});
