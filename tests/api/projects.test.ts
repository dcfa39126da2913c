import { describe, expect, it } from "vitest";
import { createTestClient, expectReason } from "../support/client";
import { ids, isoTimestamp, listAllProjects, makeProject, makeTask } from "./fixtures";

describe("projects.create", () => {
  it("returns the new project with every field of SPEC in wire form", async () => {
    const client = createTestClient();
    const project = await client.projects.create.mutate({ name: "Home", description: "Chores and errands" });
    expect(Object.keys(project).sort()).toEqual(
      [
        "archived",
        "archivedAt",
        "completedTaskCount",
        "createdAt",
        "description",
        "id",
        "name",
        "openTaskCount",
        "updatedAt",
        "version",
      ].sort(),
    );
    expect(project).toMatchObject({
      name: "Home",
      description: "Chores and errands",
      archived: false,
      archivedAt: null,
      openTaskCount: 0,
      completedTaskCount: 0,
      version: 1,
    });
    expect(typeof project.id).toBe("string");
    expect(project.id.length).toBeGreaterThan(0);
    expect(project.id.length).toBeLessThanOrEqual(64);
    expect(typeof project.createdAt).toBe("string");
    expect(project.createdAt).toMatch(isoTimestamp);
    expect(project.updatedAt).toBe(project.createdAt);
  });

  it("trims the name and defaults the description to an empty string", async () => {
    const client = createTestClient();
    const project = await client.projects.create.mutate({ name: "  Home \t" });
    expect(project.name).toBe("Home");
    expect(project.description).toBe("");
  });

  it("accepts a name of exactly 200 characters and a description of 10,000", async () => {
    const client = createTestClient();
    const project = await client.projects.create.mutate({ name: "n".repeat(200), description: "d".repeat(10_000) });
    expect(project.name).toHaveLength(200);
    expect(project.description).toHaveLength(10_000);
  });

  it("gives every project its own id", async () => {
    const client = createTestClient();
    const a = await makeProject(client, { name: "Same" });
    const b = await makeProject(client, { name: "Same" });
    expect(a.id).not.toBe(b.id);
  });
});

describe("projects.get", () => {
  it("returns the stored project, equal to what create returned", async () => {
    const client = createTestClient();
    const created = await makeProject(client, { name: "Work", description: "Office" });
    expect(await client.projects.get.query({ id: created.id })).toEqual(created);
  });

  it("fails with PROJECT_NOT_FOUND for an unknown id", async () => {
    const client = createTestClient();
    const error = await expectReason(client.projects.get.query({ id: "no-such-project" }), "PROJECT_NOT_FOUND");
    expect(error.data?.code).toBe("NOT_FOUND");
  });

  it("derives openTaskCount and completedTaskCount from the current tasks", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const other = await makeProject(client, { name: "Other" });
    const a = await makeTask(client, project.id, { title: "a" });
    const b = await makeTask(client, project.id, { title: "b" });
    const c = await makeTask(client, project.id, { title: "c" });
    await makeTask(client, other.id, { title: "elsewhere" });
    const counts = async (id = project.id) => {
      const { openTaskCount, completedTaskCount } = await client.projects.get.query({ id });
      return [openTaskCount, completedTaskCount];
    };
    expect(await counts()).toEqual([3, 0]);
    await client.tasks.complete.mutate({ id: a.id });
    await client.tasks.complete.mutate({ id: b.id });
    expect(await counts()).toEqual([1, 2]);
    await client.tasks.reopen.mutate({ id: b.id });
    expect(await counts()).toEqual([2, 1]);
    await client.tasks.delete.mutate({ id: a.id });
    expect(await counts()).toEqual([2, 0]);
    await client.tasks.update.mutate({ id: c.id, projectId: other.id });
    expect(await counts()).toEqual([1, 0]);
    expect(await counts(other.id)).toEqual([2, 0]);
  });
});

