// Memory of taskrpc's server under sustained load: `taskrpc serve` (the built bin, as users run it, logging every
// request, to /dev/null here) on a seeded database, then runs of mixed calls from wrk (point reads, batches, lists,
// searches, creates, a 404), printing the server's RSS after each and what it is made of, so growth between runs
// shows. Run `npm run build` first: the bin runs dist/.
//   npm run bench:rss -- --db FILE [--requests 300000] [--runs 2] [--connections 32] [--code DIR]
// The creates add tasks to FILE (about a tenth of the calls).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";

const usage = `Usage: npm run bench:rss -- --db FILE [--requests N] [--runs N] [--connections N]   (needs wrk and taskset)

Starts taskrpc's server on FILE (made by npm run seed), prints its RSS idle, then after each run of N mixed calls
(default 300000, 2 runs). The creates among them add tasks to FILE. --code DIR runs the bin of another checkout
(e.g. the code before a change, built, on a database it accepts).`;

const { values } = parseArgs({
  options: {
    db: { type: "string" },
    requests: { type: "string", default: "300000" },
    runs: { type: "string", default: "2" },
    connections: { type: "string", default: "32" },
    code: { type: "string" },
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
// The requests are made in init, once wrk knows the Host header.
const script = `local calls
init = function(args)
  calls = {${calls.join(",\n")}}
end
local i = 0
request = function()
  i = i + 1
  return calls[(i % #calls) + 1]
end
`;

const dir = mkdtempSync(join(tmpdir(), "taskrpc-bench-rss-"));
const scriptPath = join(dir, "mixed.lua");
writeFileSync(scriptPath, script);
// A free port, taken and let go, so the server's log can go straight to /dev/null.
const port = await new Promise<number>((resolvePort) => {
  const probe = createServer().listen(0, "127.0.0.1", () => {
    const { port: free } = probe.address() as AddressInfo;
    probe.close(() => resolvePort(free));
  });
});
const bin = resolve(values.code ?? ".", "bin/taskrpc.mjs");
const nowhere = openSync("/dev/null", "w");
const child = spawn(process.execPath, [bin, "serve", "--port", String(port), "--db", values.db], {
  cwd: values.code ?? ".",
  env: { ...process.env, HOST: "127.0.0.1" },
  stdio: ["ignore", nowhere, "inherit"],
});
process.on("exit", () => {
  child.kill();
  rmSync(dir, { recursive: true, force: true });
});
const url = `http://127.0.0.1:${port}`;
for (let tries = 0; ; tries++) {
  const up = await fetch(`${url}/healthz`).then((response) => response.ok, () => false);
  if (up) break;
  if (tries > 300 || child.exitCode !== null) throw new Error("the server did not start");
  await new Promise((wait) => setTimeout(wait, 100));
}
const cores = availableParallelism();
execFileSync("taskset", ["-a", "-p", "-c", "0", String(child.pid)], { stdio: "ignore" });
// RSS and what it is made of, from the kernel's map of the process: the executable and libraries (file-backed),
// malloc's main heap (SQLite's page caches and statements, among others: "[heap]"), and the other anonymous
// memory (mostly V8's heap, and threads' malloc arenas).
const rss = () => {
  let total = 0;
  let anonymous = 0;
  let heap = 0;
  let inHeap = false;
  for (const line of readFileSync(`/proc/${child.pid}/smaps`, "utf8").split("\n")) {
    const kB = Number(/^\w+:\s+(\d+) kB/u.exec(line)?.[1]);
    if (/^[\da-f]+-[\da-f]+ /u.test(line)) inHeap = line.endsWith("[heap]");
    else if (line.startsWith("Rss:")) {
      total += kB;
      if (inHeap) heap += kB;
    } else if (line.startsWith("Anonymous:")) anonymous += kB;
  }
  const mb = (kB: number) => `${(kB / 1024).toFixed(0)} MB`;
  const status = Number(/VmRSS:\s+(\d+)/u.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1]);
  return `${mb(status)} (file-backed ${mb(total - anonymous)}, malloc's main heap ${mb(heap)}, other anonymous ${mb(anonymous - heap)})`;
};
const load = () => loadavg().map((value) => value.toFixed(2)).join(" ");

console.info(`${calls.length} kinds of call, ${requests} calls a run, ${values.connections} connections; load average ${load()} on ${cores} cores`);
console.info(`idle: RSS ${rss()}`);
for (let run = 1; run <= Number(values.runs); run++) {
  const started = performance.now();
  // wrk runs for a duration, not a count: slices of 20 s until the run has made its calls.
  let answered = 0;
  let failed = 0;
  while (answered < requests) {
    const output = execFileSync("taskset", ["-c", cores > 1 ? "1" : "0", "wrk", "-t1", `-c${values.connections}`, "-d20s", "-s", scriptPath, `${url}/`], {
      encoding: "utf8",
    });
    answered += Number(/(\d+) requests in/u.exec(output)?.[1] ?? 0);
    failed += Number(/Non-2xx or 3xx responses: (\d+)/u.exec(output)?.[1] ?? 0);
  }
  console.info(
    `after run ${run}: RSS ${rss()} (${answered} calls in ${((performance.now() - started) / 1000).toFixed(0)} s, ${failed} not 2xx; load average ${load()})`,
  );
}
process.exit(0);
