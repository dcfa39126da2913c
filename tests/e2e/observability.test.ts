import { connect } from "node:net";
import { describe, expect, it, vi } from "vitest";
import packageJson from "../../package.json" with { type: "json" };
import { createTaskServer } from "../../src/server/http";
import { openTestDatabase } from "../support/database";
import { captureLog } from "../support/log";
import { sendRaw } from "../support/raw-http";
import { serveInProcess } from "../support/server";

const json = { "content-type": "application/json" };
const input = (value: unknown) => `input=${encodeURIComponent(JSON.stringify(value))}`;

/** Serves, and finds the log line of a request by the id its answer carried (written as the answer ends). */
async function observed(options: Parameters<typeof serveInProcess>[0] = {}) {
  const served = await serveInProcess(options);
  const lineOf = (response: Response) =>
    vi.waitFor(() => {
      const line = served.lines.find((candidate) => candidate.msg === "request" && candidate.requestId === response.headers.get("x-request-id"));
      if (!line) throw new Error("no request line yet");
      return line;
    });
  return { ...served, lineOf };
}

describe("the request log: one JSON line per request", () => {
  it("for a call: id, method, procedure, status, duration; a failed call adds its reason", async () => {
    const { url, lineOf } = await observed();
    const listed = await fetch(`${url}/trpc/projects.list`);
    expect(listed.status).toBe(200);
    const line = await lineOf(listed);
    expect(line).toMatchObject({ level: 30, method: "GET", path: "/trpc/projects.list", procedure: "projects.list", status: 200 });
    expect(line.requestId).toEqual(expect.any(String));
    expect(line.durationMs).toEqual(expect.any(Number));
    expect(line).not.toHaveProperty("reason");

    const missing = await fetch(`${url}/trpc/tasks.get?${input({ id: "nope" })}`);
    expect(missing.status).toBe(404);
    expect(await lineOf(missing)).toMatchObject({ procedure: "tasks.get", status: 404, reason: "TASK_NOT_FOUND" });
    // The path only: a query carries the call's input, which is the users' data.
    expect(JSON.stringify(await lineOf(missing))).not.toContain("nope");
  });

  it("for a batch: its procedures, and the reason of each call that failed", async () => {
    const { url, lineOf } = await observed();
    const batch = await fetch(`${url}/trpc/projects.list,tasks.get?batch=1&${input({ 0: {}, 1: { id: "nope" } })}`);
    expect(batch.status).toBe(207);
    expect(await lineOf(batch)).toMatchObject({
      procedures: ["projects.list", "tasks.get"],
      status: 207,
      reason: "TASK_NOT_FOUND",
      reasons: { "tasks.get": "TASK_NOT_FOUND" },
    });
  });

  it("for a REST call: the procedure it called, and its reason when it fails", async () => {
    const { url, lineOf } = await observed();
    const created = await fetch(`${url}/api/projects`, { method: "POST", headers: json, body: JSON.stringify({ name: "Over REST" }) });
    expect(created.status).toBe(201);
    expect(await lineOf(created)).toMatchObject({ method: "POST", path: "/api/projects", procedure: "projects.create", status: 201 });
    const bad = await fetch(`${url}/api/projects`, { method: "POST", headers: json, body: JSON.stringify({ name: "" }) });
    expect(await lineOf(bad)).toMatchObject({ procedure: "projects.create", status: 400, reason: "VALIDATION" });
  });

  it("for a refused request and for other routes too", async () => {
    const { url, lineOf } = await observed();
    const foreign = await fetch(`${url}/trpc/projects.list`, { headers: { origin: "https://evil.example" } });
    expect(foreign.status).toBe(403);
    expect(await lineOf(foreign)).toMatchObject({ procedure: "projects.list", status: 403, reason: "FORBIDDEN" });
    const nowhere = await fetch(`${url}/nowhere`);
    expect(await lineOf(nowhere)).toMatchObject({ method: "GET", path: "/nowhere", status: 404, reason: "VALIDATION" });
    expect(await lineOf(await fetch(`${url}/healthz`))).toMatchObject({ path: "/healthz", status: 200 });
  });

  it("names the token a call presented, never its secret", async () => {
    const { url, database, lineOf } = await observed();
    const created = await database.tokens.create({ name: "ci-reader", scope: "read" });
    if (created === "name-taken") throw new Error("taken");
    const response = await fetch(`${url}/trpc/projects.list`, { headers: { authorization: `Bearer ${created.secret}` } });
    expect(response.status).toBe(200);
    const line = await lineOf(response);
    expect(line).toMatchObject({ token: "ci-reader", status: 200 });
    expect(JSON.stringify(line)).not.toContain(created.secret);
    const anonymous = await fetch(`${url}/trpc/projects.list`);
    expect(await lineOf(anonymous)).toMatchObject({ status: 401, reason: "UNAUTHENTICATED" });
    expect(await lineOf(anonymous)).not.toHaveProperty("token");
  });
});

