// Load test: requests per second of a mixed read/write load (40% tasks.get, 30% tasks.list, 15% tasks.create, 15%
// tasks.update) on one taskrpc instance over SQLite, one over PostgreSQL, and two over the same PostgreSQL database
// (each loaded by its own wrk, half the connections each, as behind a load balancer). The instances are the real
// `taskrpc serve` processes, logging at the default level; everything runs on 127.0.0.1, for a bounded time.
//   npm run bench:instances -- --database-url postgres://…/empty-db [--duration 10 --tasks 10000 --connections 32]
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs, promisify } from "node:util";
import { openDatabase } from "../src/data";
import { createProjectInput, createTaskInput } from "../src/domain";
import { copyToPostgres } from "./copy-to-postgres";

const { values } = parseArgs({
  options: {
    "database-url": { type: "string" },
    duration: { type: "string", default: "10" },
    tasks: { type: "string", default: "10000" },
    connections: { type: "string", default: "32" },
    help: { type: "boolean" },
  },
});
const databaseUrl = values["database-url"];
if (values.help || !databaseUrl) {
  console.info("Usage: npm run bench:instances -- --database-url URL [--duration SECONDS --tasks N --connections N]   (needs wrk)");
  console.info("URL: an empty PostgreSQL database; the seeded data is copied into it.");
  process.exit(values.help ? 0 : 2);
}
const duration = Number(values.duration);
const connections = Number(values.connections);
const root = new URL("..", import.meta.url).pathname;

const dir = mkdtempSync(join(tmpdir(), "taskrpc-bench-instances-"));
const children: ChildProcess[] = [];
process.on("exit", () => {
  for (const child of children) child.kill();
  rmSync(dir, { recursive: true, force: true });
});

// The data: tasks over 20 projects in a SQLite file, copied as they are into PostgreSQL.
const databasePath = join(dir, "bench.db");
const database = openDatabase(databasePath);
const projectIds: string[] = [];
for (let p = 0; p < 20; p++) projectIds.push((await database.write.createProject(createProjectInput.parse({ name: `Project ${p}` }))).id);
const taskIds: string[] = [];
for (let i = 0; i < Number(values.tasks); i++) {
  const task = await database.write.createTask(
    createTaskInput.parse({
      projectId: projectIds[i % projectIds.length],
      title: `Task ${i}`,
      priority: (["low", "normal", "high", "urgent"] as const)[i % 4],
      dueDate: i % 2 ? `2026-${String((i % 12) + 1).padStart(2, "0")}-${String((i % 28) + 1).padStart(2, "0")}` : null,
      labels: i % 5 === 0 ? ["home"] : ["work", `l${i % 40}`],
    }),
  );
  taskIds.push(task.id);
}
await database.close();
await copyToPostgres(databasePath, databaseUrl);
console.info(`seeded ${taskIds.length} tasks over ${projectIds.length} projects, in SQLite and in PostgreSQL`);

/** `taskrpc serve` as users run it, on a free port; its log is read and dropped. */
async function serve(database: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ["bin/taskrpc.mjs", "serve", "--port", "0", ...database], {
    cwd: root,
    env: { ...process.env, HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  let output = "";
  let listening = false;
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (listening) return;
      output += String(chunk);
      const match = /listening on (http:\/\/[^\s"]+)/u.exec(output);
      listening = match?.[1] !== undefined;
      if (match?.[1]) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`taskrpc serve exited with ${code}:\n${output}`)));
  });
  return { url, child };
}

const stop = async (child: ChildProcess) => {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
};

