import { describe, expect, it } from "vitest";
import type { TestClient } from "../support/client";
import { createTestClient, expectReason } from "../support/client";
import { ids, makeProject, makeTask } from "./fixtures";

/** A live project and an archived one, each holding an open and a completed task (made before archiving). */
async function frozenSetup(client: TestClient) {
  const live = await makeProject(client, { name: "Live" });
  const frozen = await makeProject(client, { name: "Frozen", description: "kept" });
  const liveTask = await makeTask(client, live.id, { title: "live task" });
  const open = await makeTask(client, frozen.id, { title: "open in frozen", labels: ["f"] });
  const done = await makeTask(client, frozen.id, { title: "done in frozen" });
  const completed = await client.tasks.complete.mutate({ id: done.id });
  const archived = await client.projects.archive.mutate({ id: frozen.id });
  return { live, frozen: archived, liveTask, open, completed };
}

async function expectArchived(call: Promise<unknown>) {
  const error = await expectReason(call, "PROJECT_ARCHIVED");
  expect(error.data?.code).toBe("CONFLICT");
  expect(error.data?.httpStatus).toBe(409);
}

describe("an archived project is frozen (rule 2)", () => {
  it("refuses every task mutation in it with PROJECT_ARCHIVED and changes nothing", async () => {
    const client = createTestClient();
    const { live, frozen, open, completed } = await frozenSetup(client);

    await expectArchived(makeTask(client, frozen.id, { title: "new" }));
    await expectArchived(client.tasks.update.mutate({ id: open.id, title: "changed" }));
    await expectArchived(client.tasks.update.mutate({ id: open.id, projectId: live.id }));
    await expectArchived(client.tasks.complete.mutate({ id: open.id }));
    await expectArchived(client.tasks.reopen.mutate({ id: completed.id }));
    await expectArchived(client.tasks.delete.mutate({ id: open.id }));
    await expectArchived(client.tasks.delete.mutate({ id: completed.id }));

    expect(await client.tasks.get.query({ id: open.id })).toEqual(open);
    expect(await client.tasks.get.query({ id: completed.id })).toEqual(completed);
    expect(await client.projects.get.query({ id: frozen.id })).toEqual(frozen);
    expect(frozen).toMatchObject({ openTaskCount: 1, completedTaskCount: 1 });
    expect((await client.projects.get.query({ id: live.id })).openTaskCount).toBe(1);
  });

  it("refuses even calls that would change nothing (no-op update, complete of a completed task)", async () => {
    const client = createTestClient();
    const { open, completed } = await frozenSetup(client);
    await expectArchived(client.tasks.update.mutate({ id: open.id }));
    await expectArchived(client.tasks.complete.mutate({ id: completed.id }));
    await expectArchived(client.tasks.reopen.mutate({ id: open.id }));
  });

  it("refuses moving a task into it", async () => {
    const client = createTestClient();
    const { frozen, liveTask } = await frozenSetup(client);
    await expectArchived(client.tasks.update.mutate({ id: liveTask.id, projectId: frozen.id, title: "moved" }));
    expect(await client.tasks.get.query({ id: liveTask.id })).toEqual(liveTask);
    expect((await client.projects.get.query({ id: frozen.id })).openTaskCount).toBe(1);
  });

  it("refuses updating the project itself, even with no change", async () => {
    const client = createTestClient();
    const { frozen } = await frozenSetup(client);
    await expectArchived(client.projects.update.mutate({ id: frozen.id, name: "Renamed" }));
    await expectArchived(client.projects.update.mutate({ id: frozen.id, description: "changed" }));
    await expectArchived(client.projects.update.mutate({ id: frozen.id }));
    expect(await client.projects.get.query({ id: frozen.id })).toEqual(frozen);
  });

  it("still serves every read: projects.get, projects.list, tasks.get, tasks.list, tasks.count", async () => {
    const client = createTestClient();
    const { frozen, open, completed } = await frozenSetup(client);
    expect((await client.projects.get.query({ id: frozen.id })).archived).toBe(true);
    expect(ids((await client.projects.list.query({ archived: true })).items)).toEqual([frozen.id]);
    expect(await client.tasks.get.query({ id: open.id })).toEqual(open);
    expect(ids((await client.tasks.list.query({ projectId: frozen.id, status: "all", sort: { by: "title", dir: "asc" } })).items)).toEqual([
      completed.id,
      open.id,
    ]);
    expect(await client.tasks.count.query({ projectId: frozen.id, status: "all" })).toEqual({ count: 2 });
    expect(ids((await client.tasks.list.query({ labels: ["F"], includeArchivedProjects: true })).items)).toEqual([open.id]);
  });

  it("thaws on unarchive: task mutations and project updates work again", async () => {
    const client = createTestClient();
    const { live, frozen, open, completed, liveTask } = await frozenSetup(client);
    await client.projects.unarchive.mutate({ id: frozen.id });
    await makeTask(client, frozen.id, { title: "new" });
    expect((await client.tasks.update.mutate({ id: open.id, title: "changed" })).title).toBe("changed");
    expect((await client.tasks.reopen.mutate({ id: completed.id })).completed).toBe(false);
    expect((await client.tasks.complete.mutate({ id: open.id })).completed).toBe(true);
    expect((await client.tasks.update.mutate({ id: liveTask.id, projectId: frozen.id })).projectId).toBe(frozen.id);
    expect((await client.tasks.update.mutate({ id: open.id, projectId: live.id })).projectId).toBe(live.id);
    expect(await client.tasks.delete.mutate({ id: completed.id })).toEqual({ id: completed.id });
    expect((await client.projects.update.mutate({ id: frozen.id, name: "Thawed" })).name).toBe("Thawed");
  });
});

