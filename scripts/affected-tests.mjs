// Which test files `npm run check` runs for a change: the nearest tests of each changed file, not every test its
// imports reach. A change in src/domain reaches nearly every suite through the layers above it; running them all
// is what `npm run check:all` (and CI) is for. The inner loop runs, for a changed file:
// - a test file: itself;
// - a test helper (a module under tests/): every test file whose imports reach it;
// - a module of a layer: the test files of that layer's own suites (`suitesOf`) whose imports reach it; if none
//   of those reaches it, every test file that does (so a module without a suite of its own is still tested);
// - a file only a child process or a tool loads (`outsideGraph`): the suites that run that process or tool;
// - an asset or a migration under a layer, or a deleted module: that layer's suites (no import says who reads it);
// - prose and settings no test reads (`readByNoTest`): nothing;
// - anything else (package.json, the lockfile, tsconfig.json, vitest or test set-up): every test.
// Beside those, the smoke set always runs (`smoke`): the server over real HTTP through every layer.
// The import graph is read from the sources with es-module-lexer (type-only imports are left out: they do not
// run, and the typecheck covers them), resolved as vitest resolves them. It takes about 0.1 s.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { init, parse } from "es-module-lexer";

/** The suites (folders, or single files) that own each layer's behaviour. */
const suitesOf = [
  // The repositories apply the domain's rules (the contract suite and the model test own those); its input
  // schemas are held to SPEC through the API, by the validation suite.
  { layer: "src/domain/", suites: ["tests/dal/", "tests/property/", "tests/api/validation.test.ts"] },
  { layer: "src/data/", suites: ["tests/dal/", "tests/property/", "tests/schema/"] },
  { layer: "drizzle/", suites: ["tests/dal/", "tests/property/", "tests/schema/"] },
  { layer: "src/api/", suites: ["tests/api/"] },
  // The server's behaviour is what travels over HTTP: tests/e2e calls it on a port of 127.0.0.1, in-process.
  { layer: "src/server/", suites: ["tests/server/", "tests/e2e/"] },
  { layer: "src/cli/", suites: ["tests/cli/"] },
  { layer: "sdk/src/", suites: ["tests/sdk/"] },
  { layer: "scripts/", suites: ["tests/docs/"] },
];
export const smoke = ["tests/e2e/server.test.ts"];
const outsideGraph = [
  // bin/taskrpc.mjs runs the build of src/cli/main.ts in a child process; the build is configured by tsup.config.ts.
  // tests/process/clients holds the clients in other languages that suite runs.
  { files: /^(bin\/|src\/cli\/main\.ts$|src\/server\/serve\.ts$|tsup\.config\.ts$|tests\/process\/clients\/)/u, suites: ["tests/process/"] },
  // The layers test cruises a copy of the tree with this config.
  { files: /^\.dependency-cruiser\.cjs$/u, suites: ["tests/layers/"] },
  // The docs tests read the documents: generated parts must be current, no link may point outside the repository.
  { files: /\.(md|mdc)$/u, suites: ["tests/docs/"] },
];
const modules = /\.(ts|mts|cts|js|mjs|cjs)$/u;
// examples/react is type-checked by the typecheck step and run by npm run test:browser and test:sdk; reports/
// holds what tools wrote (Stryker's incremental file among them); the other vitest configs are the tiers' own;
// eslint's is the lint step's.
const readByNoTest =
  /(\.(txt|png|svg)$|^\.ci\/|^examples\/|^\.gitignore$|^reports\/|^LICENSE|^stryker\.config\.json$|^vitest\.(browser|mutate)\.config\.ts$|^eslint\.config\.js$)/u;
// Set-up that every test runs although no test imports it.
const everything = /^(tests\/support\/global-setup\.ts|vitest\.config\.ts|tsconfig\.json|package(-lock)?\.json)$/u;
const sourceRoots = ["src", "sdk/src", "tests", "scripts", "bin", "bench"];
const testFile = /^tests\/(?!browser\/).*\.test\.ts$/u;

function listModules(root) {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true })
    .map((file) => join(root, String(file)))
    .filter((file) => modules.test(file) && !file.includes("node_modules"));
}

function resolveImport(from, specifier) {
  if (specifier === "@taskrpc/sdk") return "sdk/src/index.ts";
  if (!specifier.startsWith(".")) return undefined;
  const base = join(dirname(from), specifier);
  return [base, `${base}.ts`, `${base}/index.ts`, base.replace(/\.js$/u, ".ts")].find((file) => existsSync(file) && statSync(file).isFile());
}

/** For each test file, every module its (run-time) imports reach. */
async function importGraph() {
  await init;
  const imports = new Map();
  for (const file of sourceRoots.flatMap(listModules)) {
    const source = readFileSync(file, "utf8");
    let found = [];
    try {
      [found] = parse(source);
    } catch {
      // Unparsable here means the typecheck or lint step fails on it; no imports to follow.
    }
    const runtime = found.filter((entry) => entry.n && !/^(import|export)\s+type\b/u.test(source.slice(entry.ss, entry.se)));
    imports.set(file, runtime.map((entry) => resolveImport(file, entry.n)).filter(Boolean));
  }
  const reach = new Map();
  for (const test of [...imports.keys()].filter((file) => testFile.test(file))) {
    const seen = new Set([test]);
    const queue = [test];
    while (queue.length > 0) for (const next of imports.get(queue.pop()) ?? []) if (!seen.has(next) && seen.add(next)) queue.push(next);
    reach.set(test, seen);
  }
  return reach;
}

const under = (file, folders) => folders.some((folder) => file.startsWith(folder));

/**
 * The test files to run for `changed` (paths relative to the repository root): `{ all: true, why }` when every
 * test must run, else `{ files, why }`, `why` saying in a few words what chose them.
 */
export async function affectedTests(changed) {
  const forAll = changed.find((file) => everything.test(file));
  if (forAll) return { all: true, why: `${forAll} changed` };
  const reach = await importGraph();
  const tests = [...reach.keys()];
  const chosen = new Set(smoke);
  const reasons = new Set();
  for (const file of changed) {
    if (readByNoTest.test(file)) continue;
    const byTool = outsideGraph.find((rule) => rule.files.test(file));
    const owner = suitesOf.find((entry) => file.startsWith(entry.layer));
    const ownSuites = owner?.suites ?? [];
    if (testFile.test(file)) {
      if (existsSync(file)) chosen.add(file);
      reasons.add("changed tests");
      continue;
    }
    if (byTool) {
      for (const test of tests.filter((test) => under(test, byTool.suites))) chosen.add(test);
      reasons.add(byTool.suites.join(" "));
    }
    if (modules.test(file) && existsSync(file) && under(file, sourceRoots.map((root) => `${root}/`))) {
      const reaching = tests.filter((test) => reach.get(test).has(file));
      const own = reaching.filter((test) => under(test, ownSuites));
      for (const test of own.length > 0 ? own : reaching) chosen.add(test);
      if (reaching.length > 0) reasons.add(own.length > 0 ? `${ownSuites.join(" ")} reaching it` : "tests reaching it");
    } else if (owner) {
      for (const test of tests.filter((test) => under(test, ownSuites))) chosen.add(test);
      reasons.add(ownSuites.join(" "));
    } else if (!byTool) {
      return { all: true, why: `${file} changed` };
    }
  }
  return { files: [...chosen].sort(), why: [...reasons, "smoke"].join("; ") };
}
