import { DomainError } from "./errors";
import type { CreateProjectInput, Project, UpdateProjectInput } from "./project";
import type { CreateTaskInput, Task, UpdateTaskInput } from "./task";

/**
 * The rules of SPEC as pure functions over stored values, so that every repository implementation
 * applies them the same way and in the same order: existence, frozen project, version, then the change.
 */

export type ProjectRecord = Omit<Project, "openTaskCount" | "completedTaskCount">;

type Versioned = { version: number };

export function assertVersion(entity: Versioned, expectedVersion: number | undefined, what: string): void {
  if (expectedVersion !== undefined && expectedVersion !== entity.version) {
    throw new DomainError(
      "VERSION_MISMATCH",
      `${what} is at version ${entity.version}, not the expected ${expectedVersion}`,
    );
  }
}

export function assertWritable(project: ProjectRecord): void {
  if (project.archived) {
    throw new DomainError("PROJECT_ARCHIVED", `Project ${project.id} is archived; unarchive it to change it or its tasks`);
  }
}

export function projectNotFound(id: string): DomainError {
  return new DomainError("PROJECT_NOT_FOUND", `Project ${id} does not exist`);
}

export function taskNotFound(id: string): DomainError {
  return new DomainError("TASK_NOT_FOUND", `Task ${id} does not exist`);
}

/** Applies `changes` and bumps the version, or returns `current` itself when nothing would change. */
function changed<T extends Versioned & { updatedAt: string }>(current: T, changes: Partial<T>, now: string): T {
  const differs = (Object.keys(changes) as (keyof T)[]).some(
    (key) => changes[key] !== undefined && JSON.stringify(changes[key]) !== JSON.stringify(current[key]),
  );
  if (!differs) return current;
  const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
  return { ...current, ...defined, version: current.version + 1, updatedAt: now };
}

export function newProject(id: string, input: CreateProjectInput, now: string): ProjectRecord {
  return {
    id,
    name: input.name,
    description: input.description,
    archived: false,
    archivedAt: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}

export function updatedProject(current: ProjectRecord, input: UpdateProjectInput, now: string): ProjectRecord {
  assertWritable(current);
  assertVersion(current, input.expectedVersion, `Project ${current.id}`);
  return changed(current, { name: input.name, description: input.description }, now);
}

export function archivedProject(current: ProjectRecord, archived: boolean, expectedVersion: number | undefined, now: string): ProjectRecord {
  assertVersion(current, expectedVersion, `Project ${current.id}`);
  if (current.archived === archived) return current;
  return changed(current, { archived, archivedAt: archived ? now : null }, now);
}

/** Checks that a project may be deleted; `taskCount` counts open and completed tasks alike. */
export function assertDeletable(current: ProjectRecord, taskCount: number, expectedVersion: number | undefined): void {
  assertVersion(current, expectedVersion, `Project ${current.id}`);
  if (taskCount > 0) {
    throw new DomainError("PROJECT_NOT_EMPTY", `Project ${current.id} still has ${taskCount} task(s); delete or move them first`);
  }
}

export function newTask(id: string, project: ProjectRecord, input: CreateTaskInput, now: string): Task {
  assertWritable(project);
  return {
    id,
    projectId: project.id,
    title: input.title,
    description: input.description,
    priority: input.priority,
    dueDate: input.dueDate,
    labels: input.labels,
    completed: false,
    completedAt: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * `target` is the project a move names: undefined when the task stays where it is,
 * null when the named project does not exist.
 */
export function updatedTask(
  current: Task,
  project: ProjectRecord,
  target: ProjectRecord | null | undefined,
  input: UpdateTaskInput,
  now: string,
): Task {
  assertWritable(project);
  assertVersion(current, input.expectedVersion, `Task ${current.id}`);
  // Stryker disable next-line StringLiteral: target is null only when input.projectId named a missing project, so the fallback is never read
  if (target === null) throw projectNotFound(input.projectId ?? "");
  if (target) assertWritable(target);
  return changed(
    current,
    {
      title: input.title,
      description: input.description,
      priority: input.priority,
      dueDate: input.dueDate,
      labels: input.labels,
      projectId: target?.id,
    },
    now,
  );
}

export function completedTask(current: Task, project: ProjectRecord, completed: boolean, expectedVersion: number | undefined, now: string): Task {
  assertWritable(project);
  assertVersion(current, expectedVersion, `Task ${current.id}`);
  if (current.completed === completed) return current;
  return changed(current, { completed, completedAt: completed ? now : null }, now);
}

export function assertTaskDeletable(current: Task, project: ProjectRecord, expectedVersion: number | undefined): void {
  assertWritable(project);
  assertVersion(current, expectedVersion, `Task ${current.id}`);
}
