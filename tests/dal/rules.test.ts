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
async function frozenWorld(write: Repository) {
  const frozen = await createProject(write, { name: "Frozen" });
  const open = await createTask(write, frozen.id, { title: "open" });
  const done = await completeTask(write, { id: (await createTask(write, frozen.id, { title: "done" })).id });
  const archived = await archiveProject(write, { id: frozen.id });
  const active = await createProject(write, { name: "Active" });
  const outside = await createTask(write, active.id, { title: "outside" });
  return { frozen: archived, open, done, active, outside };
}

describe.each(implementations)("rules ($name)", ({ open }) => {
  describe("an archived project is frozen", () => {
    it("creating a task in it fails PROJECT_ARCHIVED", async () => {
      const { write } = open();
      const { frozen } = await frozenWorld(write);
      const before = await snapshot(write);
      await expectReason(() => createTask(write, frozen.id), "PROJECT_ARCHIVED");
      expect(await snapshot(write)).toEqual(before);
    });

    it("every mutation of its tasks fails PROJECT_ARCHIVED and changes nothing", async () => {
      const { write } = open();
      const { open: task, done, active } = await frozenWorld(write);
      const before = await snapshot(write);
      const attempts: [string, () => Promise<unknown>][] = [
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
        expect({ what, reason: await reasonOrNone(attempt) }).toEqual({ what, reason: "PROJECT_ARCHIVED" });
      }
      expect(await snapshot(write)).toEqual(before);
    });

    it("moving a task into it fails PROJECT_ARCHIVED and changes nothing", async () => {
      const { write } = open();
      const { frozen, outside } = await frozenWorld(write);
      const before = await snapshot(write);
      await expectReason(() => updateTask(write, { id: outside.id, projectId: frozen.id }), "PROJECT_ARCHIVED");
      await expectReason(() => updateTask(write, { id: outside.id, projectId: frozen.id, title: "x" }), "PROJECT_ARCHIVED");
      expect(await snapshot(write)).toEqual(before);
    });

    it("updating the project itself fails PROJECT_ARCHIVED, even when it would change nothing", async () => {
      const { write } = open();
      const { frozen } = await frozenWorld(write);
      await expectReason(() => updateProject(write, { id: frozen.id, name: "New" }), "PROJECT_ARCHIVED");
      await expectReason(() => updateProject(write, { id: frozen.id, description: "d" }), "PROJECT_ARCHIVED");
      await expectReason(() => updateProject(write, { id: frozen.id }), "PROJECT_ARCHIVED");
      await expectReason(() => updateProject(write, { id: frozen.id, name: frozen.name }), "PROJECT_ARCHIVED");
      expect(await write.getProject(frozen.id)).toEqual(frozen);
    });

    it("reading still works", async () => {
      const { write, read } = open();
      const { frozen, open: task, done } = await frozenWorld(write);
      for (const repo of [write, read]) {
        expect(await repo.getProject(frozen.id)).toEqual(frozen);
        expect(await repo.getTask(task.id)).toEqual(task);
        expect(await repo.getTask(done.id)).toEqual(done);
        expect((await listTasks(repo, { projectId: frozen.id, status: "all" })).items.map((t) => t.id).sort()).toEqual(
          [task.id, done.id].sort(),
        );
        expect(await countTasks(repo, { projectId: frozen.id, status: "all" })).toBe(2);
        expect((await listProjects(repo, { archived: true })).items).toEqual([frozen]);
      }
      expect(frozen).toMatchObject({ openTaskCount: 1, completedTaskCount: 1 });
    });

    it("archive, unarchive and delete of the project itself are allowed", async () => {
      const { write } = open();
      const { frozen, open: task, done } = await frozenWorld(write);
      expect(await archiveProject(write, { id: frozen.id })).toEqual(frozen);
      await expectReason(() => deleteProject(write, { id: frozen.id }), "PROJECT_NOT_EMPTY");
      const thawed = await unarchiveProject(write, { id: frozen.id });
      expect(thawed.archived).toBe(false);
      await deleteTask(write, { id: task.id });
      await deleteTask(write, { id: done.id });
      await archiveProject(write, { id: frozen.id });
      expect(await deleteProject(write, { id: frozen.id })).toEqual({ id: frozen.id });
    });

    it("unarchiving thaws the project and its tasks", async () => {
      const { write } = open();
      const { frozen, open: task, active } = await frozenWorld(write);
      await unarchiveProject(write, { id: frozen.id });
      expect((await updateProject(write, { id: frozen.id, name: "Thawed" })).name).toBe("Thawed");
      expect((await createTask(write, frozen.id)).projectId).toBe(frozen.id);
      expect((await completeTask(write, { id: task.id })).completed).toBe(true);
      expect((await updateTask(write, { id: task.id, projectId: active.id })).projectId).toBe(active.id);
    });

    it("archiving a project does not change its tasks", async () => {
      const { write } = open();
      const project = await createProject(write);
      const task = await createTask(write, project.id);
      await archiveProject(write, { id: project.id });
      expect(await write.getTask(task.id)).toEqual(task);
    });
  });

  describe("rule check order", () => {
    it("an unknown task is reported before anything else", async () => {
      const { write } = open();
      const { frozen } = await frozenWorld(write);
      await expectReason(() => updateTask(write, { id: "missing", projectId: "nowhere", expectedVersion: 9 }), "TASK_NOT_FOUND");
      await expectReason(() => updateTask(write, { id: "missing", projectId: frozen.id, expectedVersion: 9 }), "TASK_NOT_FOUND");
      await expectReason(() => completeTask(write, { id: "missing", expectedVersion: 9 }), "TASK_NOT_FOUND");
      await expectReason(() => reopenTask(write, { id: "missing", expectedVersion: 9 }), "TASK_NOT_FOUND");
      await expectReason(() => deleteTask(write, { id: "missing", expectedVersion: 9 }), "TASK_NOT_FOUND");
    });

    it("an unknown project is reported before a version mismatch", async () => {
      const { write } = open();
      await expectReason(() => updateProject(write, { id: "missing", name: "x", expectedVersion: 9 }), "PROJECT_NOT_FOUND");
      await expectReason(() => archiveProject(write, { id: "missing", expectedVersion: 9 }), "PROJECT_NOT_FOUND");
      await expectReason(() => unarchiveProject(write, { id: "missing", expectedVersion: 9 }), "PROJECT_NOT_FOUND");
      await expectReason(() => deleteProject(write, { id: "missing", expectedVersion: 9 }), "PROJECT_NOT_FOUND");
    });

    it("the task's archived project is reported before a version mismatch", async () => {
      const { write } = open();
      const { open: task, done, active } = await frozenWorld(write);
      await expectReason(() => updateTask(write, { id: task.id, title: "x", expectedVersion: 9 }), "PROJECT_ARCHIVED");
      await expectReason(() => updateTask(write, { id: task.id, projectId: "nowhere", expectedVersion: 9 }), "PROJECT_ARCHIVED");
      await expectReason(() => updateTask(write, { id: task.id, projectId: active.id, expectedVersion: 9 }), "PROJECT_ARCHIVED");
      await expectReason(() => completeTask(write, { id: task.id, expectedVersion: 9 }), "PROJECT_ARCHIVED");
      await expectReason(() => reopenTask(write, { id: done.id, expectedVersion: 9 }), "PROJECT_ARCHIVED");
      await expectReason(() => deleteTask(write, { id: task.id, expectedVersion: 9 }), "PROJECT_ARCHIVED");
    });

    it("an archived project's update is reported before a version mismatch", async () => {
      const { write } = open();
      const { frozen } = await frozenWorld(write);
      await expectReason(() => updateProject(write, { id: frozen.id, name: "x", expectedVersion: 9 }), "PROJECT_ARCHIVED");
    });

    it("a version mismatch is reported before a missing or archived move target", async () => {
      const { write } = open();
      const { frozen, outside } = await frozenWorld(write);
      await expectReason(() => updateTask(write, { id: outside.id, projectId: "nowhere", expectedVersion: 9 }), "VERSION_MISMATCH");
      await expectReason(() => updateTask(write, { id: outside.id, projectId: frozen.id, expectedVersion: 9 }), "VERSION_MISMATCH");
      await expectReason(() => updateTask(write, { id: outside.id, projectId: frozen.id, expectedVersion: 1 }), "PROJECT_ARCHIVED");
      await expectReason(() => updateTask(write, { id: outside.id, projectId: "nowhere", expectedVersion: 1 }), "PROJECT_NOT_FOUND");
    });

    it("a version mismatch is reported before PROJECT_NOT_EMPTY", async () => {
      const { write } = open();
      const { frozen, active } = await frozenWorld(write);
      await expectReason(() => deleteProject(write, { id: active.id, expectedVersion: 9 }), "VERSION_MISMATCH");
      await expectReason(() => deleteProject(write, { id: frozen.id, expectedVersion: 9 }), "VERSION_MISMATCH");
      await expectReason(() => deleteProject(write, { id: frozen.id, expectedVersion: frozen.version }), "PROJECT_NOT_EMPTY");
    });

    it("a version mismatch is reported for archive/unarchive of an archived project", async () => {
      const { write } = open();
      const { frozen } = await frozenWorld(write);
      await expectReason(() => archiveProject(write, { id: frozen.id, expectedVersion: 1 }), "VERSION_MISMATCH");
      await expectReason(() => unarchiveProject(write, { id: frozen.id, expectedVersion: 1 }), "VERSION_MISMATCH");
      expect(await write.getProject(frozen.id)).toEqual(frozen);
    });
  });
});

async function reasonOrNone(action: () => Promise<unknown>): Promise<string> {
  try {
    await action();
    return "none";
  } catch (error) {
    return (error as { reason?: string }).reason ?? String(error);
  }
}
