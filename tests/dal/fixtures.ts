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

export const createProject = (repo: Repository, input: Partial<z.input<typeof createProjectInput>> = {}): Project =>
  repo.createProject(createProjectInput.parse({ name: "Project", ...input }));

export const updateProject = (repo: Repository, input: z.input<typeof updateProjectInput>): Project =>
  repo.updateProject(updateProjectInput.parse(input));

export const archiveProject = (repo: Repository, input: z.input<typeof projectChangeInput>): Project =>
  repo.archiveProject(projectChangeInput.parse(input));

export const unarchiveProject = (repo: Repository, input: z.input<typeof projectChangeInput>): Project =>
  repo.unarchiveProject(projectChangeInput.parse(input));

export const deleteProject = (repo: Repository, input: z.input<typeof projectChangeInput>): { id: string } =>
  repo.deleteProject(projectChangeInput.parse(input));

export const listProjects = (repo: ReadRepository, input: z.input<typeof listProjectsInput> = {}) =>
  repo.listProjects(listProjectsInput.parse(input));

export const createTask = (
  repo: Repository,
  projectId: string,
  input: Partial<Omit<z.input<typeof createTaskInput>, "projectId">> = {},
): Task => repo.createTask(createTaskInput.parse({ projectId, title: "Task", ...input }));

export const updateTask = (repo: Repository, input: z.input<typeof updateTaskInput>): Task =>
  repo.updateTask(updateTaskInput.parse(input));

export const completeTask = (repo: Repository, input: z.input<typeof taskChangeInput>): Task =>
  repo.completeTask(taskChangeInput.parse(input));

export const reopenTask = (repo: Repository, input: z.input<typeof taskChangeInput>): Task =>
  repo.reopenTask(taskChangeInput.parse(input));

export const deleteTask = (repo: Repository, input: z.input<typeof taskChangeInput>): { id: string } =>
  repo.deleteTask(taskChangeInput.parse(input));

export const listTasks = (repo: ReadRepository, query: z.input<typeof taskQueryInput> = {}) =>
  repo.listTasks(taskQueryInput.parse(query));

export const countTasks = (repo: ReadRepository, filter: z.input<typeof taskFilterInput> = {}): number =>
  repo.countTasks(taskFilterInput.parse(filter));

/** Ids of the tasks a query finds, on one page as large as allowed. */
export const listLabels = (repo: ReadRepository, filter: z.input<typeof taskFilterInput> = {}) =>
  repo.listLabels(taskFilterInput.parse(filter));

export const taskIds = (repo: ReadRepository, query: z.input<typeof taskQueryInput> = {}): string[] =>
  listTasks(repo, { limit: 100, ...query }).items.map((task) => task.id);

/** Follows nextCursor to the end; returns every page. Fails after 1000 pages rather than looping forever. */
export function allTaskPages(repo: ReadRepository, query: z.input<typeof taskQueryInput>): Task[][] {
  const pages: Task[][] = [];
  let cursor: string | undefined;
  do {
    const page = listTasks(repo, { ...query, ...(cursor === undefined ? {} : { cursor }) });
    pages.push(page.items);
    cursor = page.nextCursor ?? undefined;
    if (pages.length > 1000) throw new Error("paging does not end");
  } while (cursor !== undefined);
  return pages;
}

export function allProjectPages(repo: ReadRepository, query: z.input<typeof listProjectsInput>): Project[][] {
  const pages: Project[][] = [];
  let cursor: string | undefined;
  do {
    const page = listProjects(repo, { ...query, ...(cursor === undefined ? {} : { cursor }) });
    pages.push(page.items);
    cursor = page.nextCursor ?? undefined;
    if (pages.length > 1000) throw new Error("paging does not end");
  } while (cursor !== undefined);
  return pages;
}

/** The reason of the DomainError `action` throws; fails the test when it throws anything else or nothing. */
function reasonOf(action: () => unknown): ErrorReason {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).reason;
  }
  throw new Error("expected a DomainError, but the call succeeded");
}

export function expectReason(action: () => unknown, reason: ErrorReason): void {
  expect(reasonOf(action)).toBe(reason);
}

/** Everything a user could observe in the store, to check that a failed mutation changed nothing. */
export function snapshot(repo: ReadRepository) {
  return {
    projects: [false, true].flatMap((archived) => listProjects(repo, { archived, limit: 100 }).items),
    tasks: listTasks(repo, { status: "all", includeArchivedProjects: true, limit: 100 }).items,
  };
}

/** Compares ids in ascending code-unit order, as ties are broken. */
export const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export const isIsoTimestamp = (value: string): boolean => new Date(value).toISOString() === value;
