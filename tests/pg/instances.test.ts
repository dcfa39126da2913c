import { randomUUID } from "node:crypto";
import { describe, expect, it, onTestFinished } from "vitest";
import { openPostgres, type PgStore } from "../../src/data/pg/open";
import { DomainError, createProjectInput, createTaskInput, createTokenInput, projectChangeInput, type ErrorReason } from "../../src/domain";
import { dropDatabase, ensureDatabase, openServerStore, runSql, skipReason, testDatabaseUrl, workerDatabaseUrl } from "../support/postgres";

/**
 * Several taskrpc instances on one PostgreSQL database: every rule holds between them, as it does within one.
 * Each instance is a store with its own connection pool, as a separate process would have.
 */
const outcome = async (call: Promise<unknown>): Promise<"ok" | ErrorReason> => {
  try {
    await call;
    return "ok";
  } catch (error) {
    if (error instanceof DomainError) return error.reason;
    throw error;
  }
};

async function twoInstances(): Promise<[PgStore, PgStore]> {
  const first = await openServerStore({});
  const second = await openPostgres(await workerDatabaseUrl());
  onTestFinished(() => second.close());
  return [first, second];
}

describe.skipIf(!testDatabaseUrl)(`two instances on one PostgreSQL database${testDatabaseUrl ? "" : ` (skipped: ${skipReason})`}`, () => {
  it("let exactly one of many writers with the same expectedVersion win; the others get VERSION_MISMATCH", async () => {
    const [a, b] = await twoInstances();
    const project = await a.write.createProject(createProjectInput.parse({ name: "Contended" }));
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => outcome((i % 2 ? a : b).write.updateProject({ id: project.id, name: `Writer ${i}`, expectedVersion: 1 }))),
    );
    expect(outcomes.filter((result) => result === "ok")).toHaveLength(1);
    expect(outcomes.filter((result) => result !== "ok")).toEqual(Array.from({ length: 11 }, () => "VERSION_MISMATCH"));
    expect((await b.read.getProject(project.id)).version).toBe(2);
  });

  it("never both delete a project and create a task in it", async () => {
    const [a, b] = await twoInstances();
    for (let round = 0; round < 25; round++) {
      const project = await a.write.createProject(createProjectInput.parse({ name: `Round ${round}` }));
      const [deleted, created] = await Promise.all([
        outcome(a.write.deleteProject(projectChangeInput.parse({ id: project.id }))),
        outcome(b.write.createTask(createTaskInput.parse({ projectId: project.id, title: "Late" }))),
      ]);
      expect([deleted, created].sort()).toEqual(deleted === "ok" ? ["PROJECT_NOT_FOUND", "ok"] : ["PROJECT_NOT_EMPTY", "ok"]);
      const remaining = await outcome(a.read.getProject(project.id));
      expect(remaining).toBe(deleted === "ok" ? "PROJECT_NOT_FOUND" : "ok");
    }
  });

  it("archive a project once when both archive it at the same time (idempotent: one version bump)", async () => {
    const [a, b] = await twoInstances();
    const project = await a.write.createProject(createProjectInput.parse({ name: "Twice" }));
    const [first, second] = await Promise.all([a.write.archiveProject({ id: project.id }), b.write.archiveProject({ id: project.id })]);
    expect([first.version, second.version]).toEqual([2, 2]);
    expect(first.archivedAt).toBe(second.archivedAt);
  });

  it("stop accepting a token revoked by the other instance at once", async () => {
    const [a, b] = await twoInstances();
    const created = await a.tokens.create(createTokenInput.parse({ name: "ci", scope: "write" }));
    if (created === "name-taken") throw new Error("the token exists");
    expect(await b.tokens.authenticate(created.secret)).toEqual({ name: "ci", scope: "write" });
    expect(await a.tokens.revoke("ci")).toBe(true);
    expect(await b.tokens.authenticate(created.secret)).toBeUndefined();
  });

  it("refuse a database migrated by a newer taskrpc, and with migrate off one that lacks a migration", async () => {
    const base = testDatabaseUrl ?? "";
    const name = `${new URL(base).pathname.slice(1)}_refuse_${randomUUID().slice(0, 8)}`;
    const url = await ensureDatabase(base, name);
    onTestFinished(() => dropDatabase(base, name));
    await expect(openPostgres(url, { migrate: false })).rejects.toThrow(/lacks 2 migration\(s\) of this taskrpc: run `taskrpc migrate` first/u);
    await (await openPostgres(url)).close();
    await runSql(url, "insert into drizzle.__drizzle_migrations (hash, created_at) values ('from-the-future', 99999999999999)");
    await expect(openPostgres(url)).rejects.toThrow(/newer than this taskrpc \(1 migration\(s\) it does not know\): upgrade taskrpc/u);
  });

  it("migrate a new database once when several start at the same time (advisory lock)", async () => {
    const base = testDatabaseUrl ?? "";
    const name = `${new URL(base).pathname.slice(1)}_start_${randomUUID().slice(0, 8)}`;
    const url = await ensureDatabase(base, name);
    onTestFinished(() => dropDatabase(base, name));
    const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgres(url)));
    try {
      const project = await stores[0]!.write.createProject(createProjectInput.parse({ name: "Started" }));
      expect((await stores[3]!.read.getProject(project.id)).name).toBe("Started");
      // One cursor key for all: a page from one instance continues on another.
      await stores[1]!.write.createProject(createProjectInput.parse({ name: "Second" }));
      const page = await stores[1]!.read.listProjects({ archived: false, limit: 1 });
      expect((await stores[2]!.read.listProjects({ archived: false, limit: 1, cursor: page.nextCursor ?? "" })).items.map((p) => p.name)).toEqual(["Started"]);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});
