import { count, gt, sql } from "drizzle-orm";
import type { ExportedProject, Task } from "../domain";
import { projects, taskLabels, tasks } from "./schema";
import { toProjectRecord, toTask, toTaskRow } from "./records";
import type { Db } from "./sqlite-repository";

/** Rows read per query while exporting: memory stays flat however many tasks there are. */
const pageSize = 1000;
/** Rows written per INSERT while importing. */
const batchSize = 100;

/** Every record of a database, read from one snapshot, in the order they were written. */
export interface ExportSnapshot {
  projectCount: number;
  taskCount: number;
  projects(): AsyncIterable<ExportedProject>;
  tasks(): AsyncIterable<Task>;
  /** Ends the snapshot (the read transaction). */
  close(): Promise<void>;
}

/**
 * Loads records, already validated by the domain schemas, into an empty database in one transaction: nothing is
 * visible to others until `commit`, and `rollback` (or a failure) leaves the database as it was.
 */
export interface ImportSession {
  addProject(project: ExportedProject): Promise<void>;
  /** Its project must have been added before. */
  addTask(task: Task): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/** Moving all the data of a database in and out, keeping ids, versions and timestamps. */
export interface Portability {
  exportSnapshot(): Promise<ExportSnapshot>;
  /** Starts an import; rejects with ImportRefused when the database already holds data. */
  beginImport(): Promise<ImportSession>;
}

export class ImportRefused extends Error {}

const isDuplicate = (error: unknown) => error instanceof Error && error.message.startsWith("UNIQUE constraint failed");

/** A record the database would not take (a duplicate id, a task whose project is not in the document). */
export class RecordRefused extends Error {}

/**
 * Holds a transaction open across the caller's awaits (streaming a file in or out), which a Drizzle transaction
 * callback cannot: fine on a connection that only this import or export uses.
 */
export class SqlitePortability implements Portability {
  constructor(private readonly db: Db) {}

  async exportSnapshot(): Promise<ExportSnapshot> {
    const db = this.db;
    db.run(sql`begin`);
    const projectCount = db.select({ n: count() }).from(projects).get()?.n ?? 0;
    const taskCount = db.select({ n: count() }).from(tasks).get()?.n ?? 0;
    return {
      projectCount,
      taskCount,
      // Projects in rowid order and tasks in seq order: the order an import writes them back in.
      async *projects() {
        for (let after = 0; ; ) {
          const rows = db
            .select({ rowid: sql<number>`rowid`, project: projects })
            .from(projects)
            .where(gt(sql`rowid`, after))
            .orderBy(sql`rowid`)
            .limit(pageSize)
            .all();
          yield* rows.map((row) => toProjectRecord(row.project));
          if (rows.length < pageSize) return;
          after = rows.at(-1)?.rowid ?? after;
        }
      },
      async *tasks() {
        for (let after = 0; ; ) {
          const rows = db.select().from(tasks).where(gt(tasks.seq, after)).orderBy(tasks.seq).limit(pageSize).all();
          yield* rows.map(toTask);
          if (rows.length < pageSize) return;
          after = rows.at(-1)?.seq ?? after;
        }
      },
      async close() {
        db.run(sql`commit`);
      },
    };
  }

  async beginImport(): Promise<ImportSession> {
    const db = this.db;
    db.run(sql`begin immediate`);
    const existing = db.select({ n: count() }).from(projects).get()?.n ?? 0;
    if (existing > 0) {
      db.run(sql`rollback`);
      throw new ImportRefused(`the database holds ${existing} project${existing === 1 ? "" : "s"}; import only into an empty database`);
    }
    let open = true;
    const projectIds = new Set<string>();
    let pending: Task[] = [];
    const insertTasks = (batch: Task[]) => {
      db.insert(tasks).values(batch.map(toTaskRow)).run();
      const labels = batch.flatMap((task) => task.labels.map((label) => ({ taskId: task.id, labelKey: label.toLowerCase() })));
      if (labels.length > 0) db.insert(taskLabels).values(labels).run();
    };
    const flush = () => {
      const batch = pending;
      pending = [];
      if (batch.length === 0) return;
      try {
        insertTasks(batch);
      } catch (error) {
        if (!isDuplicate(error)) throw error;
        // A failed INSERT statement writes none of its rows: insert them one by one to name the one refused.
        for (const task of batch) {
          try {
            insertTasks([task]);
          } catch (error) {
            throw isDuplicate(error) ? new RecordRefused(`task ${task.id} is a duplicate id`) : error;
          }
        }
      }
    };
    return {
      async addProject(project) {
        if (projectIds.has(project.id)) throw new RecordRefused(`project ${project.id} is a duplicate id`);
        db.insert(projects).values({ ...project, searchText: project.name.toLowerCase() }).run();
        projectIds.add(project.id);
      },
      async addTask(task) {
        if (!projectIds.has(task.projectId)) {
          throw new RecordRefused(`task ${task.id} names project ${task.projectId}, which is not among the projects before it`);
        }
        pending.push(task);
        if (pending.length >= batchSize) flush();
      },
      async commit() {
        flush();
        db.run(sql`commit`);
        open = false;
      },
      async rollback() {
        if (open) db.run(sql`rollback`);
        open = false;
      },
    };
  }
}
