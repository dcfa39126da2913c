#!/usr/bin/env node
// The loop in one command. `npm run check`: typecheck over the whole tree, lint over the changed files, layers
// when an import changed, and the tests nearest the change (scripts/affected-tests.mjs says which and why), all
// at once. `npm run check:all` (--all): typecheck, lint and layers over the whole tree and the whole of
// `npm test`, as CI runs them (CI runs every tool cold; elsewhere lint, layers and tests run in the resident
// daemon once it is up, scripts/check-daemon.mjs). On success one line: each step's time, the test files run and
// why, and the load average (the machine may be shared). On failure only the output of the first failing step, in
// the order listed. Each step is the package.json script of its name, run straight from package.json (not through
// `npm run`, whose start-up adds about 0.3 s a step), so it is defined once, there.
//
// "The change" is everything uncommitted, untracked files included, against the last commit (HEAD).
// Lint keeps a cache, but loading eslint and its TypeScript parser costs a second whatever it then skips: given
// only the changed files it does no more work than with the cache, without walking the tree. Layer rules concern
// imports only: while every module has the import lines it had when the rules last passed, the step is skipped.
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { init, parse } from "es-module-lexer";
import { affectedTests } from "./affected-tests.mjs";
import { checkResident, daemonWanted } from "./check-daemon.mjs";

const all = process.argv.includes("--all");
const { scripts } = JSON.parse(readFileSync("package.json", "utf8"));
const modules = /\.(ts|mts|cts|js|mjs|cjs)$/u;
const quote = (file) => `'${file.replaceAll("'", "'\\''")}'`;

function git(...args) {
  return execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
}

function changedFiles() {
  const list = (...args) => git(...args, "-z").split("\0").filter(Boolean);
  return [...new Set([...list("diff", "--name-only", "--no-renames", "HEAD"), ...list("ls-files", "--others", "--exclude-standard")])];
}

/** The import and export-from lines of a module's source, as written. */
function importLines(source) {
  try {
    return parse(source)[0].map((entry) => source.slice(entry.ss, entry.se).replace(/\s+/gu, " ")).join("\n");
  } catch {
    return undefined;
  }
}

/** The repository's files examples/react's type check reads: its sources and, following every import (type-only
 * ones too: they are what a type check reads), the SDK and the parts of src/ its types come from. */
function exampleProgram() {
  const seen = new Set(readdirSync("examples/react/src", { recursive: true, encoding: "utf8" }).map((file) => join("examples/react/src", file)));
  const queue = [...seen].filter((file) => modules.test(file) || file.endsWith(".tsx"));
  while (queue.length > 0) {
    const file = queue.pop();
    for (const [, specifier] of readFileSync(file, "utf8").matchAll(/\b(?:from|import)\s*["']([^"']+)["']/gu)) {
      const base = specifier === "@taskrpc/sdk" ? "sdk/src/index.ts" : specifier.startsWith(".") ? join(dirname(file), specifier) : undefined;
      const found = base && [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, base.replace(/\.js$/u, ".ts")].find((path) => existsSync(path) && statSync(path).isFile());
      if (found && !seen.has(found)) {
        seen.add(found);
        queue.push(found);
      }
    }
  }
  return seen;
}

/** Whether the change can break examples/react's types: a file its type check reads, a deleted module (it may
 * have been one), or its settings and the packages it is checked against. */
function exampleAffected(changed) {
  const program = exampleProgram();
  return changed.some(
    (file) => file.startsWith("examples/") || program.has(file) || /^(sdk\/|package(-lock)?\.json$)/u.test(file) || (modules.test(file) && !existsSync(file)),
  );
}

/** Every file git knows of: tracked, or untracked and not ignored. Undefined without git. */
let known;
function knownFiles() {
  try {
    known ??= git("ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0").filter(Boolean);
  } catch {
    return undefined;
  }
  return known;
}

/** A file's time and size (none when it is gone). */
function stamp(file) {
  const stat = statSync(file, { throwIfNoEntry: false });
  return `${file}\0${stat ? `${stat.mtimeMs}:${stat.size}` : "none"}`;
}

