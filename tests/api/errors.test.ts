import { describe, expect, it } from "vitest";
import type { Repositories, ReadRepository, Repository } from "../../src/data";
import type { ErrorReason } from "../../src/domain";
import { createTestClient, expectReason, type TestClient } from "../support/client";
import { openTestDatabase } from "../support/database";
import { expectNoInternals, makeProject, makeTask } from "./fixtures";

const leak = "SQLITE_ERROR: no such table: tasks at /work/main/src/data/x.ts";

/** The test database's repositories with one method of `read` or `write` replaced by one that throws `thrown`. */
function brokenRepositories(side: "read" | "write", method: string, thrown: unknown = new Error(leak)): Repositories {
  const database = openTestDatabase();
  const broken = Object.create(database[side]) as Record<string, unknown>;
  broken[method] = () => {
    throw thrown;
  };
  return side === "read"
    ? { read: broken as unknown as ReadRepository, write: database.write, tokens: database.tokens }
    : { read: database.read, write: broken as unknown as Repository, tokens: database.tokens };
}

async function expectInternal(call: Promise<unknown>, path: string) {
  const error = await expectReason(call, "INTERNAL");
  expect(error.data?.code).toBe("INTERNAL_SERVER_ERROR");
  expect(error.data?.httpStatus).toBe(500);
  expect(error.data?.path).toBe(path);
  expect(Object.keys(error.data ?? {}).sort()).toEqual(["code", "httpStatus", "path", "reason"]);
  const wire = JSON.stringify(error.shape);
  for (const text of [error.message, wire]) {
    expectNoInternals(text);
    expect(text).not.toContain("SQLITE_ERROR");
    expect(text).not.toContain("no such table");
    expect(text).not.toContain("x.ts");
  }
  expect(error.message.length).toBeGreaterThan(0);
  return error;
}

describe("INTERNAL errors", () => {
  it("a failing query reaches the client as INTERNAL with a message that reveals nothing", async () => {
    const client = createTestClient(brokenRepositories("read", "getTask"));
    await expectInternal(client.tasks.get.query({ id: "any" }), "tasks.get");
  });

  it("a failing mutation reaches the client as INTERNAL with a message that reveals nothing", async () => {
    const client = createTestClient(brokenRepositories("write", "createProject"));
    await expectInternal(client.projects.create.mutate({ name: "x" }), "projects.create");
  });

  it("a thrown non-Error value is INTERNAL too, and does not leak", async () => {
    const client = createTestClient(brokenRepositories("read", "listTasks", "SELECT * FROM tasks -- sqlite at /work/main/src/data/x.ts:1"));
    await expectInternal(client.tasks.list.query(), "tasks.list");
  });

  it("a result that breaks the output schema is INTERNAL too, without the schema's issues", async () => {
    const database = openTestDatabase();
    const read = Object.create(database.read) as ReadRepository;
    read.getProject = () => ({ id: "p", name: 42 }) as never;
    const client = createTestClient({ read, write: database.write, tokens: database.tokens });
    const error = await expectInternal(client.projects.get.query({ id: "p" }), "projects.get");
    expect(error.message).toBe("Internal server error");
    expect(JSON.stringify(error.shape)).not.toMatch(/"issues"|archivedAt|expected/u);
  });

  it("a failure in one call does not affect the next call's reason", async () => {
    const repositories = brokenRepositories("read", "countTasks");
    const client = createTestClient(repositories);
    await expectInternal(client.tasks.count.query(), "tasks.count");
    const project = await client.projects.create.mutate({ name: "still works" });
    expect((await client.projects.get.query({ id: project.id })).name).toBe("still works");
    await expectReason(client.tasks.get.query({ id: "missing" }), "TASK_NOT_FOUND");
  });
});

