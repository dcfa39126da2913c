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
    it("stores the trimmed name, default description, version 1, no tasks and equal UTC timestamps", () => {
      const { write } = open();
      const project = createProject(write, { name: "  Home  " });
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
      expect(write.getProject(project.id)).toEqual(project);
    });

    it("keeps the description and gives every project its own id", () => {
      const { write } = open();
      const a = createProject(write, { name: "A", description: "first" });
      const b = createProject(write, { name: "A", description: "second" });
      expect(a.id).not.toBe(b.id);
      expect(write.getProject(a.id).description).toBe("first");
      expect(write.getProject(b.id).description).toBe("second");
    });
  });

  describe("get", () => {
    it("fails PROJECT_NOT_FOUND for an unknown id", () => {
      const { write, read } = open();
      createProject(write);
      expectReason(() => write.getProject("missing"), "PROJECT_NOT_FOUND");
      expectReason(() => read.getProject("missing"), "PROJECT_NOT_FOUND");
    });

    it("fails PROJECT_NOT_FOUND after the project is deleted", () => {
      const { write } = open();
      const project = createProject(write);
      expect(deleteProject(write, { id: project.id })).toEqual({ id: project.id });
      expectReason(() => write.getProject(project.id), "PROJECT_NOT_FOUND");
    });
  });

  describe("update", () => {
    it("changes only the given field, bumps the version and updatedAt", () => {
      const { write } = open();
      const project = createProject(write, { name: "Home", description: "d" });
      const renamed = updateProject(write, { id: project.id, name: "  House " });
      expect(renamed).toEqual({ ...project, name: "House", version: 2, updatedAt: renamed.updatedAt });
      expect(renamed.updatedAt > project.updatedAt).toBe(true);
      expect(isIsoTimestamp(renamed.updatedAt)).toBe(true);

      const described = updateProject(write, { id: project.id, description: "" });
      expect(described).toEqual({ ...renamed, description: "", version: 3, updatedAt: described.updatedAt });
      expect(described.updatedAt > renamed.updatedAt).toBe(true);
      expect(write.getProject(project.id)).toEqual(described);
    });

    it("changes name and description together with one version bump", () => {
      const { write } = open();
      const project = createProject(write, { name: "Home" });
      const updated = updateProject(write, { id: project.id, name: "Work", description: "job" });
      expect(updated).toMatchObject({ name: "Work", description: "job", version: 2, createdAt: project.createdAt });
    });

    it("returns the project unchanged when no field is given", () => {
      const { write } = open();
      const project = createProject(write, { name: "Home", description: "d" });
      expect(updateProject(write, { id: project.id })).toEqual(project);
      expect(write.getProject(project.id)).toEqual(project);
    });

    it("returns the project unchanged when every given value is already stored", () => {
      const { write } = open();
      const project = createProject(write, { name: "Home", description: "d" });
      expect(updateProject(write, { id: project.id, name: " Home ", description: "d" })).toEqual(project);
      expect(updateProject(write, { id: project.id, name: "Home", expectedVersion: 1 })).toEqual(project);
      expect(write.getProject(project.id)).toEqual(project);
    });

    it("fails PROJECT_NOT_FOUND for an unknown id", () => {
      const { write } = open();
      expectReason(() => updateProject(write, { id: "missing", name: "x" }), "PROJECT_NOT_FOUND");
    });

    it("honours expectedVersion", () => {
      const { write } = open();
      const project = createProject(write, { name: "Home" });
      const updated = updateProject(write, { id: project.id, name: "A", expectedVersion: 1 });
      expect(updated.version).toBe(2);
      const before = snapshot(write);
      expectReason(() => updateProject(write, { id: project.id, name: "B", expectedVersion: 1 }), "VERSION_MISMATCH");
      expectReason(() => updateProject(write, { id: project.id, name: "B", expectedVersion: 3 }), "VERSION_MISMATCH");
      expect(snapshot(write)).toEqual(before);
      expect(updateProject(write, { id: project.id, name: "B", expectedVersion: 2 }).name).toBe("B");
    });

    it("fails VERSION_MISMATCH on a stale no-op update", () => {
      const { write } = open();
      const project = createProject(write, { name: "Home" });
      updateProject(write, { id: project.id, name: "Work" });
      expectReason(() => updateProject(write, { id: project.id, expectedVersion: 1 }), "VERSION_MISMATCH");
    });
  });

  describe("archive and unarchive", () => {
    it("archive sets archived and archivedAt and bumps the version", () => {
      const { write } = open();
      const project = createProject(write);
      const archived = archiveProject(write, { id: project.id });
      expect(archived).toEqual({
        ...project,
        archived: true,
        archivedAt: archived.updatedAt,
        version: 2,
        updatedAt: archived.updatedAt,
      });
      expect(archived.updatedAt > project.updatedAt).toBe(true);
      expect(isIsoTimestamp(archived.updatedAt)).toBe(true);
      expect(write.getProject(project.id)).toEqual(archived);
    });

    it("archiving an archived project returns it unchanged", () => {
      const { write } = open();
      const project = createProject(write);
      const archived = archiveProject(write, { id: project.id });
      expect(archiveProject(write, { id: project.id })).toEqual(archived);
      expect(archiveProject(write, { id: project.id, expectedVersion: 2 })).toEqual(archived);
      expect(write.getProject(project.id)).toEqual(archived);
    });

    it("unarchive clears archived and archivedAt and bumps the version", () => {
      const { write } = open();
      const project = createProject(write);
      const archived = archiveProject(write, { id: project.id });
      const unarchived = unarchiveProject(write, { id: project.id });
      expect(unarchived).toEqual({
        ...project,
        archived: false,
        archivedAt: null,
        version: 3,
        updatedAt: unarchived.updatedAt,
      });
      expect(unarchived.updatedAt > archived.updatedAt).toBe(true);
      expect(write.getProject(project.id)).toEqual(unarchived);
    });

    it("unarchiving a project that is not archived returns it unchanged", () => {
      const { write } = open();
      const project = createProject(write);
      expect(unarchiveProject(write, { id: project.id })).toEqual(project);
      expect(unarchiveProject(write, { id: project.id, expectedVersion: 1 })).toEqual(project);
      expect(write.getProject(project.id)).toEqual(project);
    });

    it("re-archiving sets a new archivedAt", () => {
      const { write } = open();
      const project = createProject(write);
      const first = archiveProject(write, { id: project.id });
      unarchiveProject(write, { id: project.id });
      const second = archiveProject(write, { id: project.id });
      expect(second.version).toBe(4);
      expect(second.archivedAt! > first.archivedAt!).toBe(true);
    });

    it("fails PROJECT_NOT_FOUND for an unknown id", () => {
      const { write } = open();
      expectReason(() => archiveProject(write, { id: "missing" }), "PROJECT_NOT_FOUND");
      expectReason(() => unarchiveProject(write, { id: "missing" }), "PROJECT_NOT_FOUND");
    });

    it("honours expectedVersion, even when the call would change nothing", () => {
      const { write } = open();
      const project = createProject(write);
      updateProject(write, { id: project.id, name: "v2" });
      const before = snapshot(write);
      expectReason(() => archiveProject(write, { id: project.id, expectedVersion: 1 }), "VERSION_MISMATCH");
      expectReason(() => unarchiveProject(write, { id: project.id, expectedVersion: 1 }), "VERSION_MISMATCH");
      expect(snapshot(write)).toEqual(before);
      archiveProject(write, { id: project.id, expectedVersion: 2 });
      expectReason(() => archiveProject(write, { id: project.id, expectedVersion: 2 }), "VERSION_MISMATCH");
      expectReason(() => unarchiveProject(write, { id: project.id, expectedVersion: 2 }), "VERSION_MISMATCH");
      expect(write.getProject(project.id).archived).toBe(true);
      expect(unarchiveProject(write, { id: project.id, expectedVersion: 3 }).archived).toBe(false);
    });

    it("keeps the task counts", () => {
      const { write } = open();
      const project = createProject(write);
      createTask(write, project.id);
      completeTask(write, { id: createTask(write, project.id).id });
      expect(archiveProject(write, { id: project.id })).toMatchObject({ openTaskCount: 1, completedTaskCount: 1 });
      expect(unarchiveProject(write, { id: project.id })).toMatchObject({ openTaskCount: 1, completedTaskCount: 1 });
    });
  });

  describe("delete", () => {
    it("deletes an empty project", () => {
      const { write } = open();
      const project = createProject(write);
      const other = createProject(write, { name: "Other" });
      expect(deleteProject(write, { id: project.id })).toEqual({ id: project.id });
      expect(listProjects(write).items.map((p) => p.id)).toEqual([other.id]);
      expectReason(() => deleteProject(write, { id: project.id }), "PROJECT_NOT_FOUND");
    });

    it("fails PROJECT_NOT_FOUND for an unknown id", () => {
      const { write } = open();
      expectReason(() => deleteProject(write, { id: "missing" }), "PROJECT_NOT_FOUND");
    });

    it("fails PROJECT_NOT_EMPTY while it has an open task", () => {
      const { write } = open();
      const project = createProject(write);
      createTask(write, project.id);
      const before = snapshot(write);
      expectReason(() => deleteProject(write, { id: project.id }), "PROJECT_NOT_EMPTY");
      expect(snapshot(write)).toEqual(before);
    });

    it("fails PROJECT_NOT_EMPTY while it has only completed tasks", () => {
      const { write } = open();
      const project = createProject(write);
      completeTask(write, { id: createTask(write, project.id).id });
      const before = snapshot(write);
      expectReason(() => deleteProject(write, { id: project.id }), "PROJECT_NOT_EMPTY");
      expect(snapshot(write)).toEqual(before);
    });

    it("deletes a project once its tasks are deleted or moved away", () => {
      const { write } = open();
      const project = createProject(write);
      const other = createProject(write, { name: "Other" });
      const a = createTask(write, project.id);
      const b = createTask(write, project.id);
      deleteTask(write, { id: a.id });
      updateTask(write, { id: b.id, projectId: other.id });
      expect(deleteProject(write, { id: project.id })).toEqual({ id: project.id });
      expect(write.getTask(b.id).projectId).toBe(other.id);
    });

    it("deletes an empty archived project", () => {
      const { write } = open();
      const project = createProject(write);
      archiveProject(write, { id: project.id });
      expect(deleteProject(write, { id: project.id })).toEqual({ id: project.id });
      expect(listProjects(write, { archived: true }).items).toEqual([]);
    });

    it("fails PROJECT_NOT_EMPTY for an archived project with tasks", () => {
      const { write } = open();
      const project = createProject(write);
      createTask(write, project.id);
      archiveProject(write, { id: project.id });
      expectReason(() => deleteProject(write, { id: project.id }), "PROJECT_NOT_EMPTY");
      expect(write.getProject(project.id).openTaskCount).toBe(1);
    });

    it("honours expectedVersion", () => {
      const { write } = open();
      const project = createProject(write);
      updateProject(write, { id: project.id, name: "v2" });
      expectReason(() => deleteProject(write, { id: project.id, expectedVersion: 1 }), "VERSION_MISMATCH");
      expect(write.getProject(project.id).version).toBe(2);
      expect(deleteProject(write, { id: project.id, expectedVersion: 2 })).toEqual({ id: project.id });
    });
  });

  describe("task counts", () => {
    it("stay current through create, complete, reopen, move and delete of tasks", () => {
      const { write, read } = open();
      const home = createProject(write, { name: "Home" });
      const work = createProject(write, { name: "Work" });
      const counts = (id: string) => {
        const { openTaskCount, completedTaskCount } = write.getProject(id);
        const listed = listProjects(read).items.find((p) => p.id === id)!;
        expect([listed.openTaskCount, listed.completedTaskCount]).toEqual([openTaskCount, completedTaskCount]);
        expect(read.getProject(id)).toMatchObject({ openTaskCount, completedTaskCount });
        return [openTaskCount, completedTaskCount];
      };

      const a = createTask(write, home.id);
      const b = createTask(write, home.id);
      expect(counts(home.id)).toEqual([2, 0]);
      completeTask(write, { id: a.id });
      expect(counts(home.id)).toEqual([1, 1]);
      completeTask(write, { id: a.id });
      expect(counts(home.id)).toEqual([1, 1]);
      updateTask(write, { id: a.id, projectId: work.id });
      expect(counts(home.id)).toEqual([1, 0]);
      expect(counts(work.id)).toEqual([0, 1]);
      reopenTask(write, { id: a.id });
      expect(counts(work.id)).toEqual([1, 0]);
      updateTask(write, { id: b.id, projectId: work.id });
      expect(counts(home.id)).toEqual([0, 0]);
      expect(counts(work.id)).toEqual([2, 0]);
      completeTask(write, { id: b.id });
      deleteTask(write, { id: b.id });
      expect(counts(work.id)).toEqual([1, 0]);
      deleteTask(write, { id: a.id });
      expect(counts(work.id)).toEqual([0, 0]);
    });

    it("appear in the results of project mutations", () => {
      const { write } = open();
      const project = createProject(write);
      createTask(write, project.id);
      createTask(write, project.id);
      completeTask(write, { id: createTask(write, project.id).id });
      expect(updateProject(write, { id: project.id, name: "New" })).toMatchObject({ openTaskCount: 2, completedTaskCount: 1 });
      expect(updateProject(write, { id: project.id })).toMatchObject({ openTaskCount: 2, completedTaskCount: 1 });
    });

    it("changing tasks does not change the project's version or updatedAt", () => {
      const { write } = open();
      const project = createProject(write);
      const other = createProject(write, { name: "Other" });
      const task = createTask(write, project.id);
      updateTask(write, { id: task.id, title: "changed" });
      completeTask(write, { id: task.id });
      reopenTask(write, { id: task.id });
      const moved = createTask(write, other.id);
      updateTask(write, { id: moved.id, projectId: project.id });
      updateTask(write, { id: moved.id, projectId: other.id });
      deleteTask(write, { id: task.id });
      for (const p of [project, other]) {
        const now = write.getProject(p.id);
        expect([now.version, now.updatedAt]).toEqual([p.version, p.updatedAt]);
      }
    });
  });
});
