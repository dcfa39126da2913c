import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { runCli } from "../../src/cli/cli";
import { checkIntegrity, openDatabase } from "../../src/data";
import { createTaskServer } from "../../src/server/http";
import { openDatabaseCopy, tickingClock } from "../support/database";
import { captureLog } from "../support/log";

/** taskrpc backup, export and import in-process (runCli), on database files in a temporary folder. */
const dir = mkdtempSync(join(tmpdir(), "taskrpc-ops-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const file = (extension: string) => join(dir, `${++files}.${extension}`);
/** A new, migrated, empty database file: a copy of the run's template (migrating costs far more than copying). */
const databaseFile = () => {
  const path = file("db");
  copyFileSync(inject("databaseTemplate"), path);
  return path;
};

async function taskrpc(...args: string[]) {
  const run = { code: -1, stdout: "", stderr: "" };
  run.code = await runCli(args, { stdout: (text) => (run.stdout += text), stderr: (text) => (run.stderr += text), env: {} });
  return run;
}

/** As on a terminal: progress goes to stderr. */
async function onTerminal(...args: string[]) {
  const run = { code: -1, stdout: "", stderr: "" };
  run.code = await runCli(args, { stdout: (text) => (run.stdout += text), stderr: (text) => (run.stderr += text), env: {}, interactive: true });
  return run;
}

/** A database using every field: archived and empty projects, completed, moved and edited tasks, every priority. */
async function seed(path: string): Promise<void> {
  const database = openDatabase(path, { clock: tickingClock() });
  const { write } = database;
  const home = await write.createProject({ name: "Home", description: "things to do at home" });
  const work = await write.createProject({ name: "Work", description: "" });
  const old = await write.createProject({ name: "Old", description: "archived" });
  await write.createProject({ name: "Empty", description: "" });
  const priorities = ["low", "normal", "high", "urgent"] as const;
  for (const [index, priority] of priorities.entries()) {
    const task = await write.createTask({
      projectId: index % 2 ? home.id : work.id,
      title: `Task ${priority} «ünïcode»`,
      description: index ? "line one\nline two" : "",
      priority,
      dueDate: index % 2 ? `2026-0${index + 1}-2${index}` : null,
      labels: index ? ["errands", `p-${priority}`, "Zeta"] : [],
    });
    if (index === 1) await write.completeTask({ id: task.id });
    if (index === 2) await write.updateTask({ id: task.id, title: "Renamed", projectId: home.id });
  }
  const archived = await write.createTask({ projectId: old.id, title: "Done long ago", description: "", priority: "high", dueDate: "2025-12-31", labels: ["x"] });
  await write.completeTask({ id: archived.id });
  await write.archiveProject({ id: old.id });
  await database.close();
}

const documentOf = (path: string) => {
  const { exportedAt, ...rest } = JSON.parse(readFileSync(path, "utf8")) as { exportedAt: string };
  expect(Date.parse(exportedAt)).not.toBeNaN();
  return rest;
};

const taskCount = async (path: string) => {
  const database = openDatabase(path);
  try {
    return await database.read.countTasks({ status: "all", includeArchivedProjects: true });
  } finally {
    await database.close();
  }
};

describe("taskrpc export and import", () => {
  it("export → import into an empty database → export gives the same document, every field kept", async () => {
    const source = databaseFile();
    await seed(source);
    const first = file("json");
    expect(await taskrpc("--db", source, "export", "--out", first)).toMatchObject({ code: 0, stderr: "" });
    const document = documentOf(first) as { format: string; version: number; projects: object[]; tasks: { completed: boolean }[] };
    expect(document).toMatchObject({ format: "taskrpc-export", version: 1 });
    expect(document.projects).toHaveLength(4);
    expect(document.tasks).toHaveLength(5);
    expect(document.projects).toContainEqual(expect.objectContaining({ name: "Old", archived: true, archivedAt: expect.any(String) }));
    expect(document.tasks).toContainEqual(expect.objectContaining({ title: "Renamed", version: 2, labels: ["errands", "p-high", "Zeta"] }));

    const target = databaseFile();
    const imported = await onTerminal("--db", target, "import", first);
    expect(imported).toMatchObject({ code: 0 });
    expect(imported.stderr).toMatch(/^\rimport of .* \[#{20}\] 100%\n$/mu);
    expect(JSON.parse(imported.stdout)).toMatchObject({ projects: 4, tasks: 5 });
    const second = file("json");
    expect(await taskrpc("--db", target, "export", "--out", second)).toMatchObject({ code: 0 });
    expect(documentOf(second)).toEqual(document);

    // What the API reads back is the same too: derived counts, label search.
    const copy = openDatabase(target);
    const original = openDatabase(source);
    try {
      const all = { archived: true, limit: 50 };
      expect(await copy.read.listProjects(all)).toEqual(await original.read.listProjects(all));
      const filter = { status: "all" as const, labels: ["ERRANDS"], sort: { by: "title" as const, dir: "asc" as const }, limit: 50, includeArchivedProjects: true };
      expect(await copy.read.listTasks(filter)).toEqual(await original.read.listTasks(filter));
    } finally {
      await copy.close();
      await original.close();
    }
  });

  it("export with no --out writes the document to stdout; an empty database gives empty lists", async () => {
    const run = await taskrpc("--db", databaseFile(), "export");
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(run.stdout)).toEqual({ format: "taskrpc-export", version: 1, exportedAt: expect.any(String), projects: [], tasks: [] });
  });

  it("refuses to import into a database that holds data, and changes nothing", async () => {
    const source = databaseFile();
    await seed(source);
    const exported = file("json");
    await taskrpc("--db", source, "export", "--out", exported);
    const run = await taskrpc("--db", source, "import", exported);
    expect(run).toMatchObject({ code: 1, stdout: "" });
    expect(run.stderr).toMatch(/^DATABASE_NOT_EMPTY: .* holds 4 projects; import only into an empty database\n$/u);
    expect(await taskCount(source)).toBe(5);
  });

  const header = { format: "taskrpc-export", version: 1, exportedAt: "2026-01-01T00:00:00.000Z" };
  const project = { id: "p1", name: "Home", description: "", archived: false, archivedAt: null, version: 1, createdAt: header.exportedAt, updatedAt: header.exportedAt };
  const task = {
    id: "t1", projectId: "p1", title: "Milk", description: "", priority: "normal", dueDate: null, labels: [], completed: false,
    completedAt: null, version: 1, createdAt: header.exportedAt, updatedAt: header.exportedAt,
  };
  it.each([
    ["a bad task (naming it)", { ...header, projects: [project], tasks: [task, { ...task, id: "t2", priority: "someday" }] }, /^VALIDATION: tasks\[1\] \(id t2\): priority: /u],
    ["a completed task without completedAt", { ...header, projects: [project], tasks: [{ ...task, completed: true }] }, /^VALIDATION: tasks\[0\] \(id t1\): completedAt: completedAt must be set exactly when completed is true/u],
    ["an archived project without archivedAt", { ...header, projects: [{ ...project, archived: true }], tasks: [] }, /^VALIDATION: projects\[0\] \(id p1\): archivedAt: archivedAt must be set exactly when archived is true/u],
    ["a task of a project not in the file", { ...header, projects: [project], tasks: [{ ...task, projectId: "p9" }] }, /^VALIDATION: task t1 names project p9, which is not among the projects before it/u],
    ["a duplicate task id", { ...header, projects: [project], tasks: [task, task] }, /^VALIDATION: task t1 is a duplicate id/u],
    ["a duplicate project id", { ...header, projects: [project, project], tasks: [] }, /^VALIDATION: project p1 is a duplicate id/u],
    ["another format", { ...header, format: "todo-export", projects: [project], tasks: [] }, /^VALIDATION: .* is not a taskrpc export of version 1 .*format: /u],
    ["a document with no header", { projects: [], tasks: [] }, /^VALIDATION: .* is not a taskrpc export/u],
  ])("refuses %s with a clear error, writing nothing", async (_name, content, message) => {
    const source = file("json");
    writeFileSync(source, JSON.stringify(content));
    const target = databaseFile();
    const run = await taskrpc("--db", target, "import", source);
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toMatch(message);
    expect(await taskCount(target)).toBe(0);
    expect(JSON.parse((await taskrpc("--db", target, "projects", "list", "--archived")).stdout)).toEqual({ items: [], nextCursor: null });
  });

  it("refuses a file that is not JSON, or cut short, writing nothing", async () => {
    const source = databaseFile();
    await seed(source);
    const exported = file("json");
    await taskrpc("--db", source, "export", "--out", exported);
    const cut = file("json");
    writeFileSync(cut, readFileSync(exported, "utf8").slice(0, -20));
    const target = databaseFile();
    const run = await taskrpc("--db", target, "import", cut);
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toMatch(/^VALIDATION: .* is not valid JSON: /u);
    expect(await taskCount(target)).toBe(0);
    expect((await taskrpc("--db", target, "import", join(dir, "missing.json"))).stderr).toMatch(/^VALIDATION: there is no file /u);
  });

  it("export --out refuses to replace a file unless --force", async () => {
    const out = file("json");
    writeFileSync(out, "keep");
    const run = await taskrpc("--db", databaseFile(), "export", "--out", out);
    expect(run).toMatchObject({ code: 1, stdout: "" });
    expect(run.stderr).toMatch(/^TARGET_EXISTS: .* already exists; give --force to replace it/u);
    expect(readFileSync(out, "utf8")).toBe("keep");
    expect(await taskrpc("--db", databaseFile(), "export", "--out", out, "--force")).toMatchObject({ code: 0 });
    expect(documentOf(out)).toMatchObject({ projects: [] });
  });
});

describe("taskrpc migrate", () => {
  it("creates and migrates the SQLite file, says where, and exits 0", async () => {
    const path = file("db");
    const run = await taskrpc("--db", path, "migrate");
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(run.stdout)).toEqual({ migrated: path, store: "sqlite" });
    const database = openDatabase(path);
    expect((await database.read.listProjects({ archived: false, limit: 1 })).items).toEqual([]);
    await database.close();
  });
});

describe("taskrpc backup", () => {
  it("on PostgreSQL, refuses with BACKUP_UNSUPPORTED and points to the database's own tools, without connecting", async () => {
    const target = file("db");
    const run = await taskrpc("--database-url", "postgres://taskrpc:secret@127.0.0.1:1/none", "backup", "--to", target);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^BACKUP_UNSUPPORTED: .*pg_dump/u);
    expect(run.stderr).not.toContain("secret");
    expect(existsSync(target)).toBe(false);
  });

  it("copies a database that a server is writing to: the copy passes the integrity check and holds every write acknowledged before it began", { timeout: 60_000 }, async () => {
    const live = openDatabaseCopy();
    // Enough pages (about 2,000) that the copy takes about 20 steps, with the server's requests answered between them
    // (about 11). In four-byte characters: the search index does work per character, the pages hold bytes, so 80
    // descriptions of 10,000 fill as many pages as 250 of 9,000 one-byte ones did, in under half the CPU.
    const project = await live.write.createProject({ name: "Load", description: "" });
    for (let i = 0; i < 80; i++) await live.write.createTask({ projectId: project.id, title: `seed ${i}`, description: "😀".repeat(10_000), priority: "normal", dueDate: null, labels: [] });
    const server = createTaskServer(live, { log: captureLog().log });
    const url = await server.listen(0, "127.0.0.1");
    const acknowledged: string[] = [];
    let writing = true;
    const writer = (async () => {
      while (writing) {
        const response = await fetch(`${url}/trpc/tasks.create`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ projectId: project.id, title: `during ${acknowledged.length}`, description: "y".repeat(2000) }),
        });
        const body = (await response.json()) as { result: { data: { id: string } } };
        acknowledged.push(body.result.data.id);
      }
    })();
    try {
      while (acknowledged.length < 20) await new Promise((resolve) => setTimeout(resolve, 5));
      const before = [...acknowledged];
      const target = file("db");
      const run = await taskrpc("--db", live.path, "backup", "--to", target);
      const during = acknowledged.length - before.length;
      writing = false;
      await writer;
      expect(run).toMatchObject({ code: 0, stderr: "" });
      expect(JSON.parse(run.stdout)).toMatchObject({ backup: target, integrity: "ok" });
      expect(during, "writes were answered while the backup ran").toBeGreaterThan(0);

      expect(checkIntegrity(target)).toBe("ok");
      const restored = openDatabase(target);
      try {
        for (const id of before) expect((await restored.read.getTask(id)).id).toBe(id);
        expect(await restored.read.countTasks({ status: "all", projectId: project.id, includeArchivedProjects: false })).toBeGreaterThanOrEqual(80 + before.length);
      } finally {
        await restored.close();
      }
    } finally {
      writing = false;
      await writer;
      await server.close();
      await live.close();
    }
  });

  it("refuses to replace a file unless --force, and a database that does not exist", async () => {
    const source = databaseFile();
    await seed(source);
    const target = file("db");
    writeFileSync(target, "keep");
    const run = await taskrpc("--db", source, "backup", "--to", target);
    expect(run).toMatchObject({ code: 1, stdout: "" });
    expect(run.stderr).toMatch(/^BACKUP_REFUSED: .* already exists; give --force to replace it\n$/u);
    expect(readFileSync(target, "utf8")).toBe("keep");
    const replaced = await onTerminal("--db", source, "backup", "--to", target, "--force");
    expect(replaced).toMatchObject({ code: 0 });
    expect(replaced.stderr).toMatch(/\rbackup of .* \[#{20}\] 100%\n$/u);
    expect(await taskCount(target)).toBe(5);
    const missing = await taskrpc("--db", join(dir, "none.db"), "backup", "--to", file("db"));
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringMatching(/^BACKUP_REFUSED: there is no database at /u) });
    expect(existsSync(join(dir, "none.db"))).toBe(false);
  });
});