describe("projects.update", () => {
  it("changes the given fields, bumps the version and updatedAt, and keeps the rest", async () => {
    const client = createTestClient();
    const project = await makeProject(client, { name: "Home", description: "Chores" });
    const renamed = await client.projects.update.mutate({ id: project.id, name: "  House " });
    expect(renamed).toMatchObject({ id: project.id, name: "House", description: "Chores", version: 2, createdAt: project.createdAt });
    expect(renamed.updatedAt).toMatch(isoTimestamp);
    expect(renamed.updatedAt > project.updatedAt).toBe(true);

    const described = await client.projects.update.mutate({ id: project.id, description: "" });
    expect(described).toMatchObject({ name: "House", description: "", version: 3 });
    expect(await client.projects.get.query({ id: project.id })).toEqual(described);
  });

  it("returns the current task counts", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const task = await makeTask(client, project.id);
    await makeTask(client, project.id);
    await client.tasks.complete.mutate({ id: task.id });
    const updated = await client.projects.update.mutate({ id: project.id, name: "Renamed" });
    expect(updated).toMatchObject({ openTaskCount: 1, completedTaskCount: 1 });
  });

  it("changes nothing when no field is given or the values are already stored", async () => {
    const client = createTestClient();
    const project = await makeProject(client, { name: "Home", description: "Chores" });
    const unchanged = [
      await client.projects.update.mutate({ id: project.id }),
      await client.projects.update.mutate({ id: project.id, name: "Home" }),
      await client.projects.update.mutate({ id: project.id, name: "  Home  ", description: "Chores" }),
      await client.projects.update.mutate({ id: project.id, name: "Home", expectedVersion: 1 }),
    ];
    for (const result of unchanged) expect(result).toEqual(project);
    expect(await client.projects.get.query({ id: project.id })).toEqual(project);
  });

  it("applies expectedVersion: a match changes, a mismatch fails with VERSION_MISMATCH and changes nothing", async () => {
    const client = createTestClient();
    const project = await makeProject(client, { name: "Home" });
    const v2 = await client.projects.update.mutate({ id: project.id, name: "House", expectedVersion: 1 });
    expect(v2.version).toBe(2);
    const error = await expectReason(
      client.projects.update.mutate({ id: project.id, name: "Stale", description: "stale", expectedVersion: 1 }),
      "VERSION_MISMATCH",
    );
    expect(error.data?.code).toBe("CONFLICT");
    expect(await client.projects.get.query({ id: project.id })).toEqual(v2);
  });

  it("fails with PROJECT_NOT_FOUND for an unknown id", async () => {
    const client = createTestClient();
    await expectReason(client.projects.update.mutate({ id: "missing", name: "x" }), "PROJECT_NOT_FOUND");
  });
});

describe("projects.archive and projects.unarchive", () => {
  it("archive sets archived and archivedAt and bumps the version; unarchive clears them", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const archived = await client.projects.archive.mutate({ id: project.id });
    expect(archived).toMatchObject({ id: project.id, archived: true, version: 2, name: project.name });
    expect(archived.archivedAt).toMatch(isoTimestamp);
    expect(archived.updatedAt).toBe(archived.archivedAt);
    expect(archived.updatedAt > project.updatedAt).toBe(true);
    expect(await client.projects.get.query({ id: project.id })).toEqual(archived);

    const unarchived = await client.projects.unarchive.mutate({ id: project.id });
    expect(unarchived).toMatchObject({ archived: false, archivedAt: null, version: 3 });
    expect(unarchived.updatedAt > archived.updatedAt).toBe(true);
    expect(await client.projects.get.query({ id: project.id })).toEqual(unarchived);
  });

  it("is idempotent: archiving an archived project (or unarchiving a live one) returns it unchanged", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    expect(await client.projects.unarchive.mutate({ id: project.id })).toEqual(project);
    const archived = await client.projects.archive.mutate({ id: project.id });
    expect(await client.projects.archive.mutate({ id: project.id })).toEqual(archived);
    expect(await client.projects.archive.mutate({ id: project.id, expectedVersion: 2 })).toEqual(archived);
    expect(await client.projects.get.query({ id: project.id })).toEqual(archived);
  });

  it("keeps the task counts in the returned project", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    await makeTask(client, project.id);
    const archived = await client.projects.archive.mutate({ id: project.id });
    expect(archived.openTaskCount).toBe(1);
  });

  it("applies expectedVersion, even when the call would be a no-op", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    await expectReason(client.projects.archive.mutate({ id: project.id, expectedVersion: 2 }), "VERSION_MISMATCH");
    expect((await client.projects.get.query({ id: project.id })).archived).toBe(false);
    const archived = await client.projects.archive.mutate({ id: project.id, expectedVersion: 1 });
    await expectReason(client.projects.archive.mutate({ id: project.id, expectedVersion: 1 }), "VERSION_MISMATCH");
    await expectReason(client.projects.unarchive.mutate({ id: project.id, expectedVersion: 1 }), "VERSION_MISMATCH");
    expect(await client.projects.get.query({ id: project.id })).toEqual(archived);
  });

  it("fails with PROJECT_NOT_FOUND for an unknown id", async () => {
    const client = createTestClient();
    await expectReason(client.projects.archive.mutate({ id: "missing" }), "PROJECT_NOT_FOUND");
    await expectReason(client.projects.unarchive.mutate({ id: "missing" }), "PROJECT_NOT_FOUND");
  });
});

