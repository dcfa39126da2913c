import { and, asc, count, desc, eq, inArray, like, sql, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import {
  archivedProject,
  assertDeletable,
  assertTaskDeletable,
  completedTask,
  newProject,
  newTask,
  priorityRank,
  projectNotFound,
  searchTerms,
  taskNotFound,
  updatedProject,
  updatedTask,
  type CreateProjectInput,
  type CreateTaskInput,
  type LabelUsage,
  type ListProjectsInput,
  type Page,
  type Project,
  type ProjectChangeInput,
  type ProjectRecord,
  type Task,
  type TaskChangeInput,
  type TaskFilter,
  type TaskQuery,
  type UpdateProjectInput,
  type UpdateTaskInput,
} from "../../domain";
import { CursorCodec, fingerprint } from "../cursor";
import { newId } from "../ids";
import { systemClock, type Clock, type Environment, type ReadRepository, type Repository } from "../repository";
import { toProjectRecord, toTask, toTaskRow } from "../records";
import { taskSortKey } from "../task-order";
import { asciiFolded, projects, taskLabels, tasks } from "./schema";

/** A Drizzle database on either driver (node-postgres for servers, PGlite embedded), or a transaction of one. */
export type PgDb = PgDatabase<PgQueryResultHKT>;

/** Runs a read's statements where PostgreSQL itself refuses any write (a read-only session or transaction). */
export type Reading = <T>(work: (db: PgDb) => Promise<T>) => Promise<T>;

/** Each read in a READ ONLY transaction of `db` (begin, statements, commit): for a single connection (PGlite). */
export const inReadOnlyTransactions =
  (db: PgDb): Reading =>
  (work) =>
    db.transaction(work, { accessMode: "read only" });

/**
 * Each read straight on `db`, whose connections are read-only for their whole session (see openPostgres): no
 * transaction to open and commit. Every read is one statement, which PostgreSQL runs atomically on one snapshot.
 */
export const onReadOnlySessions =
  (db: PgDb): Reading =>
  (work) =>
    work(db);

export const toProjectRow = (project: ProjectRecord) => ({ ...project, searchText: project.name.toLowerCase() });

export const labelRows = (task: Task) => task.labels.map((label) => ({ taskId: task.id, labelKey: label.toLowerCase() }));

/** A LIKE pattern matching `term` anywhere: what the trigram index serves (substring search, as SQLite's instr). */
const containing = (term: string) => `%${term.replace(/[\\%_]/gu, (character) => `\\${character}`)}%`;

// Written out in full: Drizzle leaves columns unqualified in a single-table select, which a subquery would misread.
const openCount = sql<number>`(select count(*)::int from "tasks" as "t" where "t"."project_id" = "projects"."id" and not "t"."completed")`;
const completedCount = sql<number>`(select count(*)::int from "tasks" as "t" where "t"."project_id" = "projects"."id" and "t"."completed")`;
const projectColumns = {
  id: projects.id,
  name: projects.name,
  description: projects.description,
  archived: projects.archived,
  archivedAt: projects.archivedAt,
  openTaskCount: openCount,
  completedTaskCount: completedCount,
  version: projects.version,
  createdAt: projects.createdAt,
  updatedAt: projects.updatedAt,
};

/** The column a task sort walks (each has an index, per project and across projects). */
function sortColumn(sort: TaskQuery["sort"]) {
  switch (sort.by) {
    case "createdAt":
      return tasks.createdAt;
    case "updatedAt":
      return tasks.updatedAt;
    case "priority":
      return tasks.priorityRank;
    case "title":
      return tasks.titleKey;
    case "dueDate":
      return sort.dir === "asc" ? tasks.dueSortAsc : tasks.dueSortDesc;
  }
}

/** The conditions a task must meet to be selected by the filter, as the in-memory model's `matches`. */
function taskConditions(filter: TaskFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.projectId !== undefined) {
    conditions.push(inArray(tasks.projectId, [...new Set([filter.projectId].flat())]));
  } else if (!filter.includeArchivedProjects) {
    conditions.push(sql`"tasks"."project_id" in (select "p"."id" from "projects" as "p" where not "p"."archived")`);
  }
  if (filter.status !== "all") conditions.push(eq(tasks.completed, filter.status === "completed"));
  for (const term of searchTerms(filter.search)) conditions.push(like(tasks.searchText, containing(term)));
  if (filter.priority) conditions.push(inArray(tasks.priorityRank, [...new Set(filter.priority.map(priorityRank))]));
  if (filter.labels) {
    const keys = [...new Set(filter.labels.map((label) => label.toLowerCase()))];
    conditions.push(sql`exists (select 1 from "task_labels" as "l" where "l"."task_id" = "tasks"."id" and "l"."label_key" in ${keys})`);
  }
  if (filter.dueFrom) conditions.push(sql`${tasks.dueDate} >= ${filter.dueFrom}`);
  if (filter.dueTo) conditions.push(sql`${tasks.dueDate} <= ${filter.dueTo}`);
  if (filter.hasDueDate === true) conditions.push(sql`${tasks.dueDate} is not null`);
  if (filter.hasDueDate === false) conditions.push(sql`${tasks.dueDate} is null`);
  return conditions;
}

