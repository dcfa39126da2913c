#!/usr/bin/env node
// The SDK as an app gets it: build and `npm pack` @taskrpc/sdk, install the tarball into a fresh TypeScript
// project outside the repository (with only typescript and the @trpc/server peer besides), type-check a file
// that uses the client, including `@ts-expect-error` lines that must really be errors, then run its emitted
// JavaScript against the real server. Exits non-zero on any failure. `npm run test:sdk`
// (SDK_CONSUMER_KEEP=1 keeps the temporary folder; it is always kept when the test fails).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const sdkDir = join(root, "sdk");
const serverPackages = ["better-sqlite3", "drizzle-orm", "drizzle-kit"];
const started = performance.now();

const step = (message) => console.info(`[sdk-consumer] ${message} (${((performance.now() - started) / 1000).toFixed(1)}s)`);
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;

/** Runs a command to its end and resolves with its stdout; rejects with all its output when it fails. */
function run(command, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, FORCE_COLOR: "0" } });
    let stdout = "";
    let output = "";
    child.stdout.on("data", (chunk) => ((stdout += chunk), (output += chunk)));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`${command} ${args.join(" ")} (in ${cwd}) exited ${code}:\n${output}`)),
    );
  });
}

/** Starts the real server as tests/support/server.ts does: a free port, a fresh database file. */
function startServer(databasePath) {
  const child = spawn(process.execPath, ["bin/taskrpc.mjs", "serve", "--port", "0", "--db", databasePath], {
    cwd: root,
    env: { ...process.env, HOST: "127.0.0.1" },
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.on("exit", resolve));
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
    child.stdout.on("data", () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then(() => reject(new Error(`server exited before listening:\n${output}`)));
  });
  return {
    url,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

/** Every package name installed anywhere under a node_modules folder (scoped and nested ones included). */
function installedPackages(nodeModules, found = new Set()) {
  if (!existsSync(nodeModules)) return found;
  for (const entry of readdirSync(nodeModules)) {
    if (entry.startsWith(".")) continue;
    const names = entry.startsWith("@") ? readdirSync(join(nodeModules, entry)).map((name) => `${entry}/${name}`) : [entry];
    for (const name of names) {
      found.add(name);
      installedPackages(join(nodeModules, name, "node_modules"), found);
    }
  }
  return found;
}

const consumerSource = `\
import {
  createClient,
  errorReason,
  isTaskRpcError,
  type AppRouter,
  type Priority,
  type Project,
  type RouterInputs,
  type RouterOutputs,
  type Task,
  type TaskQuery,
} from "@taskrpc/sdk";
import type { inferRouterOutputs } from "@trpc/server";

// No @types/node here on purpose: the app has only the SDK, its peer and TypeScript.
declare const process: { argv: string[] };

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(\`consumer check failed: \${message}\`);
}

const url = process.argv[2];
check(url, "usage: node dist/main.js <service url>");
// A trailing slash is tolerated.
const client = createClient({ url: \`\${url}/\`, headers: { "x-client": "sdk-consumer-test" } });

// Never called: tsc checks that each of these lines is an error (an unused @ts-expect-error fails the build),
// which an \`any\`-typed client would not give.
export function typeErrors(): void {
  // @ts-expect-error wrong input type: a project's name is a string
  void client.projects.create.mutate({ name: 42 });
  // @ts-expect-error missing required field: a task needs a title
  void client.tasks.create.mutate({ projectId: "p" });
  // @ts-expect-error unknown procedure
  void client.projects.rename.mutate({ id: "p", name: "New" });
  // @ts-expect-error a query is not a mutation
  void client.tasks.list.mutate({});
  // @ts-expect-error unknown filter key (inputs are strict)
  const misspelt: TaskQuery = { stauts: "open" };
  // @ts-expect-error not a priority
  const priority: Priority = "critical";
  // @ts-expect-error outputs are typed: a task's title is a string
  const title: number = ({} as Task).title;
  // @ts-expect-error errorReason gives one of SPEC's reasons
  const reason: "NOT_A_REASON" | undefined = errorReason(new Error("x"));
  void [misspelt, priority, title, reason];
}

const created: Project = await client.projects.create.mutate({ name: "  Consumer  ", description: "from the packed SDK" });
check(created.name === "Consumer" && created.version === 1 && created.archived === false, "project created and trimmed");
const fetched: inferRouterOutputs<AppRouter>["projects"]["get"] = await client.projects.get.query({ id: created.id });
check(JSON.stringify(fetched) === JSON.stringify(created), "the created project round-trips through projects.get");

const input: RouterInputs["tasks"]["create"] = { projectId: created.id, title: "Ship the SDK", priority: "high", labels: ["sdk"] };
const task: Task = await client.tasks.create.mutate(input);
const query: TaskQuery = { projectId: created.id, status: "open", sort: { by: "priority", dir: "desc" } };
// Two calls in the same tick: one batched request.
const [page, count]: [RouterOutputs["tasks"]["list"], RouterOutputs["tasks"]["count"]] = await Promise.all([
  client.tasks.list.query(query),
  client.tasks.count.query({ projectId: created.id }),
]);
check(page.items.length === 1 && page.items[0]?.id === task.id && count.count === 1, "the task is listed and counted");
check(typeof task.createdAt === "string" && task.labels[0] === "sdk", "plain JSON: timestamps are strings");

const missing = await client.tasks.get.query({ id: "missing" }).then(() => undefined, (error: unknown) => error);
check(isTaskRpcError(missing), "a failure is a TaskRpcError");
check(errorReason(missing) === "TASK_NOT_FOUND" && missing.data.httpStatus === 404, "reason TASK_NOT_FOUND, HTTP 404");
const invalid = await client.projects.create.mutate({ name: "" }).then(() => undefined, (error: unknown) => error);
check(errorReason(invalid) === "VALIDATION", "reason VALIDATION");
check(isTaskRpcError(invalid) && invalid.data.issues?.[0]?.path[0] === "name", "VALIDATION lists the issue's path");
check(errorReason(new Error("not from the API")) === undefined, "errorReason of another error is undefined");

console.info(\`consumer ok: project \${created.id} round-tripped, errors read as \${errorReason(missing)} and \${errorReason(invalid)}\`);
`;

const consumerTsconfig = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    // ESNext.Disposable: @trpc/server's own declarations name Disposable (only seen with skipLibCheck off).
    lib: ["ES2022", "DOM", "ESNext.Disposable"],
    types: [],
    strict: true,
    // The SDK's declarations are checked too, as a strict app with skipLibCheck off would see them.
    skipLibCheck: false,
    noEmitOnError: true,
    outDir: "dist",
    rootDir: "src",
  },
  include: ["src"],
};