describe("projects.delete", () => {
  it("deletes an empty project and returns its id", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const keep = await makeProject(client, { name: "Keep" });
    expect(await client.projects.delete.mutate({ id: project.id })).toEqual({ id: project.id });
    await expectReason(client.projects.get.query({ id: project.id }), "PROJECT_NOT_FOUND");
    await expectReason(client.projects.delete.mutate({ id: project.id }), "PROJECT_NOT_FOUND");
    await expectReason(makeTask(client, project.id), "PROJECT_NOT_FOUND");
    expect(ids((await client.projects.list.query()).items)).toEqual([keep.id]);
  });

  it("refuses a project with tasks, open or completed, with PROJECT_NOT_EMPTY", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const task = await makeTask(client, project.id);
    const error = await expectReason(client.projects.delete.mutate({ id: project.id }), "PROJECT_NOT_EMPTY");
    expect(error.data?.code).toBe("CONFLICT");
    expect(error.data?.httpStatus).toBe(409);
    await client.tasks.complete.mutate({ id: task.id });
    await expectReason(client.projects.delete.mutate({ id: project.id }), "PROJECT_NOT_EMPTY");
    expect(await client.tasks.get.query({ id: task.id })).toMatchObject({ id: task.id, completed: true });
    expect((await client.projects.get.query({ id: project.id })).completedTaskCount).toBe(1);

    await client.tasks.delete.mutate({ id: task.id });
    expect(await client.projects.delete.mutate({ id: project.id })).toEqual({ id: project.id });
  });

  it("deletes an empty archived project, but not an archived one with tasks", async () => {
    const client = createTestClient();
    const empty = await makeProject(client, { name: "Empty" });
    const full = await makeProject(client, { name: "Full" });
    await makeTask(client, full.id);
    await client.projects.archive.mutate({ id: empty.id });
    await client.projects.archive.mutate({ id: full.id });
    expect(await client.projects.delete.mutate({ id: empty.id })).toEqual({ id: empty.id });
    await expectReason(client.projects.get.query({ id: empty.id }), "PROJECT_NOT_FOUND");
    await expectReason(client.projects.delete.mutate({ id: full.id }), "PROJECT_NOT_EMPTY");
    expect((await client.projects.get.query({ id: full.id })).archived).toBe(true);
  });

  it("applies expectedVersion", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    await client.projects.update.mutate({ id: project.id, name: "v2" });
    await expectReason(client.projects.delete.mutate({ id: project.id, expectedVersion: 1 }), "VERSION_MISMATCH");
    expect((await client.projects.get.query({ id: project.id })).name).toBe("v2");
    expect(await client.projects.delete.mutate({ id: project.id, expectedVersion: 2 })).toEqual({ id: project.id });
  });
});

