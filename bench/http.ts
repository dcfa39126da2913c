// Benchmark: taskrpc over HTTP against a bare node:http + better-sqlite3 server that runs the same SQL and answers
// the same bytes (bench/http-server.ts), and against taskrpc with tRPC's stock Node adapter, all in one run on one
// seeded database file, so the figures are ratios that hold on a noisy shared machine. Each server runs in a
// process of its own pinned to one core, wrk on another, on 127.0.0.1 only.
//   npm run bench:http [-- --duration 5 --rounds 5 --tasks 10000 --connections 32 --baseline DIR --database-url postgres://…/empty-db]
// Each case gives every server --duration seconds, in --rounds rounds (one a second by default) taken in turn; a
// figure is the median of its rounds (a ratio is taken within a round, between servers measured a second apart), so
// that a burst of other work on a shared machine moves a round, not the result.
// --baseline DIR adds a fourth server: taskrpc from another checkout (DIR, e.g. `git worktree add DIR main`), so a
// change is measured against the code before it in the same run. --database-url adds taskrpc on a PostgreSQL copy
// of the same data (the PostgreSQL server itself runs wherever its OS puts it).
// Every server runs compiled as `npm run build` compiles the service (esbuild, bundling the project's own modules),
// not through tsx, whose keepNames option wraps every function made at run time in a call that sets its name.
import { execFileSync, fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { build, type Plugin } from "esbuild";
import { openDatabase } from "../src/data";
import { createProjectInput, createTaskInput } from "../src/domain";
import { copyToPostgres } from "./copy-to-postgres";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "5" },
    rounds: { type: "string" },
    tasks: { type: "string", default: "10000" },
    connections: { type: "string", default: "32" },
    baseline: { type: "string" },
    "database-url": { type: "string" },
    help: { type: "boolean" },
  },
});
if (values.help) {
  console.info("Usage: npm run bench:http [-- --duration SECONDS --rounds N --tasks N --connections N --baseline DIR --database-url URL]   (needs wrk and taskset)");
  console.info("--database-url: an empty PostgreSQL database the seeded data is copied into, for another server");
  process.exit(0);
}
const duration = Number(values.duration);
const rounds = Math.max(1, Number(values.rounds ?? duration));
const roundSeconds = Math.max(1, Math.round(duration / rounds));
const taskCount = Number(values.tasks);
const cores = availableParallelism();
const serverCore = "0";
const loadCore = cores > 1 ? "1" : "0";

const dir = mkdtempSync(join(tmpdir(), "taskrpc-bench-http-"));
const children: ChildProcess[] = [];
const compiledDirs: string[] = [];
process.on("exit", () => {
  for (const child of children) child.kill();
  for (const folder of [dir, ...compiledDirs]) rmSync(folder, { recursive: true, force: true });
});

// The database: tasks over 20 projects; lists read the first project, creates go to the last (so lists stay alike).
// Made with fixed ids, clock and cursor key, so that a baseline's own copy (made by its own code, which refuses a
// newer schema) holds the same rows and signs the same cursors.
type DataLayer = { openDatabase: typeof openDatabase; createProjectInput: typeof createProjectInput; createTaskInput: typeof createTaskInput };
// A baseline checkout from before the repository became async answers plainly; `await` takes both.
async function seed(path: string, { openDatabase: open, createProjectInput: projectInput, createTaskInput: taskInput }: DataLayer): Promise<{ projectIds: string[]; taskIds: string[] }> {
  let ids = 0;
  let now = Date.parse("2026-01-01T00:00:00.000Z");
  const database = open(path, {
    newId: () => `00000000-0000-7000-8000-${String(++ids).padStart(12, "0")}`,
    clock: () => new Date(now++).toISOString(),
  });
  const projectIds: string[] = [];
  for (let p = 0; p < 20; p++) projectIds.push((await database.write.createProject(projectInput.parse({ name: `Project ${p}` }))).id);
  const taskIds: string[] = [];
  for (let i = 0; i < taskCount; i++) {
    const task = await database.write.createTask(
      taskInput.parse({
        projectId: projectIds[i % (projectIds.length - 1)],
        title: `Task ${i}`,
        description: i % 3 === 0 ? "call the bank about the invoice" : "",
        priority: (["low", "normal", "high", "urgent"] as const)[i % 4],
        dueDate: i % 2 ? `2026-${String((i % 12) + 1).padStart(2, "0")}-${String((i % 28) + 1).padStart(2, "0")}` : null,
        labels: i % 5 === 0 ? ["home"] : ["work", `l${i % 40}`],
      }),
    );
    taskIds.push(task.id);
  }
  await database.close();
  const raw = new Database(path);
  raw.prepare("update settings set value = 'bench' where key = 'cursor_secret'").run();
  raw.close();
  return { projectIds, taskIds };
}
const databasePath = join(dir, "bench.db");
const { projectIds, taskIds } = await seed(databasePath, { openDatabase, createProjectInput, createTaskInput });
const baselinePath = join(dir, "baseline.db");
if (values.baseline) {
  const root = resolve(values.baseline);
  await seed(baselinePath, {
    ...((await import(`${root}/src/data/index.ts`)) as Pick<DataLayer, "openDatabase">),
    ...((await import(`${root}/src/domain/index.ts`)) as Omit<DataLayer, "openDatabase">),
  });
}
console.info(`seeded ${taskCount} tasks over ${projectIds.length} projects in ${databasePath}`);
const databaseUrl = values["database-url"];
if (databaseUrl) {
  await copyToPostgres(databasePath, databaseUrl);
  console.info(`copied them into ${databaseUrl.replace(/:[^:@/]+@/u, ":***@")}`);
}