describe("every reason carries the tRPC code and HTTP status of SPEC", () => {
  type Case = { reason: ErrorReason; code: string; httpStatus: number; path: string; call: (client: TestClient) => Promise<unknown> };

  async function setup(client: TestClient) {
    const live = await makeProject(client, { name: "Live" });
    const full = await makeProject(client, { name: "Full" });
    const frozen = await makeProject(client, { name: "Frozen" });
    const task = await makeTask(client, full.id);
    const frozenTask = await makeTask(client, frozen.id);
    await client.projects.archive.mutate({ id: frozen.id });
    return { live, full, frozen, task, frozenTask };
  }
  type Setup = Awaited<ReturnType<typeof setup>>;

  const cases: (Omit<Case, "call"> & { call: (client: TestClient, s: Setup) => Promise<unknown> })[] = [
    { reason: "VALIDATION", code: "BAD_REQUEST", httpStatus: 400, path: "projects.create", call: (c) => c.projects.create.mutate({ name: "" }) },
    { reason: "VALIDATION", code: "BAD_REQUEST", httpStatus: 400, path: "tasks.list", call: (c) => c.tasks.list.query({ limit: 0 }) },
    { reason: "PROJECT_NOT_FOUND", code: "NOT_FOUND", httpStatus: 404, path: "projects.get", call: (c) => c.projects.get.query({ id: "nope" }) },
    { reason: "PROJECT_NOT_FOUND", code: "NOT_FOUND", httpStatus: 404, path: "tasks.create", call: (c) => c.tasks.create.mutate({ projectId: "nope", title: "x" }) },
    {
      reason: "PROJECT_NOT_FOUND",
      code: "NOT_FOUND",
      httpStatus: 404,
      path: "tasks.update",
      call: (c, s) => c.tasks.update.mutate({ id: s.task.id, projectId: "nope" }),
    },
    { reason: "TASK_NOT_FOUND", code: "NOT_FOUND", httpStatus: 404, path: "tasks.get", call: (c) => c.tasks.get.query({ id: "nope" }) },
    { reason: "TASK_NOT_FOUND", code: "NOT_FOUND", httpStatus: 404, path: "tasks.delete", call: (c) => c.tasks.delete.mutate({ id: "nope" }) },
    {
      reason: "PROJECT_ARCHIVED",
      code: "CONFLICT",
      httpStatus: 409,
      path: "tasks.complete",
      call: (c, s) => c.tasks.complete.mutate({ id: s.frozenTask.id }),
    },
    {
      reason: "PROJECT_ARCHIVED",
      code: "CONFLICT",
      httpStatus: 409,
      path: "projects.update",
      call: (c, s) => c.projects.update.mutate({ id: s.frozen.id, name: "x" }),
    },
    { reason: "PROJECT_NOT_EMPTY", code: "CONFLICT", httpStatus: 409, path: "projects.delete", call: (c, s) => c.projects.delete.mutate({ id: s.full.id }) },
    {
      reason: "VERSION_MISMATCH",
      code: "CONFLICT",
      httpStatus: 409,
      path: "tasks.update",
      call: (c, s) => c.tasks.update.mutate({ id: s.task.id, title: "x", expectedVersion: 5 }),
    },
    {
      reason: "VERSION_MISMATCH",
      code: "CONFLICT",
      httpStatus: 409,
      path: "projects.archive",
      call: (c, s) => c.projects.archive.mutate({ id: s.live.id, expectedVersion: 5 }),
    },
    { reason: "INVALID_CURSOR", code: "BAD_REQUEST", httpStatus: 400, path: "tasks.list", call: (c) => c.tasks.list.query({ cursor: "garbage" }) },
    { reason: "INVALID_CURSOR", code: "BAD_REQUEST", httpStatus: 400, path: "projects.list", call: (c) => c.projects.list.query({ cursor: "garbage" }) },
  ];

  for (const { reason, code, httpStatus, path, call } of cases) {
    it(`${reason} from ${path} is ${code} (${httpStatus}), with code, httpStatus, path and reason in data`, async () => {
      const client = createTestClient();
      const s = await setup(client);
      const error = await expectReason(call(client, s), reason);
      expect(error.data?.code).toBe(code);
      expect(error.data?.httpStatus).toBe(httpStatus);
      expect(error.data?.path).toBe(path);
      const expectedKeys = ["code", "httpStatus", "path", "reason", ...(reason === "VALIDATION" ? ["issues"] : [])].sort();
      expect(Object.keys(error.data ?? {}).sort()).toEqual(expectedKeys);
      expect(typeof error.message).toBe("string");
      expect(error.message.length).toBeGreaterThan(0);
      expectNoInternals(error.message);
      expectNoInternals(JSON.stringify(error.shape));
    });
  }
});

