import { and, asc, count, desc, eq, gte, inArray, isNotNull, isNull, lte, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
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
} from "../domain";
import { CursorCodec, fingerprint } from "./cursor";
import { newId } from "./ids";
import { systemClock, type Clock, type Environment, type Repository } from "./repository";
import { projects, taskLabels, tasks } from "./schema";
import { taskSortKey } from "./task-order";

export type Db = BetterSQLite3Database;

type TaskRow = typeof tasks.$inferSelect;
type ProjectRow = typeof projects.$inferSelect;

// Correlated subqueries are written out in full: Drizzle drops table names from columns in one-table queries.
const openCount = sql<number>`(select count(*) from "tasks" as "t" where "t"."project_id" = "projects"."id" and "t"."completed" = 0)`;
const completedCount = sql<number>`(select count(*) from "tasks" as "t" where "t"."project_id" = "projects"."id" and "t"."completed" = 1)`;
const inLiveProject = sql`exists (select 1 from "projects" as "p" where "p"."id" = "tasks"."project_id" and "p"."archived" = 0)`;
const projectColumns = { project: projects, openTaskCount: openCount, completedTaskCount: completedCount };

export function toProjectRecord(row: ProjectRow): ProjectRecord {
  const { searchText: _searchText, ...record } = row;
  return record;
}

function toProject(row: { project: ProjectRow; openTaskCount: number; completedTaskCount: number }): Project {
  return { ...toProjectRecord(row.project), openTaskCount: row.openTaskCount, completedTaskCount: row.completedTaskCount };
}

export function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    projectId: row.projectId,
    title: row.title,
    description: row.description,
    priority: row.priority,
    dueDate: row.dueDate,
    labels: row.labels,
    completed: row.completed,
    completedAt: row.completedAt,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toTaskRow(task: Task) {
  return {
    ...task,
    searchText: `${task.title}\n${task.description}`.toLowerCase(),
    priorityRank: priorityRank(task.priority),
  };
}

/** The trigram index answers terms of three or more characters; shorter ones are looked for directly. */
function searchCondition(search: string | undefined): SQL[] {
  const terms = searchTerms(search);
  const indexed = terms.filter((term) => [...term].length >= 3);
  const conditions = terms
    .filter((term) => [...term].length < 3)
    .map((term) => sql`instr(${tasks.searchText}, ${term}) > 0`);
  if (indexed.length > 0) {
    const match = indexed.map((term) => `"${term.replaceAll('"', '""')}"`).join(" ");
    conditions.push(sql`${tasks.seq} in (select rowid from tasks_fts where tasks_fts match ${match})`);
  }
  return conditions;
}

function taskConditions(filter: TaskFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.projectId !== undefined) {
    conditions.push(inArray(tasks.projectId, [filter.projectId].flat()));
  } else if (!filter.includeArchivedProjects) {
    conditions.push(inLiveProject);
  }
  if (filter.status !== "all") conditions.push(eq(tasks.completed, filter.status === "completed"));
  conditions.push(...searchCondition(filter.search));
  if (filter.priority) conditions.push(inArray(tasks.priority, filter.priority));
  if (filter.labels) {
    const keys = filter.labels.map((label) => label.toLowerCase());
    conditions.push(sql`${tasks.id} in (select ${taskLabels.taskId} from ${taskLabels} where ${inArray(taskLabels.labelKey, keys)})`);
  }
  if (filter.dueFrom) conditions.push(gte(tasks.dueDate, filter.dueFrom));
  if (filter.dueTo) conditions.push(lte(tasks.dueDate, filter.dueTo));
  if (filter.hasDueDate !== undefined) conditions.push(filter.hasDueDate ? isNotNull(tasks.dueDate) : isNull(tasks.dueDate));
  return conditions;
}

function sortColumn(sort: TaskQuery["sort"]): SQLWrapper {
  switch (sort.by) {
    case "createdAt":
      return tasks.createdAt;
    case "updatedAt":
      return tasks.updatedAt;
    case "priority":
      return tasks.priorityRank;
    case "title":
      return sql`${tasks.title} collate nocase`;
    case "dueDate":
      return sort.dir === "asc" ? tasks.dueSortAsc : tasks.dueSortDesc;
  }
}