type Usage = { cpu: NodeJS.CpuUsage; rss: number };
type Server = { name: string; url: string; child: ChildProcess; usage(): Promise<Usage> };

/** src/server/http.ts gets tRPC's stock Node adapter (bench/stock-handler.ts) in place of the lean handler. */
const stockAdapter: Plugin = {
  name: "stock-adapter",
  setup(build) {
    // A Go regular expression (esbuild's), so without the u flag.
    build.onResolve({ filter: /^\.\/trpc-handler$/ }, ({ importer }) =>
      importer.endsWith(`${sep}src${sep}server${sep}http.ts`) ? { path: fileURLToPath(new URL("./stock-handler.ts", import.meta.url)) } : undefined,
    );
  },
};

/**
 * bench/http-server.ts of the checkout at `root`, compiled into a folder of that checkout one level down (as dist/
 * is: the code finds drizzle/ and node_modules from there), removed at exit.
 */
async function compiled(root: string, plugins: Plugin[] = []): Promise<URL> {
  const folder = mkdtempSync(join(root, ".bench-http-"));
  compiledDirs.push(folder);
  const outfile = join(folder, "http-server.mjs");
  await build({
    entryPoints: [join(root, "bench", "http-server.ts")],
    outfile,
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    plugins,
    logLevel: "error",
  });
  return new URL(`file://${outfile}`);
}

