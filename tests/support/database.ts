import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished } from "vitest";
import { openDatabase, type TaskDatabase } from "../../src/data";

/** A clock that moves one millisecond per reading, so every change gets a distinct, predictable time. */
export function tickingClock(start = Date.parse("2026-01-01T00:00:00.000Z")): () => string {
  let now = start;
  return () => new Date(now++).toISOString();
}

// Migrating a database costs far more than copying one: each test worker migrates a template once, in RAM
// where the system has a tmpfs, and every test opens a copy of it.
let folder: string | undefined;
let copies = 0;
function templateFolder(): string {
  if (folder) return folder;
  folder = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "taskrpc-test-"));
  openDatabase(join(folder, "template.db")).close();
  const created = folder;
  process.once("exit", () => rmSync(created, { recursive: true, force: true }));
  return folder;
}

/** A fresh, migrated database for one test, removed when the test ends. */
export function openTestDatabase(): TaskDatabase {
  const dir = templateFolder();
  const path = join(dir, `test-${++copies}.db`);
  copyFileSync(join(dir, "template.db"), path);
  const database = openDatabase(path, { clock: tickingClock() });
  onTestFinished(() => {
    database.close();
    rmSync(path, { force: true });
  });
  return database;
}
