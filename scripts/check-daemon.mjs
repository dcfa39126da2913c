#!/usr/bin/env node
// The resident half of `npm run check` and `check:all`: eslint, dependency-cruiser and vitest kept loaded between
// checks, so a check pays none of their start-ups (on a 2-core machine about 1.3 s of CPU for eslint, 1.6 s for
// dependency-cruiser, which loads TypeScript, 1.5-2 s for vitest's config, server and global set-up). A check
// starts it in the background when it is not running and uses it from the next check on; `CHECK_DAEMON=off` and CI
// (`CI` set, unless `CHECK_DAEMON=on`) run every tool cold.
//   node scripts/check-daemon.mjs [start|stop|status]   (npm run check:daemon -- stop)
//
// It answers one check at a time on a Unix socket in node_modules/.cache/check/, which only its owner may open.
// Nothing goes stale: before each run, every source file whose time or size changed since the last run is dropped
// from vitest's module cache (the test workers themselves start afresh on every run), and a change to what either
// tool reads once (its config, the packages, the global set-up, the migrations the template database is made
// with, this file, the list of test files) makes the daemon exit and that check run cold. It exits after 30 idle
// minutes too; its log is node_modules/.cache/check/daemon.log. It holds about 700 MB, and makes way for a fresh one every 100 checks.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const folder = join(root, "node_modules", ".cache", "check");
// A Unix socket's path must fit in about 100 bytes: in a deeply nested clone it lives in the temporary folder.
const inTree = join(folder, "daemon.sock");
const socketPath = inTree.length < 100 ? inTree : join(tmpdir(), `taskrpc-check-${createHash("sha256").update(root).digest("hex").slice(0, 16)}.sock`);
const startedMarker = join(folder, "daemon.started");
const idleMinutes = 30;
const maxRuns = 100;

// What the daemon reads once; the fingerprint of their times and sizes (with Node's version) must match the
// client's for it to serve a check.
const readOnce = [
  "package.json",
  "package-lock.json",
  "node_modules/.package-lock.json",
  "tsconfig.json",
  "vitest.config.ts",
  "eslint.config.js",
  ".dependency-cruiser.cjs",
  "tests/support/global-setup.ts",
  "bin/build-state.mjs",
  "scripts/check-daemon.mjs",
  "drizzle",
];
// Where the modules vitest's workers import live (the mtime scan before each run).
const sourceRoots = ["src", "sdk/src", "tests", "scripts", "bin", "bench"];

function stamps(paths) {
  const found = new Map();
  for (const path of paths) {
    const full = join(root, path);
    const stat = statSync(full, { throwIfNoEntry: false });
    if (!stat) continue;
    if (!stat.isDirectory()) {
      found.set(full, `${stat.mtimeMs}:${stat.size}`);
      continue;
    }
    for (const entry of readdirSync(full, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || entry.parentPath.includes("node_modules")) continue;
      const file = join(entry.parentPath, entry.name);
      const { mtimeMs, size } = statSync(file);
      found.set(file, `${mtimeMs}:${size}`);
    }
  }
  return found;
}

/**
 * The test files' names (those vitest.config.ts includes end in .test.ts): vitest lists them once, so a test file added
 * later would not run, and the check would pass without it.
 */
function testFileNames() {
  return readdirSync(join(root, "tests"), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".test.ts"))
    .sort();
}

export function fingerprint() {
  return [process.version, ...testFileNames(), ...[...stamps(readOnce)].map(([file, stamp]) => `${file}=${stamp}`)].join("\n");
}

/** Sends one request; resolves to the daemon's answer, or `undefined` when no daemon answers. */
function ask(message) {
  return new Promise((done) => {
    const socket = connect(socketPath);
    let answer = "";
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write(`${JSON.stringify(message)}\n`));
    socket.on("data", (chunk) => (answer += chunk));
    socket.on("end", () => {
      try {
        done(JSON.parse(answer));
      } catch {
        done(undefined);
      }
    });
    socket.on("error", () => done(undefined));
  });
}

export const daemonRunning = async () => (await ask({ ping: true })) !== undefined;
export const stopDaemon = async () => (await ask({ stop: true })) !== undefined;

/** Whether `npm run check` (not check:all) uses the daemon: unless `CHECK_DAEMON=off`, or in CI unless `CHECK_DAEMON=on`. */
export const daemonWanted = (env) => env.CHECK_DAEMON !== "off" && (!env.CI || env.CHECK_DAEMON === "on");

/**
 * Starts the daemon in the background; the check that calls this runs cold. Not again within a minute of the last
 * start: one may still be loading, or failing (its log says why), and each costs a few seconds of CPU.
 */
export function startDaemon() {
  mkdirSync(folder, { recursive: true });
  const last = statSync(startedMarker, { throwIfNoEntry: false });
  if (last && Date.now() - last.mtimeMs < 60_000) return;
  writeFileSync(startedMarker, "");
  const log = openSync(join(folder, "daemon.log"), "a");
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "serve"], { cwd: root, detached: true, stdio: ["ignore", log, log] });
  child.unref();
  closeSync(log);
}

