import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The `taskrpc` bin as a user runs it: a child process (node + the launcher) on a temporary database. Every start
 * costs about a second, so the independent cases run concurrently and each process checks as much as it can.
 */
const root = fileURLToPath(new URL("../..", import.meta.url));
const launcher = join(root, "bin", "taskrpc.mjs");
const dir = mkdtempSync(join(tmpdir(), "taskrpc-cli-"));
const db = join(dir, "cli.db");

afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Run = { code: number | null; stdout: string; stderr: string };

function taskrpc(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [launcher, ...args], { cwd: dir, env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

/** Runs a command that must succeed and returns its stdout parsed as the one JSON document it is. */
async function json<T = Record<string, unknown>>(args: string[], env?: NodeJS.ProcessEnv): Promise<T> {
  const run = await taskrpc(args, env);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as T;
}

/** Runs a command that must fail: the reason on stderr, nothing on stdout, no stack trace. */
async function failure(args: string[], code: number): Promise<string> {
  const run = await taskrpc(["--db", db, ...args]);
  expect(run.stdout).toBe("");
  expect(run.code).toBe(code);
  expect(run.stderr).not.toMatch(/\n\s+at /u);
  return run.stderr;
}

type Task = { id: string; title: string; completedAt: string | null };
type Page = { items: Task[]; nextCursor: string | null };

// Generous: `npm run check` runs this beside the typecheck and the other suites on a small machine.
describe.concurrent("taskrpc CLI", { timeout: 120_000 }, () => {
  it("lists every procedure and serve in --help, and a command's flags in its own --help", async () => {
    const [main, list] = await Promise.all([taskrpc(["--help"]), taskrpc(["tasks", "list", "--help"])]);
    expect(main.code).toBe(0);
    expect(main.stderr).toBe("");
    const procedures = ["create", "get", "list", "update", "archive", "unarchive", "delete"].map((name) => `projects ${name}`);
    procedures.push(...["create", "get", "list", "count", "update", "complete", "reopen", "delete"].map((name) => `tasks ${name}`));
    for (const command of ["serve", ...procedures]) expect(main.stdout).toContain(`taskrpc ${command}`);
    expect(list.code).toBe(0);
    for (const flag of ["--project-id", "--status", "--labels", "--priority", "--due-from", "--sort-by", "--sort-dir", "--limit", "--cursor", "--db"]) {
      expect(list.stdout).toContain(flag);
    }
  });

  it("creates a project and tasks, lists them with filters, updates and completes, all as JSON", async () => {
    // The writes run one at a time: two processes writing the same file at the same moment can still fail with
    // "database is locked" (the repository's write transactions begin DEFERRED). The reads at the end run at once.
    // DATABASE_PATH as the server reads it; --db (before or after the command) everywhere else.
    const project = await json(["projects", "create", "--name", "  Home  "], { DATABASE_PATH: db });
    expect(project).toMatchObject({ name: "Home", description: "", archived: false, version: 1, openTaskCount: 0 });
    const projectId = String(project.id);

    const create = (...flags: string[]) => json<Task>(["--db", db, "tasks", "create", "--project-id", projectId, ...flags]);
    const milk = await create("--title", "Buy milk", "--labels", "errands", "--labels", "Shop", "--due-date", "2026-12-01", "--priority", "high");
    expect(milk).toMatchObject({ projectId, title: "Buy milk", priority: "high", dueDate: "2026-12-01", labels: ["errands", "Shop"], completed: false, version: 1 });
    const call = await create("--title", "Call Bob", "--labels", "phone", "home", "--due-date", "2026-03-03", "--description", "about the bike");
    expect(call).toMatchObject({ priority: "normal", labels: ["home", "phone"], description: "about the bike" });

    const updated = await json<Task>(["tasks", "update", "--db", db, "--id", milk.id, "--due-date", "2026-01-02", "--labels", "a", "b", "--expected-version", "1"]);
    expect(updated).toMatchObject({ dueDate: "2026-01-02", labels: ["a", "b"], version: 2 });
    const cleared = await json<Task>(["tasks", "update", "--db", db, "--id", call.id, "--due-date", "null", "--labels"]);
    expect(cleared).toMatchObject({ dueDate: null, labels: [], description: "about the bike", version: 2 });
    const completed = await json<Task>(["tasks", "complete", "--db", db, "--id", call.id]);
    expect(completed).toMatchObject({ completed: true, version: 3 });
    expect(completed.completedAt).toMatch(/Z$/u);

    const list = (...flags: string[]) => json<Page>(["tasks", "list", "--db", db, ...flags]);
    const [open, page, bySearch, count] = await Promise.all([
      list("--project-id", projectId),
      list("--project-id", projectId, "--project-id", "no-such-project", "--status", "all", "--sort-by", "title", "--sort-dir", "desc", "--limit", "1"),
      list("--status", "completed", "--search", "BIKE", "--sort", '{"by":"dueDate","dir":"desc"}'),
      json<{ count: number }>(["tasks", "count", "--db", db, "--status", "all", "--has-due-date", "--due-from", "2026-01-01", "--due-to", "2026-01-31"]),
    ]);
    expect(open.items.map((task) => task.title)).toEqual(["Buy milk"]);
    expect(page.items.map((task) => task.title)).toEqual(["Call Bob"]);
    expect(page.nextCursor).toEqual(expect.any(String));
    expect(bySearch.items.map((task) => task.id)).toEqual([call.id]);
    expect(count).toEqual({ count: 1 });
  });

  it("refuses bad input with the reason on stderr and exit code 2", async () => {
    const [empty, unknown, date, missing] = await Promise.all([
      failure(["projects", "create", "--name", "   "], 2),
      failure(["projects", "create", "--name", "x", "--colour", "red"], 2),
      failure(["tasks", "update", "--id", "t1", "--due-date", "2026-02-30"], 2),
      failure(["tasks", "create", "--title", "x"], 2),
    ]);
    expect(empty).toMatch(/^VALIDATION: name: Too small/u);
    expect(unknown).toMatch(/^VALIDATION: unknown option '--colour'/u);
    expect(date).toMatch(/^VALIDATION: dueDate: /u);
    expect(missing).toMatch(/^VALIDATION: required option '--project-id <string>' not specified/u);
  });

  it("reports what does not exist with its reason and exit code 1", async () => {
    const [task, project] = await Promise.all([
      failure(["tasks", "get", "--id", "no-such-task"], 1),
      failure(["tasks", "create", "--project-id", "no-such-project", "--title", "x"], 1),
    ]);
    expect(task).toMatch(/^TASK_NOT_FOUND: /u);
    expect(project).toMatch(/^PROJECT_NOT_FOUND: /u);
  });

  it("serves the API with `serve`, answers /healthz, and stops on SIGTERM with exit code 0", async () => {
    const child = spawn(process.execPath, [launcher, "serve", "--port", "0", "--db", join(dir, "serve.db")], { cwd: dir });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", () => {
        const match = /listening on (http:\/\/[^\s]+)/u.exec(output);
        if (match?.[1]) resolve(match[1]);
      });
      void exited.then(() => reject(new Error(`serve exited before listening:\n${output}`)));
    });
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toContain(join(dir, "serve.db"));
  });
});
