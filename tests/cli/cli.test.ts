import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import packageJson from "../../package.json" with { type: "json" };
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../../src/api";
import { runCli } from "../../src/cli/cli";
import { openDatabase } from "../../src/data";
import { commandDescriptions, describeFlag } from "../../src/cli/help";

/**
 * The `taskrpc` command in-process: `runCli` with captured stdout/stderr on a temporary database file, exactly
 * what bin/taskrpc.mjs runs (tests/process/bin.test.ts starts the real bin as a child process).
 */
const dir = mkdtempSync(join(tmpdir(), "taskrpc-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Run = { code: number; stdout: string; stderr: string };

async function taskrpc(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const run = { code: -1, stdout: "", stderr: "" };
  run.code = await runCli(args, { stdout: (text) => (run.stdout += text), stderr: (text) => (run.stderr += text), env });
  return run;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/gu, "\\$&");
const kebab = (key: string) => key.replace(/[A-Z]/gu, (letter) => `-${letter.toLowerCase()}`);
type Procedure = { _def: { inputs: z.ZodType[] } };
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, Procedure>);
/** The keys of a procedure's input: one flag each. */
function inputKeys(procedure: Procedure): string[] {
  const input = z.toJSONSchema(procedure._def.inputs[0] ?? z.object({}), { io: "input", unrepresentable: "any" });
  return Object.keys((input as { properties?: object }).properties ?? {});
}

// Help output does not change between calls: each command's help is rendered once for the tests that read it.
const helps = new Map<string, Promise<Run>>();
function helpOf(path: string): Promise<Run> {
  let run = helps.get(path);
  if (!run) helps.set(path, (run = taskrpc([...path.split("."), "--help"])));
  return run;
}

describe("taskrpc --help", () => {
  it("lists serve and every procedure of the router as a command", async () => {
    const run = await taskrpc(["--help"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    for (const [path] of procedures) expect(run.stdout).toContain(`taskrpc ${path.replace(".", " ")}`);
    expect(run.stdout).toContain("taskrpc serve [--host] [--port] [--db] [--database-url] [--migrate] [--panel]");
    for (const command of ["migrate", "backup --to <file> [--force]", "export [--out] [--force]", "import <file>"]) {
      expect(run.stdout).toContain(`taskrpc ${command}`);
    }
    expect(run.stdout).toContain("2  bad flags or input (VALIDATION)");
  });

  it.each([["--version"], ["-V"], ["serve", "--version"]])("taskrpc %s prints the package's version", async (...args) => {
    expect(await taskrpc(args)).toEqual({ code: 0, stdout: `${packageJson.version}\n`, stderr: "" });
  });

  it.each(procedures)("%s --help lists a flag for every input field, and --db", async (path, procedure) => {
    const run = await helpOf(path);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    const keys = inputKeys(procedure);
    expect(keys.length).toBeGreaterThan(0);
    for (const flag of [...keys.map(kebab), "db"]) expect(run.stdout).toContain(`--${flag}`);
  });

  it.each(procedures)("%s --help says what the command does and what each flag means", async (path, procedure) => {
    const run = await helpOf(path);
    // Commander wraps long lines; compare with the whitespace folded.
    const help = run.stdout.replace(/\s+/gu, " ");
    expect(help).toContain(commandDescriptions[path]);
    for (const key of inputKeys(procedure)) {
      const text = describeFlag(path, key);
      expect(text, `a help sentence for ${path} --${kebab(key)} in src/cli/help.ts`).toEqual(expect.any(String));
      expect(help).toMatch(new RegExp(`--${kebab(key)} \\S+ ${escape(text ?? "")}`, "u"));
    }
  });

  it("words the flags each command's way", async () => {
    const help = async (...args: string[]) => (await taskrpc([...args, "--help"])).stdout.replace(/\s+/gu, " ");
    expect(await help("tasks", "get")).toContain("--id <string> the task's id");
    expect(await help("projects", "get")).toContain("--id <string> the project's id");
    expect(await help("tasks", "update")).toContain("--due-date [date] a date, YYYY-MM-DD, or null to clear it");
    expect(await help("tasks", "create")).toContain("--due-date [date] a date, YYYY-MM-DD (default: null)");
    expect(await help("tasks", "list")).toContain("--project-id [id] only tasks of this project; repeat for several");
    expect(await help("tasks", "create")).toContain("--project-id <string> the project's id");
  });

  it("lists every command with its flags, required ones with their value", async () => {
    const { stdout } = await taskrpc(["--help"]);
    expect(stdout).toContain(
      "All commands:\n  taskrpc serve [--host] [--port] [--db] [--database-url] [--migrate] [--panel] [--allow-anonymous] [--max-body-bytes] [--max-batch] [--headers-timeout] [--request-timeout] [--cors-origins] [--allowed-hosts] [--log-level] [--metrics]\n  taskrpc projects create --name <string> [--description]\n",
    );
    expect(stdout).toMatch(/^ {2}taskrpc tasks get --id <string>$/mu);
    expect(stdout).toMatch(/^ {2}taskrpc tasks list \[--project-id\] .* \[--sort-by\] \[--sort-dir\]$/mu);
  });

  it("tasks list --help also offers --sort-by and --sort-dir", async () => {
    const run = await taskrpc(["tasks", "list", "--help"]);
    for (const flag of ["--sort-by", "--sort-dir", "--project-id [id]"]) expect(run.stdout).toContain(flag);
  });
});

type Project = { id: string; name: string };
type Task = { id: string; title: string; projectId: string; completedAt: string | null };
type Page = { items: Task[]; nextCursor: string | null };

describe("taskrpc commands on a database", () => {
  const db = join(dir, "cli.db");

  /** Runs a command that must succeed; returns its stdout parsed as the one JSON document it is. */
  async function json<T = Record<string, unknown>>(...args: string[]): Promise<T> {
    const run = await taskrpc(["--db", db, ...args]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    // The command closed both connections: SQLite removes the WAL files when the last one closes.
    expect(existsSync(`${db}-wal`)).toBe(false);
    return JSON.parse(run.stdout) as T;
  }
  const titles = (page: Page) => page.items.map((task) => task.title);

  let home: Project;
  let work: Project;
  let milk: Task;
  let call: Task;
  let report: Task;
  beforeAll(async () => {
    // DATABASE_PATH as the server reads it; --db (before or after the command) everywhere else.
    const created = await taskrpc(["projects", "create", "--name", "  Home  "], { DATABASE_PATH: db });
    expect(created).toMatchObject({ code: 0, stderr: "" });
    home = JSON.parse(created.stdout) as Project;
    work = await json<Project>("projects", "create", "--name", "Work", "--description", "the office");
    const create = (project: Project, ...flags: string[]) => json<Task>("tasks", "create", "--project-id", project.id, ...flags);
    milk = await create(home, "--title", "Buy milk", "--labels", "errands", "--labels", "Shop", "--due-date", "2026-12-01", "--priority", "high");
    call = await create(home, "--title", "Call Bob", "--labels", "phone", "home", "--due-date", "2026-03-03", "--description", "about the bike");
    report = await create(work, "--title", "Write report", "--priority", "urgent");
  });

  it("creates projects and tasks with every kind of flag and prints them as JSON", () => {
    expect(home).toMatchObject({ name: "Home", description: "", archived: false, version: 1, openTaskCount: 0 });
    expect(work).toMatchObject({ name: "Work", description: "the office" });
    // --labels repeated, and --labels with several values
    expect(milk).toMatchObject({ projectId: home.id, title: "Buy milk", priority: "high", dueDate: "2026-12-01", labels: ["errands", "Shop"], completed: false, version: 1 });
    expect(call).toMatchObject({ priority: "normal", labels: ["home", "phone"], description: "about the bike" });
    expect(report).toMatchObject({ projectId: work.id, priority: "urgent", dueDate: null, labels: [] });
  });

  it("updates, clears with --due-date null and a bare --labels, completes and reopens", async () => {
    const task = await json<Task>("tasks", "create", "--project-id", home.id, "--title", "Paint", "--labels", "x", "--due-date", "2026-05-05");
    const updated = await json<Task>("tasks", "update", "--id", task.id, "--due-date", "2026-01-02", "--labels", "a", "b", "--expected-version", "1");
    expect(updated).toMatchObject({ dueDate: "2026-01-02", labels: ["a", "b"], version: 2 });
    const cleared = await json<Task>("tasks", "update", "--id", task.id, "--due-date", "null", "--labels");
    expect(cleared).toMatchObject({ dueDate: null, labels: [], title: "Paint", version: 3 });
    const completed = await json<Task>("tasks", "complete", "--id", task.id, "--expected-version", "3");
    expect(completed).toMatchObject({ completed: true, version: 4 });
    expect(completed.completedAt).toMatch(/Z$/u);
    expect(await json<Task>("tasks", "reopen", "--id", task.id)).toMatchObject({ completed: false, completedAt: null });
    const moved = await json<Task>("tasks", "update", "--id", task.id, "--project-id", work.id);
    expect(moved.projectId).toBe(work.id);
    expect(await json("tasks", "delete", "--id", task.id)).toBeTruthy();
    expect((await taskrpc(["tasks", "get", "--db", db, "--id", task.id])).code).toBe(1);
  });

  it("takes --db before or after the command", async () => {
    const run = await taskrpc(["tasks", "get", "--id", milk.id, "--db", db]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ title: "Buy milk" });
  });

  it("runs two commands started at once in one process each on its own --db", async () => {
    const other = join(dir, "other.db");
    const names = (run: Run) => (JSON.parse(run.stdout) as { items: Project[] }).items.map((project) => project.name);
    const [created, listed] = await Promise.all([
      taskrpc(["--db", other, "projects", "create", "--name", "Elsewhere"]),
      taskrpc(["--db", db, "projects", "list"]),
    ]);
    expect(created).toMatchObject({ code: 0, stderr: "" });
    expect(names(listed)).toEqual(["Home", "Work"]);
    expect(names(await taskrpc(["--db", other, "projects", "list"]))).toEqual(["Elsewhere"]);
  });

  it("forgets one command's flags by the next one in the same process", async () => {
    const other = join(dir, "forgetful.db");
    expect((await taskrpc(["--db", other, "tasks", "list", "--sort-by", "title", "--project-id", home.id, "--limit", "1"])).code).toBe(0);
    // No --db, --sort-by, --project-id or --limit this time: DATABASE_PATH's database, newest first, every project.
    const run = await taskrpc(["tasks", "list"], { DATABASE_PATH: db });
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(titles(JSON.parse(run.stdout) as Page)).toEqual(["Write report", "Call Bob", "Buy milk"]);
  });

  it("filters by one --project-id, or by several when it is repeated", async () => {
    expect(titles(await json<Page>("tasks", "list", "--project-id", home.id)).sort()).toEqual(["Buy milk", "Call Bob"]);
    const both = await json<Page>("tasks", "list", "--project-id", home.id, "--project-id", work.id);
    expect(titles(both).sort()).toEqual(["Buy milk", "Call Bob", "Write report"]);
    expect(await json("tasks", "count", "--project-id", work.id, "--project-id", "no-such-project")).toEqual({ count: 1 });
  });

  it("filters by array flags: --labels and --priority with several values", async () => {
    expect(titles(await json<Page>("tasks", "list", "--labels", "phone", "errands")).sort()).toEqual(["Buy milk", "Call Bob"]);
    expect(titles(await json<Page>("tasks", "list", "--labels", "phone", "--labels", "nothing"))).toEqual(["Call Bob"]);
    expect(titles(await json<Page>("tasks", "list", "--priority", "high", "urgent")).sort()).toEqual(["Buy milk", "Write report"]);
  });

  it("reads a bare boolean flag as true and takes an explicit false", async () => {
    expect(await json("tasks", "count", "--has-due-date")).toEqual({ count: 2 });
    expect(await json("tasks", "count", "--has-due-date", "true")).toEqual({ count: 2 });
    expect(await json("tasks", "count", "--has-due-date", "false")).toEqual({ count: 1 });
    const archived = await json<Project>("projects", "create", "--name", "Old");
    await json("projects", "archive", "--id", archived.id);
    const names = async (...flags: string[]) =>
      (await json<{ items: Project[] }>("projects", "list", ...flags)).items.map((project) => project.name);
    expect(await names("--archived")).toEqual(["Old"]);
    expect(await names("--archived", "true")).toEqual(["Old"]);
    expect(await names("--archived", "false")).toEqual(["Home", "Work"]);
    expect(await json("tasks", "count", "--has-due-date", "false", "--include-archived-projects")).toEqual({ count: 1 });
  });

  it("sorts by --sort-by/--sort-dir, either alone, or by the whole --sort as JSON", async () => {
    const list = async (...flags: string[]) => titles(await json<Page>("tasks", "list", ...flags));
    // Created milk, call, report; priorities high, normal, urgent: every order below tells the keys apart.
    expect(await list("--sort-by", "priority", "--sort-dir", "desc")).toEqual(["Write report", "Buy milk", "Call Bob"]);
    expect(await list("--sort-by", "priority")).toEqual(["Call Bob", "Buy milk", "Write report"]);
    expect(await list("--sort-dir", "desc")).toEqual(["Write report", "Call Bob", "Buy milk"]);
    expect(await list("--sort-dir", "asc")).toEqual(["Buy milk", "Call Bob", "Write report"]);
    expect(await list("--sort", '{"by":"dueDate","dir":"desc"}', "--has-due-date")).toEqual(["Buy milk", "Call Bob"]);
  });

  it("pages with --limit and --cursor, and filters by status, search and due dates", async () => {
    const first = await json<Page>("tasks", "list", "--status", "all", "--sort-by", "title", "--limit", "2");
    expect(titles(first)).toEqual(["Buy milk", "Call Bob"]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await json<Page>("tasks", "list", "--status", "all", "--sort-by", "title", "--limit", "2", "--cursor", String(first.nextCursor));
    expect(titles(second)).toEqual(["Write report"]);
    expect(titles(await json<Page>("tasks", "list", "--search", "BIKE"))).toEqual(["Call Bob"]);
    expect(await json("tasks", "count", "--status", "completed")).toEqual({ count: 0 });
    expect(await json("tasks", "count", "--due-from", "2026-03-01", "--due-to", "2026-03-31")).toEqual({ count: 1 });
  });

  /** Runs a command that must fail: the reason on stderr, nothing on stdout, no stack trace. */
  async function failure(args: string[], code: number): Promise<string> {
    const run = await taskrpc(["--db", db, ...args]);
    expect(run.stdout).toBe("");
    expect(run.code).toBe(code);
    expect(run.stderr).not.toMatch(/\n\s+at /u);
    return run.stderr;
  }

  it.each([
    ["an empty name", ["projects", "create", "--name", "   "], /^VALIDATION: name: Too small/u],
    ["an unknown flag", ["projects", "create", "--name", "x", "--colour", "red"], /^VALIDATION: unknown option '--colour'/u],
    ["an impossible date", ["tasks", "update", "--id", "t1", "--due-date", "2026-02-30"], /^VALIDATION: dueDate: /u],
    ["a missing required flag", ["tasks", "create", "--title", "x"], /^VALIDATION: required option '--project-id <string>' not specified/u],
    ["a word for a number", ["tasks", "list", "--limit", "ten"], /^VALIDATION: limit: .*expected number, received string/u],
    ["a blank number", ["tasks", "list", "--limit", " "], /^VALIDATION: limit: .*expected number, received string/u],
    ["a number out of range", ["tasks", "list", "--limit", "0"], /^VALIDATION: limit: Too small/u],
    ["a value not among the choices", ["tasks", "list", "--status", "maybe"], /^VALIDATION: option '--status .*' argument 'maybe' is invalid/u],
    ["--sort with --sort-by", ["tasks", "list", "--sort", '{"by":"title"}', "--sort-by", "title"], /^VALIDATION: option '--sort-by <key>' cannot be used with option '--sort/u],
    ["an unknown command", ["tasks", "frobnicate"], /^VALIDATION: unknown command 'frobnicate'/u],
    ["a group without its command", ["tasks"], /^Usage: taskrpc tasks .*\n[^]*tasks: create, get, list/u],
  ])("refuses %s with VALIDATION on stderr and exit code 2", async (_, args, reason) => {
    expect(await failure(args, 2)).toMatch(reason);
  });

  it("points to the command's own help after a flag error", async () => {
    expect(await failure(["tasks", "list", "--status", "maybe"], 2)).toContain('(run "taskrpc tasks list --help" for usage)');
    expect(await failure(["--colour"], 2)).toContain('(run "taskrpc --help" for usage)');
  });

  it("reports what does not exist with its reason and exit code 1", async () => {
    expect(await failure(["tasks", "get", "--id", "no-such-task"], 1)).toMatch(/^TASK_NOT_FOUND: /u);
    expect(await failure(["tasks", "create", "--project-id", "no-such-project", "--title", "x"], 1)).toMatch(/^PROJECT_NOT_FOUND: /u);
    expect(await failure(["tasks", "update", "--id", milk.id, "--title", "y", "--expected-version", "9"], 1)).toMatch(/^VERSION_MISMATCH: /u);
  });

  it("reports a database it cannot open as INTERNAL with exit code 1", async () => {
    const run = await taskrpc(["projects", "list", "--db", join(dir, "cli.db", "not-a-folder", "x.db")]);
    expect(run).toMatchObject({ code: 1, stdout: "" });
    expect(run.stderr).toMatch(/^INTERNAL: cannot open database .*not-a-folder/u);
  });
});

describe("taskrpc tokens", () => {
  const db = join(dir, "tokens.db");
  const tokens = (...args: string[]) => taskrpc(["--db", db, "tokens", ...args]);

  it("creates a token, printing its secret once; lists it without the secret; revokes it by name", async () => {
    const created = await tokens("create", "--name", "ci", "--scope", "read", "--expires-in", "30d");
    expect(created.code).toBe(0);
    const token = JSON.parse(created.stdout) as { name: string; scope: string; createdAt: string; expiresAt: string; secret: string };
    expect(token).toMatchObject({ name: "ci", scope: "read", lastUsedAt: null, secret: expect.stringMatching(/^trpc_\S{43}$/u) });
    expect(Date.parse(token.expiresAt) - Date.parse(token.createdAt)).toBe(30 * 86_400_000);
    expect(created.stderr).toMatch(/not shown again.*Authorization: Bearer/u);

    const listed = await tokens("list");
    expect(listed).toMatchObject({ code: 0, stderr: "" });
    const { secret, ...shown } = token;
    expect(JSON.parse(listed.stdout)).toEqual([shown]);
    expect(listed.stdout).not.toContain(secret.slice(5));

    const database = openDatabase(db);
    expect((await database.tokens.authenticate(secret))?.scope).toBe("read");
    await database.close();

    expect(await tokens("revoke", "--name", "ci")).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse((await tokens("list")).stdout)).toEqual([]);
    const reopened = openDatabase(db);
    expect(await reopened.tokens.authenticate(secret)).toBeUndefined();
    await reopened.close();
  });

  it("takes a lifetime of up to 3650 days; refuses a taken name, a bad scope or duration with VALIDATION and exit code 2, an unknown name to revoke with exit 1", async () => {
    expect((await tokens("create", "--name", "deploy", "--scope", "write")).code).toBe(0);
    expect((await tokens("create", "--name", "decade", "--scope", "read", "--expires-in", "3650d")).code).toBe(0);
    const cases: [string[], number, RegExp][] = [
      [["create", "--name", "deploy", "--scope", "read"], 2, /^VALIDATION: a token named "deploy" exists/u],
      [["create", "--name", "x", "--scope", "admin"], 2, /^VALIDATION: .*Allowed choices are read, write/u],
      [["create", "--name", "x", "--scope", "read", "--expires-in", "soon"], 2, /^VALIDATION: expiresIn: /u],
      [["create", "--name", "x", "--scope", "read", "--expires-in", "3651d"], 2, /^VALIDATION: expiresIn: At most 3650d/u],
      [["create", "--name", " ", "--scope", "read"], 2, /^VALIDATION: name: /u],
      [["create", "--scope", "read"], 2, /^VALIDATION: .*--name/u],
      [["revoke", "--name", "nobody"], 1, /^NOT_FOUND: no token named "nobody"/u],
    ];
    for (const [args, code, message] of cases) {
      const run = await tokens(...args);
      expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code, stdout: "" });
      expect(run.stderr).toMatch(message);
    }
    expect(JSON.parse((await tokens("list")).stdout)).toMatchObject([{ name: "decade", scope: "read" }, { name: "deploy", scope: "write" }]);
  });

  it("procedure commands need no token, even while tokens exist: the CLI works on the file itself", async () => {
    expect((await tokens("create", "--name", "local", "--scope", "read")).code).toBe(0);
    const run = await taskrpc(["--db", db, "projects", "create", "--name", "Offline"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
  });

  it("--help lists the tokens commands", async () => {
    const run = await taskrpc(["--help"]);
    expect(run.stdout).toContain("taskrpc tokens create --name <name> --scope <scope> [--expires-in]");
    expect(run.stdout).toContain("taskrpc tokens list");
    expect(run.stdout).toContain("taskrpc tokens revoke --name <name>");
  });
});

describe("taskrpc serve refuses to start, in one line with exit code 1, rather than serve badly", () => {
  it("a read-only database file", async () => {
    const db = join(dir, "read-only.db");
    expect((await taskrpc(["--db", db, "projects", "create", "--name", "Kept"])).code).toBe(0);
    chmodSync(db, 0o444);
    const run = await taskrpc(["serve", "--port", "0", "--db", db]);
    expect(run).toMatchObject({ code: 1, stdout: "" });
    expect(run.stderr).toMatch(/^INTERNAL: Database \S*read-only\.db is read-only: make it writable .*\n$/u);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("a non-loopback address with no access token, saying to create one", async () => {
    // TEST-NET-1: no machine has it, so were the check missing the start would fail differently (EADDRNOTAVAIL).
    const run = await taskrpc(["serve", "--host", "192.0.2.1", "--port", "0", "--db", join(dir, "exposed.db")], {});
    expect(run).toMatchObject({ code: 1, stdout: "" });
    expect(run.stderr).toMatch(/^INTERNAL: Refusing to listen on 192\.0\.2\.1 with no access token: .*taskrpc tokens create --name NAME --scope write.*\n$/u);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });
});
