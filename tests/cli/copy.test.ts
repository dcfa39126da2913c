import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { runCli } from "../../src/cli/cli";
import { openDatabase } from "../../src/data";
import { tickingClock } from "../support/database";

/** taskrpc copy in-process (runCli), between database files of a temporary folder and, under test:pg, PostgreSQL. */
const dir = mkdtempSync(join(tmpdir(), "taskrpc-copy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const file = (extension: string) => join(dir, `${++files}.${extension}`);
const databaseFile = () => {
  const path = file("db");
  copyFileSync(inject("databaseTemplate"), path);
  return path;
};

async function taskrpc(args: string[], interactive = false) {
  const run = { code: -1, stdout: "", stderr: "" };
  run.code = await runCli(args, { stdout: (text) => (run.stdout += text), stderr: (text) => (run.stderr += text), env: {}, interactive });
  return run;
}

/**
 * A database file (a copy of the migrated template: migrating a new file would cost more than the rest of the
 * seeding) holding archived and empty projects, completed, moved and edited tasks, labels in two cases.
 */
async function seeded(): Promise<string> {
  const path = databaseFile();
  const database = openDatabase(path, { clock: tickingClock() });
  const { write } = database;
  const home = await write.createProject({ name: "Home", description: "things to do at home" });
  const old = await write.createProject({ name: "Old", description: "archived" });
  await write.createProject({ name: "Empty", description: "" });
  const milk = await write.createTask({ projectId: home.id, title: "Buy milk «ü»", description: "two\nlines", priority: "urgent", dueDate: "2026-12-01", labels: ["Errands", "shop"] });
  await write.updateTask({ id: milk.id, title: "Buy oat milk", expectedVersion: 1 });
  const bread = await write.createTask({ projectId: home.id, title: "Bread", description: "", priority: "low", dueDate: null, labels: ["errands"] });
  await write.completeTask({ id: bread.id });
  await write.createTask({ projectId: old.id, title: "Long ago", description: "", priority: "normal", dueDate: null, labels: [] });
  await write.archiveProject({ id: old.id });
  await database.close();
  return path;
}

/** The export document of a SQLite file, without its time of export: equal documents mean equal databases. */
async function exported(path: string): Promise<unknown> {
  const out = file("json");
  expect((await taskrpc(["--db", path, "export", "--out", out])).code).toBe(0);
  return { ...(JSON.parse(readFileSync(out, "utf8")) as object), exportedAt: undefined };
}

describe("taskrpc copy between SQLite files", () => {
  it("copies every project and task with their ids, versions and timestamps, checks the counts, and shows progress on a terminal", async () => {
    const from = await seeded();
    const to = databaseFile();
    const run = await taskrpc(["copy", "--from", from, "--to", to], true);
    expect(run.stderr).toContain(`copy to ${to} [####################] 100%`);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ copy: from, to, projects: 3, tasks: 3, labels: 2, checked: true });
    expect(await exported(to)).toEqual(await exported(from));
  });

  it("says when the source requires access tokens and the copy does not, since a server on it would answer anyone", async () => {
    const from = await seeded();
    expect((await taskrpc(["--db", from, "tokens", "create", "--name", "ci", "--scope", "read"])).code).toBe(0);
    const to = databaseFile();
    const run = await taskrpc(["copy", "--from", from, "--to", to]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      `TOKENS_NOT_COPIED: ${from} requires access tokens; ${to} has none, so a server on it answers without one (on a loopback address only) ` +
        `until you create one: taskrpc --db ${to} tokens create --name NAME --scope write\n`,
    );
    // Nothing to say when the target has a token of its own, or the source none.
    const guarded = databaseFile();
    expect((await taskrpc(["--db", guarded, "tokens", "create", "--name", "ci", "--scope", "read"])).code).toBe(0);
    expect((await taskrpc(["copy", "--from", from, "--to", guarded])).stderr).toBe("");
    const open = await seeded();
    expect((await taskrpc(["copy", "--from", open, "--to", databaseFile()])).stderr).toBe("");
  });

  it("refuses a target holding data, and leaves it as it was", async () => {
    const from = await seeded();
    const to = await seeded();
    const before = await exported(to);
    const run = await taskrpc(["copy", "--from", from, "--to", to]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^DATABASE_NOT_EMPTY: .*3 projects; import only into an empty database\n$/u);
    expect(await exported(to)).toEqual(before);
  });

  it("refuses a source file that does not exist rather than creating it, and one database named twice", async () => {
    const missing = join(dir, "missing.db");
    const run = await taskrpc(["copy", "--from", missing, "--to", databaseFile()]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`VALIDATION: there is no database file ${missing} to copy from\n`);
    expect(existsSync(missing)).toBe(false);
    const same = databaseFile();
    expect((await taskrpc(["copy", "--from", same, "--to", same])).stderr).toBe("VALIDATION: --from and --to name the same database\n");
  });
});

const postgres = inject("postgresTemplate");

describe.skipIf(!postgres)(`taskrpc copy to and from PostgreSQL${postgres ? "" : " (skipped: runs in npm run test:pg)"}`, () => {
  it("moves a SQLite database into PostgreSQL and back unchanged, refusing to copy into it twice, without showing the password", async () => {
    const from = await seeded();
    const { createTestPostgresDatabase } = await import("../support/postgres");
    const url = await createTestPostgresDatabase();
    const shownUrl = url.replace(/:[^:@/]+@/u, ":***@");
    const into = await taskrpc(["copy", "--from", from, "--to", url]);
    expect(into.stderr).toBe("");
    expect(JSON.parse(into.stdout)).toEqual({ copy: from, to: shownUrl, projects: 3, tasks: 3, labels: 2, checked: true });
    const again = await taskrpc(["copy", "--from", from, "--to", url]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^DATABASE_NOT_EMPTY: postgres:\/\/[^:]+:\*\*\*@/u);
    const back = databaseFile();
    expect((await taskrpc(["copy", "--from", url, "--to", back])).code).toBe(0);
    expect(await exported(back)).toEqual(await exported(from));
  });
});
