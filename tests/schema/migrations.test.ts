import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { generateSQLiteDrizzleJson, generateSQLiteMigration } from "drizzle-kit/api";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/data";
import { migrationsFolder } from "../../src/data/database";
import { taskFilterInput, taskQueryInput } from "../../src/domain";
import * as schema from "../../src/data/schema";

type Journal = { entries: { idx: number; tag: string }[] };

/** A database in `dir` migrated as this build was before migration `idx`: a copy of the folder with the journal cut there. */
function migratedBefore(dir: string, idx: number): { file: string; old: Database.Database } {
  const before = join(dir, "drizzle");
  cpSync(migrationsFolder, before, { recursive: true });
  const journal = JSON.parse(readFileSync(join(before, "meta/_journal.json"), "utf8")) as Journal;
  journal.entries = journal.entries.filter((entry) => entry.idx < idx);
  writeFileSync(join(before, "meta/_journal.json"), JSON.stringify(journal));
  const file = join(dir, "old.db");
  const old = new Database(file);
  migrate(drizzle(old), { migrationsFolder: before });
  return { file, old };
}

describe("migrations", () => {
  it("match the Drizzle schema: generating a migration now would produce nothing (run npm run db:generate)", async () => {
    const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta/_journal.json"), "utf8")) as Journal;
    const last = journal.entries.at(-1);
    expect(last).toBeDefined();
    const snapshotFile = join(migrationsFolder, "meta", `${String(last?.idx).padStart(4, "0")}_snapshot.json`);
    const snapshot = JSON.parse(readFileSync(snapshotFile, "utf8")) as Parameters<typeof generateSQLiteMigration>[0];
    const current = await generateSQLiteDrizzleJson(schema);
    expect(await generateSQLiteMigration(snapshot, current)).toEqual([]);
  });
});

