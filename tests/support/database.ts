import { randomUUID } from "node:crypto";
import { copyFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, inject, onTestFinished } from "vitest";
import { openDatabase, type Environment, type TaskDatabase } from "../../src/data";

/** A clock that moves one millisecond per reading, so every change gets a distinct, predictable time. */
export function tickingClock(start = Date.parse("2026-01-01T00:00:00.000Z")): () => string {
  let now = start;
  return () => new Date(now++).toISOString();
}

/** A fresh, migrated database: a copy of the run's template (tests/support/global-setup.ts); close() deletes it. */
export function openDatabaseCopy(environment: Environment = { clock: tickingClock() }): TaskDatabase {
  const template = inject("databaseTemplate");
  const path = join(dirname(template), `${randomUUID()}.db`);
  copyFileSync(template, path);
  const database = openDatabase(path, environment);
  return {
    ...database,
    async close() {
      await database.close();
      rmSync(path, { force: true });
    },
  };
}

/** A test's database, kept open between tests: emptied when its test passes, closed and deleted when it fails. */
type PooledDatabase = { database: TaskDatabase; restartClock(clock: () => string): void; empty(): Promise<void>; closed: boolean };

/**
 * This worker's emptied databases. Opening one costs more than a typical test (SQLite parses the schema on each
 * connection's first statement, prepares every statement anew, and checkpoints on close): emptying one instead took
 * about 9% of `npm test`'s CPU off. The worker's end closes them; the run's teardown deletes their files.
 */
const idle: PooledDatabase[] = [];

function openPooled(): PooledDatabase {
  let clock = tickingClock();
  const database = openDatabaseCopy({ clock: () => clock() });
  // Emptied on a connection of its own: only the data layer speaks SQL to the test's connections.
  const raw = new Database(database.path);
  raw.pragma("foreign_keys = OFF");
  const tables = raw
    .prepare<[], { name: string; sql: string }>("select name, sql from sqlite_master where type = 'table' and name not like 'sqlite_%'")
    .all();
  const fullText = tables.filter((table) => /^create virtual table/iu.test(table.sql)).map((table) => table.name);
  // Every table but the migrations' record and the cursor secret; a full-text index (and its shadow tables) follows
  // the rows it indexes through their triggers.
  const deletes = tables
    .map((table) => table.name)
    .filter((name) => !["__drizzle_migrations", "settings"].includes(name) && !fullText.some((index) => name === index || name.startsWith(`${index}_`)))
    .map((name) => raw.prepare(`delete from "${name}"`))
    .concat(raw.prepare("delete from sqlite_sequence"));
  const anyToken = raw.prepare("select exists (select 1 from access_tokens)").pluck();
  const emptyTables = raw.transaction(() => {
    for (const statement of deletes) statement.run();
  });
  const pooled: PooledDatabase = {
    database: {
      ...database,
      async close() {
        pooled.closed = true;
        raw.close();
        await database.close();
      },
    },
    restartClock: (next) => (clock = next),
    async empty() {
      // Revoked through the store, whose answer to "is any token live?" is kept in memory until it writes a token.
      if (anyToken.get()) for (const token of await database.tokens.list()) await database.tokens.revoke(token.name);
      emptyTables();
    },
    closed: false,
  };
  return pooled;
}

/**
 * An empty, migrated database for one test, on `clock` (by default ticking from the start). When the test ends it is
 * emptied for the next test in this worker, or closed and deleted if the test failed (it may hold a transaction
 * open) or closed it.
 */
export function openTestDatabase(clock: () => string = tickingClock()): TaskDatabase {
  const pooled = idle.pop() ?? openPooled();
  pooled.restartClock(clock);
  onTestFinished(async ({ task }) => {
    if (pooled.closed) return;
    if (task.result?.state !== "pass") return pooled.database.close();
    await pooled.empty();
    idle.push(pooled);
  });
  return pooled.database;
}

/**
 * A store made by `make` on first use and closed after the describe block (or file) this is called in: for the
 * tests that only read what it was seeded with, which then seed it once instead of once each.
 */
export function sharedStore<T extends { database: TaskDatabase }>(make: () => Promise<T>): () => Promise<T> {
  let store: Promise<T> | undefined;
  afterAll(async () => (await store)?.database.close());
  return () => (store ??= make());
}
