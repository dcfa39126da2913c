import { asc, count, gt, sql } from "drizzle-orm";
import type { ExportedProject, Task } from "../../domain";
import { ImportRefused, RecordRefused, type ExportSnapshot, type ImportSession, type Portability } from "../portability";
import { toProjectRecord, toTask, toTaskRow } from "../records";
import { labelRows, toProjectRow, type PgDb } from "./repository";
import { projects, taskLabels, tasks } from "./schema";

/** Rows read per query while exporting: memory stays flat however many tasks there are. */
const pageSize = 1000;
/** Rows written per INSERT while importing. */
const batchSize = 100;

const isDuplicate = (error: unknown): boolean => {
  const cause = error instanceof Error && error.cause ? error.cause : error;
  return (cause as { code?: unknown } | undefined)?.code === "23505";
};

/**
 * A Drizzle transaction held open across the caller's awaits (streaming a file in or out), which a transaction
 * callback alone cannot: the callback waits until `end` says whether to commit.
 */
async function heldTransaction(db: PgDb, config: Parameters<PgDb["transaction"]>[1]) {
  let end!: (commit: boolean) => void;
  const ended = new Promise<boolean>((resolve) => (end = resolve));
  let started!: (tx: PgDb) => void;
  const ready = new Promise<PgDb>((resolve) => (started = resolve));
  const finished = db.transaction(async (tx) => {
    started(tx);
    if (!(await ended)) tx.rollback();
  }, config);
  const tx = await Promise.race([ready, finished.then(() => Promise.reject(new Error("the transaction ended before it began")))]);
  let open = true;
  const close = async (commit: boolean) => {
    if (!open) return;
    open = false;
    end(commit);
    // A rollback surfaces as Drizzle's TransactionRollbackError: asked for, so not an error here.
    await finished.catch((error: unknown) => {
      if (commit) throw error;
    });
  };
  return { tx, close };
}

export class PgPortability implements Portability {
  constructor(private readonly db: PgDb) {}

  async exportSnapshot(): Promise<ExportSnapshot> {
    const { tx, close } = await heldTransaction(this.db, { isolationLevel: "repeatable read", accessMode: "read only" });
    try {
      const [projectRow] = await tx.select({ n: count() }).from(projects);
      const [taskRow] = await tx.select({ n: count() }).from(tasks);
      return {
        projectCount: projectRow?.n ?? 0,
        taskCount: taskRow?.n ?? 0,
        // In insertion order: the order an import writes them back in.
        async *projects(): AsyncIterable<ExportedProject> {
          for (let after = 0; ; ) {
            const rows = await tx.select().from(projects).where(gt(projects.seq, after)).orderBy(asc(projects.seq)).limit(pageSize);
            yield* rows.map(toProjectRecord);
            if (rows.length < pageSize) return;
            after = rows.at(-1)?.seq ?? after;
          }
        },
        async *tasks(): AsyncIterable<Task> {
          for (let after = 0; ; ) {
            const rows = await tx.select().from(tasks).where(gt(tasks.seq, after)).orderBy(asc(tasks.seq)).limit(pageSize);
            yield* rows.map(toTask);
            if (rows.length < pageSize) return;
            after = rows.at(-1)?.seq ?? after;
          }
        },
        close: () => close(true),
      };
    } catch (error) {
      await close(false);
      throw error;
    }
  }

  async beginImport(): Promise<ImportSession> {
    const { tx, close } = await heldTransaction(this.db, undefined);
    try {
      // Other writers wait until this import ends (readers do not): the database stays empty or gets all of it.
      await tx.execute(sql`lock table ${projects}, ${tasks} in share row exclusive mode`);
      const [row] = await tx.select({ n: count() }).from(projects);
      const existing = row?.n ?? 0;
      if (existing > 0) throw new ImportRefused(`the database holds ${existing} project${existing === 1 ? "" : "s"}; import only into an empty database`);
    } catch (error) {
      await close(false);
      throw error;
    }
    const projectIds = new Set<string>();
    let pending: Task[] = [];
    // Each batch in a savepoint: a refused INSERT aborts only it, and the tasks are tried one by one to name the refused one.
    const insertTasks = (batch: Task[]) =>
      tx.transaction(async (savepoint) => {
        await savepoint.insert(tasks).values(batch.map(toTaskRow));
        const labels = batch.flatMap(labelRows);
        if (labels.length > 0) await savepoint.insert(taskLabels).values(labels);
      });
    const flush = async () => {
      const batch = pending;
      pending = [];
      if (batch.length === 0) return;
      try {
        await insertTasks(batch);
      } catch (error) {
        if (!isDuplicate(error)) throw error;
        for (const task of batch) {
          try {
            await insertTasks([task]);
          } catch (error) {
            throw isDuplicate(error) ? new RecordRefused(`task ${task.id} is a duplicate id`) : error;
          }
        }
      }
    };
    return {
      async addProject(project) {
        if (projectIds.has(project.id)) throw new RecordRefused(`project ${project.id} is a duplicate id`);
        await tx.insert(projects).values(toProjectRow(project));
        projectIds.add(project.id);
      },
      async addTask(task) {
        if (!projectIds.has(task.projectId)) {
          throw new RecordRefused(`task ${task.id} names project ${task.projectId}, which is not among the projects before it`);
        }
        pending.push(task);
        if (pending.length >= batchSize) await flush();
      },
      async commit() {
        await flush();
        await close(true);
      },
      rollback: () => close(false),
    };
  }
}