export class SqliteRepository implements Repository {
  private readonly now: Clock;
  private readonly newId: () => string;
  private readonly cursors: CursorCodec;

  // Look-ups by id are prepared once per connection: building a Drizzle query costs more than running it.
  private readonly projectById;
  private readonly projectWithCountsById;
  private readonly taskById;

  constructor(
    private readonly db: Db,
    environment: Environment & { cursorSecret: string },
  ) {
    this.now = environment.clock ?? systemClock;
    this.newId = environment.newId ?? newId;
    this.cursors = new CursorCodec(environment.cursorSecret);
    const id = sql.placeholder("id");
    this.projectById = db.select().from(projects).where(eq(projects.id, id)).prepare();
    this.projectWithCountsById = db.select(projectColumns).from(projects).where(eq(projects.id, id)).prepare();
    this.taskById = db.select().from(tasks).where(eq(tasks.id, id)).prepare();
  }

  /**
   * Runs one write as one transaction. IMMEDIATE takes the write lock up front, so a second process
   * writing the same file (the CLI beside the server) waits out busy_timeout instead of failing at once.
   */
  private atomically<T>(work: () => T): T {
    return this.db.transaction(work, { behavior: "immediate" });
  }

  private findProject(id: string): ProjectRecord | undefined {
    const row = this.projectById.get({ id });
    return row && toProjectRecord(row);
  }

  private requireProject(id: string): ProjectRecord {
    const project = this.findProject(id);
    if (!project) throw projectNotFound(id);
    return project;
  }

  private requireTask(id: string): Task {
    const row = this.taskById.get({ id });
    if (!row) throw taskNotFound(id);
    return toTask(row);
  }

  getProject(id: string): Project {
    const row = this.projectWithCountsById.get({ id });
    if (!row) throw projectNotFound(id);
    return toProject(row);
  }

  listProjects(query: ListProjectsInput): Page<Project> {
    const owner = fingerprint(query);
    const name = sql`${projects.name} collate nocase`;
    const conditions = [
      eq(projects.archived, query.archived),
      ...searchTerms(query.search).map((term) => sql`instr(${projects.searchText}, ${term}) > 0`),
    ];
    if (query.cursor) {
      const after = this.cursors.decode(query.cursor, owner);
      conditions.push(sql`(${name}, ${projects.id}) > (${after.key}, ${after.id})`);
    }
    const rows = this.db
      .select(projectColumns)
      .from(projects)
      .where(and(...conditions))
      .orderBy(asc(name), asc(projects.id))
      .limit(query.limit + 1)
      .all();
    const items = rows.slice(0, query.limit).map(toProject);
    const last = items.at(-1);
    const nextCursor = rows.length > query.limit && last ? this.cursors.encode(owner, { key: last.name, id: last.id }) : null;
    return { items, nextCursor };
  }

  getTask(id: string): Task {
    return this.requireTask(id);
  }

  listTasks(query: TaskQuery): Page<Task> {
    const owner = fingerprint(query);
    const conditions = taskConditions(query);
    const key = sortColumn(query.sort);
    const direction = query.sort.dir === "asc" ? asc : desc;
    if (query.cursor) {
      const after = this.cursors.decode(query.cursor, owner);
      const beyond = query.sort.dir === "asc" ? sql`>` : sql`<`;
      conditions.push(sql`(${key}, ${tasks.id}) ${beyond} (${after.key}, ${after.id})`);
    }
    const rows = this.db
      .select()
      .from(tasks)
      .where(and(...conditions))
      .orderBy(direction(key), direction(tasks.id))
      .limit(query.limit + 1)
      .all();
    const items = rows.slice(0, query.limit).map(toTask);
    const last = items.at(-1);
    const nextCursor =
      rows.length > query.limit && last ? this.cursors.encode(owner, { key: taskSortKey(last, query.sort), id: last.id }) : null;
    return { items, nextCursor };
  }

  countTasks(filter: TaskFilter): number {
    const row = this.db
      .select({ count: count() })
      .from(tasks)
      .where(and(...taskConditions(filter)))
      .get();
    return row?.count ?? 0;
  }

