#!/usr/bin/env node
// The SDK as apps get it: `npm pack` @taskrpc/sdk (its prepack builds it), lint the tarball (publint, and
// @arethetypeswrong/cli for node10, node16 from ESM and CJS, and bundler resolution), then install it into fresh
// TypeScript apps outside the repository:
// - for each bound of its tRPC peer range (the lowest and the newest release it claims), an app with only that
//   @trpc/client and @trpc/server and TypeScript, with an ESM entry (`import`) and a CommonJS one (`require`),
//   each type-checked (with `@ts-expect-error` lines that must really be errors) and run against the real server;
// - an app with tRPC's TanStack React Query integration beside the SDK, installed with no overrides (npm fails with
//   ERESOLVE when the peers do not fit), type-checked, and its query options run against the server in Node;
// - examples/react copied out of the repository, installed with the tarball, type-checked and built with Vite.
// Exits non-zero on any failure. `npm run test:sdk` (SDK_CONSUMER_KEEP=1 keeps the temporary folder; it is
// always kept when the test fails).
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
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

/** The app's code, the same for its ESM entry (main.mts) and its CommonJS one (main.cts, compiled to require). */
const consumerSource = (entry) => `\
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

// No @types/node here on purpose: the app has only the SDK, its peers and TypeScript.
declare const process: { argv: string[]; exitCode?: number };

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(\`consumer check failed: \${message}\`);
}

// Never called: tsc checks that each of these lines is an error (an unused @ts-expect-error fails the build),
// which an \`any\`-typed client would not give.
export function typeErrors(client: ReturnType<typeof createClient>): void {
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
  // @ts-expect-error errorReason gives one of the API's reasons
  const reason: "NOT_A_REASON" | undefined = errorReason(new Error("x"));
  void [misspelt, priority, title, reason];
}

// No top-level await: the same code compiles to CommonJS.
async function main(url: string | undefined): Promise<void> {
  check(url, "usage: node dist/main.(m|c)js <service url>");
  // A trailing slash is tolerated.
  const client = createClient({ url: \`\${url}/\`, headers: { "x-client": "sdk-consumer-test" } });

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

  console.info(\`${entry} consumer ok: project \${created.id} round-tripped, errors read as \${errorReason(missing)} and \${errorReason(invalid)}\`);
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
`;

/** An app of tRPC's TanStack React Query integration: query options typed from the SDK's router, fetched in Node. */
const tanstackSource = `\
import { QueryClient } from "@tanstack/react-query";
import { createTRPCContext, createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { createClient, errorReason, type AppRouter, type Task } from "@taskrpc/sdk";

declare const process: { argv: string[]; exitCode?: number };

// What a React app exports for its components (TRPCProvider, useTRPC); no rendering here.
export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

async function main(url: string): Promise<void> {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const trpc = createTRPCOptionsProxy<AppRouter>({ client: createClient({ url }), queryClient });

  const project = await queryClient.getMutationCache().build(queryClient, trpc.projects.create.mutationOptions()).execute({ name: "TanStack" });
  const page = await queryClient.fetchQuery(trpc.tasks.list.queryOptions({ projectId: project.id, status: "all" }));
  const first: Task | undefined = page.items[0];
  // @ts-expect-error inputs are typed through the integration: no such filter
  void trpc.tasks.list.queryOptions({ stauts: "open" });
  const error = await queryClient.fetchQuery(trpc.tasks.get.queryOptions({ id: "missing" })).then(() => undefined, (caught: unknown) => caught);
  if (first !== undefined || errorReason(error) !== "TASK_NOT_FOUND") throw new Error(\`unexpected: \${String(first)}, \${String(error)}\`);
  console.info(\`tanstack consumer ok: project \${project.id} created through mutationOptions, tasks.list fetched, error read as \${errorReason(error)}\`);
}

main(process.argv[2] ?? "").catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
`;

