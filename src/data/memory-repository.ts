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
import { CursorCodec, fingerprint, newCursorSecret, type Keyset } from "./cursor";
import { newId } from "./ids";
import { systemClock, type Clock, type Environment, type ReadRepository, type Repositories, type Repository } from "./repository";
import { taskSortKey } from "./task-order";
import { MemoryTokenStore } from "./tokens";

/**
 * An in-memory Repository: the fake for tests that need no SQLite, and the model the stateful property
 * tests hold the SQLite repository to. It passes the same contract suite (tests/dal), so it cannot drift.
 * Orderings copy SQLite's: text compares as UTF-8 bytes, NOCASE folds only ASCII letters.
 */

const utf8 = (text: string) => Buffer.from(text, "utf8");
const asciiLower = (text: string) => text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());

function compareValues(a: string | number, b: string | number, noCase: boolean): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  // SQLite orders every number before every text.
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  return noCase ? Buffer.compare(utf8(asciiLower(a)), utf8(asciiLower(b))) : Buffer.compare(utf8(a), utf8(b));
}

function compareKeysets(a: Keyset, b: Keyset, noCase: boolean): number {
  return compareValues(a.key, b.key, noCase) || compareValues(a.id, b.id, false);
}

/** Sorts, skips past the cursor and cuts one page, as the SQLite repository's keyset paging does. */
function page<T extends { id: string }>(
  rows: T[],
  keyOf: (row: T) => string | number,
  options: { descending: boolean; noCase: boolean; limit: number; cursor: string | undefined; owner: string; cursors: CursorCodec },
): Page<T> {
  const sign = options.descending ? -1 : 1;
  const keyed = rows.map((row) => ({ row, keyset: { key: keyOf(row), id: row.id } }));
  keyed.sort((a, b) => sign * compareKeysets(a.keyset, b.keyset, options.noCase));
  const after = options.cursor ? options.cursors.decode(options.cursor, options.owner) : undefined;
  const rest = after ? keyed.filter(({ keyset }) => sign * compareKeysets(keyset, after, options.noCase) > 0) : keyed;
  const items = rest.slice(0, options.limit);
  const last = items.at(-1);
  const nextCursor = rest.length > options.limit && last ? options.cursors.encode(options.owner, last.keyset) : null;
  return { items: items.map(({ row }) => row), nextCursor };
}

const copyTask = (task: Task): Task => ({ ...task, labels: [...task.labels] });

export class MemoryRepository implements Repository {
  private readonly projects = new Map<string, ProjectRecord>();
  private readonly tasks = new Map<string, Task>();

  private readonly now: Clock;
  private readonly newId: () => string;
  private readonly cursors: CursorCodec;

  constructor(environment: Environment = {}) {
    this.now = environment.clock ?? systemClock;
    this.newId = environment.newId ?? newId;
    this.cursors = new CursorCodec(environment.cursorSecret ?? newCursorSecret());
  }

  private requireProject(id: string): ProjectRecord {
    const project = this.projects.get(id);
    if (!project) throw projectNotFound(id);
    return project;
  }

  private requireTask(id: string): Task {
    const task = this.tasks.get(id);
    if (!task) throw taskNotFound(id);
    return task;
  }

  private withCounts(project: ProjectRecord): Project {
    let openTaskCount = 0;
    let completedTaskCount = 0;
    for (const task of this.tasks.values()) {
      if (task.projectId !== project.id) continue;
      if (task.completed) completedTaskCount++;
      else openTaskCount++;
    }
    return { ...project, openTaskCount, completedTaskCount };
  }

  private matches(task: Task, filter: TaskFilter): boolean {
    const projectIds = filter.projectId === undefined ? undefined : [filter.projectId].flat();
    if (projectIds && !projectIds.includes(task.projectId)) return false;
    if (!projectIds && !filter.includeArchivedProjects && this.projects.get(task.projectId)?.archived) return false;
    if (filter.status !== "all" && task.completed !== (filter.status === "completed")) return false;
    const text = `${task.title}\n${task.description}`.toLowerCase();
    if (!searchTerms(filter.search).every((term) => text.includes(term))) return false;
    if (filter.priority && !filter.priority.includes(task.priority)) return false;
    if (filter.labels) {
      const wanted = new Set(filter.labels.map((label) => label.toLowerCase()));
      if (!task.labels.some((label) => wanted.has(label.toLowerCase()))) return false;
    }
    if (filter.dueFrom && (task.dueDate === null || task.dueDate < filter.dueFrom)) return false;
    if (filter.dueTo && (task.dueDate === null || task.dueDate > filter.dueTo)) return false;
    if (filter.hasDueDate !== undefined && (task.dueDate !== null) !== filter.hasDueDate) return false;
    return true;
  }

  async getProject(id: string): Promise<Project> {
    return this.withCounts(this.requireProject(id));
  }

