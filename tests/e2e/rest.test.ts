import { request } from "node:http";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeEach, describe, expect, it, type RunnerTask } from "vitest";
import { appRouter } from "../../src/api";
import type { Repositories, Repository } from "../../src/data";
import type { Project, Task } from "../../src/domain";
import { createTaskServer } from "../../src/server/http";
import { expectNoInternals } from "../api/fixtures";
import { openTestDatabase } from "../support/database";
import { sendRaw } from "../support/raw-http";
import { serveInProcess } from "../support/server";
import { captureLog } from "../support/log";

type Operation = { operationId: string; description: string; responses: Record<string, unknown> };
type OpenApiDocument = { openapi: string; paths: Record<string, Record<string, Operation>> };
type SchemaNode = { type?: string; enum?: string[]; default?: unknown; properties?: Record<string, SchemaNode> };
// An answer's JSON: call() has checked it against the document's schema for its status.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Answer = { status: number; headers: Headers; body: any };

let url = "";
let document: OpenApiDocument | undefined;
// Both validators below (the document's against OpenAPI's schema, the answers' against the document's) trust the
// schema they are given rather than check it against JSON Schema's meta-schema, and leave unoptimised the code of
// validators each used a few times: the same verdicts in half the CPU (about 0.6 s).
const trusting = { validateSchema: false, code: { optimize: false } };
const ajv = new Ajv2020({ strict: false, validateFormats: false, ...trusting });
const called = new Set<string>();

/** A fresh server (and database) for the test; the document is fetched from the first one. */
beforeEach(async () => {
  ({ url } = await serveInProcess());
  if (document) return;
  const response = await fetch(`${url}/openapi.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("application/json");
  document = (await response.json()) as OpenApiDocument;
  ajv.addSchema(document, "openapi.json");
});

function theDocument(): OpenApiDocument {
  if (!document) throw new Error("no document fetched");
  return document;
}

/** The document's operation for a request, by method and path template. */
function operationOf(method: string, pathname: string): { key: string; pointer: string } | undefined {
  for (const template of Object.keys(theDocument().paths)) {
    const pattern = new RegExp(`^${template.replace(/\{\w+\}/gu, "[^/]+")}$`, "u");
    if (pattern.test(pathname) && theDocument().paths[template]?.[method.toLowerCase()]) {
      const escaped = template.replaceAll("~", "~0").replaceAll("/", "~1");
      return { key: `${method} ${template}`, pointer: `openapi.json#/paths/${escaped}/${method.toLowerCase()}` };
    }
  }
  return undefined;
}

/**
 * One REST call over real HTTP. The answer's status must be one the document declares for the operation, and its
 * body must fit the schema declared for that status, so the document is checked against every answer below.
 */