const tsconfig = ({ skipLibCheck = false } = {}) => ({
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    // ESNext.Disposable: @trpc/server's own declarations name Disposable (only seen with skipLibCheck off).
    lib: ["ES2022", "DOM", "ESNext.Disposable"],
    types: [],
    strict: true,
    // Off: the SDK's declarations are checked too, as a strict app with skipLibCheck off would see them.
    skipLibCheck,
    noEmitOnError: true,
    outDir: "dist",
    rootDir: "src",
  },
  include: ["src"],
});

/** A fresh app folder with a package.json (CommonJS by default, as npm init makes it), a tsconfig and sources. */
function makeApp(name, sources, options) {
  const app = join(work, name);
  mkdirSync(join(app, "src"), { recursive: true });
  writeFileSync(join(app, "package.json"), `${JSON.stringify({ name: `sdk-consumer-${name}`, private: true }, null, 2)}\n`);
  writeFileSync(join(app, "tsconfig.json"), `${JSON.stringify(tsconfig(options), null, 2)}\n`);
  for (const [file, text] of Object.entries(sources)) writeFileSync(join(app, "src", file), text);
  return app;
}

const install = (app, packages) => run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", ...packages], app);
const tscIn = (app) => join(app, "node_modules", "typescript", "bin", "tsc");
/** The one version of a package an app has, failing when npm installed several copies. */
function onlyVersion(app, name) {
  const versions = new Set();
  const walk = (nodeModules) => {
    if (!existsSync(nodeModules)) return;
    for (const entry of readdirSync(nodeModules)) {
      if (entry.startsWith(".")) continue;
      const names = entry.startsWith("@") ? readdirSync(join(nodeModules, entry)).map((scoped) => `${entry}/${scoped}`) : [entry];
      for (const found of names) {
        if (found === name) versions.add(JSON.parse(readFileSync(join(nodeModules, found, "package.json"), "utf8")).version);
        walk(join(nodeModules, found, "node_modules"));
      }
    }
  };
  walk(join(app, "node_modules"));
  if (versions.size !== 1) throw new Error(`${app} has ${versions.size} copies of ${name}: ${[...versions].join(", ")}`);
  return [...versions][0];
}

