import { describe, expect, it } from "vitest";
import type { Repository } from "../../src/data";
import {
  archiveProject,
  completeTask,
  countTasks,
  createProject,
  createTask,
  deleteProject,
  deleteTask,
  expectReason,
  listProjects,
  listTasks,
  reopenTask,
  snapshot,
  unarchiveProject,
  updateProject,
  updateTask,
} from "./fixtures";
import { implementations } from "./implementations";

/** An archived project with an open and a completed task, and an active project with one task. */
function frozenWorld(write: Repository) {
  const frozen = createProject(write, { name: "Frozen" });
  const open = createTask(write, frozen.id, { title: "open" });
  const done = completeTask(write, { id: createTask(write, frozen.id, { title: "done" }).id });
  const archived = archiveProject(write, { id: frozen.id });
  const active = createProject(write, { name: "Active" });
  const outside = createTask(write, active.id, { title: "outside" });
  return { frozen: archived, open, done, active, outside };
}

describe.each(implementations)("rules ($name)", ({ open }) => {
  describe("an archived project is frozen", () => {
    it("creating a task in it fails PROJECT_ARCHIVED", () => {
      const { write } = open();
      const { frozen } = frozenWorld(write);
      const before = snapshot(write);
      expectReason(() => createTask(write, frozen.id), "PROJECT_ARCHIVED");
      expect(snapshot(write)).toEqual(before);
    });

    it("every mutation of its tasks fails PROJECT_ARCHIVED and changes nothing", () => {
      const { write } = open();
      const { open: task, done, active } = frozenWorld(write);
      const before = snapshot(write);
      const attempts: [string, () => unknown][] = [
        ["update title", () => updateTask(write, { id: task.id, title: "changed" })],
        ["update labels", () => updateTask(write, { id: task.id, labels: ["x"] })],
        ["no-op update", () => updateTask(write, { id: task.id })],
        ["same-value update", () => updateTask(write, { id: task.id, title: task.title })],
        ["move out", () => updateTask(write, { id: task.id, projectId: active.id })],
        ["complete", () => completeTask(write, { id: task.id })],
        ["complete a completed task", () => completeTask(write, { id: done.id })],
        ["reopen", () => reopenTask(write, { id: done.id })],
        ["reopen an open task", () => reopenTask(write, { id: task.id })],
        ["delete open", () => deleteTask(write, { id: task.id })],
        ["delete completed", () => deleteTask(write, { id: done.id })],
      ];
      for (const [what, attempt] of attempts) {
        expect({ what, reason: reasonOrNone(attempt) }).toEqual({ what, reason: "PROJECT_ARCHIVED" });
      }
      expect(snapshot(write)).toEqual(before);
    });

    it("moving a task into it fails PROJECT_ARCHIVED and changes nothing", () => {
      const { write } = open();
      const { frozen, outside } = frozenWorld(write);
      const before = snapshot(write);
      expectReason(() => updateTask(write, { id: outside.id, projectId: frozen.id }), "PROJECT_ARCHIVED");
      expectReason(() => updateTask(write, { id: outside.id, projectId: frozen.id, title: "x" }), "PROJECT_ARCHIVED");
      expect(snapshot(write)).toEqual(before);
    });

    it("updating the project itself fails PROJECT_ARCHIVED, even when it would change nothing", () => {
      const { write } = open();
      const { frozen } = frozenWorld(write);
      expectReason(() => updateProject(write, { id: frozen.id, name: "New" }), "PROJECT_ARCHIVED");
      expectReason(() => updateProject(write, { id: frozen.id, description: "d" }), "PROJECT_ARCHIVED");
      expectReason(() => updateProject(write, { id: frozen.id }), "PROJECT_ARCHIVED");
      expectReason(() => updateProject(write, { id: frozen.id, name: frozen.name }), "PROJECT_ARCHIVED");
      expect(write.getProject(frozen.id)).toEqual(frozen);
    });

    it("reading still works", () => {
      const { write, read } = open();
      const { frozen, open: task, done } = frozenWorld(write);
      for (const repo of [write, read]) {
        expect(repo.getProject(frozen.id)).toEqual(frozen);
        expect(repo.getTask(task.id)).toEqual(task);
        expect(repo.getTask(done.id)).toEqual(done);
        expect(listTasks(repo, { projectId: frozen.id, status: "all" }).items.map((t) => t.id).sort()).toEqual(
          [task.id, done.id].sort(),
        );
        expect(countTasks(repo, { projectId: frozen.id, status: "all" })).toBe(2);
        expect(listProjects(repo, { archived: true }).items).toEqual([frozen]);
      }
      expect(frozen).toMatchObject({ openTaskCount: 1, completedTaskCount: 1 });
    });

    it("archive, unarchive and delete of the project itself are allowed", () => {
      const { write } = open();
      const { frozen, open: task, done } = frozenWorld(write);
      expect(archiveProject(write, { id: frozen.id })).toEqual(frozen);
      expectReason(() => deleteProject(write, { id: frozen.id }), "PROJECT_NOT_EMPTY");
      const thawed = unarchiveProject(write, { id: frozen.id });
      expect(thawed.archived).toBe(false);
      deleteTask(write, { id: task.id });
      deleteTask(write, { id: done.id });
      archiveProject(write, { id: frozen.id });
      expect(deleteProject(write, { id: frozen.id })).toEqual({ id: frozen.id });
    });

    it("unarchiving thaws the project and its tasks", () => {
      const { write } = open();
      const { frozen, open: task, active } = frozenWorld(write);
      unarchiveProject(write, { id: frozen.id });
      expect(updateProject(write, { id: frozen.id, name: "Thawed" }).name).toBe("Thawed");
      expect(createTask(write, frozen.id).projectId).toBe(frozen.id);
      expect(completeTask(write, { id: task.id }).completed).toBe(true);
      expect(updateTask(write, { id: task.id, projectId: active.id }).projectId).toBe(active.id);
    });

    it("archiving a project does not change its tasks", () => {
      const { write } = open();
      const project = createProject(write);
      const task = createTask(write, project.id);
      archiveProject(write, { id: project.id });
      expect(write.getTask(task.id)).toEqual(task);
    });
  });

  describe("rule check order", () => {
    it("an unknown task is reported before anything else", () => {
      const { write } = open();
      const { frozen } = frozenWorld(write);
      expectReason(() => updateTask(write, { id: "missing", projectId: "nowhere", expectedVersion: 9 }), "TASK_NOT_FOUND");
      expectReason(() => updateTask(write, { id: "missing", projectId: frozen.id, expectedVersion: 9 }), "TASK_NOT_FOUND");
      expectReason(() => completeTask(write, { id: "missing", expectedVersion: 9 }), "TASK_NOT_FOUND");
      expectReason(() => reopenTask(write, { id: "missing", expectedVersion: 9 }), "TASK_NOT_FOUND");
      expectReason(() => deleteTask(write, { id: "missing", expectedVersion: 9 }), "TASK_NOT_FOUND");
    });

    it("an unknown project is reported before a version mismatch", () => {
      const { write } = open();
      expectReason(() => updateProject(write, { id: "missing", name: "x", expectedVersion: 9 }), "PROJECT_NOT_FOUND");
      expectReason(() => archiveProject(write, { id: "missing", expectedVersion: 9 }), "PROJECT_NOT_FOUND");
      expectReason(() => unarchiveProject(write, { id: "missing", expectedVersion: 9 }), "PROJECT_NOT_FOUND");
      expectReason(() => deleteProject(write, { id: "missing", expectedVersion: 9 }), "PROJECT_NOT_FOUND");
    });

    it("the task's archived project is reported before a version mismatch", () => {
      const { write } = open();
      const { open: task, done, active } = frozenWorld(write);
      expectReason(() => updateTask(write, { id: task.id, title: "x", expectedVersion: 9 }), "PROJECT_ARCHIVED");
      expectReason(() => updateTask(write, { id: task.id, projectId: "nowhere", expectedVersion: 9 }), "PROJECT_ARCHIVED");
      expectReason(() => updateTask(write, { id: task.id, projectId: active.id, expectedVersion: 9 }), "PROJECT_ARCHIVED");
      expectReason(() => completeTask(write, { id: task.id, expectedVersion: 9 }), "PROJECT_ARCHIVED");
      expectReason(() => reopenTask(write, { id: done.id, expectedVersion: 9 }), "PROJECT_ARCHIVED");
      expectReason(() => deleteTask(write, { id: task.id, expectedVersion: 9 }), "PROJECT_ARCHIVED");
    });

    it("an archived project's update is reported before a version mismatch", () => {
      const { write } = open();
      const { frozen } = frozenWorld(write);
      expectReason(() => updateProject(write, { id: frozen.id, name: "x", expectedVersion: 9 }), "PROJECT_ARCHIVED");
    });

    it("a version mismatch is reported before a missing or archived move target", () => {
      const { write } = open();
      const { frozen, outside } = frozenWorld(write);
      expectReason(() => updateTask(write, { id: outside.id, projectId: "nowhere", expectedVersion: 9 }), "VERSION_MISMATCH");
      expectReason(() => updateTask(write, { id: outside.id, projectId: frozen.id, expectedVersion: 9 }), "VERSION_MISMATCH");
      expectReason(() => updateTask(write, { id: outside.id, projectId: frozen.id, expectedVersion: 1 }), "PROJECT_ARCHIVED");
      expectReason(() => updateTask(write, { id: outside.id, projectId: "nowhere", expectedVersion: 1 }), "PROJECT_NOT_FOUND");
    });

    it("a version mismatch is reported before PROJECT_NOT_EMPTY", () => {
      const { write } = open();
      const { frozen, active } = frozenWorld(write);
      expectReason(() => deleteProject(write, { id: active.id, expectedVersion: 9 }), "VERSION_MISMATCH");
      expectReason(() => deleteProject(write, { id: frozen.id, expectedVersion: 9 }), "VERSION_MISMATCH");
      expectReason(() => deleteProject(write, { id: frozen.id, expectedVersion: frozen.version }), "PROJECT_NOT_EMPTY");
    });

    it("a version mismatch is reported for archive/unarchive of an archived project", () => {
      const { write } = open();
      const { frozen } = frozenWorld(write);
      expectReason(() => archiveProject(write, { id: frozen.id, expectedVersion: 1 }), "VERSION_MISMATCH");
      expectReason(() => unarchiveProject(write, { id: frozen.id, expectedVersion: 1 }), "VERSION_MISMATCH");
      expect(write.getProject(frozen.id)).toEqual(frozen);
    });
  });
});

function reasonOrNone(action: () => unknown): string {
  try {
    action();
    return "none";
  } catch (error) {
    return (error as { reason?: string }).reason ?? String(error);
  }
}