const work = mkdtempSync(join(tmpdir(), "taskrpc-sdk-consumer-"));
let server;
let failed = false;
try {
  step("building @taskrpc/sdk");
  await run("npm", ["run", "build", "--workspace", "@taskrpc/sdk"], root);
  const dtsBytes = statSync(join(sdkDir, "dist", "index.d.ts")).size;
  const jsBytes = statSync(join(sdkDir, "dist", "index.js")).size;

  step("packing it");
  const [packed] = JSON.parse(await run("npm", ["pack", "--json", "--pack-destination", work], sdkDir));
  const shipped = packed.files.map((file) => file.path).sort();
  const expected = ["README.md", "dist/index.d.ts", "dist/index.js", "package.json"];
  if (JSON.stringify(shipped) !== JSON.stringify(expected)) {
    throw new Error(`the tarball ships ${shipped.join(", ")}; expected exactly ${expected.join(", ")}`);
  }
  const tarball = join(work, packed.filename);

  const app = join(work, "app");
  mkdirSync(join(app, "src"), { recursive: true });
  writeFileSync(join(app, "package.json"), `${JSON.stringify({ name: "sdk-consumer", private: true, type: "module" }, null, 2)}\n`);
  writeFileSync(join(app, "tsconfig.json"), `${JSON.stringify(consumerTsconfig, null, 2)}\n`);
  writeFileSync(join(app, "src", "main.ts"), consumerSource);

  const peerRange = JSON.parse(readFileSync(join(sdkDir, "package.json"), "utf8")).peerDependencies["@trpc/server"];
  step(`installing ${packed.filename}, typescript@6.0.3 and @trpc/server@${peerRange} into ${app}`);
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball, "typescript@6.0.3", `@trpc/server@${peerRange}`], app);

  const installed = installedPackages(join(app, "node_modules"));
  const leaked = serverPackages.filter((name) => installed.has(name));
  if (leaked.length > 0) throw new Error(`installing the SDK pulled in server packages: ${leaked.join(", ")}`);
  step(`node_modules holds ${installed.size} packages, none of ${serverPackages.join(", ")}; zod ${installed.has("zod") ? "IS" : "is not"} installed`);

  step("type-checking the consumer (tsc --noEmit, skipLibCheck off)");
  const tsc = join(app, "node_modules", "typescript", "bin", "tsc");
  await run(process.execPath, [tsc, "--noEmit", "-p", app], app);
  step("emitting its JavaScript (tsc)");
  await run(process.execPath, [tsc, "-p", app], app);

  step("starting the real server");
  server = startServer(join(work, "consumer.db"));
  const url = await server.url;
  step(`running the consumer against ${url}`);
  const output = await run(process.execPath, [join(app, "dist", "main.js"), url], app);
  process.stdout.write(`${output.trimEnd().replace(/^/gm, "[sdk-consumer]   ")}\n`);

  step(`passed: packed ${packed.filename} is ${kb(packed.size)} (unpacked ${kb(packed.unpackedSize)}); dist/index.d.ts ${kb(dtsBytes)}, dist/index.js ${kb(jsBytes)}`);
} catch (error) {
  failed = true;
  console.error(`[sdk-consumer] FAILED: ${error instanceof Error ? error.message : String(error)}`);
  console.error(`[sdk-consumer] work folder kept for inspection: ${work}`);
} finally {
  const code = await server?.stop();
  if (server && code !== 0 && !failed) {
    failed = true;
    console.error(`[sdk-consumer] FAILED: the server exited ${code} on SIGTERM`);
  }
  if (!failed && !process.env.SDK_CONSUMER_KEEP) rmSync(work, { recursive: true, force: true });
  else if (!failed) console.info(`[sdk-consumer] work folder kept (SDK_CONSUMER_KEEP): ${work}`);
}
process.exit(failed ? 1 : 0);