/**
 * Lints `lint` (paths; `["."]` the tree), cruises the layers if `layers`, and runs the test files `tests` (`"all"`:
 * those of `npm test`) in the daemon. Resolves to `{ lint, layers, test }`, each `{ code, output, seconds }` or
 * undefined when not asked, or to `undefined` when no daemon is up to date (one is then started for next time).
 */
export async function checkResident({ lint, layers, tests, pglite }) {
  const answer = await ask({ fingerprint: fingerprint(), lint, layers, tests, pglite });
  if (!answer || answer.stale) startDaemon();
  return answer?.stale ? undefined : answer;
}

/**
 * Lint and the layers, in a thread of their own: a cruise or a lint of the tree keeps its thread busy for a second
 * or two, which on the daemon's main thread held up the test workers it serves (their modules come through it).
 */
async function staticChecksThread() {
  const [{ ESLint }, { cruise }, { default: depcruiseOptions }, { default: tsConfigOf }] = await Promise.all([
    import("eslint"),
    import("dependency-cruiser"),
    import("dependency-cruiser/config-utl/extract-depcruise-options"),
    import("dependency-cruiser/config-utl/extract-ts-config"),
  ]);
  // The lint script's settings (package.json `lint`): the same cache, and any warning fails.
  const eslint = new ESLint({ cache: true, cacheLocation: "node_modules/.cache/eslint/", errorOnUnmatchedPattern: false });
  const formatter = await eslint.loadFormatter("stylish");
  // eslint loads its parsers and rules on the first file it lints: here, not in the first check.
  await eslint.lintText(readFileSync(fileURLToPath(import.meta.url), "utf8"), { filePath: fileURLToPath(import.meta.url) });

  async function lintFiles(files) {
    const begun = performance.now();
    const results = await eslint.lintFiles(files);
    const problems = results.reduce((sum, result) => sum + result.errorCount + result.warningCount, 0);
    return { code: problems === 0 ? 0 : 1, output: problems === 0 ? "" : await formatter.format(results), seconds: (performance.now() - begun) / 1000 };
  }

  // The layers script's folders and config (package.json `layers`), without its cache: dependency-cruiser keeps
  // each file's hash in memory for the life of the process, so a resident cache would never see an edit. Uncached
  // with its modules loaded, a cruise costs about 1 s of CPU, less than the script's start-up alone (the check
  // skips it while nothing it reads changed since it passed).
  const { scripts } = JSON.parse(readFileSync("package.json", "utf8"));
  const [, folders] = /^depcruise (.+?) --output-type err-long --cache \S+ --cache-strategy content$/u.exec(scripts.layers) ?? [];
  if (!folders) throw new Error(`the layers script is not the one this daemon knows how to run: ${scripts.layers}`);
  const cruiseOptions = { ...(await depcruiseOptions("./.dependency-cruiser.cjs")), outputType: "err-long" };
  const tsConfig = tsConfigOf(cruiseOptions.tsConfig.fileName);

  async function cruiseLayers() {
    const begun = performance.now();
    const { output, exitCode } = await cruise(folders.split(" "), cruiseOptions, {}, { tsConfig });
    return { code: exitCode === 0 ? 0 : 1, output: exitCode === 0 ? "" : String(output), seconds: (performance.now() - begun) / 1000 };
  }

  parentPort.on("message", async ({ lint, layers }) => {
    const answer = await Promise.all([lint.length > 0 ? lintFiles(lint) : undefined, layers ? cruiseLayers() : undefined]);
    parentPort.postMessage(answer);
  });
  parentPort.postMessage("ready");
}

/**
 * Starts the thread of lint and the layers; resolves, once it is ready, to the call that runs them there. Should
 * it fail, the daemon exits: the check waiting on it, left without an answer, runs cold.
 */
function startStaticChecks() {
  const thread = new Worker(fileURLToPath(import.meta.url), { workerData: { role: "static checks" } });
  // It answers one request at a time, in order, as the daemon asks them.
  const waiting = [];
  return new Promise((resolve) => {
    thread.on("error", (error) => {
      console.error(`${new Date().toISOString()} stopping: lint and layers failed: ${error?.stack ?? error}`);
      process.exit(1);
    });
    thread.on("message", (message) => {
      if (message === "ready") resolve((request) => new Promise((answered) => (waiting.push(answered), thread.postMessage(request))));
      else waiting.shift()?.(message);
    });
  });
}

