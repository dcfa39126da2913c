import { existsSync } from "node:fs";
import { request } from "node:http";
import { describe, expect, it } from "vitest";
import packageJson from "../../package.json" with { type: "json" };
import { startServer } from "../support/server";

// The one test that starts the service as its own process, as `npm start` (`taskrpc serve`) does: the start-up
// line, and what only a process can show — a signal, the requests in flight, the database closed, the exit code.
// The timeout matches startServer's own allowance for a start: on a busy two-core machine a process start takes seconds.
describe("the server process", { timeout: 30_000 }, () => {
  it("says where it listens, which database and where the panel is; on SIGTERM finishes the request in flight, refuses new ones, closes the database and exits 0", async () => {
    const stopping = await startServer();
    expect(stopping.output()).toContain(`listening on ${stopping.url}`);
    expect(stopping.output()).toContain(stopping.databasePath);
    expect(stopping.output()).toContain(`panel at ${stopping.url}/panel`);
    const health = await fetch(`${stopping.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", version: packageJson.version });
    const call = await fetch(`${stopping.url}/trpc/projects.list`, { headers: { "x-request-id": "process-test-1" } });
    expect(call.headers.get("x-request-id")).toBe("process-test-1");
    expect((await fetch(`${stopping.url}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${stopping.url}/metrics`)).text()).toContain('taskrpc_requests_total{procedure="projects.list",reason="OK",status="200"} 1');
    const { hostname, port } = new URL(stopping.url);
    const body = JSON.stringify({ name: "Sent during shutdown" });
    // Send half a request, signal the server, then send the rest: the server must still answer it.
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        { hostname, port, method: "POST", path: "/trpc/projects.create", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
        (res) => {
          let text = "";
          res.on("data", (chunk) => (text += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on("error", reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        stopping.process.kill("SIGTERM");
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 100);
    });
    const { status, text } = await answer;
    expect(status).toBe(200);
    expect(text).toContain("Sent during shutdown");
    expect(await stopping.exited).toBe(0);
    // stdout is no terminal here: every line is JSON, the start line with the settings in effect.
    const lines = stopping.output().trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ level: 30, url: stopping.url, settings: { HOST: "127.0.0.1", PORT: 0, METRICS: true, LOG_LEVEL: "info" } });
    expect(lines.find((line) => line.requestId === "process-test-1")).toMatchObject({ msg: "request", method: "GET", procedure: "projects.list", status: 200 });
    expect(lines.find((line) => line.procedure === "projects.create")).toMatchObject({ method: "POST", status: 200 });
    expect(lines.at(-1)).toMatchObject({ msg: "taskrpc: stopped" });
    await expect(fetch(`${stopping.url}/healthz`)).rejects.toThrow();
    // A cleanly closed SQLite database folds its write-ahead log back into the file and removes it.
    expect(existsSync(`${stopping.databasePath}-wal`)).toBe(false);
  });
});
