import { and, asc, count, eq, sql } from "drizzle-orm";
import type { Database, Statement, Transaction } from "better-sqlite3";
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import {
  archivedProject,
  assertDeletable,
  assertTaskDeletable,
  completedTask,
  newProject,
  newTask,
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
import { toProjectRecord, toTaskRow } from "./records";
import { projects, tasks } from "./schema";
import { taskSortKey } from "./task-order";
import { onFirstUse } from "./first-use";
import { TaskReads } from "./task-reads";

export type Db = BetterSQLite3Database & { $client: Database };

type ProjectRow = typeof projects.$inferSelect;

function toProject(row: ProjectRow): Project {
  const { searchText: _searchText, ...project } = row;
  return project;
}

/** A project as the raw look-up by id reads it (SQLite's 0/1 for the flag), in the columns' order. */
type RawProject = Omit<Project, "archived"> & { archived: number };
const projectColumns = [
  `"id", "name", "description", "archived", "archived_at" as "archivedAt", "open_task_count" as "openTaskCount"`,
  `"completed_task_count" as "completedTaskCount", "version", "created_at" as "createdAt", "updated_at" as "updatedAt"`,
].join(", ");
const fromRaw = (row: RawProject): Project => ({ ...row, archived: row.archived === 1 });

/** A task's columns as a write binds them (what Drizzle bound: the project's archived flag is the triggers' to keep). */
function taskParams(task: Task): unknown[] {
  const row = toTaskRow(task);
  return [row.projectId, row.title, row.description, row.searchText, row.priority, row.priorityRank, row.dueDate, JSON.stringify(row.labels),
    row.completed ? 1 : 0, row.completedAt, row.version, row.createdAt, row.updatedAt, row.id];
}

export class SqliteRepository implements Repository {
  private readonly now: Clock;
  private readonly newId: () => string;
  private readonly cursors: CursorCodec;

  // The look-ups by id and the statements of the task writes are prepared once per connection, as raw SQL: Drizzle
  // builds and prepares a query anew on every run, which cost a create more than its SQL did. Each is prepared on
  // first use: preparing a task write compiles the counters' triggers into it, and the reading repository never writes.
  private readonly projectById = this.prepared<[string], RawProject>(`select ${projectColumns} from "projects" where "projects"."id" = ?`);
  private readonly insertTask = this.prepared<unknown[]>(
    `insert into "tasks" ("seq", "project_id", "title", "description", "search_text", "priority", "priority_rank", "due_date", "labels",
      "completed", "completed_at", "version", "created_at", "updated_at", "id", "project_archived") values (null, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
  );
  private readonly updateTaskRow = this.prepared<unknown[]>(
    `update "tasks" set "project_id" = ?, "title" = ?, "description" = ?, "search_text" = ?, "priority" = ?, "priority_rank" = ?, "due_date" = ?,
      "labels" = ?, "completed" = ?, "completed_at" = ?, "version" = ?, "created_at" = ?, "updated_at" = ? where "id" = ?`,
  );
  private readonly deleteLabels = this.prepared<[string]>(`delete from "task_labels" where "task_id" = ?`);
  private readonly insertLabel = this.prepared<[string, string]>(`insert into "task_labels" ("task_id", "label_key") values (?, ?)`);
  /** One transaction function for every write (better-sqlite3 builds one per call of `transaction`). */
  private readonly transaction: Transaction<(work: () => unknown) => unknown>;
  private readonly taskReads: TaskReads;

  constructor(
    private readonly db: Db,
    environment: Environment & { cursorSecret: string },
  ) {
    this.now = environment.clock ?? systemClock;
    this.newId = environment.newId ?? newId;
    this.cursors = new CursorCodec(environment.cursorSecret);
    this.transaction = db.$client.transaction((work: () => unknown) => work());
    this.taskReads = new TaskReads(db.$client);
  }

  /** The statement, prepared on this connection the first time it is asked for. */
  private prepared<P extends unknown[], R = unknown>(sql: string): () => Statement<P, R> {
    return onFirstUse(() => this.db.$client.prepare<P, R>(sql));
  }

  /**
   * Runs one write as one transaction. IMMEDIATE takes the write lock up front, so a second process
   * writing the same file (the CLI beside the server) waits out busy_timeout instead of failing at once.
   */
  private atomically<T>(work: () => T): T {
    return this.transaction.immediate(work) as T;
  }

  private findProject(id: string): ProjectRecord | undefined {
    const row = this.projectById().get(id);
    return row && toProjectRecord(fromRaw(row));
  }

  private requireProject(id: string): ProjectRecord {
    const project = this.findProject(id);
    if (!project) throw projectNotFound(id);
    return project;
  }

  private requireTask(id: string): Task {
    const task = this.taskReads.get(id);
    if (!task) throw taskNotFound(id);
    return task;
  }

  /** Synchronous, so that a write's transaction can answer with the project it saved. */
  private readProject(id: string): Project {
    const row = this.projectById().get(id);
    if (!row) throw projectNotFound(id);
    return fromRaw(row);
  }

  async getProject(id: string): Promise<Project> {
    return this.readProject(id);
  }

  async listProjects(query: ListProjectsInput): Promise<Page<Project>> {
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
      .select()
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

  async getTask(id: string): Promise<Task> {
    return this.requireTask(id);
  }

  async listTasks(query: TaskQuery): Promise<Page<Task>> {
    const owner = fingerprint(query);
    const after = query.cursor ? this.cursors.decode(query.cursor, owner) : undefined;
    const rows = this.taskReads.list(query, after);
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    const nextCursor =
      rows.length > query.limit && last ? this.cursors.encode(owner, { key: taskSortKey(last, query.sort), id: last.id }) : null;
    return { items, nextCursor };
  }

  async countTasks(filter: TaskFilter): Promise<number> {
    return this.taskReads.count(filter);
  }

  async listLabels(filter: TaskFilter): Promise<LabelUsage[]> {
    return this.taskReads.labels(filter);
  }

  async createProject(input: CreateProjectInput): Promise<Project> {
    return this.atomically(() => {
      const project = newProject(this.newId(), input, this.now());
      this.db.insert(projects).values({ ...project, searchText: project.name.toLowerCase() }).run();
      return { ...project, openTaskCount: 0, completedTaskCount: 0 };
    });
  }

  private saveProject(current: ProjectRecord, next: ProjectRecord): Project {
    // Stryker disable next-line ConditionalExpression: saving an unchanged row writes the values it already holds
    if (next !== current) {
      this.db
        .update(projects)
        .set({ ...next, searchText: next.name.toLowerCase() })
        .where(eq(projects.id, next.id))
        .run();
    }
    return this.readProject(next.id);
  }

  async updateProject(input: UpdateProjectInput): Promise<Project> {
    return this.atomically(() => {
      const current = this.requireProject(input.id);
      return this.saveProject(current, updatedProject(current, input, this.now()));
    });
  }

  async archiveProject(input: ProjectChangeInput): Promise<Project> {
    return this.setArchived(input, true);
  }

  async unarchiveProject(input: ProjectChangeInput): Promise<Project> {
    return this.setArchived(input, false);
  }

  private setArchived(input: ProjectChangeInput, archived: boolean): Project {
    return this.atomically(() => {
      const current = this.requireProject(input.id);
      return this.saveProject(current, archivedProject(current, archived, input.expectedVersion, this.now()));
    });
  }

  async deleteProject(input: ProjectChangeInput): Promise<{ id: string }> {
    return this.atomically(() => {
      const current = this.requireProject(input.id);
      // Stryker disable next-line OptionalChaining: count(*) always returns one row
      const taskCount = this.db.select({ count: count() }).from(tasks).where(eq(tasks.projectId, current.id)).get()?.count ?? 0;
      assertDeletable(current, taskCount, input.expectedVersion);
      this.db.delete(projects).where(eq(projects.id, current.id)).run();
      return { id: current.id };
    });
  }

  async createTask(input: CreateTaskInput): Promise<Task> {
    return this.atomically(() => {
      const task = newTask(this.newId(), this.requireProject(input.projectId), input, this.now());
      this.insertTask().run(...taskParams(task));
      this.saveLabels(task);
      return task;
    });
  }

  private saveLabels(task: Task): void {
    this.deleteLabels().run(task.id);
    for (const label of task.labels) this.insertLabel().run(task.id, label.toLowerCase());
  }

  async updateTask(input: UpdateTaskInput): Promise<Task> {
    return this.atomically(() => {
      const current = this.requireTask(input.id);
      const project = this.requireProject(current.projectId);
      // Stryker disable next-line ConditionalExpression: a "move" to its own project finds that project, writable as just checked, and changes no field
      const moving = input.projectId !== undefined && input.projectId !== current.projectId;
      // Stryker disable next-line StringLiteral: moving means input.projectId is set, so the fallback is never read
      const target = moving ? (this.findProject(input.projectId ?? "") ?? null) : undefined;
      const next = updatedTask(current, project, target, input, this.now());
      // Stryker disable next-line ConditionalExpression: saving an unchanged row writes the values it already holds
      if (next !== current) {
        this.saveTask(next);
        // Stryker disable next-line ConditionalExpression: rewriting unchanged labels stores the same rows
        if (JSON.stringify(next.labels) !== JSON.stringify(current.labels)) this.saveLabels(next);
      }
      return next;
    });
  }

  private saveTask(task: Task): void {
    this.updateTaskRow().run(...taskParams(task));
  }

  async completeTask(input: TaskChangeInput): Promise<Task> {
    return this.setCompleted(input, true);
  }

  async reopenTask(input: TaskChangeInput): Promise<Task> {
    return this.setCompleted(input, false);
  }

  private setCompleted(input: TaskChangeInput, completed: boolean): Task {
    return this.atomically(() => {
      const current = this.requireTask(input.id);
      const next = completedTask(current, this.requireProject(current.projectId), completed, input.expectedVersion, this.now());
      // Stryker disable next-line ConditionalExpression: saving an unchanged row writes the values it already holds
      if (next !== current) this.saveTask(next);
      return next;
    });
  }

  async deleteTask(input: TaskChangeInput): Promise<{ id: string }> {
    return this.atomically(() => {
      const current = this.requireTask(input.id);
      assertTaskDeletable(current, this.requireProject(current.projectId), input.expectedVersion);
      this.db.delete(tasks).where(eq(tasks.id, current.id)).run();
      return { id: current.id };
    });
  }
}