/**
 * What the typecheck reads, as times and sizes: every file git knows of and the installed packages (npm's record of
 * them, examples/react's workspace included; no ignored file is in a tsconfig's include).
 */
function treeInputs() {
  return knownFiles()?.concat("node_modules/.package-lock.json").map(stamp).join("\n");
}

/** The files that configure the cruise: what they hold counts whole, not only their import lines. */
const cruiseSettings = /^(\.dependency-cruiser\.cjs|tsconfig\.json|package\.json)$/u;

/**
 * What the layer rules read: every module's import lines (a change inside a function leaves them as they were),
 * every file's name (an import resolves to whichever exists), the cruise's settings, and the installed packages.
 */
function importInputs() {
  return knownFiles()
    ?.map((file) => {
      if (!existsSync(file)) return `${file}\0none`;
      if (!cruiseSettings.test(file) && !modules.test(file)) return file;
      const source = readFileSync(file, "utf8");
      return `${file}\0${cruiseSettings.test(file) ? source : (importLines(source) ?? source)}`;
    })
    .concat(stamp("node_modules/.package-lock.json"))
    .join("\n");
}
const passedSteps = join("node_modules", ".cache", "check", "passed.json");
const readPassed = () => {
  try {
    return JSON.parse(readFileSync(passedSteps, "utf8"));
  } catch {
    return {};
  }
};

/**
 * The step (the typecheck or the layers), skipped while what it reads (`read()`) is what it was when its command
 * last passed: it would pass again. Each still costs seconds when nothing changed: tsgo's incremental check reads
 * every file and the packages' types (about 2 s of CPU), a cruise parses every module (about 1 s resident, 1.7 s
 * cold).
 */
function unlessUnchanged(step, read) {
  const what = read();
  if (what === undefined) return step;
  const inputs = createHash("sha256").update(step.command).update(what).digest("hex");
  return readPassed()[step.command] === inputs ? { ...step, skip: "inputs unchanged since it passed" } : { ...step, inputs };
}

const postgresCode = /^(src\/data\/pg\/|drizzle\/pg\/|tests\/pg\/|tests\/support\/(pglite|postgres)\.ts$)/u;

/** The steps for this change: each a name and a command, or `skip` saying why it need not run. */
async function plan() {
  await init;
  // `resident`: what the daemon is asked for in the step's place (lint's paths, layers, the test files).
  const wholeTests = { name: "test", command: `${scripts.test} --reporter=dot`, scope: "all", resident: "all" };
  const whole = [
    { name: "typecheck", command: scripts.typecheck },
    { name: "lint", command: scripts.lint, resident: ["."] },
    { name: "layers", command: scripts.layers, resident: true },
  ];
  if (all) return [unlessUnchanged(whole[0], treeInputs), whole[1], unlessUnchanged(whole[2], importInputs), wholeTests];
  let changed;
  try {
    changed = changedFiles();
  } catch {
    return [...whole, { ...wholeTests, scope: "all: no git history to compare with" }];
  }
  const [typecheck, lint, layers] = whole;
  // The typecheck is two programs, the tree's and examples/react's (about a second of CPU); the example's only
  // when the change can reach its types.
  const [typecheckTree] = typecheck.command.split(" && ");
  const typecheckStep = unlessUnchanged(
    exampleAffected(changed) ? typecheck : { ...typecheck, command: typecheckTree, scope: "examples/react unaffected" },
    treeInputs,
  );
  const lintable = changed.filter((file) => modules.test(file) && existsSync(file));
  const lintStep =
    lintable.length === 0
      ? { ...lint, skip: "no changed module" }
      : // --no-warn-ignored: a changed file eslint ignores (dist/, say) is not a warning here.
        { ...lint, command: `${scripts.lint.replace(/ \.$/u, "")} --no-warn-ignored ${lintable.map(quote).join(" ")}`, resident: lintable };
  const layersStep = unlessUnchanged(layers, importInputs);
  const tests = await affectedTests(changed);
  // The PostgreSQL half of the contract and property suites (PGlite, about 4x SQLite's time) is the PostgreSQL
  // tier's (npm run test:pg; npm test and check:all leave it out too): it runs here only when PostgreSQL's own
  // code changed, which nothing else tests. A rule of the domain is caught by SQLite and the fake.
  const pglite = changed.some((file) => postgresCode.test(file));
  const testStep = tests.all
    ? { ...wholeTests, scope: `all: ${tests.why}` }
    : {
        name: "test",
        command: `${pglite ? "" : "TEST_PGLITE=off "}vitest run --reporter=dot ${tests.files.map(quote).join(" ")}`,
        scope: `${tests.why}${pglite ? "" : "; PGlite left to test:pg"}`,
        resident: tests.files,
        pglite,
      };
  return [typecheckStep, lintStep, layersStep, testStep];
}

