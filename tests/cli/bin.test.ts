import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The real `taskrpc` bin as a user runs it: node + bin/taskrpc.mjs (tsx's loader) as a child process. Each start
 * costs about half a second of CPU, so there are only these two (what only a process shows: its stdout and exit
 * code) and they run at once; `taskrpc serve` is `npm start`, whose process tests/e2e/process.test.ts runs;
 * everything else, --help included, is tested in-process through `runCli` (tests/cli/cli.test.ts).
 */
const root = fileURLToPath(new URL("../..", import.meta.url));
const launcher = join(root, "bin", "taskrpc.mjs");
const dir = mkdtempSync(join(tmpdir(), "taskrpc-bin-"));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function taskrpc(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [launcher, ...args], { cwd: dir }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

// Generous: `npm run check` runs this beside the typecheck and the other suites on a small machine.
describe.concurrent("bin/taskrpc.mjs", { timeout: 60_000 }, () => {
  it("runs a procedure on --db and prints the result as JSON", async () => {
    const run = await taskrpc(["projects", "create", "--name", "Home", "--db", join(dir, "bin.db")]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(run.stdout)).toMatchObject({ name: "Home", archived: false, version: 1 });
  });

  it("refuses bad input with exit code 2 and the reason on stderr", async () => {
    const run = await taskrpc(["projects", "create", "--name", "   ", "--db", join(dir, "bad.db")]);
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toMatch(/^VALIDATION: name: Too small/u);
    expect(run.stderr).not.toMatch(/\n\s+at /u);
  });
});
