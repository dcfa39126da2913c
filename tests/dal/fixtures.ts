import type { z } from "zod";
import { expect } from "vitest";
import type { ReadRepository, Repository } from "../../src/data";
import {
  DomainError,
  createProjectInput,
  createTaskInput,
  listProjectsInput,
  projectChangeInput,
  taskChangeInput,
  taskFilterInput,
  taskQueryInput,
  updateProjectInput,
  updateTaskInput,
  type ErrorReason,
  type Project,
  type Task,
} from "../../src/domain";

/** Helpers that build repository inputs the way the API does: through the domain schemas. */

export const createProject = (repo: Repository, input: Partial<z.input<typeof createProjectInput>> = {}): Promise<Project> =>
  repo.createProject(createProjectInput.parse({ name: "Project", ...input }));

export const updateProject = (repo: Repository, input: z.input<typeof updateProjectInput>): Promise<Project> =>
  repo.updateProject(updateProjectInput.parse(input));

export const archiveProject = (repo: Repository, input: z.input<typeof projectChangeInput>): Promise<Project> =>
  repo.archiveProject(projectChangeInput.parse(input));

export const unarchiveProject = (repo: Repository, input: z.input<typeof projectChangeInput>): Promise<Project> =>
  repo.unarchiveProject(projectChangeInput.parse(input));

export const deleteProject = (repo: Repository, input: z.input<typeof projectChangeInput>): Promise<{ id: string }> =>
  repo.deleteProject(projectChangeInput.parse(input));

export const listProjects = (repo: ReadRepository, input: z.input<typeof listProjectsInput> = {}) =>
  repo.listProjects(listProjectsInput.parse(input));

export const createTask = (
  repo: Repository,
  projectId: string,
  input: Partial<Omit<z.input<typeof createTaskInput>, "projectId">> = {},
): Promise<Task> => repo.createTask(createTaskInput.parse({ projectId, title: "Task", ...input }));

export const updateTask = (repo: Repository, input: z.input<typeof updateTaskInput>): Promise<Task> =>
  repo.updateTask(updateTaskInput.parse(input));

export const completeTask = (repo: Repository, input: z.input<typeof taskChangeInput>): Promise<Task> =>
  repo.completeTask(taskChangeInput.parse(input));

export const reopenTask = (repo: Repository, input: z.input<typeof taskChangeInput>): Promise<Task> =>
  repo.reopenTask(taskChangeInput.parse(input));

export const deleteTask = (repo: Repository, input: z.input<typeof taskChangeInput>): Promise<{ id: string }> =>
  repo.deleteTask(taskChangeInput.parse(input));

export const listTasks = (repo: ReadRepository, query: z.input<typeof taskQueryInput> = {}) =>
  repo.listTasks(taskQueryInput.parse(query));

export const countTasks = (repo: ReadRepository, filter: z.input<typeof taskFilterInput> = {}): Promise<number> =>
  repo.countTasks(taskFilterInput.parse(filter));

/** `make` for each item, one after the other (never at once): records are created in the items' order. */
export async function inTurn<T, R>(items: Iterable<T>, make: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const made: R[] = [];
  for (const item of items) made.push(await make(item, made.length));
  return made;
}

/** Ids of the tasks a query finds, on one page as large as allowed. */
export const listLabels = (repo: ReadRepository, filter: z.input<typeof taskFilterInput> = {}) =>
  repo.listLabels(taskFilterInput.parse(filter));

export const taskIds = async (repo: ReadRepository, query: z.input<typeof taskQueryInput> = {}): Promise<string[]> =>
  (await listTasks(repo, { limit: 100, ...query })).items.map((task) => task.id);

/** Follows nextCursor to the end; returns every page. Fails after 1000 pages rather than looping forever. */
export async function allTaskPages(repo: ReadRepository, query: z.input<typeof taskQueryInput>): Promise<Task[][]> {
  const pages: Task[][] = [];
  let cursor: string | undefined;
  do {
    const page = await listTasks(repo, { ...query, ...(cursor === undefined ? {} : { cursor }) });
    pages.push(page.items);
    cursor = page.nextCursor ?? undefined;
    if (pages.length > 1000) throw new Error("paging does not end");
  } while (cursor !== undefined);
  return pages;
}

export async function allProjectPages(repo: ReadRepository, query: z.input<typeof listProjectsInput>): Promise<Project[][]> {
  const pages: Project[][] = [];
  let cursor: string | undefined;
  do {
    const page = await listProjects(repo, { ...query, ...(cursor === undefined ? {} : { cursor }) });
    pages.push(page.items);
    cursor = page.nextCursor ?? undefined;
    if (pages.length > 1000) throw new Error("paging does not end");
  } while (cursor !== undefined);
  return pages;
}

/** The reason of the DomainError `action` rejects with; fails the test when it rejects with anything else or not at all. */
async function reasonOf(action: () => Promise<unknown>): Promise<ErrorReason> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).reason;
  }
  throw new Error("expected a DomainError, but the call succeeded");
}

export async function expectReason(action: () => Promise<unknown>, reason: ErrorReason): Promise<void> {
  expect(await reasonOf(action)).toBe(reason);
}

/** Everything a user could observe in the store, to check that a failed mutation changed nothing. */
export async function snapshot(repo: ReadRepository) {
  return {
    projects: [...(await listProjects(repo, { archived: false, limit: 100 })).items, ...(await listProjects(repo, { archived: true, limit: 100 })).items],
    tasks: (await listTasks(repo, { status: "all", includeArchivedProjects: true, limit: 100 })).items,
  };
}

/** Compares ids in ascending code-unit order, as ties are broken. */
export const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export const isIsoTimestamp = (value: string): boolean => new Date(value).toISOString() === value;