const work = mkdtempSync(join(tmpdir(), "taskrpc-sdk-consumer-"));
let server;
let failed = false;
try {
  step("packing @taskrpc/sdk (its prepack builds it)");
  const packOutput = await run("npm", ["pack", "--json", "--pack-destination", work], sdkDir);
  // The build's own output comes first on stdout; npm's JSON starts at a line holding "[".
  const [packed] = JSON.parse(packOutput.slice(packOutput.search(/^\[$/m)));
  const shipped = packed.files.map((file) => file.path).sort();
  const dist = ["index.cjs", "index.cjs.map", "index.d.cts", "index.d.ts", "index.js", "index.js.map"].map((file) => `dist/${file}`);
  const expected = ["LICENSE", "README.md", ...dist, "package.json"];
  if (JSON.stringify(shipped) !== JSON.stringify(expected)) {
    throw new Error(`the tarball ships ${shipped.join(", ")}; expected exactly ${expected.join(", ")}`);
  }
  const tarball = join(work, packed.filename);
  const bins = join(root, "node_modules", ".bin");

  step("publint on the tarball");
  await run(join(bins, "publint"), ["run", tarball, "--strict"], work);
  step("@arethetypeswrong/cli on the tarball (node10, node16 from CJS and ESM, bundler)");
  await run(join(bins, "attw"), [tarball, "--format", "table-flipped"], work);

  step("starting the real server");
  server = startServer(join(work, "consumer.db"));
  const url = await server.url;

  const { peerDependencies } = JSON.parse(readFileSync(join(sdkDir, "package.json"), "utf8"));
  const lowest = /^\^(\d+\.\d+\.\d+)$/.exec(peerDependencies["@trpc/client"])?.[1];
  if (!lowest || peerDependencies["@trpc/server"] !== peerDependencies["@trpc/client"]) {
    throw new Error(`expected one caret range for both tRPC peers, got ${JSON.stringify(peerDependencies)}`);
  }
  const bounds = { lowest, newest: peerDependencies["@trpc/client"] };
  for (const [bound, version] of Object.entries(bounds)) {
    const app = makeApp(bound, { "main.mts": consumerSource("ESM"), "main.cts": consumerSource("CommonJS") });
    step(`${bound} tRPC: installing ${packed.filename}, typescript@6.0.3, @trpc/client@${version} and @trpc/server@${version}`);
    await install(app, [tarball, "typescript@6.0.3", `@trpc/client@${version}`, `@trpc/server@${version}`]);
    const installed = installedPackages(join(app, "node_modules"));
    const leaked = serverPackages.filter((name) => installed.has(name));
    if (leaked.length > 0) throw new Error(`installing the SDK pulled in server packages: ${leaked.join(", ")}`);
    const trpc = onlyVersion(app, "@trpc/client");
    step(`${bound} tRPC is ${trpc}; node_modules holds ${installed.size} packages, none of ${serverPackages.join(", ")}`);

    step(`${bound} tRPC: type-checking and emitting (tsc, skipLibCheck off)`);
    await run(process.execPath, [tscIn(app), "-p", app], app);
    for (const entry of ["main.mjs", "main.cjs"]) {
      step(`${bound} tRPC: running dist/${entry} against ${url}`);
      const output = await run(process.execPath, [join(app, "dist", entry), url], app);
      process.stdout.write(`${output.trimEnd().replace(/^/gm, "[sdk-consumer]   ")}\n`);
    }
  }

  // skipLibCheck on, as Vite's React template has it: the integration reaches @trpc/server's adapter
  // declarations, which name Node's http and the ws package, absent from a browser app.
  const tanstack = makeApp("tanstack", { "main.mts": tanstackSource }, { skipLibCheck: true });
  const integration = ["@trpc/tanstack-react-query", "@tanstack/react-query", "react", "@types/react"];
  step(`installing ${packed.filename} beside ${integration.join(", ")} (no overrides)`);
  await install(tanstack, [tarball, "typescript@6.0.3", ...integration]);
  step(`one @trpc/client (${onlyVersion(tanstack, "@trpc/client")}) and one @trpc/server (${onlyVersion(tanstack, "@trpc/server")}); type-checking, then fetching in Node`);
  await run(process.execPath, [tscIn(tanstack), "-p", tanstack], tanstack);
  const output = await run(process.execPath, [join(tanstack, "dist", "main.mjs"), url], tanstack);
  process.stdout.write(`${output.trimEnd().replace(/^/gm, "[sdk-consumer]   ")}\n`);

  // examples/react as an app of its own: its files and package.json as they are, the SDK from the tarball.
  const example = join(work, "react-example");
  cpSync(join(root, "examples", "react"), example, {
    recursive: true,
    filter: (source) => !/[\\/](node_modules|dist)$|tsconfig\.repo\.json$/.test(source),
  });
  const manifest = JSON.parse(readFileSync(join(example, "package.json"), "utf8"));
  if (manifest.overrides) throw new Error("examples/react/package.json has overrides");
  manifest.dependencies["@taskrpc/sdk"] = `file:${tarball}`;
  writeFileSync(join(example, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  step("examples/react in a folder of its own: npm install (the SDK from the tarball, no overrides)");
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], example);
  step(`one @trpc/client (${onlyVersion(example, "@trpc/client")}) and one @trpc/server (${onlyVersion(example, "@trpc/server")}); npm run build (tsc, then vite build)`);
  await run("npm", ["run", "build"], example);

  const size = (file) => kb(statSync(join(sdkDir, file)).size);
  step(`passed: packed ${packed.filename} is ${kb(packed.size)} (unpacked ${kb(packed.unpackedSize)}); dist/index.js ${size("dist/index.js")}, index.cjs ${size("dist/index.cjs")}, index.d.ts ${size("dist/index.d.ts")}`);
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
