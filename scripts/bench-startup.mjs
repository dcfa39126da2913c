#!/usr/bin/env node
// Start-up figures of the server and the CLI, run from the TypeScript sources through tsx (as before the build)
// and from the build in dist/ (what the bin runs), in turns on this machine, so the two columns are comparable:
// time from spawn to the first 200 from /healthz, resident memory (RSS) right then, and the wall time of one
// CLI command. Prints medians (min–max) of RUNS runs (default 5). A benchmark, not a test: it asserts nothing.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildProblem, builtEntry, packageRoot } from "../bin/build-state.mjs";

const problem = buildProblem();
if (problem) {
  console.error(`bench:startup: ${problem}: run npm run build`);
  process.exit(1);
}
const runs = Number(process.env.RUNS ?? 5);
const dir = mkdtempSync(join(tmpdir(), "taskrpc-bench-"));
// Before: what bin/taskrpc.mjs did until the build: import the plain-JavaScript dependencies, then register
// tsx's loader and run the TypeScript CLI ("bench" stands in for the script's own path in process.argv).
const throughTsx = `
await Promise.allSettled(["zod", "@trpc/server", "@trpc/server/shared", "trpc-cli", "better-sqlite3", "drizzle-orm",
  "drizzle-orm/sqlite-core", "drizzle-orm/better-sqlite3", "drizzle-orm/better-sqlite3/migrator", "uuid"].map((name) => import(name)));
(await import("tsx/esm/api")).register();
await import(${JSON.stringify(pathToFileURL(join(packageRoot, "src", "cli", "main.ts")).href)});`;
const variants = {
  "before: tsx (sources)": ["--input-type=module", "--eval", throughTsx, "bench"],
  "after: dist (build)": [builtEntry],
};

const rssMegabytes = (pid) => Number(/VmRSS:\s+(\d+)/u.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]) / 1024;

/** Spawns `serve`, waits for the start line, then polls /healthz until it answers 200. */
async function startUp(args) {
  const started = performance.now();
  const child = spawn(process.execPath, [...args, "serve", "--port", "0", "--db", join(dir, "serve.db")], { cwd: packageRoot });
  try {
    const url = await new Promise((resolve, reject) => {
      let output = "";
      child.stdout.on("data", (chunk) => {
        output += chunk;
        const match = /listening on (http:\/\/\S+)/u.exec(output);
        if (match) resolve(match[1]);
      });
      child.on("exit", () => reject(new Error(`server exited:\n${output}`)));
    });
    for (;;) {
      const response = await fetch(`${url}/healthz`).catch(() => undefined);
      if (response?.status === 200) break;
    }
    return { seconds: (performance.now() - started) / 1000, rss: rssMegabytes(child.pid) };
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  }
}

function command(args) {
  const started = performance.now();
  const run = spawnSync(process.execPath, [...args, "projects", "list", "--db", join(dir, "cli.db")], { cwd: packageRoot });
  if (run.status !== 0) throw new Error(String(run.stderr));
  return (performance.now() - started) / 1000;
}

const figures = Object.fromEntries(Object.keys(variants).map((name) => [name, { startUp: [], rss: [], command: [] }]));
for (let run = 0; run < runs; run++) {
  for (const [name, args] of Object.entries(variants)) {
    const { seconds, rss } = await startUp(args);
    figures[name].startUp.push(seconds);
    figures[name].rss.push(rss);
    figures[name].command.push(command(args));
  }
  process.stderr.write(`run ${run + 1}/${runs}\n`);
}
rmSync(dir, { recursive: true, force: true });

const summary = (values, unit, digits) => {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `${median.toFixed(digits)} ${unit} (${sorted[0].toFixed(digits)}–${sorted.at(-1).toFixed(digits)})`;
};
const rows = [
  ["serve: spawn → first /healthz 200", "startUp", "s", 2],
  ["serve: RSS at that moment", "rss", "MB", 0],
  ["taskrpc projects list: wall time", "command", "s", 2],
];
const names = Object.keys(variants);
const width = Math.max(...rows.map(([label]) => label.length));
console.info(`median (min–max) of ${runs} runs, Node ${process.version}\n`);
console.info(`${"".padEnd(width)}  ${names.map((name) => name.padEnd(24)).join("")}`);
for (const [label, key, unit, digits] of rows) {
  console.info(`${label.padEnd(width)}  ${names.map((name) => summary(figures[name][key], unit, digits).padEnd(24)).join("")}`);
}