describe("the request id", () => {
  it("is kept from x-request-id when short and plain, made otherwise, and returned in the answer", async () => {
    const { url, lineOf } = await observed();
    const kept = await fetch(`${url}/trpc/projects.list`, { headers: { "x-request-id": "abc-123.DEF_4:5" } });
    expect(kept.headers.get("x-request-id")).toBe("abc-123.DEF_4:5");
    expect((await lineOf(kept)).requestId).toBe("abc-123.DEF_4:5");
    const made: string[] = [];
    for (const given of [undefined, "x".repeat(129), "two words", "a\u00e9b", '{"json":1}']) {
      const response = await fetch(`${url}/healthz`, { headers: given === undefined ? {} : { "x-request-id": given } });
      const id = response.headers.get("x-request-id") ?? "";
      expect(id).toMatch(/^[0-9a-f-]{36}$/u);
      made.push(id);
    }
    expect(new Set(made).size).toBe(made.length);
  });
});

describe("health and readiness", () => {
  it("GET and HEAD /healthz are 200 (HEAD without a body), with the version", async () => {
    const { url } = await observed();
    const get = await fetch(`${url}/healthz`);
    expect(await get.json()).toEqual({ status: "ok", version: packageJson.version });
    const head = await fetch(`${url}/healthz`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  it("GET /readyz is 200 while the database answers, 503 with the reason once it does not", async () => {
    const { url, database, errors } = await observed();
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", version: packageJson.version });
    await database.close();
    const closed = await fetch(`${url}/readyz`);
    expect(closed.status).toBe(503);
    expect(await closed.json()).toEqual({ status: "unavailable", reason: "the database does not answer", version: packageJson.version });
    expect(errors).toEqual([]);
  });

  it("GET /readyz is 503 while shutting down", async () => {
    const server = createTaskServer(openTestDatabase(), { log: captureLog().log });
    const { hostname, port } = new URL(await server.listen(0, "127.0.0.1"));
    // A request whose headers have begun arriving holds the shutdown open; once they end, it is answered.
    const socket = connect(Number(port), hostname);
    let received = "";
    socket.on("data", (chunk) => (received += String(chunk)));
    const ended = new Promise((resolve) => socket.on("close", resolve));
    socket.write("GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    await vi.waitFor(async () => expect(await new Promise((resolve) => server.server.getConnections((_error, count) => resolve(count)))).toBe(1));
    // The bytes sent must have reached the server's parser before it is told to close.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const closed = server.close();
    socket.write("\r\n");
    await closed;
    await ended;
    expect(received).toMatch(/^HTTP\/1\.1 503 /u);
    expect(received).toContain('"reason":"shutting down"');
  });

  it("/readyz and /metrics follow the Host rules of every route; /healthz answers whatever the Host", async () => {
    const { url } = await observed();
    for (const path of ["/readyz", "/metrics"]) {
      expect((await sendRaw(url, `GET ${path} HTTP/1.1\r\nHost: rebound.example\r\nConnection: close\r\n\r\n`))?.status, path).toBe(403);
    }
    expect((await sendRaw(url, "GET /healthz HTTP/1.1\r\nHost: rebound.example\r\nConnection: close\r\n\r\n"))?.status).toBe(200);
  });
});

describe("GET /metrics", () => {
  /** A sample's value from the Prometheus text, by its name and labels as written. */
  const sample = (text: string, series: string) => {
    const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  it("counts requests by procedure, reason and status, times them per procedure, and gives in-flight requests and the database size", async () => {
    const { url } = await observed();
    await fetch(`${url}/trpc/projects.create`, { method: "POST", headers: json, body: JSON.stringify({ name: "Counted" }) });
    await fetch(`${url}/trpc/projects.list`);
    await fetch(`${url}/trpc/projects.list`);
    await fetch(`${url}/trpc/tasks.get?${input({ id: "nope" })}`);
    await fetch(`${url}/api/projects`);
    await fetch(`${url}/trpc/made.up.name`);
    await fetch(`${url}/trpc/projects.list,tasks.get,tasks.get?batch=1&${input({ 1: { id: "nope" }, 2: { id: "nope" } })}`);
    await fetch(`${url}/trpc/projects.list,projects.list?batch=1`);
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/u);
    const text = await response.text();
    expect(sample(text, 'taskrpc_requests_total{procedure="projects.create",reason="OK",status="200"}')).toBe(1);
    expect(sample(text, 'taskrpc_requests_total{procedure="projects.list",reason="OK",status="200"}')).toBe(5);
    expect(sample(text, 'taskrpc_requests_total{procedure="tasks.get",reason="TASK_NOT_FOUND",status="404"}')).toBe(1);
    // A batch counts each of its calls, with the reason of each.
    expect(sample(text, 'taskrpc_requests_total{procedure="projects.list",reason="OK",status="207"}')).toBe(1);
    expect(sample(text, 'taskrpc_requests_total{procedure="tasks.get",reason="TASK_NOT_FOUND",status="207"}')).toBe(2);
    // A name no procedure has is counted, but under one label: clients cannot make the metrics grow.
    expect(sample(text, 'taskrpc_requests_total{procedure="unknown",reason="VALIDATION",status="404"}')).toBe(1);
    expect(text).not.toContain("made.up.name");
    // Each call of a batch is timed, with the batch's time; the buckets count every call under their bound.
    expect(sample(text, 'taskrpc_request_duration_seconds_count{procedure="projects.list"}')).toBe(6);
    expect(sample(text, 'taskrpc_request_duration_seconds_bucket{le="+Inf",procedure="projects.list"}')).toBe(6);
    expect(sample(text, 'taskrpc_request_duration_seconds_bucket{le="10",procedure="projects.list"}')).toBe(6);
    expect(sample(text, 'taskrpc_request_duration_seconds_sum{procedure="projects.list"}')).toBeGreaterThan(0);
    expect(sample(text, 'taskrpc_request_duration_seconds_count{procedure="tasks.get"}')).toBe(3);
    // This request itself is in flight while the metrics are read.
    expect(sample(text, "taskrpc_requests_in_flight")).toBe(1);
    expect(sample(text, "taskrpc_database_bytes")).toBeGreaterThan(4096);
  });

  it("is 404 when turned off", async () => {
    const { url } = await observed({ metrics: false });
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(404);
  });

  it("needs an access token (read is enough) whenever tokens are live", async () => {
    const { url, database } = await observed();
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
    const created = await database.tokens.create({ name: "prometheus", scope: "read" });
    if (created === "name-taken") throw new Error("taken");
    const refused = await fetch(`${url}/metrics`);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { data: { reason: "UNAUTHENTICATED" } } });
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${created.secret}` } })).status).toBe(200);
  });
});

describe("what the HTTP parser refuses", () => {
  it("is logged too, with its status and reason", async () => {
    const { url, lines } = await observed();
    expect((await sendRaw(url, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"))?.status).toBe(400);
    await vi.waitFor(() => expect(lines).toContainEqual(expect.objectContaining({ msg: "request", status: 400, reason: "VALIDATION", parserError: expect.any(String) })));
  });
});