const started = performance.now();
const steps = await plan();
const env = { ...process.env, FORCE_COLOR: "1", PATH: [join(process.cwd(), "node_modules", ".bin"), process.env.PATH].join(delimiter) };
const children = [];
const elapsed = () => (performance.now() - started) / 1000;

function run(step) {
  return new Promise((resolve) => {
    const child = spawn(step.command, { shell: true, env });
    children.push(child);
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", (error) => resolve({ step, code: 1, output: String(error), seconds: 0 }));
    child.on("close", (code) => resolve({ step, code, output, seconds: elapsed() }));
  });
}

// Lint, layers and the tests go to the resident eslint, dependency-cruiser and vitest (scripts/check-daemon.mjs)
// when one is up to date, else run cold; the first such check starts one. The typecheck (tsgo, native and
// incremental) always runs here, beside them.
const residentStep = (name) => steps.find((step) => step.name === name && !step.skip);
const [lintStep, layersStep, testStep] = ["lint", "layers", "test"].map(residentStep);
const sent = elapsed();
const resident = daemonWanted(process.env)
  ? checkResident({ lint: lintStep?.resident ?? [], layers: Boolean(layersStep), tests: testStep?.resident ?? [], pglite: Boolean(testStep?.pglite) })
  : Promise.resolve(undefined);
const results = steps.map((step) => {
  if (step.skip) return Promise.resolve({ step, code: 0, output: "" });
  if (!step.resident) return run(step);
  return resident.then((answer) => {
    const done = answer?.[step.name];
    if (!done) return run(step);
    const scope = step.scope ?? (Array.isArray(step.resident) && step.resident[0] !== "." ? `${step.resident.length} files` : undefined);
    return { ...done, step: { ...step, scope: scope ? `${scope}; resident` : "resident" }, seconds: sent + done.seconds };
  });
});

const timings = [];
for (const pending of results) {
  const { step, code, output, seconds } = await pending;
  if (code !== 0) {
    for (const child of children) child.kill();
    const rerun = step.name === "test" ? step.command : `npm run ${step.name}`;
    process.stderr.write(`${output.trimEnd()}\n\ncheck failed at step "${step.name}" (${rerun} re-runs it alone)\n`);
    process.exit(1);
  }
  if (step.skip) {
    timings.push(`${step.name} skipped (${step.skip})`);
    continue;
  }
  if (step.inputs) {
    mkdirSync(dirname(passedSteps), { recursive: true });
    writeFileSync(passedSteps, JSON.stringify({ ...readPassed(), [step.command]: step.inputs }));
  }
  // eslint-disable-next-line no-control-regex -- the summary line is coloured
  const files = /Test Files\s+(\d+) passed/u.exec(output.replace(/\x1b\[[0-9;]*m/gu, ""))?.[1];
  timings.push(`${step.name} ${seconds.toFixed(1)}s${files ? ` (${files} files; ${step.scope})` : step.scope ? ` (${step.scope})` : ""}`);
}
const residentCpu = (await resident)?.cpuSeconds;
if (residentCpu !== undefined) timings.push(`resident CPU ${residentCpu.toFixed(1)}s`);
const load = loadavg()[0]?.toFixed(2);
console.info(`check${all ? ":all" : ""} passed in ${((performance.now() - started) / 1000).toFixed(1)}s (${timings.join(", ")}; load ${load})`);
