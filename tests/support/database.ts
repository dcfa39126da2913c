import { onTestFinished } from "vitest";
import { openDatabase, type TaskDatabase } from "../../src/data";

/** A clock that moves one millisecond per reading, so every change gets a distinct, predictable time. */
export function tickingClock(start = Date.parse("2026-01-01T00:00:00.000Z")): () => string {
  let now = start;
  return () => new Date(now++).toISOString();
}

/** A fresh, migrated database for one test, removed when the test ends. */
export function openTestDatabase(): TaskDatabase {
  const database = openDatabase(":memory:", { clock: tickingClock() });
  onTestFinished(() => database.close());
  return database;
}