describe("the order in which rules are checked: exists, project archived, expectedVersion, move target exists, target archived, change", () => {
  it("an unknown task is TASK_NOT_FOUND whatever else is wrong", async () => {
    const client = createTestClient();
    await expectReason(client.tasks.update.mutate({ id: "missing", projectId: "missing", expectedVersion: 9 }), "TASK_NOT_FOUND");
    await expectReason(client.tasks.complete.mutate({ id: "missing", expectedVersion: 9 }), "TASK_NOT_FOUND");
    await expectReason(client.tasks.delete.mutate({ id: "missing", expectedVersion: 9 }), "TASK_NOT_FOUND");
    await expectReason(client.projects.update.mutate({ id: "missing", expectedVersion: 9 }), "PROJECT_NOT_FOUND");
    await expectReason(client.projects.archive.mutate({ id: "missing", expectedVersion: 9 }), "PROJECT_NOT_FOUND");
    await expectReason(client.projects.delete.mutate({ id: "missing", expectedVersion: 9 }), "PROJECT_NOT_FOUND");
  });

  it("a frozen project wins over a version mismatch and an unknown move target", async () => {
    const client = createTestClient();
    const { frozen, open } = await frozenSetup(client);
    await expectReason(client.tasks.update.mutate({ id: open.id, title: "x", expectedVersion: 9 }), "PROJECT_ARCHIVED");
    await expectReason(client.tasks.update.mutate({ id: open.id, projectId: "missing" }), "PROJECT_ARCHIVED");
    await expectReason(client.tasks.complete.mutate({ id: open.id, expectedVersion: 9 }), "PROJECT_ARCHIVED");
    await expectReason(client.tasks.delete.mutate({ id: open.id, expectedVersion: 9 }), "PROJECT_ARCHIVED");
    await expectReason(client.projects.update.mutate({ id: frozen.id, name: "x", expectedVersion: 9 }), "PROJECT_ARCHIVED");
  });

  it("a version mismatch wins over an unknown or archived move target", async () => {
    const client = createTestClient();
    const { frozen, liveTask } = await frozenSetup(client);
    await expectReason(client.tasks.update.mutate({ id: liveTask.id, projectId: "missing", expectedVersion: 9 }), "VERSION_MISMATCH");
    await expectReason(client.tasks.update.mutate({ id: liveTask.id, projectId: frozen.id, expectedVersion: 9 }), "VERSION_MISMATCH");
  });

  it("an unknown move target is PROJECT_NOT_FOUND with the right version", async () => {
    const client = createTestClient();
    const { liveTask } = await frozenSetup(client);
    await expectReason(client.tasks.update.mutate({ id: liveTask.id, projectId: "missing", expectedVersion: 1 }), "PROJECT_NOT_FOUND");
    await expectReason(client.tasks.update.mutate({ id: liveTask.id, projectId: "missing", expectedVersion: 1, title: "x" }), "PROJECT_NOT_FOUND");
    expect(await client.tasks.get.query({ id: liveTask.id })).toEqual(liveTask);
  });

  it("archive and unarchive check expectedVersion before returning an already-archived project", async () => {
    const client = createTestClient();
    const { frozen } = await frozenSetup(client);
    await expectReason(client.projects.archive.mutate({ id: frozen.id, expectedVersion: 1 }), "VERSION_MISMATCH");
    expect(await client.projects.archive.mutate({ id: frozen.id, expectedVersion: frozen.version })).toEqual(frozen);
  });
});
