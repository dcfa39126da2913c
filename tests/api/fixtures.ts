import { expect } from "vitest";
import type { TRPCClientError } from "@trpc/client";
import type { inferRouterInputs } from "@trpc/server";
import type { AppRouter } from "../../src/api";
import { expectReason, type TestClient } from "../support/client";

/** An ISO-8601 UTC timestamp as it travels on the wire: a string, never a Date. */
export const isoTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

type Inputs = inferRouterInputs<AppRouter>;
export type ProjectInput = Inputs["projects"]["create"];
export type TaskInput = Omit<Inputs["tasks"]["create"], "projectId">;
export type TaskQuery = Exclude<Inputs["tasks"]["list"], void | undefined>;
export type TaskSort = NonNullable<TaskQuery["sort"]>;
export type ProjectQuery = Exclude<Inputs["projects"]["list"], void | undefined>;

export function makeProject(client: TestClient, input: Partial<ProjectInput> = {}) {
  return client.projects.create.mutate({ name: "Project", ...input });
}

export function makeTask(client: TestClient, projectId: string, input: Partial<TaskInput> = {}) {
  return client.tasks.create.mutate({ projectId, title: "Task", ...input });
}

/** Pages through a task query with `limit` per page; fails if it does not end within `maxPages`. */
export async function listAllTasks(client: TestClient, query: Omit<TaskQuery, "cursor" | "limit"> = {}, limit = 100, maxPages = 1000) {
  const items = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const result = await client.tasks.list.query({ ...query, limit, ...(cursor !== undefined && { cursor }) });
    expect(result.items.length).toBeLessThanOrEqual(limit);
    items.push(...result.items);
    if (result.nextCursor === null) return items;
    expect(result.items).toHaveLength(limit);
    cursor = result.nextCursor;
  }
  throw new Error(`paging did not end within ${maxPages} pages`);
}

export async function listAllProjects(client: TestClient, query: Omit<ProjectQuery, "cursor" | "limit"> = {}, limit = 100) {
  const items = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const result = await client.projects.list.query({ ...query, limit, ...(cursor !== undefined && { cursor }) });
    items.push(...result.items);
    if (result.nextCursor === null) return items;
    cursor = result.nextCursor;
  }
  throw new Error("paging did not end");
}

export const ids = (items: { id: string }[]) => items.map((item) => item.id);

/** Expects a VALIDATION failure with a 400 whose issues include one at exactly `path`. */
export async function expectInvalid(call: Promise<unknown>, path: (string | number)[]): Promise<TRPCClientError<AppRouter>> {
  const error = await expectReason(call, "VALIDATION");
  expect(error.data?.code).toBe("BAD_REQUEST");
  expect(error.data?.httpStatus).toBe(400);
  const issues = error.data?.issues;
  expect(Array.isArray(issues)).toBe(true);
  expect(issues?.length).toBeGreaterThan(0);
  for (const issue of issues ?? []) {
    expect(Object.keys(issue).sort()).toEqual(["message", "path"]);
    expect(Array.isArray(issue.path)).toBe(true);
    expect(typeof issue.message).toBe("string");
    expect(issue.message.length).toBeGreaterThan(0);
  }
  expect(issues?.map((issue) => issue.path)).toContainEqual(path);
  return error;
}

/** Expects VALIDATION for an unknown key: an issue whose path ends at the key, and whose message names it. */
export async function expectUnknownKey(call: Promise<unknown>, key: string, at: (string | number)[] = []) {
  const error = await expectInvalid(call, [...at, key]);
  const issue = error.data?.issues?.find((candidate) => JSON.stringify(candidate.path) === JSON.stringify([...at, key]));
  expect(issue?.message).toContain(key);
  return error;
}

/** Text that would leak internals: SQL, the database engine, stack frames or source paths. */
export function expectNoInternals(text: string) {
  expect(text).not.toMatch(/\bselect\b|\binsert\s+into\b|\bsqlite|no such table|constraint failed|drizzle/i);
  expect(text).not.toMatch(/\n\s+at\s|\bat\s+\S+\s+\(|\.(ts|js|mjs|cjs):\d+/);
  expect(text).not.toMatch(/\/(work|src|node_modules|home|tmp)\//);
}