describe("error messages", () => {
  it("never reveal SQL, the database, stack frames or file paths", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const task = await makeTask(client, project.id);
    const failures: Promise<unknown>[] = [
      client.tasks.create.mutate({ projectId: "'; DROP TABLE tasks; --", title: "x" }),
      client.tasks.get.query({ id: "' OR 1=1 --" }),
      client.tasks.list.query({ cursor: Buffer.from("[1,2,3]").toString("base64url") }),
      client.tasks.list.query({ cursor: "x".repeat(1000) }),
      client.tasks.update.mutate({ id: task.id, labels: ["a", "A"] }),
      client.projects.delete.mutate({ id: project.id }),
      client.tasks.delete.mutate({ id: task.id, expectedVersion: 3 }),
    ];
    for (const failure of failures) {
      const error = await failure.then(
        () => undefined,
        (caught: unknown) => caught as { message: string; shape?: unknown },
      );
      expect(error).toBeDefined();
      expectNoInternals(error?.message ?? "");
      expectNoInternals(JSON.stringify(error?.shape));
    }
    expect(await client.tasks.get.query({ id: task.id })).toEqual(task);
  });

  it("search text with SQL or full-text syntax is just text, never an error", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const task = await makeTask(client, project.id, { title: "it's (NEAR) a * test" });
    for (const search of ["it's", "(near)", "*", '"', "'; drop table tasks; --", "a:b", "^x", "NEAR(a b)", "(NEAR) *", "%", "_"]) {
      const page = await client.tasks.list.query({ search });
      const terms = search.toLowerCase().split(/\s+/u).filter(Boolean);
      const expected = terms.every((term) => task.title.toLowerCase().includes(term)) ? [task.id] : [];
      expect(page.items.map((item) => item.id), search).toEqual(expected);
      expect((await client.tasks.count.query({ search })).count, search).toBe(expected.length);
    }
  });
});

describe("the message of a refusal says what to do next", () => {
  it("VERSION_MISMATCH names the project or task, its current version and the one expected", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const task = await makeTask(client, project.id);
    const stale = { expectedVersion: 5 };
    const calls: [Promise<unknown>, string][] = [
      [client.projects.update.mutate({ id: project.id, name: "x", ...stale }), `Project ${project.id}`],
      [client.projects.archive.mutate({ id: project.id, ...stale }), `Project ${project.id}`],
      [client.projects.unarchive.mutate({ id: project.id, ...stale }), `Project ${project.id}`],
      [client.projects.delete.mutate({ id: project.id, ...stale }), `Project ${project.id}`],
      [client.tasks.update.mutate({ id: task.id, title: "x", ...stale }), `Task ${task.id}`],
      [client.tasks.complete.mutate({ id: task.id, ...stale }), `Task ${task.id}`],
      [client.tasks.reopen.mutate({ id: task.id, ...stale }), `Task ${task.id}`],
      [client.tasks.delete.mutate({ id: task.id, ...stale }), `Task ${task.id}`],
    ];
    for (const [call, what] of calls) {
      const error = await expectReason(call, "VERSION_MISMATCH");
      expect(error.message).toBe(`${what} is at version 1, not the expected 5`);
    }
  });

  it("PROJECT_NOT_FOUND on a move names the project that does not exist", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const task = await makeTask(client, project.id);
    const error = await expectReason(client.tasks.update.mutate({ id: task.id, projectId: "nowhere" }), "PROJECT_NOT_FOUND");
    expect(error.message).toBe("Project nowhere does not exist");
  });

  it("INVALID_CURSOR tells a malformed cursor from one of another query", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    await makeTask(client, project.id);
    await makeTask(client, project.id);
    const cursor = (await client.tasks.list.query({ limit: 1 })).nextCursor ?? "";
    const malformed = await expectReason(client.tasks.list.query({ limit: 1, cursor: "garbage" }), "INVALID_CURSOR");
    expect(malformed.message).toMatch(/malformed; pass nextCursor exactly as it was returned/u);
    const other = await expectReason(client.tasks.list.query({ limit: 1, status: "all", cursor }), "INVALID_CURSOR");
    expect(other.message).toMatch(/belongs to another query; page with the same filters and sort/u);
    const [owner, , id] = JSON.parse(Buffer.from(cursor.split(".")[0] ?? "", "base64url").toString("utf8")) as unknown[];
    const forged = Buffer.from(JSON.stringify([owner, null, id])).toString("base64url");
    const wrongKey = await expectReason(client.tasks.list.query({ limit: 1, cursor: forged }), "INVALID_CURSOR");
    expect(wrongKey.message).toMatch(/malformed; pass nextCursor exactly as it was returned/u);
  });
});