describe("projects.list", () => {
  it("with no input lists live projects ordered by name, case-insensitively, then id", async () => {
    const client = createTestClient();
    const banana = await makeProject(client, { name: "banana" });
    const apple = await makeProject(client, { name: "Apple" });
    const cherry = await makeProject(client, { name: "Cherry" });
    const apple2 = await makeProject(client, { name: "apple" });
    const archived = await makeProject(client, { name: "Aardvark" });
    await client.projects.archive.mutate({ id: archived.id });
    const page = await client.projects.list.query();
    const apples = [apple, apple2].map((p) => p.id).sort();
    expect(ids(page.items)).toEqual([...apples, banana.id, cherry.id]);
    expect(page.nextCursor).toBeNull();
    expect(page.items.find((p) => p.id === cherry.id)).toEqual(await client.projects.get.query({ id: cherry.id }));
  });

  it("with no input returns 50 per page by default", async () => {
    const client = createTestClient();
    for (let i = 0; i < 51; i++) await makeProject(client, { name: `p${String(i).padStart(2, "0")}` });
    const first = await client.projects.list.query();
    expect(first.items).toHaveLength(50);
    expect(first.items[0]?.name).toBe("p00");
    expect(first.nextCursor).toEqual(expect.any(String));
    const rest = await client.projects.list.query({ cursor: first.nextCursor ?? "" });
    expect(rest.items.map((p) => p.name)).toEqual(["p50"]);
    expect(rest.nextCursor).toBeNull();
  });

  it("archived: true lists only archived projects, archived: false only live ones", async () => {
    const client = createTestClient();
    const live = await makeProject(client, { name: "Live" });
    const old = await makeProject(client, { name: "Old" });
    await client.projects.archive.mutate({ id: old.id });
    expect(ids((await client.projects.list.query({ archived: true })).items)).toEqual([old.id]);
    expect(ids((await client.projects.list.query({ archived: false })).items)).toEqual([live.id]);
  });

  it("search matches every term in the name, case-insensitively, and nothing else", async () => {
    const client = createTestClient();
    const garden = await makeProject(client, { name: "Garden work", description: "weeding" });
    const home = await makeProject(client, { name: "Home WORK" });
    const holiday = await makeProject(client, { name: "Holiday" });
    expect(ids((await client.projects.list.query({ search: "work" })).items).sort()).toEqual([garden.id, home.id].sort());
    expect(ids((await client.projects.list.query({ search: "  GARD  wor " })).items)).toEqual([garden.id]);
    expect(ids((await client.projects.list.query({ search: "HO" })).items)).toEqual([holiday.id, home.id]);
    expect((await client.projects.list.query({ search: "weeding" })).items).toEqual([]);
    expect((await client.projects.list.query({ search: "garden home" })).items).toEqual([]);
  });

  it("search combines with archived", async () => {
    const client = createTestClient();
    const old = await makeProject(client, { name: "Old garden" });
    await makeProject(client, { name: "New garden" });
    await client.projects.archive.mutate({ id: old.id });
    expect(ids((await client.projects.list.query({ archived: true, search: "garden" })).items)).toEqual([old.id]);
  });

  it("pages through every project exactly once, in order, until nextCursor is null", async () => {
    const client = createTestClient();
    const names = ["delta", "Alpha", "charlie", "Bravo", "alpha", "echo", "Delta", "foxtrot", "golf"];
    for (const name of names) await makeProject(client, { name });
    const all = (await client.projects.list.query({ limit: 100 })).items;
    expect(all).toHaveLength(names.length);
    for (const limit of [1, 2, 4]) {
      expect(ids(await listAllProjects(client, {}, limit))).toEqual(ids(all));
    }
  });

  it("returns nextCursor null on the last page, also when it is exactly full", async () => {
    const client = createTestClient();
    for (const name of ["a", "b", "c", "d"]) await makeProject(client, { name });
    const first = await client.projects.list.query({ limit: 2 });
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await client.projects.list.query({ limit: 2, cursor: first.nextCursor ?? "" });
    expect(second.items.map((p) => p.name)).toEqual(["c", "d"]);
    expect(second.nextCursor).toBeNull();
    expect((await client.projects.list.query({ limit: 4 })).nextCursor).toBeNull();
    expect((await client.projects.list.query({ limit: 3 })).nextCursor).toEqual(expect.any(String));
  });

  it("keeps paging stable while projects are created between pages", async () => {
    const client = createTestClient();
    const originals = [];
    for (const name of ["b", "d", "f", "h"]) originals.push(await makeProject(client, { name }));
    const first = await client.projects.list.query({ limit: 2 });
    expect(first.items.map((p) => p.name)).toEqual(["b", "d"]);
    await makeProject(client, { name: "a" });
    await makeProject(client, { name: "e" });
    const second = await client.projects.list.query({ limit: 2, cursor: first.nextCursor ?? "" });
    expect(second.items.map((p) => p.name)).toEqual(["e", "f"]);
    const third = await client.projects.list.query({ limit: 2, cursor: second.nextCursor ?? "" });
    expect(third.items.map((p) => p.name)).toEqual(["h"]);
    expect(third.nextCursor).toBeNull();
  });
});
