#!/usr/bin/env node
// The loop in one command. `npm run check`: typecheck, lint and layers over the whole tree (each caches what it
// saw), and only the tests the change can affect, all at once. `npm run check:all` (--all): the same static
// steps and the whole of `npm test`. On success one line of timings; on failure only the output of the first
// failing step, in the order listed. Each step is the package.json script of its name, run straight from
// package.json (not through `npm run`, whose start-up adds about 0.3 s a step), so it is defined once, there.
//
// "The change" is everything uncommitted, untracked files included, against the last commit (HEAD). Which
// tests it can affect:
// - a TypeScript or JavaScript module: the tests whose imports reach it, from vitest's module graph (`vitest
//   related`); vitest.config.ts's forceRerunTriggers (its config, tests/support, migrations, the lockfile) make
//   vitest run everything instead;
// - a file the graph cannot see because only a child process or a tool loads it: the tests in `outsideGraph`;
// - any other file (a migration, package.json, an asset a module reads at run time): everything, since no graph
//   says who reads it; prose and tool settings no test reads (`readByNoTest`) add nothing.
// Beside those, the smoke set always runs: the server over real HTTP and the CLI as a real process, through
// every layer, so even a docs-only change is checked end to end once.
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { delimiter, join } from "node:path";

const smoke = ["tests/e2e/server.test.ts", "tests/cli/bin.test.ts"];
const processTests = ["tests/cli/bin.test.ts", "tests/e2e/process.test.ts"];
const outsideGraph = [
  // bin/taskrpc.mjs loads src/cli/main.ts (and `serve`) through tsx in a child process.
  { files: /^(bin\/|src\/cli\/main\.ts$|src\/server\/serve\.ts$)/u, tests: processTests },
  // The layers test cruises a copy of the tree with this config.
  { files: /^\.dependency-cruiser\.cjs$/u, tests: ["tests/layers/layers.test.ts"] },
];
const modules = /\.(ts|mts|cts|js|mjs|cjs)$/u;
const readByNoTest = /(\.(md|mdc|txt|png|svg)$|^\.ci\/|^\.cursor\/|^\.gitignore$|^LICENSE|^stryker\.config\.json$)/u;

const all = process.argv.includes("--all");
const { scripts } = JSON.parse(readFileSync("package.json", "utf8"));

function changedFiles() {
  const git = (...args) => execFileSync("git", [...args, "-z"], { encoding: "utf8" }).split("\0").filter(Boolean);
  return [...new Set([...git("diff", "--name-only", "--no-renames", "HEAD"), ...git("ls-files", "--others", "--exclude-standard")])];
}

/** The test step's command, and what it was given to choose by. */
function testStep() {
  const test = `${scripts.test} --reporter=dot`;
  if (all) return { command: test, scope: "all" };
  let changed;
  try {
    changed = changedFiles();
  } catch {
    return { command: test, scope: "all: no git history to compare with" };
  }
  const unseen = changed.find((file) => !modules.test(file) && !readByNoTest.test(file));
  if (unseen) return { command: test, scope: `all: ${unseen} changed` };
  const extra = outsideGraph.flatMap((rule) => (changed.some((file) => rule.files.test(file)) ? rule.tests : []));
  const related = [...new Set([...changed.filter((file) => modules.test(file)), ...extra, ...smoke])];
  const quoted = related.map((file) => `'${file.replaceAll("'", "'\\''")}'`);
  return { command: `vitest related --run --reporter=dot ${quoted.join(" ")}`, scope: `${changed.length} changed file(s) + smoke` };
}

const { command, scope } = testStep();
const steps = [
  { name: "typecheck", command: scripts.typecheck },
  { name: "lint", command: scripts.lint },
  { name: "layers", command: scripts.layers },
  // Type-aware lint (a promise not awaited) builds the whole type program: too slow for the loop, run before a push.
  ...(all ? [{ name: "lint:promises", command: scripts["lint:promises"] }] : []),
  { name: "test", command },
];
const env = { ...process.env, FORCE_COLOR: "1", PATH: [join(process.cwd(), "node_modules", ".bin"), process.env.PATH].join(delimiter) };

const started = performance.now();
const children = [];
const results = steps.map(
  (step) =>
    new Promise((resolve) => {
      const child = spawn(step.command, { shell: true, env });
      children.push(child);
      let output = "";
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
      child.on("error", (error) => resolve({ step, code: 1, output: String(error), seconds: 0 }));
      child.on("close", (code) => resolve({ step, code, output, seconds: (performance.now() - started) / 1000 }));
    }),
);

const timings = [];
for (const pending of results) {
  const { step, code, output, seconds } = await pending;
  if (code !== 0) {
    for (const child of children) child.kill();
    const rerun = step.name === "test" ? step.command : `npm run ${step.name}`;
    process.stderr.write(`${output.trimEnd()}\n\ncheck failed at step "${step.name}" (${rerun} re-runs it alone)\n`);
    process.exit(1);
  }
  // eslint-disable-next-line no-control-regex -- the summary line is coloured
  const files = /Test Files\s+(\d+) passed/u.exec(output.replace(/\x1b\[[0-9;]*m/gu, ""))?.[1];
  timings.push(`${step.name} ${seconds.toFixed(1)}s${files ? ` (${files} files; ${scope})` : ""}`);
}
console.info(`check${all ? ":all" : ""} passed in ${((performance.now() - started) / 1000).toFixed(1)}s (${timings.join(", ")})`);