/**
 * The Repository on PostgreSQL, through Drizzle on either driver. Every write is one transaction that locks the
 * rows its rule depends on before reading them, so the rules hold between instances sharing the database:
 * a project is locked FOR UPDATE to change or delete it and FOR SHARE by any task write in it (a task create and
 * a project delete or archive cannot both pass), a task FOR UPDATE before its version is checked. Reads run
 * through `reading`, where PostgreSQL refuses writes, so a query cannot write.
 */
export class PgRepository implements Repository {
  private readonly now: Clock;
  private readonly newId: () => string;
  private readonly cursors: CursorCodec;

  constructor(
    private readonly db: PgDb,
    environment: Environment & { cursorSecret: string },
    /** Where reads run; every read method issues exactly one statement, so it needs no snapshot of its own. */
    private readonly reading: Reading = inReadOnlyTransactions(db),
  ) {
    this.now = environment.clock ?? systemClock;
    this.newId = environment.newId ?? newId;
    this.cursors = new CursorCodec(environment.cursorSecret);
  }

  private atomically<T>(work: (tx: PgDb) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  private async lockProject(tx: PgDb, id: string, strength: "update" | "share"): Promise<ProjectRecord | undefined> {
    const [row] = await tx.select().from(projects).where(eq(projects.id, id)).for(strength);
    return row && toProjectRecord(row);
  }

  private async requireProject(tx: PgDb, id: string, strength: "update" | "share"): Promise<ProjectRecord> {
    const project = await this.lockProject(tx, id, strength);
    if (!project) throw projectNotFound(id);
    return project;
  }

  private async lockTask(tx: PgDb, id: string): Promise<Task> {
    const [row] = await tx.select().from(tasks).where(eq(tasks.id, id)).for("update");
    if (!row) throw taskNotFound(id);
    return toTask(row);
  }

  private async projectWithCounts(tx: PgDb, id: string): Promise<Project> {
    const [row] = await tx.select(projectColumns).from(projects).where(eq(projects.id, id));
    if (!row) throw projectNotFound(id);
    return row;
  }

  getProject(id: string): Promise<Project> {
    return this.reading((tx) => this.projectWithCounts(tx, id));
  }

  listProjects(query: ListProjectsInput): Promise<Page<Project>> {
    const owner = fingerprint(query);
    const conditions = [eq(projects.archived, query.archived), ...searchTerms(query.search).map((term) => like(projects.searchText, containing(term)))];
    if (query.cursor) {
      const after = this.cursors.decode(query.cursor, owner);
      conditions.push(sql`(${projects.nameKey}, ${projects.id}) > (${asciiFolded(sql`${String(after.key)}::text`)}, ${after.id})`);
    }
    return this.reading(async (tx) => {
      const rows = await tx
        .select(projectColumns)
        .from(projects)
        .where(and(...conditions))
        .orderBy(asc(projects.nameKey), asc(projects.id))
        .limit(query.limit + 1);
      const items = rows.slice(0, query.limit);
      const last = items.at(-1);
      const nextCursor = rows.length > query.limit && last ? this.cursors.encode(owner, { key: last.name, id: last.id }) : null;
      return { items, nextCursor };
    });
  }

  getTask(id: string): Promise<Task> {
    return this.reading(async (tx) => {
      // Named: each connection parses and plans the hottest read once, then only binds and executes it.
      const [row] = await tx.select().from(tasks).where(eq(tasks.id, sql.placeholder("id"))).prepare("task_by_id").execute({ id });
      if (!row) throw taskNotFound(id);
      return toTask(row);
    });
  }

  listTasks(query: TaskQuery): Promise<Page<Task>> {
    const owner = fingerprint(query);
    const conditions = taskConditions(query);
    const column = sortColumn(query.sort);
    const order = query.sort.dir === "asc" ? asc : desc;
    if (query.cursor) {
      const after = this.cursors.decode(query.cursor, owner);
      const key =
        query.sort.by === "priority" ? sql`${Number(after.key)}::int` : query.sort.by === "title" ? asciiFolded(sql`${String(after.key)}::text`) : sql`${String(after.key)}::text`;
      conditions.push(sql`(${column}, ${tasks.id}) ${sql.raw(query.sort.dir === "asc" ? ">" : "<")} (${key}, ${after.id})`);
    }
    return this.reading(async (tx) => {
      const rows = await tx
        .select()
        .from(tasks)
        .where(and(...conditions))
        .orderBy(order(column), order(tasks.id))
        .limit(query.limit + 1);
      const items = rows.slice(0, query.limit).map(toTask);
      const last = items.at(-1);
      const nextCursor =
        rows.length > query.limit && last ? this.cursors.encode(owner, { key: taskSortKey(last, query.sort), id: last.id }) : null;
      return { items, nextCursor };
    });
  }

  countTasks(filter: TaskFilter): Promise<number> {
    return this.reading(async (tx) => {
      const [row] = await tx
        .select({ n: count() })
        .from(tasks)
        .where(and(...taskConditions(filter)));
      return row?.n ?? 0;
    });
  }

  listLabels(filter: TaskFilter): Promise<LabelUsage[]> {
    return this.reading((tx) =>
      tx
        .select({ label: taskLabels.labelKey, taskCount: count() })
        .from(tasks)
        .innerJoin(taskLabels, eq(taskLabels.taskId, tasks.id))
        .where(and(...taskConditions(filter)))
        .groupBy(taskLabels.labelKey)
        .orderBy(asc(taskLabels.labelKey)),
    );
  }

  createProject(input: CreateProjectInput): Promise<Project> {
    return this.atomically(async (tx) => {
      const project = newProject(this.newId(), input, this.now());
      await tx.insert(projects).values(toProjectRow(project));
      return { ...project, openTaskCount: 0, completedTaskCount: 0 };
    });
  }

  private async saveProject(tx: PgDb, current: ProjectRecord, next: ProjectRecord): Promise<Project> {
    if (next !== current) {
      const { id: _id, ...changes } = toProjectRow(next);
      await tx.update(projects).set(changes).where(eq(projects.id, next.id));
    }
    return this.projectWithCounts(tx, next.id);
  }

  updateProject(input: UpdateProjectInput): Promise<Project> {
    return this.atomically(async (tx) => {
      const current = await this.requireProject(tx, input.id, "update");
      return this.saveProject(tx, current, updatedProject(current, input, this.now()));
    });
  }

  archiveProject(input: ProjectChangeInput): Promise<Project> {
    return this.setArchived(input, true);
  }

  unarchiveProject(input: ProjectChangeInput): Promise<Project> {
    return this.setArchived(input, false);
  }

  private setArchived(input: ProjectChangeInput, archived: boolean): Promise<Project> {
    return this.atomically(async (tx) => {
      const current = await this.requireProject(tx, input.id, "update");
      return this.saveProject(tx, current, archivedProject(current, archived, input.expectedVersion, this.now()));
    });
  }

  deleteProject(input: ProjectChangeInput): Promise<{ id: string }> {
    return this.atomically(async (tx) => {
      // Locked first: a task create in this project waits for (or holds off) this delete, and this count sees its row.
      const current = await this.requireProject(tx, input.id, "update");
      const [row] = await tx.select({ n: count() }).from(tasks).where(eq(tasks.projectId, current.id));
      assertDeletable(current, row?.n ?? 0, input.expectedVersion);
      await tx.delete(projects).where(eq(projects.id, current.id));
      return { id: current.id };
    });
  }

  createTask(input: CreateTaskInput): Promise<Task> {
    return this.atomically(async (tx) => {
      const task = newTask(this.newId(), await this.requireProject(tx, input.projectId, "share"), input, this.now());
      await tx.insert(tasks).values(toTaskRow(task));
      if (task.labels.length > 0) await tx.insert(taskLabels).values(labelRows(task));
      return task;
    });
  }

  updateTask(input: UpdateTaskInput): Promise<Task> {
    return this.atomically(async (tx) => {
      const current = await this.lockTask(tx, input.id);
      const project = await this.requireProject(tx, current.projectId, "share");
      const moving = input.projectId !== undefined && input.projectId !== current.projectId;
      const target = moving ? ((await this.lockProject(tx, input.projectId ?? "", "share")) ?? null) : undefined;
      const next = updatedTask(current, project, target, input, this.now());
      if (next !== current) {
        await this.saveTask(tx, next);
        if (JSON.stringify(next.labels) !== JSON.stringify(current.labels)) {
          await tx.delete(taskLabels).where(eq(taskLabels.taskId, next.id));
          if (next.labels.length > 0) await tx.insert(taskLabels).values(labelRows(next));
        }
      }
      return next;
    });
  }

  private async saveTask(tx: PgDb, task: Task): Promise<void> {
    const { id: _id, ...changes } = toTaskRow(task);
    await tx.update(tasks).set(changes).where(eq(tasks.id, task.id));
  }

  completeTask(input: TaskChangeInput): Promise<Task> {
    return this.setCompleted(input, true);
  }

  reopenTask(input: TaskChangeInput): Promise<Task> {
    return this.setCompleted(input, false);
  }

  private setCompleted(input: TaskChangeInput, completed: boolean): Promise<Task> {
    return this.atomically(async (tx) => {
      const current = await this.lockTask(tx, input.id);
      const project = await this.requireProject(tx, current.projectId, "share");
      const next = completedTask(current, project, completed, input.expectedVersion, this.now());
      if (next !== current) await this.saveTask(tx, next);
      return next;
    });
  }

  deleteTask(input: TaskChangeInput): Promise<{ id: string }> {
    return this.atomically(async (tx) => {
      const current = await this.lockTask(tx, input.id);
      assertTaskDeletable(current, await this.requireProject(tx, current.projectId, "share"), input.expectedVersion);
      await tx.delete(tasks).where(eq(tasks.id, current.id));
      return { id: current.id };
    });
  }
}

/** The reading view: only the reading methods, each run where PostgreSQL refuses writes. */
export function readView(repository: PgRepository): ReadRepository {
  return Object.freeze({
    getProject: (id) => repository.getProject(id),
    listProjects: (query) => repository.listProjects(query),
    getTask: (id) => repository.getTask(id),
    listTasks: (query) => repository.listTasks(query),
    countTasks: (filter) => repository.countTasks(filter),
    listLabels: (filter) => repository.listLabels(filter),
  } satisfies ReadRepository);
}
