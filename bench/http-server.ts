// One server of bench/http.ts, in a process of its own: `taskrpc` (createTaskServer, as `taskrpc serve` runs it)
// or `bare`, a node:http + better-sqlite3 server that runs the same SQL and answers the same bytes for the calls
// the benchmark makes, with nothing else (no validation, guards or tokens). It reports its URL, then its CPU time
// and RSS whenever asked, over the IPC channel.
import { createHash, createHmac, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Database from "better-sqlite3";

const [kind, databasePath = ""] = process.argv.slice(2);

process.on("message", (message) => {
  if (message === "usage") process.send?.({ cpu: process.cpuUsage(), rss: process.memoryUsage().rss });
});

// Exiting on SIGTERM (rather than being killed) lets `node --cpu-prof` write its profile.
process.on("SIGTERM", () => process.exit(0));

const url = kind === "bare" ? await bare(databasePath) : await taskrpc(databasePath);
if (process.send) process.send({ url });
else console.info(url);

async function taskrpc(path: string): Promise<string> {
  const { openDatabase } = await import("../src/data");
  const { createTaskServer } = await import("../src/server/http");
  const { createLogger } = await import("../src/server/observability");
  // The request log is part of what users run, so it is measured too; its lines go nowhere.
  const { openSync } = await import("node:fs");
  const log = await createLogger("info", { fd: openSync("/dev/null", "w") });
  const server = createTaskServer(openDatabase(path), { panel: false, log });
  return server.listen(0, "127.0.0.1");
}

type TaskRow = {
  id: string;
  project_id: string;
  title: string;
  description: string;
  priority: string;
  due_date: string | null;
  labels: string;
  completed: number;
  completed_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
};

async function bare(path: string): Promise<string> {
  const db = new Database(path);
  db.pragma("busy_timeout = 5000");
  db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  db.pragma("synchronous = NORMAL");
  const columns = `"seq", "id", "project_id", "title", "description", "search_text", "priority", "priority_rank", "due_date", "due_sort_asc", "due_sort_desc", "labels", "completed", "completed_at", "version", "created_at", "updated_at"`;
  const byId = db.prepare<[string], TaskRow>(`select ${columns} from "tasks" where "tasks"."id" = ?`);
  const page = db.prepare<[string, number, number], TaskRow>(
    `select ${columns} from "tasks" where ("tasks"."project_id" in (?) and "tasks"."completed" = ?) order by "tasks"."created_at" desc, "tasks"."id" desc limit ?`,
  );
  const project = db.prepare<[string], { archived: number }>(
    `select "id", "name", "description", "search_text", "archived", "archived_at", "version", "created_at", "updated_at" from "projects" where "projects"."id" = ?`,
  );
  const insertTask = db.prepare(
    `insert into "tasks" ("seq", "id", "project_id", "title", "description", "search_text", "priority", "priority_rank", "due_date", "labels", "completed", "completed_at", "version", "created_at", "updated_at") values (null, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const deleteLabels = db.prepare(`delete from "task_labels" where "task_labels"."task_id" = ?`);
  const insertLabel = db.prepare(`insert into "task_labels" ("task_id", "label_key") values (?, ?)`);
  const secret = (db.prepare(`select "value" from "settings" where "key" = 'cursor_secret'`).get() as { value: string }).value;

  const toTask = (row: TaskRow) => ({
    id: row.id,
    projectId: row.project_id,
    title: row.title,
    description: row.description,
    priority: row.priority,
    dueDate: row.due_date,
    labels: JSON.parse(row.labels) as string[],
    completed: row.completed === 1,
    completedAt: row.completed_at,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
  const getTask = (input: { id: string }) => {
    const row = byId.get(input.id);
    return row ? { result: { data: toTask(row) } } : undefined;
  };
  const listTasks = (input: { projectId: string; limit: number }) => {
    const rows = page.all(input.projectId, 0, input.limit + 1);
    const items = rows.slice(0, input.limit).map(toTask);
    const last = items.at(-1);
    let nextCursor: string | null = null;
    if (rows.length > input.limit && last) {
      const query = { projectId: input.projectId, status: "open", includeArchivedProjects: false, sort: { by: "createdAt", dir: "desc" } };
      const owner = createHash("sha256").update(JSON.stringify(query)).digest("base64url").slice(0, 16);
      const payload = Buffer.from(JSON.stringify([owner, last.createdAt, last.id])).toString("base64url");
      nextCursor = `${payload}.${createHmac("sha256", secret).update(payload).digest().subarray(0, 16).toString("base64url")}`;
    }
    return { result: { data: { items, nextCursor } } };
  };
  const createTask = db.transaction((input: { projectId: string; title: string }) => {
    if (project.get(input.projectId)?.archived !== 0) return undefined;
    const now = new Date().toISOString();
    const task = {
      id: randomUUID(),
      projectId: input.projectId,
      title: input.title,
      description: "",
      priority: "normal",
      dueDate: null,
      labels: [] as string[],
      completed: false,
      completedAt: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    insertTask.run(task.id, task.projectId, task.title, "", `${task.title.toLowerCase()}\n`, "normal", 1, null, "[]", 0, null, 1, now, now);
    deleteLabels.run(task.id);
    for (const label of task.labels) insertLabel.run(task.id, label.toLowerCase());
    return { result: { data: task } };
  });

  const answer = (res: ServerResponse, body: unknown) => {
    if (body === undefined) res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
    else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const target = req.url ?? "/";
    const mark = target.indexOf("?");
    const path = mark === -1 ? target : target.slice(0, mark);
    const search = new URLSearchParams(mark === -1 ? "" : target.slice(mark + 1));
    const input = JSON.parse(search.get("input") ?? "null") as never;
    if (req.method === "POST" && path === "/trpc/tasks.create") {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => (body += chunk));
      req.on("end", () => answer(res, createTask.immediate(JSON.parse(body) as { projectId: string; title: string })));
      return;
    }
    if (path === "/trpc/tasks.get") return answer(res, getTask(input));
    if (path === "/trpc/tasks.list") return answer(res, listTasks(input));
    if (search.get("batch") === "1") {
      const results = path.slice("/trpc/".length).split(",").map((name, index) => (name === "tasks.get" ? getTask((input as Record<number, { id: string }>)[index]!) : undefined));
      return answer(res, results.includes(undefined) ? undefined : results);
    }
    answer(res, undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