// The mix, cycling over 20 slots: 8 gets, 6 lists (of one project, 50 rows), 3 creates, 3 updates of existing tasks.
const ids = taskIds.filter((_, i) => i % 37 === 0).slice(0, 200);
/** A Lua expression: the URL-encoded input with the Lua variable `name` where `marker` was. */
const encodedWith = (value: unknown, marker: string, name: string) => {
  const [before, after] = encodeURIComponent(JSON.stringify(value)).split(marker);
  return `${JSON.stringify(before)} .. ${name} .. ${JSON.stringify(after)}`;
};
const script = `
local ids = {${ids.map((id) => JSON.stringify(id)).join(", ")}}
local projects = {${projectIds.map((id) => JSON.stringify(id)).join(", ")}}
local json = { ["content-type"] = "application/json" }
local i = 0
request = function()
  i = i + 1
  local slot = i % 20
  local id = ids[(i % #ids) + 1]
  local project = projects[(i % #projects) + 1]
  if slot < 8 then
    return wrk.format("GET", "/trpc/tasks.get?input=" .. ${encodedWith({ id: "MARK" }, "MARK", "id")})
  elseif slot < 14 then
    return wrk.format("GET", "/trpc/tasks.list?input=" .. ${encodedWith({ projectId: "MARK", limit: 50 }, "MARK", "project")})
  elseif slot < 17 then
    return wrk.format("POST", "/trpc/tasks.create", json, '{"projectId":"' .. project .. '","title":"Load ' .. i .. '","labels":["load"]}')
  else
    return wrk.format("POST", "/trpc/tasks.update", json, '{"id":"' .. id .. '","title":"Updated ' .. i .. '"}')
  end
end
`;
const scriptFile = join(dir, "mix.lua");
writeFileSync(scriptFile, script);

type Result = { rps: number; p50: string; p99: string; non2xx: number; requests: number };
async function wrk(url: string, connectionCount: number, seconds: number): Promise<Result> {
  const { stdout } = await promisify(execFile)("wrk", ["-t1", `-c${connectionCount}`, `-d${seconds}s`, "--latency", "-s", scriptFile, url]);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/u.exec(stdout)?.[1] ?? 0),
    requests: Number(/(\d+) requests in/u.exec(stdout)?.[1] ?? 0),
    p50: /50%\s+(\S+)/u.exec(stdout)?.[1] ?? "?",
    p99: /99%\s+(\S+)/u.exec(stdout)?.[1] ?? "?",
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/u.exec(stdout)?.[1] ?? 0) + Number(/Socket errors:.*?(\d+)/u.exec(stdout)?.[1] ?? 0),
  };
}

/** Loads every instance at once (its share of the connections each), after a 2 s warm-up; the sum is the figure. */
async function measure(name: string, database: string[], instances: number): Promise<string[]> {
  const servers = await Promise.all(Array.from({ length: instances }, () => serve(database)));
  const share = Math.max(1, Math.floor(connections / instances));
  await Promise.all(servers.map((server) => wrk(server.url, share, 2)));
  const load = loadavg()[0]?.toFixed(1) ?? "?";
  const results = await Promise.all(servers.map((server) => wrk(server.url, share, duration)));
  await Promise.all(servers.map((server) => stop(server.child)));
  const total = results.reduce((sum, result) => sum + result.rps, 0);
  return [
    name,
    String(instances),
    total.toFixed(0),
    results.map((result) => `${result.p50} / ${result.p99}`).join(", "),
    String(results.reduce((sum, result) => sum + result.non2xx, 0)),
    load,
  ];
}

console.info(`${availableParallelism()} cores; ${duration} s a case, ${connections} connections in all; load average ${loadavg().map((n) => n.toFixed(2)).join(" ")}`);
const rows = [
  await measure("SQLite", ["--db", databasePath], 1),
  await measure("PostgreSQL", ["--database-url", databaseUrl], 1),
  await measure("PostgreSQL", ["--database-url", databaseUrl], 2),
];
const header = ["store", "instances", "req/s (sum)", "p50 / p99 per instance", "non-2xx", "load average (1 min) at start"];
console.info(`| ${header.join(" | ")} |\n|${header.map(() => " --- |").join("")}`);
for (const row of rows) console.info(`| ${row.join(" | ")} |`);
console.info(`load average after: ${loadavg().map((n) => n.toFixed(2)).join(" ")}`);
process.exit(0);
