import { randomUUID } from "node:crypto";
import { copyFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { inject, onTestFinished } from "vitest";
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

/** A fresh, migrated database for one test, closed and deleted when the test ends. */
export function openTestDatabase(): TaskDatabase {
  const database = openDatabaseCopy();
  onTestFinished(() => database.close());
  return database;
}
