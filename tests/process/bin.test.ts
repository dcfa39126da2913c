import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The real `taskrpc` bin as a user runs it: node + bin/taskrpc.mjs, which runs the build in dist/ (the vitest
 * global setup builds it when stale), as a child process. Only what a process shows is tested here (its stdout
 * and exit code; a build missing or older than the sources); `taskrpc serve` is `npm start`, whose process
 * tests/process/serve.test.ts runs; everything else, --help included, is tested in-process through `runCli`
 * (tests/cli/cli.test.ts).
 */
const root = fileURLToPath(new URL("../..", import.meta.url));
const launcher = join(root, "bin", "taskrpc.mjs");
const dir = mkdtempSync(join(tmpdir(), "taskrpc-bin-"));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function taskrpc(args: string[], bin = launcher): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: dir }, (error, stdout, stderr) =>
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

  it("from a checkout whose build is missing or older than its sources, says to build, in one line", async () => {
    // A checkout of its own: the bin and a source file, first with no dist/, then with one older than the source.
    const checkout = join(dir, "checkout");
    mkdirSync(join(checkout, "bin"), { recursive: true });
    mkdirSync(join(checkout, "src"), { recursive: true });
    for (const name of ["taskrpc.mjs", "build-state.mjs"]) copyFileSync(join(root, "bin", name), join(checkout, "bin", name));
    writeFileSync(join(checkout, "src", "main.ts"), "");
    const bin = join(checkout, "bin", "taskrpc.mjs");
    expect(await taskrpc(["--help"], bin)).toEqual({ code: 1, stdout: "", stderr: "taskrpc: dist/ has no build: run npm run build\n" });
    mkdirSync(join(checkout, "dist"));
    writeFileSync(join(checkout, "dist", "taskrpc.js"), "");
    utimesSync(join(checkout, "dist", "taskrpc.js"), new Date(2020, 0, 1), new Date(2020, 0, 1));
    expect(await taskrpc(["--help"], bin)).toEqual({ code: 1, stdout: "", stderr: "taskrpc: dist/ is older than the sources: run npm run build\n" });
  });
});
