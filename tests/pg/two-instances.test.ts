import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPostgresDatabase, skipReason } from "../support/postgres";
import { startServer, type RunningServer } from "../support/server";

/**
 * Two `taskrpc serve` processes on one PostgreSQL database, as behind a load balancer, with writers on both at
 * once: every rule of the API must hold across instances, not only within one.
 */
type Answer = { status: number; data: unknown; reason: string | undefined };

/** Every status either instance answered, checked once at the end: none may be a 5xx. */
const statuses: { status: number; call: string; body: string }[] = [];

async function call(base: string, kind: "query" | "mutation", path: string, input: unknown): Promise<Answer> {
  const response =
    kind === "query"
      ? await fetch(`${base}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`)
      : await fetch(`${base}/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input) });
  const text = await response.text();
  statuses.push({ status: response.status, call: `${kind} ${path} on ${base}`, body: text });
  const body = JSON.parse(text) as { result?: { data: unknown }; error?: { data?: { reason?: string } } };
  return { status: response.status, data: body.result?.data, reason: body.error?.data?.reason };
}

type Task = { id: string; title: string; version: number; projectId: string };
type Project = { id: string; openTaskCount: number };

const template = inject("postgresTemplate");

describe.skipIf(!template)(`two taskrpc processes on one PostgreSQL database${template ? "" : ` (skipped: ${skipReason})`}`, () => {
  let a: RunningServer;
  let b: RunningServer;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    // An empty database: both processes migrate it as they start, at once (the advisory lock orders them).
    const database = await createPostgresDatabase({ migrated: false });
    drop = database.drop;
    [a, b] = await Promise.all([0, 1].map(() => startServer({ databaseUrl: database.url }))) as [RunningServer, RunningServer];
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await drop?.();
  });

  it("keeps every acknowledged write of concurrent writers on both, and pages with either instance's cursors on the other", async () => {
    const project = (await call(a.url, "mutation", "projects.create", { name: "Shared" })).data as Project;
    const writers = Array.from({ length: 12 }, (_, writer) => writer);
    const acknowledged = new Map<string, string>();
    await Promise.all(
      writers.map(async (writer) => {
        for (let n = 0; n < 10; n++) {
          const base = (writer + n) % 2 ? a.url : b.url;
          const other = base === a.url ? b.url : a.url;
          const created = await call(base, "mutation", "tasks.create", { projectId: project.id, title: `w${writer} n${n}`, labels: [`w${writer}`, "shared"] });
          expect(created.status).toBe(200);
          const task = created.data as Task;
          // Its own task, just written on one instance, is current on the other.
          const renamed = await call(other, "mutation", "tasks.update", { id: task.id, title: `${task.title} renamed`, expectedVersion: 1 });
          expect(renamed.status).toBe(200);
          acknowledged.set(task.id, `${task.title} renamed`);
        }
      }),
    );
    const listed = new Map<string, string>();
    let cursor: string | null = null;
    for (let page = 0; page === 0 || cursor; page++) {
      const base = page % 2 ? b.url : a.url;
      const answer = await call(base, "query", "tasks.list", { projectId: project.id, limit: 25, sort: { by: "title", dir: "asc" }, ...(cursor && { cursor }) });
      expect(answer.status).toBe(200);
      const { items, nextCursor } = answer.data as { items: Task[]; nextCursor: string | null };
      for (const task of items) listed.set(task.id, task.title);
      cursor = nextCursor;
    }
    expect(listed).toEqual(acknowledged);
    expect(listed.size).toBe(120);
    expect(((await call(b.url, "query", "projects.get", { id: project.id })).data as Project).openTaskCount).toBe(120);
    const labels = (await call(a.url, "query", "tasks.labels", { projectId: project.id })).data as { items: { label: string; taskCount: number }[] };
    expect(labels.items.find((usage) => usage.label === "shared")?.taskCount).toBe(120);
  });

  it("lets exactly one of concurrent updates with the same expectedVersion win, whichever instance each reaches", async () => {
    const project = (await call(b.url, "mutation", "projects.create", { name: "Races" })).data as Project;
    const tasks = await Promise.all(
      Array.from({ length: 8 }, async (_, n) => (await call(a.url, "mutation", "tasks.create", { projectId: project.id, title: `race ${n}` })).data as Task),
    );
    const rounds = await Promise.all(
      tasks.map(async (task) => {
        const attempts = await Promise.all(
          Array.from({ length: 6 }, (_, n) => call(n % 2 ? a.url : b.url, "mutation", "tasks.update", { id: task.id, title: `${task.title} by ${n}`, expectedVersion: 1 })),
        );
        return { task, attempts };
      }),
    );
    for (const { task, attempts } of rounds) {
      const winners = attempts.filter((attempt) => attempt.status === 200);
      expect(winners, task.title).toHaveLength(1);
      expect(attempts.filter((attempt) => attempt.status === 409 && attempt.reason === "VERSION_MISMATCH"), task.title).toHaveLength(5);
      const stored = (await call(b.url, "query", "tasks.get", { id: task.id })).data as Task;
      expect(stored.version).toBe(2);
      expect(stored.title).toBe((winners[0]?.data as Task).title);
    }
  });

  it("never lets a project's delete and a task created in it both succeed", async () => {
    const projects = await Promise.all(
      Array.from({ length: 12 }, async (_, n) => (await call(n % 2 ? a.url : b.url, "mutation", "projects.create", { name: `Contested ${n}` })).data as Project),
    );
    const outcomes = await Promise.all(
      projects.map(async (project, n) => {
        const [deleting, creating] = n % 2 ? [a.url, b.url] : [b.url, a.url];
        const [deleted, created] = await Promise.all([
          call(deleting, "mutation", "projects.delete", { id: project.id }),
          call(creating, "mutation", "tasks.create", { projectId: project.id, title: "Late arrival" }),
        ]);
        return { project, deleted, created };
      }),
    );
    for (const { project, deleted, created } of outcomes) {
      if (deleted.status === 200) {
        expect(created).toMatchObject({ status: 404, reason: "PROJECT_NOT_FOUND" });
        expect((await call(a.url, "query", "projects.get", { id: project.id })).reason).toBe("PROJECT_NOT_FOUND");
      } else {
        expect(deleted).toMatchObject({ status: 409, reason: "PROJECT_NOT_EMPTY" });
        expect(created.status).toBe(200);
        expect(((await call(b.url, "query", "projects.get", { id: project.id })).data as Project).openTaskCount).toBe(1);
      }
    }
  });

  it("answered no request with a 5xx and logged no error on either instance", () => {
    expect(statuses.length).toBeGreaterThan(300);
    expect(statuses.filter((answer) => answer.status >= 500)).toEqual([]);
    for (const server of [a, b]) expect(server.output()).not.toMatch(/"level":(50|60)/u);
  });
});