  listLabels(filter: TaskFilter): LabelUsage[] {
    return this.db
      .select({ label: taskLabels.labelKey, taskCount: count() })
      .from(taskLabels)
      .innerJoin(tasks, eq(tasks.id, taskLabels.taskId))
      .where(and(...taskConditions(filter)))
      .groupBy(taskLabels.labelKey)
      .orderBy(asc(taskLabels.labelKey))
      .all();
  }

  createProject(input: CreateProjectInput): Project {
    return this.atomically(() => {
      const project = newProject(this.newId(), input, this.now());
      this.db.insert(projects).values({ ...project, searchText: project.name.toLowerCase() }).run();
      return { ...project, openTaskCount: 0, completedTaskCount: 0 };
    });
  }

  private saveProject(current: ProjectRecord, next: ProjectRecord): Project {
    if (next !== current) {
      this.db
        .update(projects)
        .set({ ...next, searchText: next.name.toLowerCase() })
        .where(eq(projects.id, next.id))
        .run();
    }
    return this.getProject(next.id);
  }

  updateProject(input: UpdateProjectInput): Project {
    return this.atomically(() => {
      const current = this.requireProject(input.id);
      return this.saveProject(current, updatedProject(current, input, this.now()));
    });
  }

  archiveProject(input: ProjectChangeInput): Project {
    return this.setArchived(input, true);
  }

  unarchiveProject(input: ProjectChangeInput): Project {
    return this.setArchived(input, false);
  }

  private setArchived(input: ProjectChangeInput, archived: boolean): Project {
    return this.atomically(() => {
      const current = this.requireProject(input.id);
      return this.saveProject(current, archivedProject(current, archived, input.expectedVersion, this.now()));
    });
  }

  deleteProject(input: ProjectChangeInput): { id: string } {
    return this.atomically(() => {
      const current = this.requireProject(input.id);
      const taskCount = this.db.select({ count: count() }).from(tasks).where(eq(tasks.projectId, current.id)).get()?.count ?? 0;
      assertDeletable(current, taskCount, input.expectedVersion);
      this.db.delete(projects).where(eq(projects.id, current.id)).run();
      return { id: current.id };
    });
  }

  createTask(input: CreateTaskInput): Task {
    return this.atomically(() => {
      const task = newTask(this.newId(), this.requireProject(input.projectId), input, this.now());
      this.db.insert(tasks).values(toTaskRow(task)).run();
      this.saveLabels(task);
      return task;
    });
  }

  private saveLabels(task: Task): void {
    this.db.delete(taskLabels).where(eq(taskLabels.taskId, task.id)).run();
    if (task.labels.length > 0) {
      this.db
        .insert(taskLabels)
        .values(task.labels.map((label) => ({ taskId: task.id, labelKey: label.toLowerCase() })))
        .run();
    }
  }

  updateTask(input: UpdateTaskInput): Task {
    return this.atomically(() => {
      const current = this.requireTask(input.id);
      const project = this.requireProject(current.projectId);
      const moving = input.projectId !== undefined && input.projectId !== current.projectId;
      const target = moving ? (this.findProject(input.projectId ?? "") ?? null) : undefined;
      const next = updatedTask(current, project, target, input, this.now());
      if (next !== current) {
        this.saveTask(next);
        if (JSON.stringify(next.labels) !== JSON.stringify(current.labels)) this.saveLabels(next);
      }
      return next;
    });
  }

  private saveTask(task: Task): void {
    const { id: _id, ...changes } = toTaskRow(task);
    this.db.update(tasks).set(changes).where(eq(tasks.id, task.id)).run();
  }

  completeTask(input: TaskChangeInput): Task {
    return this.setCompleted(input, true);
  }

  reopenTask(input: TaskChangeInput): Task {
    return this.setCompleted(input, false);
  }

  private setCompleted(input: TaskChangeInput, completed: boolean): Task {
    return this.atomically(() => {
      const current = this.requireTask(input.id);
      const next = completedTask(current, this.requireProject(current.projectId), completed, input.expectedVersion, this.now());
      if (next !== current) this.saveTask(next);
      return next;
    });
  }

  deleteTask(input: TaskChangeInput): { id: string } {
    return this.atomically(() => {
      const current = this.requireTask(input.id);
      assertTaskDeletable(current, this.requireProject(current.projectId), input.expectedVersion);
      this.db.delete(tasks).where(eq(tasks.id, current.id)).run();
      return { id: current.id };
    });
  }
}
