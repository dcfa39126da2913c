import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { buildProblem, packageRoot } from "../../bin/build-state.mjs";
import { openDatabase } from "../../src/data";

declare module "vitest" {
  export interface ProvidedContext {
    /** A migrated, empty database file that openTestDatabase() copies for each test. */
    databaseTemplate: string;
  }
}

const base = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
const prefix = "taskrpc-test-";

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The tests that start the bin as a child process (tests/process/, tests/browser/) run what users run: the built
 * dist/. So it is built first when missing or older than the sources (about 3 s), and only for a run that
 * includes them: after a change to src/, the inner loop's runs mostly do not.
 */
function buildIfStale(files: readonly string[]): void {
  if (!files.some((file) => /[\\/]tests[\\/](process|browser)[\\/]/u.test(file)) || !buildProblem()) return;
  try {
    execFileSync(join(packageRoot, "node_modules", ".bin", "tsup"), { cwd: packageRoot, stdio: "pipe" });
  } catch (error) {
    const { stdout, stderr } = error as { stdout: Buffer; stderr: Buffer };
    throw new Error(`npm run build failed:\n${String(stdout)}${String(stderr)}`, { cause: error });
  }
}

// Migrating a database costs far more than copying one: the run migrates one template, in RAM where the
// system has a tmpfs, and every test opens a copy of it in the same folder, which the teardown removes. Made
// again before each watch-mode re-run, in case a migration changed.
export default async function setup(project: TestProject): Promise<() => void> {
  // A run killed before its teardown leaves its folder behind: the next run removes those of ended processes.
  for (const name of readdirSync(base)) {
    const pid = Number(name.startsWith(prefix) ? name.slice(prefix.length).split("-")[0] : Number.NaN);
    if (Number.isInteger(pid) && !isRunning(pid)) rmSync(join(base, name), { recursive: true, force: true });
  }
  let folder = "";
  const makeTemplate = async () => {
    if (folder) rmSync(folder, { recursive: true, force: true });
    folder = mkdtempSync(join(base, `${prefix}${process.pid}-`));
    const template = join(folder, "template.db");
    await openDatabase(template).close();
    project.provide("databaseTemplate", template);
  };
  // The files of this run, collected before the global set-up runs.
  buildIfStale(project.vitest.state.getPaths());
  await makeTemplate();
  // The PGlite half of the suite boots from a dump, made once per migration change; here, not under a test's timeout.
  if (process.env.TEST_PGLITE !== "off") await (await import("./pglite")).ensurePgliteDump();
  project.onTestsRerun(async (specifications) => {
    buildIfStale(specifications.map((specification) => specification.moduleId));
    await makeTemplate();
  });
  return () => rmSync(folder, { recursive: true, force: true });
}
