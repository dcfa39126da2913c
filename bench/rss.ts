// Memory of taskrpc's server under sustained load: the server (bench/http-server.ts, as `taskrpc serve` runs it,
// logging every request) on a seeded database, then runs of mixed calls from wrk (point reads, batches, lists,
// searches, creates, a 404), printing the server's RSS and heap after each, so growth between runs shows.
//   npm run bench:rss -- --db FILE [--requests 300000] [--runs 2] [--connections 32]
// The creates add tasks to FILE (about a tenth of the calls).
import { execFileSync, fork } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";

const usage = `Usage: npm run bench:rss -- --db FILE [--requests N] [--runs N] [--connections N]   (needs wrk and taskset)

Starts taskrpc's server on FILE (made by npm run seed), prints its RSS idle, then after each run of N mixed calls
(default 300000, 2 runs). The creates among them add tasks to FILE.`;

const { values } = parseArgs({
  options: {
    db: { type: "string" },
    requests: { type: "string", default: "300000" },
    runs: { type: "string", default: "2" },
    connections: { type: "string", default: "32" },
    help: { type: "boolean" },
  },
});
if (values.help || !values.db) {
  console.info(usage);
  process.exit(values.help ? 0 : 2);
}
const requests = Number(values.requests);

// Calls drawn from the data: tasks and live projects spread over the file, a common word.
const inspector = new Database(values.db, { readonly: true });
const taskIds = inspector.prepare("select id from tasks where seq % 9973 = 0 limit 100").pluck().all() as string[];
const projectIds = inspector.prepare("select id from projects where archived = 0 order by id limit 20").pluck().all() as string[];
const word = (inspector.prepare("select title from tasks where seq = 1").pluck().get() as string).split(" ")[1]?.toLowerCase() ?? "task";
inspector.close();

const input = (value: unknown) => encodeURIComponent(JSON.stringify(value));
const get = (path: string) => `wrk.format("GET", ${JSON.stringify(path)})`;
const calls = [
  ...taskIds.slice(0, 40).map((id) => get(`/trpc/tasks.get?input=${input({ id })}`)),
  ...Array.from({ length: 10 }, (_, b) =>
    get(`/trpc/${Array(10).fill("tasks.get").join(",")}?batch=1&input=${input(Object.fromEntries(taskIds.slice(b * 10, b * 10 + 10).map((id, i) => [i, { id }])))}`),
  ),
  ...projectIds.slice(0, 15).map((projectId, i) => get(`/trpc/tasks.list?input=${input({ projectId, limit: 50, sort: { by: i % 2 ? "dueDate" : "createdAt", dir: "asc" } })}`)),
  get(`/trpc/tasks.list?input=${input({ search: word, limit: 20 })}`),
  get(`/trpc/tasks.count?input=${input({ projectId: projectIds[0] })}`),
  get(`/trpc/tasks.labels?input=${input({ labels: ["work"] })}`),
  get(`/trpc/projects.list?input=${input({ limit: 50 })}`),
  ...projectIds.slice(0, 10).map((projectId) =>
    `wrk.format("POST", "/trpc/tasks.create", { ["content-type"] = "application/json" }, ${JSON.stringify(JSON.stringify({ projectId, title: `Load ${word}`, labels: ["load"] }))})`,
  ),
  get(`/trpc/tasks.get?input=${input({ id: "missing" })}`),
];
// One wrk thread: it stops itself after the wanted number of answers.
const script = `local calls = {${calls.join(",\n")}}
local i = 0
local answered = 0
request = function()
  i = i + 1
  return calls[(i % #calls) + 1]
end
response = function(status, headers, body)
  answered = answered + 1
  if answered >= ${requests} then wrk.thread:stop() end
end
`;

const dir = mkdtempSync(join(tmpdir(), "taskrpc-bench-rss-"));
const scriptPath = join(dir, "mixed.lua");
writeFileSync(scriptPath, script);
const child = fork(new URL("./http-server.ts", import.meta.url), ["taskrpc", values.db], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
process.on("exit", () => {
  child.kill();
  rmSync(dir, { recursive: true, force: true });
});
const url = await new Promise<string>((resolve, reject) => {
  child.once("message", (message) => resolve((message as { url: string }).url));
  child.once("exit", (code) => reject(new Error(`the server exited with ${code}`)));
});
const cores = availableParallelism();
execFileSync("taskset", ["-a", "-p", "-c", "0", String(child.pid)], { stdio: "ignore" });
const memory = () =>
  new Promise<{ rss: number; heapUsed: number }>((resolve) => {
    child.once("message", (message) => resolve(message as { rss: number; heapUsed: number }));
    child.send("usage");
  });
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const load = () => loadavg().map((value) => value.toFixed(2)).join(" ");

console.info(`${calls.length} kinds of call, ${requests} calls a run, ${values.connections} connections; load average ${load()} on ${cores} cores`);
const idle = await memory();
console.info(`idle: RSS ${mb(idle.rss)}, heap used ${mb(idle.heapUsed)}`);
for (let run = 1; run <= Number(values.runs); run++) {
  const started = performance.now();
  const output = execFileSync(
    "taskset",
    ["-c", cores > 1 ? "1" : "0", "wrk", "-t1", `-c${values.connections}`, "-d3600s", "-s", scriptPath, `${url}/`],
    { encoding: "utf8" },
  );
  const answered = Number(/(\d+) requests in/u.exec(output)?.[1] ?? 0);
  const failed = Number(/Non-2xx or 3xx responses: (\d+)/u.exec(output)?.[1] ?? 0);
  const after = await memory();
  console.info(
    `after run ${run}: RSS ${mb(after.rss)}, heap used ${mb(after.heapUsed)} (${answered} calls in ${((performance.now() - started) / 1000).toFixed(0)} s, ${failed} not 2xx; load average ${load()})`,
  );
}
process.exit(0);