type Where = { path?: string; postgresUrl?: string };
async function start(name: string, kind: string, script: URL, where: Where = {}): Promise<Server> {
  const { path = databasePath, postgresUrl } = where;
  const child = fork(script, [kind, path, ...(postgresUrl ? [postgresUrl] : [])], { execArgv: [], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  children.push(child);
  const url = await new Promise<string>((resolve, reject) => {
    child.once("message", (message) => resolve((message as { url: string }).url));
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code}`)));
  });
  // Every thread of the server on one core; the load generator gets another.
  execFileSync("taskset", ["-a", "-p", "-c", serverCore, String(child.pid)], { stdio: "ignore" });
  const usage = () =>
    new Promise<Usage>((resolve) => {
      child.once("message", (message) => resolve(message as Usage));
      child.send("usage");
    });
  return { name, url, child, usage };
}

const root = fileURLToPath(new URL("..", import.meta.url));
const [server, stockServer, baselineServer] = await Promise.all([
  compiled(root),
  compiled(root, [stockAdapter]),
  values.baseline ? compiled(resolve(values.baseline)) : undefined,
]);
const servers = [
  await start("bare", "bare", server),
  await start("stock tRPC", "taskrpc", stockServer),
  await start("taskrpc", "taskrpc", server),
  ...(baselineServer ? [await start("baseline", "taskrpc", baselineServer, { path: baselinePath })] : []),
  ...(databaseUrl ? [await start("taskrpc on PostgreSQL", "taskrpc", server, { postgresUrl: databaseUrl })] : []),
];

const input = (value: unknown) => encodeURIComponent(JSON.stringify(value));
const ids = taskIds.filter((_, i) => i % 97 === 0).slice(0, 100);
const getPaths = ids.map((id) => `/trpc/tasks.get?input=${input({ id })}`);
const batchPaths = ids.slice(0, 20).map((_, b) => {
  const batch = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [i, { id: ids[(b * 10 + i) % ids.length] }]));
  return `/trpc/${Array(10).fill("tasks.get").join(",")}?batch=1&input=${input(batch)}`;
});
const listPath = `/trpc/tasks.list?input=${input({ projectId: projectIds[0], limit: 50 })}`;
const createBody = JSON.stringify({ projectId: projectIds.at(-1), title: "Benchmarked" });

const rotating = (paths: string[]) =>
  `local paths = {${paths.map((path) => JSON.stringify(path)).join(", ")}}\nlocal i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format("GET", paths[(i % #paths) + 1])\nend\n`;
const cases = [
  { name: "tasks.get", script: rotating(getPaths), path: getPaths[0]! },
  { name: "10 × tasks.get batched", script: rotating(batchPaths), path: batchPaths[0]! },
  { name: "tasks.list (50 rows)", script: "", path: listPath },
  {
    name: "tasks.create",
    script: `wrk.method = "POST"\nwrk.body = ${JSON.stringify(createBody)}\nwrk.headers["content-type"] = "application/json"\n`,
    path: "/trpc/tasks.create",
  },
];

// The same bytes from every server before anything is measured (a created task differs only in id and times).
const comparable = (text: string) => text.replace(/"(id|createdAt|updatedAt)":"[^"]*"/gu, '"$1":"…"');
for (const { name, path } of cases) {
  const bodies = await Promise.all(
    servers.map(async ({ url }) => {
      const response = await fetch(`${url}${path}`, name === "tasks.create" ? { method: "POST", headers: { "content-type": "application/json" }, body: createBody } : {});
      return comparable(await response.text());
    }),
  );
  if (new Set(bodies).size !== 1) throw new Error(`${name}: the servers answer differently:\n${bodies.join("\n")}`);
}

type Run = { rps: number; p50: string; p99: string; cpuPerRequest: number; errors: number };

function wrk(url: string, scriptText: string, path: string, seconds: number): { requests: number; rps: number; p50: string; p99: string; errors: number } {
  const script = join(dir, "case.lua");
  writeFileSync(script, scriptText);
  const output = execFileSync(
    "taskset",
    ["-c", loadCore, "wrk", "-t1", `-c${values.connections}`, `-d${seconds}s`, "--latency", "-s", script, `${url}${path}`],
    { encoding: "utf8" },
  );
  const requests = Number(/(\d+) requests in/u.exec(output)?.[1] ?? 0);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/u.exec(output)?.[1] ?? 0);
  const errors = Number(/Non-2xx or 3xx responses: (\d+)/u.exec(output)?.[1] ?? 0) + Number(/Socket errors:.*?(\d+)/u.exec(output)?.[1] ?? 0);
  return { requests, rps, p50: /^\s+50%\s+(\S+)/mu.exec(output)?.[1] ?? "?", p99: /^\s+99%\s+(\S+)/mu.exec(output)?.[1] ?? "?", errors };
}

async function measure(server: Server, scriptText: string, path: string): Promise<Run> {
  const before = await server.usage();
  const result = wrk(server.url, scriptText, path, roundSeconds);
  const after = await server.usage();
  const cpu = after.cpu.user - before.cpu.user + after.cpu.system - before.cpu.system;
  return { rps: result.rps, p50: result.p50, p99: result.p99, cpuPerRequest: cpu / Math.max(1, result.requests), errors: result.errors };
}

const median = (numbers: number[]) => {
  const sorted = numbers.toSorted((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

console.info(`load average ${loadavg().map((load) => load.toFixed(2)).join(" ")} on ${cores} cores; ${rounds} rounds of ${roundSeconds} s a case and server, ${values.connections} connections`);
const rows: string[][] = [];
for (const { name, script, path } of cases) {
  for (const server of servers) wrk(server.url, script, path, 1);
  // runs[round][server]
  const runs: Run[][] = [];
  for (let round = 0; round < rounds; round++) {
    const row: Run[] = [];
    for (const server of servers) row.push(await measure(server, script, path));
    runs.push(row);
  }
  const of = (index: number) => runs.map((row) => row[index]!);
  const errors = runs.flat().some((run) => run.errors > 0) ? " (non-2xx!)" : "";
  const last = runs.at(-1)!;
  rows.push([
    name + errors,
    median(of(0).map((run) => run.rps)).toFixed(0),
    ...servers.slice(1).map((_, index) => median(runs.map((row) => row[index + 1]!.rps / row[0]!.rps)).toFixed(2)),
    last.map((run) => `${run.p50} / ${run.p99}`).join(", "),
    servers.map((_, index) => median(of(index).map((run) => run.cpuPerRequest)).toFixed(0)).join(" / "),
  ]);
}
const others = servers.slice(1).map((server) => server.name);
const header = ["call", "bare req/s", ...others.map((name) => `${name} / bare`), `p50 / p99 (last round): ${servers.map((server) => server.name).join(", ")}`, `CPU µs/req: ${servers.map((server) => server.name).join(" / ")}`];
console.info(`| ${header.join(" | ")} |\n|${header.map(() => " --- |").join("")}`);
for (const row of rows) console.info(`| ${row.join(" | ")} |`);
const rss = await Promise.all(servers.map(async (server) => `${server.name} ${((await server.usage()).rss / 2 ** 20).toFixed(0)} MB`));
console.info(`RSS after the run: ${rss.join(", ")}; load average ${loadavg().map((load) => load.toFixed(2)).join(" ")}`);
process.exit(0);