// A database written before the scale migration (0003) gains its counters and denormalised flag from the
// migration's backfill, and the triggers keep them from then on.
describe("the scale migration on an existing database", () => {
  it("backfills project counts, label counts and the archived flag of tasks", async () => {
    const dir = mkdtempSync(join(tmpdir(), "taskrpc-migrate-"));
    try {
      const { file, old } = migratedBefore(dir, 3);
      const at = "2026-01-01T00:00:00.000Z";
      const project = old.prepare(
        "insert into projects (id, name, description, search_text, archived, archived_at, version, created_at, updated_at) values (?, ?, '', ?, ?, null, 1, ?, ?)",
      );
      project.run("live", "Live", "live", 0, at, at);
      project.run("frozen", "Frozen", "frozen", 1, at, at);
      const task = old.prepare(
        `insert into tasks (id, project_id, title, description, search_text, priority, priority_rank, due_date, labels, completed, completed_at, version, created_at, updated_at)
         values (?, ?, ?, '', ?, 'normal', 1, null, ?, ?, null, 1, ?, ?)`,
      );
      const label = old.prepare("insert into task_labels (task_id, label_key) values (?, ?)");
      const rows: [string, string, number, string[]][] = [
        ["t1", "live", 0, ["Home"]],
        ["t2", "live", 0, ["home", "work"]],
        ["t3", "live", 1, ["work"]],
        ["t4", "frozen", 0, ["home"]],
        ["t5", "frozen", 1, []],
      ];
      for (const [id, projectId, completed, labels] of rows) {
        task.run(id, projectId, `Task ${id}`, `task ${id}`, JSON.stringify(labels), completed, at, at);
        for (const key of labels) label.run(id, key.toLowerCase());
      }
      old.close();

      const database = openDatabase(file);
      try {
        const { read } = database;
        expect([await read.getProject("live"), await read.getProject("frozen")].map((p) => [p.openTaskCount, p.completedTaskCount])).toEqual([
          [2, 1],
          [1, 1],
        ]);
        expect(await read.countTasks(taskFilterInput.parse({}))).toBe(2);
        expect(await read.countTasks(taskFilterInput.parse({ status: "all", includeArchivedProjects: true }))).toBe(5);
        expect(await read.listLabels(taskFilterInput.parse({}))).toEqual([{ label: "home", taskCount: 2 }, { label: "work", taskCount: 1 }]);
        expect(await read.listLabels(taskFilterInput.parse({ status: "all", includeArchivedProjects: true }))).toEqual([
          { label: "home", taskCount: 3 },
          { label: "work", taskCount: 2 },
        ]);
        expect((await read.listTasks(taskQueryInput.parse({ sort: { by: "title", dir: "asc" } }))).items.map((t) => t.id)).toEqual(["t1", "t2"]);
        // The triggers carry on: unarchiving brings the project's tasks and labels back into the live views.
        await database.write.unarchiveProject({ id: "frozen" });
        expect(await read.listLabels(taskFilterInput.parse({}))).toEqual([{ label: "home", taskCount: 3 }, { label: "work", taskCount: 1 }]);
        expect((await read.listTasks(taskQueryInput.parse({ sort: { by: "title", dir: "asc" } }))).items.map((t) => t.id)).toEqual(["t1", "t2", "t4"]);
      } finally {
        await database.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// A database at 0003 gains the per-priority and per-due-date counters from 0004's backfill, and its triggers
// keep them from then on.
describe("the counters migration on an existing database", () => {
  it("backfills counts by priority, due date and label, and keeps them through writes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "taskrpc-migrate-"));
    try {
      const { file, old } = migratedBefore(dir, 4);
      const at = "2026-01-01T00:00:00.000Z";
      const project = old.prepare(
        "insert into projects (id, name, description, search_text, archived, archived_at, version, created_at, updated_at) values (?, ?, '', ?, 0, null, 1, ?, ?)",
      );
      project.run("p1", "One", "one", at, at);
      project.run("p2", "Two", "two", at, at);
      const task = old.prepare(
        `insert into tasks (id, project_id, title, description, search_text, priority, priority_rank, due_date, labels, completed, completed_at, version, created_at, updated_at)
         values (?, ?, ?, '', ?, ?, ?, ?, ?, ?, null, 1, ?, ?)`,
      );
      const label = old.prepare("insert into task_labels (task_id, label_key) values (?, ?)");
      const rows: [string, string, string, number, string | null, number, string[]][] = [
        ["t1", "p1", "high", 2, "2026-02-01", 0, ["home"]],
        ["t2", "p1", "high", 2, null, 0, ["home", "work"]],
        ["t3", "p1", "low", 0, "2026-02-02", 0, ["work"]],
        ["t4", "p2", "urgent", 3, "2026-02-03", 1, ["home"]],
        ["t5", "p2", "high", 2, null, 0, []],
      ];
      for (const [id, projectId, priority, rank, due, completed, labels] of rows) {
        task.run(id, projectId, `Task ${id}`, `task ${id}`, priority, rank, due, JSON.stringify(labels), completed, at, at);
        for (const key of labels) label.run(id, key);
      }
      old.close();

      const database = openDatabase(file);
      try {
        const { read, write } = database;
        const count = (filter: object) => read.countTasks(taskFilterInput.parse(filter));
        const labels = (filter: object) => read.listLabels(taskFilterInput.parse(filter));
        expect(await count({ priority: ["high"] })).toBe(3);
        expect(await count({ priority: ["high"], projectId: "p1" })).toBe(2);
        expect(await count({ hasDueDate: true, status: "all" })).toBe(3);
        expect(await count({ hasDueDate: false, priority: ["high", "urgent"] })).toBe(2);
        expect(await count({ labels: ["HOME"], priority: ["high"] })).toBe(2);
        expect(await labels({ priority: ["high"] })).toEqual([{ label: "home", taskCount: 2 }, { label: "work", taskCount: 1 }]);
        expect(await labels({ hasDueDate: true, status: "all" })).toEqual([{ label: "home", taskCount: 2 }, { label: "work", taskCount: 1 }]);
        expect(await labels({ hasDueDate: false, projectId: "p1" })).toEqual([{ label: "home", taskCount: 1 }, { label: "work", taskCount: 1 }]);
        // The triggers carry on: a task changing priority, due date and project moves with its labels.
        await write.updateTask({ id: "t2", priority: "low", dueDate: "2026-03-01", projectId: "p2" });
        expect(await count({ priority: ["high"] })).toBe(2);
        expect(await count({ priority: ["low"], projectId: "p2", hasDueDate: true })).toBe(1);
        expect(await labels({ priority: ["low"], hasDueDate: true })).toEqual([{ label: "home", taskCount: 1 }, { label: "work", taskCount: 2 }]);
        expect(await labels({ priority: ["high"] })).toEqual([{ label: "home", taskCount: 1 }]);
      } finally {
        await database.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