async function call(method: string, path: string, { body, headers }: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { ...(body !== undefined && { "content-type": "application/json" }), ...headers },
    ...(body !== undefined && { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  const parsed: unknown = JSON.parse(text);
  const operation = operationOf(method, new URL(path, url).pathname);
  if (operation && response.status !== 405) {
    called.add(operation.key);
    const validate = ajv.getSchema(`${operation.pointer}/responses/${response.status}/content/application~1json/schema`);
    expect(validate, `${operation.key} declares no ${response.status} answer; it answered ${text}`).toBeDefined();
    expect(validate?.(parsed), `${operation.key} ${response.status}: ${JSON.stringify(validate?.errors)}\n${text}`).toBe(true);
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

function expectError(answer: Answer, status: number, reason: string) {
  expect({ status: answer.status, reason: answer.body?.error?.reason }, JSON.stringify(answer.body)).toEqual({ status, reason });
  expect(answer.headers.get("content-type")).toBe("application/json");
}

const json = { "content-type": "application/json" };

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", { timeout: 30_000 }, async () => {
    const result = await new Validator(trusting).validate(theDocument());
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(theDocument().openapi).toMatch(/^3\.1\./u);
    expect(theDocument()).toMatchObject({ security: [{ bearer: [] }, {}], components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } } });
  });

  it("refers only to schemas it defines, from the document's root", () => {
    const refs: string[] = [];
    const rebased: unknown[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (typeof node !== "object" || node === null) return;
      const record = node as Record<string, unknown>;
      if (typeof record.$ref === "string") refs.push(record.$ref);
      // An $id would make its schema the base that the references below it resolve against.
      if ("$id" in record) rebased.push(record.$id);
      Object.values(record).forEach(walk);
    };
    walk(theDocument());
    expect(rebased).toEqual([]);
    const schemas = (theDocument() as unknown as { components: { schemas: Record<string, unknown> } }).components.schemas;
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) expect(Object.keys(schemas), ref).toContain(ref.replace("#/components/schemas/", ""));
  });

  it("has a route for every procedure of the router, at the paths and methods the README shows", () => {
    const operations = Object.entries(theDocument().paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, procedure: /`(.+)`/u.exec(operation.description)?.[1] })),
    );
    expect(operations.map((operation) => operation.procedure).sort()).toEqual(Object.keys(appRouter._def.procedures).sort());
    expect(operations.map((operation) => operation.route).sort()).toEqual(
      [
        "GET /api/projects",
        "POST /api/projects",
        "GET /api/projects/{id}",
        "PATCH /api/projects/{id}",
        "POST /api/projects/{id}/archive",
        "POST /api/projects/{id}/unarchive",
        "DELETE /api/projects/{id}",
        "GET /api/tasks",
        "GET /api/tasks/count",
        "GET /api/tasks/labels",
        "POST /api/tasks",
        "GET /api/tasks/{id}",
        "PATCH /api/tasks/{id}",
        "POST /api/tasks/{id}/complete",
        "POST /api/tasks/{id}/reopen",
        "DELETE /api/tasks/{id}",
      ].sort(),
    );
  });

  it("declares each operation's refusals with their reasons, and the query string's flat forms", () => {
    const reasonsOf = (path: string, method: string, status: string) =>
      (theDocument().paths[path]?.[method]?.responses[status] as { content: Record<string, { schema: SchemaNode }> } | undefined)?.content["application/json"]
        ?.schema.properties?.error?.properties?.reason?.enum;
    expect(reasonsOf("/api/projects/{id}", "delete", "409")).toEqual(["VERSION_MISMATCH", "PROJECT_NOT_EMPTY"]);
    expect(reasonsOf("/api/tasks", "post", "404")).toEqual(["PROJECT_NOT_FOUND"]);
    expect(reasonsOf("/api/tasks", "get", "400")).toEqual(["VALIDATION", "INVALID_CURSOR"]);
    expect(reasonsOf("/api/tasks", "get", "401")).toEqual(["UNAUTHENTICATED"]);
    expect(reasonsOf("/api/tasks", "get", "403")).toEqual(["FORBIDDEN"]);
    expect(reasonsOf("/api/tasks", "get", "500")).toEqual(["INTERNAL"]);
    expect(reasonsOf("/api/tasks", "get", "409")).toBeUndefined();
    const parameters = (theDocument().paths["/api/tasks"]?.get as unknown as { parameters: { name: string; schema: SchemaNode }[] }).parameters;
    const sort = parameters.find((parameter) => parameter.name === "sort")?.schema;
    expect(sort?.type).toBe("string");
    expect(sort?.enum).toEqual(expect.arrayContaining(["dueDate", "dueDate:asc", "priority:desc"]));
    expect(sort?.default).toBe("createdAt:desc");
    expect(parameters.find((parameter) => parameter.name === "projectId")?.schema.type).toBe("array");
  });
});

