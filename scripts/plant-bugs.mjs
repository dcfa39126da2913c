#!/usr/bin/env node
// Proves the inner loop: for one file in each layer, `npm run check` after a harmless one-line change must pass
// (and says how long it took), and after a planted one-line bug must fail (and says which step and tests caught
// it, and how long it took). Each file is restored afterwards, whatever happens. Needs a clean working tree,
// since the check sizes itself to the uncommitted change. `npm run check:proof`; `-- <layer>` runs one case.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { daemonRunning, startDaemon, stopDaemon } from "./check-daemon.mjs";

// Realistic one-line slips, each in a file a layer's suite owns.
const cases = [
  {
    layer: "domain",
    what: "a data rule: a project with one task may be deleted",
    file: "src/domain/rules.ts",
    find: "if (taskCount > 0) {",
    bug: "if (taskCount > 1) {",
  },
  {
    layer: "domain",
    what: "an input schema: a page may hold 1000 items",
    file: "src/domain/fields.ts",
    find: "z.number().int().min(1).max(100).default(50)",
    bug: "z.number().int().min(1).max(1000).default(50)",
  },
  {
    layer: "data",
    what: "deleting a task deletes every task of its project",
    file: "src/data/sqlite-repository.ts",
    find: "this.db.delete(tasks).where(eq(tasks.id, current.id)).run();",
    bug: "this.db.delete(tasks).where(eq(tasks.projectId, current.projectId)).run();",
  },
  {
    layer: "api",
    what: "a router: tasks.reopen completes the task",
    file: "src/api/routers/tasks.ts",
    find: ".mutation(({ ctx, input }) => ctx.repo.reopenTask(input)),",
    bug: ".mutation(({ ctx, input }) => ctx.repo.completeTask(input)),",
  },
  {
    layer: "api",
    what: "the error shape: VERSION_MISMATCH is a 400, not a 409",
    file: "src/api/errors.ts",
    find: 'VERSION_MISMATCH: "CONFLICT",',
    bug: 'VERSION_MISMATCH: "BAD_REQUEST",',
  },
  {
    layer: "server",
    what: "HTTP handling: a tRPC request body has no size limit",
    file: "src/server/http.ts",
    find: "await readBody(req, res, guards.maxBodyBytes);",
    bug: "await readBody(req, res, Number.MAX_SAFE_INTEGER);",
  },
  {
    // Caught by the typecheck (a query's repository has no writes), after a harmless change whose typecheck
    // passed: the typecheck step's skip must not outlive a change.
    layer: "types",
    what: "a query writes: projects.get deletes the project",
    file: "src/api/routers/projects.ts",
    find: ".query(({ ctx, input }) => ctx.repo.getProject(input.id)),",
    bug: ".query(({ ctx, input }) => ctx.repo.deleteProject(input)),",
  },
  {
    layer: "cli",
    what: "the CLI exits 0 on bad input",
    file: "src/cli/failure.ts",
    find: "usage: 2 }",
    bug: "usage: 0 }",
  },
];

const only = process.argv[2];
const dirty = execFileSync("git", ["status", "--porcelain"], { encoding: "utf8" }).trim();
if (dirty) {
  console.error(`plant-bugs: the working tree has changes; commit or stash them first:\n${dirty}`);
  process.exit(2);
}

// The checks go through the resident eslint and vitest as a developer's do (CI's too): their module caches must
// not hide a planted bug, nor keep one after its file is restored. A daemon this run started is stopped at the end.
// It is up before the first case, which would otherwise run cold and be timed so.
const hadDaemon = await daemonRunning();
if (!hadDaemon) {
  console.info("starting the check daemon (scripts/check-daemon.mjs) ...");
  const deadline = Date.now() + 180_000;
  while (!(await daemonRunning())) {
    if (Date.now() > deadline) throw new Error("the check daemon did not start within 3 minutes: see node_modules/.cache/check/daemon.log");
    // Starts one unless one was started within the last minute (it may still be loading).
    startDaemon();
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Runs the check as a developer does; returns whether it passed, its time, its summary and what failed. */
function check() {
  const load = loadavg()[0].toFixed(2);
  const started = performance.now();
  const run = spawnSync(process.execPath, ["scripts/check.mjs"], { encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0", CHECK_DAEMON: "on" } });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  // eslint-disable-next-line no-control-regex -- the steps' output is coloured
  const output = `${run.stdout}${run.stderr}`.replace(/\x1b\[[0-9;]*m/gu, "");
  const step = /check failed at step "(\w+)"/u.exec(output)?.[1];
  // Each failed test, as vitest names it: "file > suite > test".
  const failed = [...new Set([...output.matchAll(/^\s*FAIL\s+(\S+\.test\.ts.*)$/gmu)].map((match) => match[1]))];
  const summary = /^check passed.*$/mu.exec(output)?.[0] ?? output.trim().split("\n").at(-1);
  return { passed: run.status === 0, seconds, load, step, failed, summary, output };
}

/** The end of what a check that should have passed printed: the failures, their errors and where they arose. */
function failure(run) {
  return run.output.trim().split("\n").slice(-60).map((line) => `\n    | ${line}`).join("");
}

let wrong = 0;
for (const planted of cases.filter((entry) => !only || entry.layer === only)) {
  const original = readFileSync(planted.file, "utf8");
  if (original.split(planted.find).length !== 2) throw new Error(`${planted.file}: expected "${planted.find}" exactly once`);
  try {
    writeFileSync(planted.file, `${original}// a harmless one-line change\n`);
    const control = check();
    writeFileSync(planted.file, original.replace(planted.find, planted.bug));
    const caught = check();
    if (!control.passed || caught.passed) wrong++;
    console.info(`${planted.layer}, ${planted.file}:
  harmless change: ${control.passed ? "passed" : "FAILED"} in ${control.seconds}s (load ${control.load}): ${control.summary}${control.passed ? "" : failure(control)}
  planted bug (${planted.what}): ${caught.passed ? "NOT CAUGHT" : `caught by ${caught.step}`} in ${caught.seconds}s (load ${caught.load})${caught.failed.map((test) => `\n    ${test}`).join("")}`);
  } finally {
    writeFileSync(planted.file, original);
  }
}
if (!hadDaemon) await stopDaemon();
process.exit(wrong === 0 ? 0 : 1);