  async listProjects(query: ListProjectsInput): Promise<Page<Project>> {
    const terms = searchTerms(query.search);
    const rows = [...this.projects.values()].filter(
      (project) => project.archived === query.archived && terms.every((term) => project.name.toLowerCase().includes(term)),
    );
    const result = page(rows, (project) => project.name, {
      descending: false,
      noCase: true,
      limit: query.limit,
      cursor: query.cursor,
      owner: fingerprint(query),
      cursors: this.cursors,
    });
    return { items: result.items.map((project) => this.withCounts(project)), nextCursor: result.nextCursor };
  }

  async getTask(id: string): Promise<Task> {
    return copyTask(this.requireTask(id));
  }

  async listTasks(query: TaskQuery): Promise<Page<Task>> {
    const rows = [...this.tasks.values()].filter((task) => this.matches(task, query));
    const result = page(rows, (task) => taskSortKey(task, query.sort), {
      descending: query.sort.dir === "desc",
      noCase: query.sort.by === "title",
      limit: query.limit,
      cursor: query.cursor,
      owner: fingerprint(query),
      cursors: this.cursors,
    });
    return { items: result.items.map(copyTask), nextCursor: result.nextCursor };
  }

  async countTasks(filter: TaskFilter): Promise<number> {
    return [...this.tasks.values()].filter((task) => this.matches(task, filter)).length;
  }

  async listLabels(filter: TaskFilter): Promise<LabelUsage[]> {
    const counts = new Map<string, number>();
    for (const task of this.tasks.values()) {
      if (!this.matches(task, filter)) continue;
      for (const label of task.labels) counts.set(label.toLowerCase(), (counts.get(label.toLowerCase()) ?? 0) + 1);
    }
    return [...counts]
      .map(([label, taskCount]) => ({ label, taskCount }))
      .sort((a, b) => compareValues(a.label, b.label, false));
  }

  async createProject(input: CreateProjectInput): Promise<Project> {
    const project = newProject(this.newId(), input, this.now());
    this.projects.set(project.id, project);
    return this.withCounts(project);
  }

  async updateProject(input: UpdateProjectInput): Promise<Project> {
    const next = updatedProject(this.requireProject(input.id), input, this.now());
    this.projects.set(next.id, next);
    return this.withCounts(next);
  }

  async archiveProject(input: ProjectChangeInput): Promise<Project> {
    return this.setArchived(input, true);
  }

  async unarchiveProject(input: ProjectChangeInput): Promise<Project> {
    return this.setArchived(input, false);
  }

  private setArchived(input: ProjectChangeInput, archived: boolean): Project {
    const next = archivedProject(this.requireProject(input.id), archived, input.expectedVersion, this.now());
    this.projects.set(next.id, next);
    return this.withCounts(next);
  }

  async deleteProject(input: ProjectChangeInput): Promise<{ id: string }> {
    const project = this.requireProject(input.id);
    const taskCount = [...this.tasks.values()].filter((task) => task.projectId === project.id).length;
    assertDeletable(project, taskCount, input.expectedVersion);
    this.projects.delete(project.id);
    return { id: project.id };
  }

  async createTask(input: CreateTaskInput): Promise<Task> {
    const task = newTask(this.newId(), this.requireProject(input.projectId), input, this.now());
    this.tasks.set(task.id, task);
    return copyTask(task);
  }

  async updateTask(input: UpdateTaskInput): Promise<Task> {
    const current = this.requireTask(input.id);
    const moving = input.projectId !== undefined && input.projectId !== current.projectId;
    const target = moving ? (this.projects.get(input.projectId ?? "") ?? null) : undefined;
    const next = updatedTask(current, this.requireProject(current.projectId), target, input, this.now());
    this.tasks.set(next.id, next);
    return copyTask(next);
  }

  async completeTask(input: TaskChangeInput): Promise<Task> {
    return this.setCompleted(input, true);
  }

  async reopenTask(input: TaskChangeInput): Promise<Task> {
    return this.setCompleted(input, false);
  }

  private setCompleted(input: TaskChangeInput, completed: boolean): Task {
    const current = this.requireTask(input.id);
    const next = completedTask(current, this.requireProject(current.projectId), completed, input.expectedVersion, this.now());
    this.tasks.set(next.id, next);
    return copyTask(next);
  }

  async deleteTask(input: TaskChangeInput): Promise<{ id: string }> {
    const task = this.requireTask(input.id);
    assertTaskDeletable(task, this.requireProject(task.projectId), input.expectedVersion);
    this.tasks.delete(task.id);
    return { id: task.id };
  }
}

/** The fake's two views: `read` carries only the reading methods, so a forced write fails here too. */
export function openMemoryRepositories(environment: Environment = {}): Repositories {
  const write = new MemoryRepository(environment);
  const read: ReadRepository = {
    getProject: (id) => write.getProject(id),
    listProjects: (query) => write.listProjects(query),
    getTask: (id) => write.getTask(id),
    listTasks: (query) => write.listTasks(query),
    countTasks: (filter) => write.countTasks(filter),
    listLabels: (filter) => write.listLabels(filter),
  };
  return { read: Object.freeze(read), write, tokens: new MemoryTokenStore(environment.clock) };
}