describe("REST calls over HTTP", () => {
  it("projects: create, read, list, update, archive, unarchive, delete, and each refusal", async () => {
    const created = await call("POST", "/api/projects", { body: { name: "  Home  ", description: "chores" } });
    expect(created.status).toBe(201);
    const project = created.body as Project;
    expect(project).toMatchObject({ name: "Home", description: "chores", version: 1, archived: false });
    expect(created.headers.get("location")).toBe(`/api/projects/${project.id}`);
    await call("POST", "/api/projects", { body: { name: "Work" } });

    expect((await call("GET", `/api/projects/${encodeURIComponent(project.id)}`)).body).toEqual(project);
    expectError(await call("GET", "/api/projects/missing"), 404, "PROJECT_NOT_FOUND");

    const firstPage = await call("GET", "/api/projects?limit=1");
    expect(firstPage.body.items.map((item: Project) => item.name)).toEqual(["Home"]);
    const secondPage = await call("GET", `/api/projects?limit=1&cursor=${encodeURIComponent(firstPage.body.nextCursor)}`);
    expect(secondPage.body).toMatchObject({ items: [{ name: "Work" }], nextCursor: null });
    expect((await call("GET", "/api/projects?search=wor")).body.items.map((item: Project) => item.name)).toEqual(["Work"]);
    expectError(await call("GET", "/api/projects?cursor=not-a-cursor"), 400, "INVALID_CURSOR");

    const updated = await call("PATCH", `/api/projects/${project.id}`, { body: { name: "House", expectedVersion: 1 } });
    expect(updated.body).toMatchObject({ name: "House", version: 2 });
    expectError(await call("PATCH", `/api/projects/${project.id}`, { body: { name: "Again", expectedVersion: 1 } }), 409, "VERSION_MISMATCH");
    expectError(await call("PATCH", "/api/projects/missing", { body: { name: "x" } }), 404, "PROJECT_NOT_FOUND");

    const archived = await call("POST", `/api/projects/${project.id}/archive`, { headers: json });
    expect(archived.body).toMatchObject({ archived: true, version: 3 });
    expect((await call("POST", `/api/projects/${project.id}/archive`, { body: {} })).body).toEqual(archived.body);
    expectError(await call("PATCH", `/api/projects/${project.id}`, { body: { name: "Frozen" } }), 409, "PROJECT_ARCHIVED");
    expect((await call("GET", "/api/projects?archived=true")).body.items.map((item: Project) => item.name)).toEqual(["House"]);
    expectError(await call("POST", "/api/projects/missing/archive", { headers: json }), 404, "PROJECT_NOT_FOUND");
    expect((await call("POST", `/api/projects/${project.id}/unarchive`, { body: { expectedVersion: 3 } })).body).toMatchObject({ archived: false, version: 4 });
    expectError(await call("POST", `/api/projects/${project.id}/unarchive`, { body: { expectedVersion: 1 } }), 409, "VERSION_MISMATCH");

    await call("POST", "/api/tasks", { body: { projectId: project.id, title: "keeps it" } });
    expectError(await call("DELETE", `/api/projects/${project.id}`), 409, "PROJECT_NOT_EMPTY");
    const work = secondPage.body.items[0] as Project;
    expectError(await call("DELETE", `/api/projects/${work.id}?expectedVersion=7`), 409, "VERSION_MISMATCH");
    expect((await call("DELETE", `/api/projects/${work.id}?expectedVersion=1`)).body).toEqual({ id: work.id });
    expectError(await call("DELETE", `/api/projects/${work.id}`), 404, "PROJECT_NOT_FOUND");
  });

  it("tasks: create, read, list with a flat query string, count, labels, update, complete, reopen, delete, and each refusal", async () => {
    const home = (await call("POST", "/api/projects", { body: { name: "Home" } })).body as Project;
    const garden = (await call("POST", "/api/projects", { body: { name: "Garden" } })).body as Project;
    const other = (await call("POST", "/api/projects", { body: { name: "Other" } })).body as Project;
    const make = async (body: object) => {
      const answer = await call("POST", "/api/tasks", { body });
      expect(answer.status).toBe(201);
      expect(answer.headers.get("location")).toBe(`/api/tasks/${answer.body.id}`);
      return answer.body as Task;
    };
    const late = await make({ projectId: home.id, title: "late", dueDate: "2026-03-01", labels: ["Chores"], priority: "high" });
    const early = await make({ projectId: garden.id, title: "early", dueDate: "2026-01-01", labels: ["chores", "outside"] });
    const undated = await make({ projectId: home.id, title: "undated", labels: ["chores"] });
    await make({ projectId: other.id, title: "elsewhere", labels: ["chores"] });
    await make({ projectId: home.id, title: "unlabelled" });

    const listed = await call("GET", `/api/tasks?status=open&sort=dueDate:asc&projectId=${home.id}&projectId=${garden.id}&labels=CHORES`);
    expect(listed.body.items.map((task: Task) => task.title)).toEqual(["early", "late", "undated"]);
    expect((await call("GET", `/api/tasks?projectId=${home.id}&sort=title&hasDueDate=false`)).body.items.map((task: Task) => task.title)).toEqual([
      "undated",
      "unlabelled",
    ]);
    expect((await call("GET", "/api/tasks?priority=high&priority=urgent")).body.items.map((task: Task) => task.id)).toEqual([late.id]);
    const paged = await call("GET", "/api/tasks?sort=title:desc&limit=2&includeArchivedProjects=true&dueFrom=2025-12-31&dueTo=2026-12-31");
    expect(paged.body.items.map((task: Task) => task.title)).toEqual(["late", "early"]);
    expectError(await call("GET", `/api/tasks?cursor=${encodeURIComponent(paged.body.nextCursor)}&sort=title`), 400, "INVALID_CURSOR");
    expectError(await call("GET", "/api/tasks?cursor=not-a-cursor"), 400, "INVALID_CURSOR");

    expect((await call("GET", `/api/tasks/count?projectId=${home.id}&search=late%20LA`)).body).toEqual({ count: 1 });
    expect((await call("GET", `/api/tasks/labels?projectId=${home.id}`)).body).toEqual({ items: [{ label: "chores", taskCount: 2 }] });

    expect((await call("GET", `/api/tasks/${late.id}`)).body).toEqual(late);
    expectError(await call("GET", "/api/tasks/missing"), 404, "TASK_NOT_FOUND");
    expectError(await call("POST", "/api/tasks", { body: { projectId: "missing", title: "x" } }), 404, "PROJECT_NOT_FOUND");

    const moved = await call("PATCH", `/api/tasks/${undated.id}`, { body: { projectId: garden.id, dueDate: "2026-02-01", expectedVersion: 1 } });
    expect(moved.body).toMatchObject({ projectId: garden.id, dueDate: "2026-02-01", version: 2 });
    expect((await call("PATCH", `/api/tasks/${undated.id}`, { body: { dueDate: null } })).body).toMatchObject({ dueDate: null, version: 3 });
    expectError(await call("PATCH", `/api/tasks/${undated.id}`, { body: { title: "x", expectedVersion: 1 } }), 409, "VERSION_MISMATCH");
    expectError(await call("PATCH", `/api/tasks/${undated.id}`, { body: { projectId: "missing" } }), 404, "PROJECT_NOT_FOUND");
    expectError(await call("PATCH", "/api/tasks/missing", { body: { title: "x" } }), 404, "TASK_NOT_FOUND");

    const completed = await call("POST", `/api/tasks/${early.id}/complete`, { headers: json });
    expect(completed.body).toMatchObject({ completed: true, version: 2 });
    expect(completed.body.completedAt).toEqual(expect.any(String));
    expect((await call("GET", "/api/tasks?status=completed")).body.items.map((task: Task) => task.id)).toEqual([early.id]);
    expectError(await call("POST", `/api/tasks/${early.id}/reopen`, { body: { expectedVersion: 1 } }), 409, "VERSION_MISMATCH");
    expect((await call("POST", `/api/tasks/${early.id}/reopen`, { body: { expectedVersion: 2 } })).body).toMatchObject({ completed: false, completedAt: null, version: 3 });
    expectError(await call("POST", "/api/tasks/missing/complete", { headers: json }), 404, "TASK_NOT_FOUND");
    expectError(await call("POST", "/api/tasks/missing/reopen", { headers: json }), 404, "TASK_NOT_FOUND");

    await call("POST", `/api/projects/${home.id}/archive`, { headers: json });
    expectError(await call("POST", `/api/tasks/${late.id}/complete`, { headers: json }), 409, "PROJECT_ARCHIVED");
    expectError(await call("POST", `/api/tasks/${late.id}/reopen`, { headers: json }), 409, "PROJECT_ARCHIVED");
    expectError(await call("PATCH", `/api/tasks/${late.id}`, { body: { title: "x" } }), 409, "PROJECT_ARCHIVED");
    expectError(await call("POST", "/api/tasks", { body: { projectId: home.id, title: "x" } }), 409, "PROJECT_ARCHIVED");
    expectError(await call("DELETE", `/api/tasks/${late.id}`), 409, "PROJECT_ARCHIVED");

    expectError(await call("DELETE", `/api/tasks/${early.id}?expectedVersion=1`), 409, "VERSION_MISMATCH");
    expect((await call("DELETE", `/api/tasks/${early.id}?expectedVersion=3`)).body).toEqual({ id: early.id });
    expectError(await call("DELETE", `/api/tasks/${early.id}`), 404, "TASK_NOT_FOUND");
  });

  it("refuses bad input with VALIDATION and the schema's issues, wherever the input came from", async () => {
    const title = await call("POST", "/api/tasks", { body: { projectId: "p", title: "   ", color: "red" } });
    expectError(title, 400, "VALIDATION");
    expect(title.body.error.issues).toEqual([
      { path: ["title"], message: expect.any(String) },
      { path: ["color"], message: 'Unknown key "color"' },
    ]);
    const query = await call("GET", "/api/tasks?limit=abc&hasDueDate=yes&sort=bogus:up&statsu=open&dueFrom=2025-02-30");
    expectError(query, 400, "VALIDATION");
    expect(query.body.error.issues.map((issue: { path: string[] }) => issue.path.join(".")).sort()).toEqual(
      ["dueFrom", "hasDueDate", "limit", "sort.by", "sort.dir", "statsu"].sort(),
    );
    expect(query.body.error.message).toMatch(/^Invalid input: /u);
    const extra = await call("GET", "/api/tasks?sort=title:asc:more&status=open&status=all");
    expect(extra.body.error.issues.map((issue: { path: string[] }) => issue.path.join(".")).sort()).toEqual(["sort", "status"]);
    const idTwice = await call("PATCH", "/api/tasks/some-id", { body: { id: "other", title: "x" } });
    expectError(idTwice, 400, "VALIDATION");
    expect(idTwice.body.error.issues).toEqual([{ path: ["id"], message: 'Unknown key "id"' }]);
    expect((await call("GET", "/api/tasks/some-id?id=other")).body.error.issues).toEqual([{ path: ["id"], message: 'Unknown key "id"' }]);
    expectError(await call("POST", "/api/projects", { body: ["not", "an", "object"] }), 400, "VALIDATION");
    expectError(await call("GET", `/api/projects/${"x".repeat(65)}`), 400, "VALIDATION");
  });

  it("refuses what cannot be a call: unknown path (404), wrong method (405), not JSON (415, 400), too large (413)", async () => {
    expectError(await call("GET", "/api/nothing"), 404, "VALIDATION");
    expectError(await call("GET", "/api"), 404, "VALIDATION");
    const wrongMethod = await call("PUT", "/api/projects/x", { body: {} });
    expectError(wrongMethod, 405, "VALIDATION");
    expect(wrongMethod.headers.get("allow")).toBe("GET, PATCH, DELETE");
    expectError(await call("POST", "/api/projects", { body: "name=x", headers: { "content-type": "application/x-www-form-urlencoded" } }), 415, "VALIDATION");
    expectError(await call("POST", "/api/projects/x/archive"), 415, "VALIDATION");
    expectError(await call("POST", "/api/projects", { body: '{"name": ' }), 400, "VALIDATION");
    expectError(await call("GET", "/api/tasks/%E0%A4%A"), 400, "VALIDATION");
    const tooLarge = await call("POST", "/api/projects", { body: { name: "x", description: "y".repeat(1024 * 1024) } });
    expectError(tooLarge, 413, "VALIDATION");
    expect((await call("GET", "/api/projects")).body.items).toEqual([]);
  });

  it("reads bodies as /trpc does: Expect: 100-continue gets 100 Continue, then the answer", async () => {
    const body = JSON.stringify({ name: "Continued" });
    const answer = await new Promise<{ status?: number; text: string }>((resolve, reject) => {
      const req = request(`${url}/api/projects`, { method: "POST", headers: { ...json, expect: "100-continue", "content-length": body.length } });
      // Without 100 Continue the body is never sent, and the call fails here rather than at the test's timeout.
      const timer = setTimeout(() => reject(new Error("no 100 Continue")), 3_000);
      req.on("continue", () => req.end(body));
      req.on("response", (response) => {
        clearTimeout(timer);
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString()));
        response.on("end", () => resolve({ status: response.statusCode, text }));
      });
      req.on("error", reject);
      req.flushHeaders();
    });
    expect(answer.status).toBe(201);
    expect(JSON.parse(answer.text)).toMatchObject({ name: "Continued" });
  });

  it("answers with the same reason, status and issues as /trpc for the same call", async () => {
    const trpc = async (procedure: string, input: unknown) => {
      const response = await fetch(`${url}/trpc/${procedure}`, { method: "POST", headers: json, body: JSON.stringify(input) });
      const { error } = (await response.json()) as { error: { message: string; data: { reason: string; issues?: unknown } } };
      return { status: response.status, reason: error.data.reason, message: error.message, issues: error.data.issues };
    };
    const rest = async (method: string, path: string, body?: unknown) => {
      const { status, body: answer } = await call(method, path, body === undefined ? { headers: json } : { body });
      return { status, reason: answer.error.reason, message: answer.error.message, issues: answer.error.issues };
    };
    const project = (await call("POST", "/api/projects", { body: { name: "Parity" } })).body as Project;
    await call("POST", "/api/tasks", { body: { projectId: project.id, title: "t" } });
    expect(await rest("POST", "/api/tasks", { projectId: project.id, title: "", labels: ["a", "A"] })).toEqual(
      await trpc("tasks.create", { projectId: project.id, title: "", labels: ["a", "A"] }),
    );
    expect(await rest("DELETE", `/api/projects/${project.id}`)).toEqual(await trpc("projects.delete", { id: project.id }));
    expect(await rest("POST", "/api/tasks/missing/complete")).toEqual(await trpc("tasks.complete", { id: "missing" }));
    expect(await rest("PATCH", `/api/projects/${project.id}`, { expectedVersion: 9 })).toEqual(await trpc("projects.update", { id: project.id, expectedVersion: 9 }));
  });

  it("leaves the tRPC wire as it was: a query string's forms are not accepted by /trpc afterwards", async () => {
    expect((await call("GET", "/api/tasks?limit=10&hasDueDate=false")).status).toBe(200);
    const input = encodeURIComponent(JSON.stringify({ limit: "10", hasDueDate: "false" }));
    const response = await fetch(`${url}/trpc/tasks.list?input=${input}`);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { data: { issues: { path: string[] }[] } } };
    expect(error.data.issues.map((issue) => issue.path.join("."))).toEqual(["hasDueDate", "limit"]);
  });
});

