import { Agent, request } from "node:http";
import { describe, expect, it, onTestFinished } from "vitest";
import type { Repositories } from "../../src/data";
import { createTaskServer, type TaskServer } from "../../src/server/http";
import { openTestDatabase } from "../support/database";
import { captureLog } from "../support/log";

/**
 * The HTTP server in-process (createTaskServer) with a log of its own: what it reports, how it reads request
 * bodies, which method each route answers, and how it shuts down. The calls themselves are in tests/e2e.
 */

async function start(repositories: Repositories = openTestDatabase(), host = "127.0.0.1") {
  const { log, lines } = captureLog();
  const server = createTaskServer(repositories, { panel: true, log });
  const url = await server.listen(0, host);
  let closed = false;
  onTestFinished(() => (closed ? undefined : server.close()));
  // The lines beside the one per request.
  const notes = () => lines.filter((line) => line.msg !== "request");
  return { server, url, notes, close: () => ((closed = true), server.close()) };
}

/** A raw request, so that headers fetch would add (content-type, connection) are ours to choose. */
function send(url: string, options: { method: string; path: string; headers?: Record<string, string>; body?: string }) {
  const { hostname, port } = new URL(url);
  return new Promise<{ status: number; headers: Record<string, unknown>; text: string }>((resolve, reject) => {
    const req = request({ hostname: hostname.replace(/^\[|\]$/gu, ""), port, method: options.method, path: options.path, headers: options.headers }, (res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

describe("the server's log", () => {
  it("reports a failure of the service itself (INTERNAL), naming the procedure and giving the cause", async () => {
    const database = openTestDatabase();
    const cause = new Error("disk I/O error");
    const read = Object.create(database.read) as Repositories["read"];
    read.getTask = () => {
      throw cause;
    };
    const { url, notes } = await start({ read, write: database.write, tokens: database.tokens });
    const response = await fetch(`${url}/trpc/tasks.get?input=${encodeURIComponent(JSON.stringify({ id: "x" }))}`);
    expect(response.status).toBe(500);
    expect(notes()).toMatchObject([{ level: 50, msg: "procedure failed", procedure: "tasks.get", err: { message: "disk I/O error" } }]);
    expect(notes()[0]?.err).toHaveProperty("stack", cause.stack);
    expect(await response.text()).not.toContain("disk I/O");
  });

  it("stays silent about refusals and bad requests, which are the client's to handle", async () => {
    const { url, notes } = await start();
    expect((await fetch(`${url}/trpc/tasks.get?input=${encodeURIComponent(JSON.stringify({ id: "missing" }))}`)).status).toBe(404);
    expect((await fetch(`${url}/trpc/projects.create`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(400);
    expect((await fetch(`${url}/trpc/nothing.here`)).status).toBe(404);
    expect(notes()).toEqual([]);
  });
});

describe("request bodies", () => {
  it("must be declared JSON: form encoding (curl -d), text/plain or none is 415, before any call", async () => {
    const { url } = await start();
    const body = JSON.stringify({ name: "Sent by curl" });
    const declared: Record<string, string>[] = [{ "content-type": "application/x-www-form-urlencoded" }, { "content-type": "text/plain" }, {}];
    for (const headers of declared) {
      const response = await send(url, { method: "POST", path: "/trpc/projects.create", headers, body });
      expect(response.status, JSON.stringify(headers)).toBe(415);
      expect(JSON.parse(response.text), JSON.stringify(headers)).toMatchObject({ error: { data: { reason: "VALIDATION", httpStatus: 415, path: "projects.create" } } });
    }
    const listed = await fetch(`${url}/trpc/projects.list`);
    expect(((await listed.json()) as { result: { data: { items: unknown[] } } }).result.data.items).toEqual([]);
    const json = await send(url, { method: "POST", path: "/trpc/projects.create", headers: { "content-type": "Application/JSON; charset=utf-8" }, body });
    expect(json.status).toBe(200);
  });
});

describe("routes", () => {
  it("answer only the methods they serve; anything else is a 404 in the API's error shape", async () => {
    const { url } = await start();
    for (const [method, path] of [
      ["POST", "/healthz"],
      ["DELETE", "/healthz"],
      ["POST", "/panel"],
      ["PUT", "/panel"],
      ["GET", "/panel/"],
      ["GET", "/healthz/x"],
      ["GET", "/"],
    ] as const) {
      const response = await send(url, { method, path });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.headers["content-type"], `${method} ${path}`).toBe("application/json");
      expect(JSON.parse(response.text), `${method} ${path}`).toEqual({
        error: { message: "Not found", code: -32004, data: { code: "NOT_FOUND", httpStatus: 404, reason: "VALIDATION" } },
      });
    }
  });

  it("keep a client's connection open between requests while running", async () => {
    const { url } = await start();
    const response = await send(url, { method: "GET", path: "/healthz", headers: { connection: "keep-alive" } });
    expect(response.status).toBe(200);
    expect(response.headers.connection).toBe("keep-alive");
  });

  it("serve the panel unless told not to", async () => {
    const server = createTaskServer(openTestDatabase(), { log: captureLog().log });
    const url = await server.listen(0, "127.0.0.1");
    onTestFinished(() => server.close());
    expect((await send(url, { method: "GET", path: "/panel" })).status).toBe(200);
  });

  it("serve the panel to GET with its HTML, and to HEAD with the headers alone", async () => {
    const { url } = await start();
    const get = await send(url, { method: "GET", path: "/panel" });
    expect(get.status).toBe(200);
    expect(get.text).toContain("<title>taskrpc panel</title>");
    const head = await send(url, { method: "HEAD", path: "/panel" });
    expect(head).toMatchObject({ status: 200, text: "" });
    expect(head.headers["content-type"]).toBe("text/html; charset=utf-8");
  });
});

describe("listening", () => {
  it("gives a URL that works, with an IPv6 address in brackets", async () => {
    const { url } = await start(openTestDatabase(), "::1");
    expect(url).toMatch(/^http:\/\/\[::1\]:\d+$/u);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it("rejects when the address cannot be used", async () => {
    const server: TaskServer = createTaskServer(openTestDatabase(), { log: captureLog().log });
    await expect(server.listen(0, "192.0.2.1")).rejects.toThrow(/EADDRNOTAVAIL/u);
  });
});

describe("shutting down", () => {
  it("answers the request in flight, ends its kept-alive connection, resolves, then refuses new connections", async () => {
    const { server, url, close } = await start();
    // Neither side would end the idle connection for a minute: only the shutdown can end it within the test.
    server.server.keepAliveTimeout = 60_000;
    const agent = new Agent({ keepAlive: true, timeout: 60_000 });
    onTestFinished(() => agent.destroy());
    const { hostname, port } = new URL(url);
    const body = JSON.stringify({ name: "In flight" });
    let sent!: () => void;
    const headersSent = new Promise<void>((resolve) => (sent = resolve));
    let socketClosed!: Promise<void>;
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          agent,
          hostname,
          port,
          method: "POST",
          path: "/trpc/projects.create",
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), connection: "keep-alive" },
        },
        (res) => {
          let text = "";
          res.on("data", (chunk) => (text += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on("error", reject);
      req.on("socket", (socket) => {
        socketClosed = new Promise((resolve) => socket.on("close", () => resolve()));
        socket.on("connect", () => sent());
      });
      req.flushHeaders();
      req.write(body.slice(0, 5));
      void headersSent.then(() =>
        // The server has the request once its handler ran: give it a moment before closing, then send the rest.
        setTimeout(() => {
          stopped = close();
          setTimeout(() => req.end(body.slice(5)), 50);
        }, 50),
      );
    });
    let stopped: Promise<void> | undefined;
    const response = await answer;
    expect(response.status).toBe(200);
    expect(response.text).toContain("In flight");
    // The client asked to keep the connection open; the server ends it, since it is shutting down.
    await socketClosed;
    await stopped;
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
