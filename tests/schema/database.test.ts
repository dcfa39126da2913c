import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, inject, it, onTestFinished } from "vitest";
import { openDatabase } from "../../src/data";
import { createProjectInput, createTaskInput } from "../../src/domain";

/** A database file with one project, closed, in a folder of its own removed when the test ends. */
async function existingDatabase(): Promise<{ folder: string; file: string }> {
  const folder = mkdtempSync(join(tmpdir(), "taskrpc-refuse-"));
  onTestFinished(() => {
    chmodSync(folder, 0o755);
    rmSync(folder, { recursive: true, force: true });
  });
  const file = join(folder, "tasks.db");
  copyFileSync(inject("databaseTemplate"), file); // migrated once per run: migrating here would be slow
  const database = openDatabase(file);
  await database.write.createProject(createProjectInput.parse({ name: "Kept" }));
  await database.close();
  return { folder, file };
}

/** openDatabase refuses with one line naming the file, and nothing on disk changes. */
async function expectRefused(folder: string, file: string, message: RegExp): Promise<void> {
  // A digest: comparing the bytes themselves element by element takes vitest seconds.
  const state = () => ({ files: readdirSync(folder).sort(), sha256: createHash("sha256").update(readFileSync(file)).digest("hex") });
  const before = state();
  let error: Error | undefined;
  try {
    await openDatabase(file).close();
  } catch (failure) {
    error = failure as Error;
  }
  expect(error?.message).toMatch(message);
  expect(error?.message).toContain(file);
  expect(error?.message).not.toContain("\n");
  expect(state()).toEqual(before);
}

describe("openDatabase refuses a database it cannot serve, changing nothing", () => {
  it("a read-only file", async () => {
    const { folder, file } = await existingDatabase();
    chmodSync(file, 0o444);
    await expectRefused(folder, file, /^Database .* is read-only: make it writable .*--db/u);
  });

  it("a read-only folder (SQLite writes its journal beside the file)", async () => {
    const { folder, file } = await existingDatabase();
    chmodSync(folder, 0o555);
    await expectRefused(folder, file, /^Database folder .* is not writable .*--db/u);
  });

  it("a new file in a read-only folder", () => {
    const folder = mkdtempSync(join(tmpdir(), "taskrpc-refuse-"));
    onTestFinished(() => {
      chmodSync(folder, 0o755);
      rmSync(folder, { recursive: true, force: true });
    });
    chmodSync(folder, 0o555);
    expect(() => openDatabase(join(folder, "new.db"))).toThrow(/^Database folder .* is not writable/u);
    expect(readdirSync(folder)).toEqual([]);
  });

  it("a schema migrated by a newer build (a migration this build does not know)", async () => {
    const { folder, file } = await existingDatabase();
    const raw = new Database(file);
    raw.prepare("insert into __drizzle_migrations (hash, created_at) values ('from-the-future', 4102444800000)").run();
    raw.close();
    await expectRefused(folder, file, /^Database .* has a schema newer than this taskrpc .*: upgrade taskrpc/u);
  });

  it("still opens a writable database of its own schema, with its data", async () => {
    const { file } = await existingDatabase();
    mkdirSync(dirname(file), { recursive: true });
    const database = openDatabase(file);
    expect((await database.read.listProjects({ archived: false, limit: 10 })).items.map((project) => project.name)).toEqual(["Kept"]);
    await database.close();
  });
});

describe("cursors are signed with a key of each database's own", () => {
  it("a cursor stays valid after the database is closed and opened again, and means nothing to another database", async () => {
    const { file } = await existingDatabase();
    const first = openDatabase(file);
    const project = await first.write.createProject(createProjectInput.parse({ name: "Second" }));
    for (const title of ["a", "b"]) await first.write.createTask(createTaskInput.parse({ projectId: project.id, title }));
    const query = { status: "open", includeArchivedProjects: false, sort: { by: "title", dir: "asc" }, limit: 1 } as const;
    const cursor = (await first.read.listTasks(query)).nextCursor ?? "";
    await first.close();
    const again = openDatabase(file);
    expect((await again.read.listTasks({ ...query, cursor })).items.map((task) => task.title)).toEqual(["b"]);
    await again.close();
    const other = openDatabase(":memory:");
    onTestFinished(() => other.close());
    await expect(other.read.listTasks({ ...query, cursor })).rejects.toThrow(/malformed/u);
  });
});

// openDatabase itself: the SQLite files it makes and the statement trace it offers (the query-plan tests rely on it).
describe("openDatabase", () => {
  it("gives :memory: a private temporary file that both connections see, and removes it on close", async () => {
    const database = openDatabase(":memory:");
    const other = openDatabase(":memory:");
    const project = await database.write.createProject(createProjectInput.parse({ name: "Temporary" }));
    expect((await database.read.getProject(project.id)).name).toBe("Temporary");
    expect(other.path).not.toBe(database.path);
    expect((await other.read.listProjects({ archived: false, limit: 10 })).items).toEqual([]);
    await other.close();
    expect(existsSync(database.path)).toBe(true);
    await database.close();
    expect(existsSync(dirname(database.path))).toBe(false);
  });

  // SQLite shortens a long text parameter in the trace to its first 32 bytes and a comment (/*+4 bytes*/).
  it("passes every statement, of writes and of reads, to trace with its parameters filled in", async () => {
    const statements: string[] = [];
    const database = openDatabase(":memory:", { trace: (sql) => statements.push(sql) });
    try {
      statements.length = 0;
      const project = await database.write.createProject(createProjectInput.parse({ name: "Traced" }));
      expect(statements.filter((sql) => sql.startsWith('insert into "projects"'))).toEqual([expect.stringContaining("'Traced'")]);
      statements.length = 0;
      await database.read.getProject(project.id);
      expect(statements).toEqual([expect.stringMatching(new RegExp(`^select .* from "projects" where "projects"."id" = '${project.id.slice(0, 32)}'`, "u"))]);
    } finally {
      await database.close();
    }
  });

  // better-sqlite3 builds SQLite with a 16 MB cache per connection: the writing one filled it to about 14 MB of the
  // server's memory under load (npm run bench:rss), for no faster writes, since the file's pages stay in the OS's cache.
  it("opens the writing connection with SQLite's own 2 MB page cache, not better-sqlite3's 16 MB", async () => {
    const statements: string[] = [];
    const database = openDatabase(":memory:", { trace: (sql) => statements.push(sql) });
    await database.close();
    expect(statements.filter((sql) => /cache_size/iu.test(sql))).toEqual(["PRAGMA cache_size = -2000"]);
  });
});