describe("REST behind the same access and origin checks as /trpc", () => {
  it("once a token exists: none is 401, a read token reads but may not write (403), a write token writes", async () => {
    const served = await serveInProcess();
    url = served.url;
    const secret = async (name: string, scope: "read" | "write") => {
      const created = await served.database.tokens.create({ name, scope });
      if (created === "name-taken") throw new Error(name);
      return `Bearer ${created.secret}`;
    };
    const read = await secret("reader", "read");
    const write = await secret("writer", "write");
    expectError(await call("GET", "/api/projects"), 401, "UNAUTHENTICATED");
    expectError(await call("POST", "/api/projects", { body: { name: "x" } }), 401, "UNAUTHENTICATED");
    expectError(await call("POST", "/api/projects", { body: { name: "x" }, headers: { authorization: read } }), 403, "FORBIDDEN");
    const created = await call("POST", "/api/projects", { body: { name: "Written" }, headers: { authorization: write } });
    expect(created.status).toBe(201);
    expect((await call("GET", "/api/projects", { headers: { authorization: read } })).body.items.map((p: Project) => p.name)).toEqual(["Written"]);
  });

  it("answers a listed origin's preflight for every REST method, and refuses a foreign origin with 403", async () => {
    const origin = "http://localhost:5173";
    url = (await serveInProcess({ corsOrigins: [origin] })).url;
    const preflight = await fetch(`${url}/api/projects/x`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "PATCH", "access-control-request-headers": "content-type, authorization" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(origin);
    expect(preflight.headers.get("access-control-allow-methods")?.split(", ")).toEqual(expect.arrayContaining(["GET", "POST", "PATCH", "DELETE"]));
    expect(preflight.headers.get("access-control-allow-headers")).toContain("authorization");
    const listed = await call("POST", "/api/projects", { body: { name: "From the app" }, headers: { origin } });
    expect([listed.status, listed.headers.get("access-control-allow-origin")]).toEqual([201, origin]);

    const foreign = await fetch(`${url}/api/projects`, { method: "POST", headers: { ...json, origin: "http://evil.example" }, body: '{"name":"x"}' });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toEqual({ error: { reason: "FORBIDDEN", message: expect.stringContaining("http://evil.example") } });
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
    expect((await call("GET", "/api/projects")).body.items.map((p: Project) => p.name)).toEqual(["From the app"]);
  });
});

describe("refusals made before a REST call reaches its route", () => {
  it("come in the REST error shape: a foreign Host, a request Node's parser refuses, CONNECT, a body too slow", async () => {
    url = (await serveInProcess()).url;
    const answers = await Promise.all(
      [
        "GET /api/projects HTTP/1.1\r\nHost: evil.example\r\n\r\n",
        "GET /api/projects HTTP/1.1\r\nHost: 127.0.0.1\r\nbad header\r\n\r\n",
        "CONNECT /api/projects HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
      ].map((sent) => sendRaw(url, sent, { timeoutMs: 5000 })),
    );
    expect(answers.map((answer) => [answer?.status, JSON.parse(answer?.body ?? "null")])).toEqual([
      [403, { error: { reason: "FORBIDDEN", message: expect.stringContaining("evil.example") } }],
      [400, { error: { reason: "VALIDATION", message: expect.any(String) } }],
      [405, { error: { reason: "VALIDATION", message: expect.stringContaining("CONNECT") } }],
    ]);
    // A body too slow to arrive, once the request's head is in: 408, in the same shape.
    const quick = (await serveInProcess({ headersTimeoutMs: 100, requestTimeoutMs: 100 })).url;
    const slow = await sendRaw(quick, 'POST /api/projects HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":', {
      keepOpen: true,
      timeoutMs: 5000,
    });
    expect([slow?.status, JSON.parse(slow?.body ?? "null")]).toEqual([408, { error: { reason: "VALIDATION", message: expect.any(String) } }]);
    // The same refusals of a /trpc call keep tRPC's shape.
    const trpc = await sendRaw(url, "GET /trpc/projects.list HTTP/1.1\r\nHost: evil.example\r\n\r\n", { timeoutMs: 5000 });
    expect(JSON.parse(trpc?.body ?? "null")).toMatchObject({ error: { data: { reason: "FORBIDDEN", httpStatus: 403 } } });
  });
});

describe("PANEL=off", () => {
  it("turns /docs off with the panel; /openapi.json stays", async () => {
    const { url: base } = await serveInProcess({ panel: false });
    expect((await fetch(`${base}/docs`)).status).toBe(404);
    expect((await fetch(`${base}/docs/swagger-ui.css`)).status).toBe(404);
    expect((await fetch(`${base}/panel`)).status).toBe(404);
    expect((await fetch(`${base}/openapi.json`)).status).toBe(200);
  });
});

describe("the reference page", () => {
  it("serves /docs and Swagger UI's files from this server, under a policy that allows no other host", async () => {
    const page = await fetch(`${url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await page.text();
    expect(html).toContain('url: "/openapi.json"');
    expect(html).not.toMatch(/https?:\/\//u);
    const policy = page.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("default-src 'none'");
    expect(policy).toMatch(/script-src 'self' 'sha256-[^']+'/u);
    for (const [file, type] of [
      ["swagger-ui-bundle.js", "text/javascript; charset=utf-8"],
      ["swagger-ui.css", "text/css; charset=utf-8"],
    ]) {
      const asset = await fetch(`${url}/docs/${file}`);
      expect([asset.status, asset.headers.get("content-type")]).toEqual([200, type]);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
    }
    const head = await fetch(`${url}/docs`, { method: "HEAD" });
    expect([head.status, await head.text()]).toEqual([200, ""]);
    expect((await fetch(`${url}/docs/index.html`)).status).toBe(404);
    expect((await fetch(`${url}/docs`, { method: "POST" })).status).toBe(404);
  });
});

describe("a fault of the server over REST", () => {
  it("answers 500 INTERNAL with a message that reveals nothing, and logs the cause", async () => {
    const database = openTestDatabase();
    const write = await Object.create(database.write) as Repository;
    write.createProject = () => {
      throw new Error("SQLITE_ERROR: no such table: projects at /work/main/src/data/x.ts:1");
    };
    const { log, errors } = captureLog();
    const repositories: Repositories = { read: database.read, write, tokens: database.tokens };
    const server = createTaskServer(repositories, { log });
    const base = await server.listen(0, "127.0.0.1");
    try {
      const response = await fetch(`${base}/api/projects`, { method: "POST", headers: json, body: JSON.stringify({ name: "x" }) });
      const text = await response.text();
      expect(response.status).toBe(500);
      expect(JSON.parse(text)).toEqual({ error: { reason: "INTERNAL", message: "Internal server error" } });
      expectNoInternals(text);
      expect(errors).toMatchObject([{ msg: "procedure failed", procedure: "projects.create", err: { message: expect.stringContaining("no such table") } }]);
    } finally {
      await server.close();
    }
  });
});

// vitest wants the first argument (the fixtures) destructured; the file's tasks come second.
// eslint-disable-next-line no-empty-pattern
afterAll(({}, file) => {
  // Every operation of the document was called above, so every route is checked against it (when every test ran).
  const tests = (tasks: readonly RunnerTask[]): RunnerTask[] => tasks.flatMap((task) => (task.type === "suite" ? tests(task.tasks) : [task]));
  if (tests(file.tasks).some((task) => task.mode !== "run")) return;
  const all = Object.entries(theDocument().paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
  expect([...called].sort()).toEqual(all.sort());
});