async function serve() {
  mkdirSync(folder, { recursive: true });
  if (existsSync(socketPath)) {
    if (await daemonRunning()) return; // another daemon serves this tree
    unlinkSync(socketPath);
  }
  const log = (line) => console.info(`${new Date().toISOString()} ${line}`);
  process.chdir(root);
  const started = fingerprint();
  const [{ createVitest }, staticChecks] = await Promise.all([import("vitest/node"), startStaticChecks()]);
  let captured = [];
  const output = new Writable({
    write(chunk, _encoding, callback) {
      captured.push(String(chunk));
      callback();
    },
  });
  // Vitest pipes each test worker's stdio into it, and pipe() ends the destination when a worker exits; like
  // process.stdout, this stream outlives them.
  output.end = () => output;
  process.env.FORCE_COLOR = "1";
  const vitest = await createVitest("test", { watch: false, reporters: ["dot"] }, {}, { stdout: output, stderr: output });
  await vitest.init();
  let sources = stamps(sourceRoots);

  // The folders `npm test` leaves to tiers of their own (its script's `--exclude 'folder/**'`).
  const { scripts } = JSON.parse(readFileSync("package.json", "utf8"));
  const tierFolders = [...scripts.test.matchAll(/--exclude '([^'*]+)\/\*\*'/gu)].map(([, folder]) => join(root, folder, "/"));

  async function testFiles(files, pglite) {
    const begun = performance.now();
    const now = stamps(sourceRoots);
    for (const file of new Set([...now.keys(), ...sources.keys()])) if (now.get(file) !== sources.get(file)) vitest.invalidateFile(file);
    sources = now;
    // Read by the test files at import: the PostgreSQL half runs only when asked, as `npm test` leaves it out.
    if (pglite) delete process.env.TEST_PGLITE;
    else process.env.TEST_PGLITE = "off";
    captured = [];
    try {
      // "all": what `npm test` runs, the config's test files but the folders its script excludes (the tiers).
      const paths =
        files === "all"
          ? (await vitest.globTestSpecifications()).map((spec) => spec.moduleId).filter((path) => !tierFolders.some((folder) => path.startsWith(folder)))
          : files.map((file) => join(root, file));
      // A rerun, not runTestFiles: only a rerun calls the global set-up's onTestsRerun, which builds dist/ when the
      // child-process suites are among the files and it is stale (the bin refuses a stale build).
      const result = await vitest.rerunTestSpecifications(await vitest.getRelevantTestSpecifications(paths));
      // The result holds every module vitest has run since it started; this check is about the ones it asked for.
      const failed = result.unhandledErrors.length > 0 || result.testModules.some((module) => paths.includes(module.moduleId) && !module.ok());
      return { code: failed ? 1 : 0, output: captured.join(""), seconds: (performance.now() - begun) / 1000 };
    } catch (error) {
      return { code: 1, output: `${captured.join("")}\n${error?.stack ?? error}`, seconds: (performance.now() - begun) / 1000 };
    }
  }

  let queue = Promise.resolve();
  let idle;
  let runs = 0;
  const stop = async (why) => {
    log(`stopping: ${why}`);
    server.close();
    await vitest.close();
    process.exit(0);
  };
  const resetIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(() => void stop(`idle for ${idleMinutes} minutes`), idleMinutes * 60_000);
  };
  const server = createServer((socket) => {
    let request = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => {
      request += chunk;
      if (!request.endsWith("\n")) return;
      let message;
      try {
        message = JSON.parse(request);
      } catch {
        return socket.end(`${JSON.stringify({ error: "not JSON" })}\n`);
      }
      queue = queue.then(async () => {
        resetIdle();
        if (message.ping) return socket.end(`${JSON.stringify({ pong: true })}\n`);
        if (message.stop) {
          socket.end(`${JSON.stringify({ stopped: true })}\n`);
          return stop("asked to");
        }
        if (message.fingerprint !== started) {
          socket.end(`${JSON.stringify({ stale: true })}\n`);
          return stop("a file it reads once changed");
        }
        const cpu = process.cpuUsage();
        const [[lint, layers], test] = await Promise.all([
          staticChecks({ lint: message.lint, layers: message.layers }),
          message.tests === "all" || message.tests.length > 0 ? testFiles(message.tests, message.pglite) : undefined,
        ]);
        runs += 1;
        const count = (list) => (list === "all" ? "all" : list.length);
        log(`check ${runs}: lint ${count(message.lint)} files, layers ${message.layers ? "cruised" : "skipped"}, ${count(message.tests)} test files, ${test?.code === 0 ? "passed" : "failed"}`);
        const { user, system } = process.cpuUsage(cpu);
        // Its CPU (test workers are threads of this process), for the check's line: a check's cost is its own and this.
        socket.end(`${JSON.stringify({ lint, layers, test, cpuSeconds: (user + system) / 1e6 })}\n`);
        // Its memory (about 700 MB: vitest's module graph, the test workers' freed heaps) creeps up with each
        // run: a fresh daemon every hundred checks keeps it bounded.
        if (runs >= maxRuns) await stop(`served ${maxRuns} checks`);
      });
    });
  });
  process.umask(0o077);
  server.on("error", (error) => void stop(`the socket failed: ${error.message}`));
  server.listen(socketPath, () => log(`serving ${root}`));
  resetIdle();
}

const command = process.argv[2];
if (!isMainThread && workerData?.role === "static checks") await staticChecksThread();
else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (command === "serve") await serve();
  else if (command === "start") startDaemon();
  else if (command === "stop") console.info((await stopDaemon()) ? "stopped" : "not running");
  else if (command === "status") console.info((await daemonRunning()) ? `running (${socketPath})` : "not running");
  else {
    console.info("Usage: node scripts/check-daemon.mjs start|stop|status");
    process.exitCode = command === "--help" ? 0 : 2;
  }
}
