import { describe, expect, it } from "vitest";
import {
  archiveProject,
  completeTask,
  createProject,
  createTask,
  deleteProject,
  deleteTask,
  expectReason,
  isIsoTimestamp,
  listProjects,
  reopenTask,
  snapshot,
  unarchiveProject,
  updateProject,
  updateTask,
} from "./fixtures";
import { implementations } from "./implementations";

describe.each(implementations)("projects ($name)", ({ open }) => {
  describe("create", () => {
    it("stores the trimmed name, default description, version 1, no tasks and equal UTC timestamps", async () => {
      const { write } = open();
      const project = await createProject(write, { name: "  Home  " });
      expect(project).toMatchObject({
        name: "Home",
        description: "",
        archived: false,
        archivedAt: null,
        openTaskCount: 0,
        completedTaskCount: 0,
        version: 1,
      });
      expect(project.id.length).toBeGreaterThan(0);
      expect(project.id.length).toBeLessThanOrEqual(64);
      expect(isIsoTimestamp(project.createdAt)).toBe(true);
      expect(project.updatedAt).toBe(project.createdAt);
      expect(await write.getProject(project.id)).toEqual(project);
    });

    it("keeps the description and gives every project its own id", async () => {
      const { write } = open();
      const a = await createProject(write, { name: "A", description: "first" });
      const b = await createProject(write, { name: "A", description: "second" });
      expect(a.id).not.toBe(b.id);
      expect((await write.getProject(a.id)).description).toBe("first");
      expect((await write.getProject(b.id)).description).toBe("second");
    });
  });

  describe("get", () => {
    it("fails PROJECT_NOT_FOUND for an unknown id", async () => {
      const { write, read } = open();
      await createProject(write);
      await expectReason(() => write.getProject("missing"), "PROJECT_NOT_FOUND");
      await expectReason(() => read.getProject("missing"), "PROJECT_NOT_FOUND");
    });

    it("fails PROJECT_NOT_FOUND after the project is deleted", async () => {
      const { write } = open();
      const project = await createProject(write);
      expect(await deleteProject(write, { id: project.id })).toEqual({ id: project.id });
      await expectReason(() => write.getProject(project.id), "PROJECT_NOT_FOUND");
    });
  });

  describe("update", () => {
    it("changes only the given field, bumps the version and updatedAt", async () => {
      const { write } = open();
      const project = await createProject(write, { name: "Home", description: "d" });
      const renamed = await updateProject(write, { id: project.id, name: "  House " });
      expect(renamed).toEqual({ ...project, name: "House", version: 2, updatedAt: renamed.updatedAt });
      expect(renamed.updatedAt > project.updatedAt).toBe(true);
      expect(isIsoTimestamp(renamed.updatedAt)).toBe(true);

      const described = await updateProject(write, { id: project.id, description: "" });
      expect(described).toEqual({ ...renamed, description: "", version: 3, updatedAt: described.updatedAt });
      expect(described.updatedAt > renamed.updatedAt).toBe(true);
      expect(await write.getProject(project.id)).toEqual(described);
    });

    it("changes name and description together with one version bump", async () => {
      const { write } = open();
      const project = await createProject(write, { name: "Home" });
      const updated = await updateProject(write, { id: project.id, name: "Work", description: "job" });
      expect(updated).toMatchObject({ name: "Work", description: "job", version: 2, createdAt: project.createdAt });
    });

    it("returns the project unchanged when no field is given", async () => {
      const { write } = open();
      const project = await createProject(write, { name: "Home", description: "d" });
      expect(await updateProject(write, { id: project.id })).toEqual(project);
      expect(await write.getProject(project.id)).toEqual(project);
    });

    it("returns the project unchanged when every given value is already stored", async () => {
      const { write } = open();
      const project = await createProject(write, { name: "Home", description: "d" });
      expect(await updateProject(write, { id: project.id, name: " Home ", description: "d" })).toEqual(project);
      expect(await updateProject(write, { id: project.id, name: "Home", expectedVersion: 1 })).toEqual(project);
      expect(await write.getProject(project.id)).toEqual(project);
    });

    it("fails PROJECT_NOT_FOUND for an unknown id", async () => {
      const { write } = open();
      await expectReason(() => updateProject(write, { id: "missing", name: "x" }), "PROJECT_NOT_FOUND");
    });

    it("honours expectedVersion", async () => {
      const { write } = open();
      const project = await createProject(write, { name: "Home" });
      const updated = await updateProject(write, { id: project.id, name: "A", expectedVersion: 1 });
      expect(updated.version).toBe(2);
      const before = await snapshot(write);
      await expectReason(() => updateProject(write, { id: project.id, name: "B", expectedVersion: 1 }), "VERSION_MISMATCH");
      await expectReason(() => updateProject(write, { id: project.id, name: "B", expectedVersion: 3 }), "VERSION_MISMATCH");
      expect(await snapshot(write)).toEqual(before);
      expect((await updateProject(write, { id: project.id, name: "B", expectedVersion: 2 })).name).toBe("B");
    });

    it("fails VERSION_MISMATCH on a stale no-op update", async () => {
      const { write } = open();
      const project = await createProject(write, { name: "Home" });
      await updateProject(write, { id: project.id, name: "Work" });
      await expectReason(() => updateProject(write, { id: project.id, expectedVersion: 1 }), "VERSION_MISMATCH");
    });
  });

  describe("archive and unarchive", () => {
    it("archive sets archived and archivedAt and bumps the version", async () => {
      const { write } = open();
      const project = await createProject(write);
      const archived = await archiveProject(write, { id: project.id });
      expect(archived).toEqual({
        ...project,
        archived: true,
        archivedAt: archived.updatedAt,
        version: 2,
        updatedAt: archived.updatedAt,
      });
      expect(archived.updatedAt > project.updatedAt).toBe(true);
      expect(isIsoTimestamp(archived.updatedAt)).toBe(true);
      expect(await write.getProject(project.id)).toEqual(archived);
    });

    it("archiving an archived project returns it unchanged", async () => {
      const { write } = open();
      const project = await createProject(write);
      const archived = await archiveProject(write, { id: project.id });
      expect(await archiveProject(write, { id: project.id })).toEqual(archived);
      expect(await archiveProject(write, { id: project.id, expectedVersion: 2 })).toEqual(archived);
      expect(await write.getProject(project.id)).toEqual(archived);
    });

    it("unarchive clears archived and archivedAt and bumps the version", async () => {
      const { write } = open();
      const project = await createProject(write);
      const archived = await archiveProject(write, { id: project.id });
      const unarchived = await unarchiveProject(write, { id: project.id });
      expect(unarchived).toEqual({
        ...project,
        archived: false,
        archivedAt: null,
        version: 3,
        updatedAt: unarchived.updatedAt,
      });
      expect(unarchived.updatedAt > archived.updatedAt).toBe(true);
      expect(await write.getProject(project.id)).toEqual(unarchived);
    });

    it("unarchiving a project that is not archived returns it unchanged", async () => {
      const { write } = open();
      const project = await createProject(write);
      expect(await unarchiveProject(write, { id: project.id })).toEqual(project);
      expect(await unarchiveProject(write, { id: project.id, expectedVersion: 1 })).toEqual(project);
      expect(await write.getProject(project.id)).toEqual(project);
    });

    it("re-archiving sets a new archivedAt", async () => {
      const { write } = open();
      const project = await createProject(write);
      const first = await archiveProject(write, { id: project.id });
      await unarchiveProject(write, { id: project.id });
      const second = await archiveProject(write, { id: project.id });
      expect(second.version).toBe(4);
      expect(second.archivedAt! > first.archivedAt!).toBe(true);
    });

    it("fails PROJECT_NOT_FOUND for an unknown id", async () => {
      const { write } = open();
      await expectReason(() => archiveProject(write, { id: "missing" }), "PROJECT_NOT_FOUND");
      await expectReason(() => unarchiveProject(write, { id: "missing" }), "PROJECT_NOT_FOUND");
    });

    it("honours expectedVersion, even when the call would change nothing", async () => {
      const { write } = open();
      const project = await createProject(write);
      await updateProject(write, { id: project.id, name: "v2" });
      const before = await snapshot(write);
      await expectReason(() => archiveProject(write, { id: project.id, expectedVersion: 1 }), "VERSION_MISMATCH");
      await expectReason(() => unarchiveProject(write, { id: project.id, expectedVersion: 1 }), "VERSION_MISMATCH");
      expect(await snapshot(write)).toEqual(before);
      await archiveProject(write, { id: project.id, expectedVersion: 2 });
      await expectReason(() => archiveProject(write, { id: project.id, expectedVersion: 2 }), "VERSION_MISMATCH");
      await expectReason(() => unarchiveProject(write, { id: project.id, expectedVersion: 2 }), "VERSION_MISMATCH");
      expect((await write.getProject(project.id)).archived).toBe(true);
      expect((await unarchiveProject(write, { id: project.id, expectedVersion: 3 })).archived).toBe(false);
    });

    it("keeps the task counts", async () => {
      const { write } = open();
      const project = await createProject(write);
      await createTask(write, project.id);
      await completeTask(write, { id: (await createTask(write, project.id)).id });
      expect(await archiveProject(write, { id: project.id })).toMatchObject({ openTaskCount: 1, completedTaskCount: 1 });
      expect(await unarchiveProject(write, { id: project.id })).toMatchObject({ openTaskCount: 1, completedTaskCount: 1 });
    });
  });

  describe("delete", () => {
    it("deletes an empty project", async () => {
      const { write } = open();
      const project = await createProject(write);
      const other = await createProject(write, { name: "Other" });
      expect(await deleteProject(write, { id: project.id })).toEqual({ id: project.id });
      expect((await listProjects(write)).items.map((p) => p.id)).toEqual([other.id]);
      await expectReason(() => deleteProject(write, { id: project.id }), "PROJECT_NOT_FOUND");
    });

    it("fails PROJECT_NOT_FOUND for an unknown id", async () => {
      const { write } = open();
      await expectReason(() => deleteProject(write, { id: "missing" }), "PROJECT_NOT_FOUND");
    });

    it("fails PROJECT_NOT_EMPTY while it has an open task", async () => {
      const { write } = open();
      const project = await createProject(write);
      await createTask(write, project.id);
      const before = await snapshot(write);
      await expectReason(() => deleteProject(write, { id: project.id }), "PROJECT_NOT_EMPTY");
      expect(await snapshot(write)).toEqual(before);
    });

    it("fails PROJECT_NOT_EMPTY while it has only completed tasks", async () => {
      const { write } = open();
      const project = await createProject(write);
      await completeTask(write, { id: (await createTask(write, project.id)).id });
      const before = await snapshot(write);
      await expectReason(() => deleteProject(write, { id: project.id }), "PROJECT_NOT_EMPTY");
      expect(await snapshot(write)).toEqual(before);
    });

    it("deletes a project once its tasks are deleted or moved away", async () => {
      const { write } = open();
      const project = await createProject(write);
      const other = await createProject(write, { name: "Other" });
      const a = await createTask(write, project.id);
      const b = await createTask(write, project.id);
      await deleteTask(write, { id: a.id });
      await updateTask(write, { id: b.id, projectId: other.id });
      expect(await deleteProject(write, { id: project.id })).toEqual({ id: project.id });
      expect((await write.getTask(b.id)).projectId).toBe(other.id);
    });

    it("deletes an empty archived project", async () => {
      const { write } = open();
      const project = await createProject(write);
      await archiveProject(write, { id: project.id });
      expect(await deleteProject(write, { id: project.id })).toEqual({ id: project.id });
      expect((await listProjects(write, { archived: true })).items).toEqual([]);
    });

    it("fails PROJECT_NOT_EMPTY for an archived project with tasks", async () => {
      const { write } = open();
      const project = await createProject(write);
      await createTask(write, project.id);
      await archiveProject(write, { id: project.id });
      await expectReason(() => deleteProject(write, { id: project.id }), "PROJECT_NOT_EMPTY");
      expect((await write.getProject(project.id)).openTaskCount).toBe(1);
    });

    it("honours expectedVersion", async () => {
      const { write } = open();
      const project = await createProject(write);
      await updateProject(write, { id: project.id, name: "v2" });
      await expectReason(() => deleteProject(write, { id: project.id, expectedVersion: 1 }), "VERSION_MISMATCH");
      expect((await write.getProject(project.id)).version).toBe(2);
      expect(await deleteProject(write, { id: project.id, expectedVersion: 2 })).toEqual({ id: project.id });
    });
  });

  describe("task counts", () => {
    it("stay current through create, complete, reopen, move and delete of tasks", async () => {
      const { write, read } = open();
      const home = await createProject(write, { name: "Home" });
      const work = await createProject(write, { name: "Work" });
      const counts = async (id: string) => {
        const { openTaskCount, completedTaskCount } = await write.getProject(id);
        const listed = (await listProjects(read)).items.find((p) => p.id === id)!;
        expect([listed.openTaskCount, listed.completedTaskCount]).toEqual([openTaskCount, completedTaskCount]);
        expect(await read.getProject(id)).toMatchObject({ openTaskCount, completedTaskCount });
        return [openTaskCount, completedTaskCount];
      };

      const a = await createTask(write, home.id);
      const b = await createTask(write, home.id);
      expect(await counts(home.id)).toEqual([2, 0]);
      await completeTask(write, { id: a.id });
      expect(await counts(home.id)).toEqual([1, 1]);
      await completeTask(write, { id: a.id });
      expect(await counts(home.id)).toEqual([1, 1]);
      await updateTask(write, { id: a.id, projectId: work.id });
      expect(await counts(home.id)).toEqual([1, 0]);
      expect(await counts(work.id)).toEqual([0, 1]);
      await reopenTask(write, { id: a.id });
      expect(await counts(work.id)).toEqual([1, 0]);
      await updateTask(write, { id: b.id, projectId: work.id });
      expect(await counts(home.id)).toEqual([0, 0]);
      expect(await counts(work.id)).toEqual([2, 0]);
      await completeTask(write, { id: b.id });
      await deleteTask(write, { id: b.id });
      expect(await counts(work.id)).toEqual([1, 0]);
      await deleteTask(write, { id: a.id });
      expect(await counts(work.id)).toEqual([0, 0]);
    });

    it("appear in the results of project mutations", async () => {
      const { write } = open();
      const project = await createProject(write);
      await createTask(write, project.id);
      await createTask(write, project.id);
      await completeTask(write, { id: (await createTask(write, project.id)).id });
      expect(await updateProject(write, { id: project.id, name: "New" })).toMatchObject({ openTaskCount: 2, completedTaskCount: 1 });
      expect(await updateProject(write, { id: project.id })).toMatchObject({ openTaskCount: 2, completedTaskCount: 1 });
    });

    it("changing tasks does not change the project's version or updatedAt", async () => {
      const { write } = open();
      const project = await createProject(write);
      const other = await createProject(write, { name: "Other" });
      const task = await createTask(write, project.id);
      await updateTask(write, { id: task.id, title: "changed" });
      await completeTask(write, { id: task.id });
      await reopenTask(write, { id: task.id });
      const moved = await createTask(write, other.id);
      await updateTask(write, { id: moved.id, projectId: project.id });
      await updateTask(write, { id: moved.id, projectId: other.id });
      await deleteTask(write, { id: task.id });
      for (const p of [project, other]) {
        const now = await write.getProject(p.id);
        expect([now.version, now.updatedAt]).toEqual([p.version, p.updatedAt]);
      }
    });
  });
});
