import { describe, expect, it } from "vitest";
import { ImportRefused, RecordRefused, type Environment } from "../../src/data";
import type { PgStore } from "../../src/data/pg/open";
import { createProjectInput, createTaskInput, type ExportedProject, type Task } from "../../src/domain";
import { tickingClock } from "../support/database";

// Loaded when a test runs: `npm test` skips this file, and loading PGlite's support costs a worker about 0.2 s of CPU.
const openPgliteStore = async (environment: Environment) => (await import("../support/pglite")).openPgliteStore(environment);

/** Export and import on the PostgreSQL store (embedded): what `taskrpc export` / `import` run on it. */
async function exported(store: PgStore): Promise<{ projects: ExportedProject[]; tasks: Task[]; counts: number[] }> {
  const snapshot = await store.portability.exportSnapshot();
  const projects: ExportedProject[] = [];
  const tasks: Task[] = [];
  try {
    for await (const project of snapshot.projects()) projects.push(project);
    for await (const task of snapshot.tasks()) tasks.push(task);
  } finally {
    await snapshot.close();
  }
  return { projects, tasks, counts: [snapshot.projectCount, snapshot.taskCount] };
}

// The PostgreSQL tier (npm run test:pg, coverage, CI) runs it; `npm test` and the inner loop set TEST_PGLITE=off.
describe.runIf(process.env.TEST_PGLITE !== "off")("export and import on PostgreSQL (PGlite)", () => {
  it("round-trips every project and task, keeping ids, versions, timestamps and the order they were written", async () => {
    const source = await openPgliteStore({ clock: tickingClock() });
    const home = await source.write.createProject(createProjectInput.parse({ name: "Home" }));
    const work = await source.write.createProject(createProjectInput.parse({ name: "Work" }));
    await source.write.createTask(createTaskInput.parse({ projectId: work.id, title: "Report", labels: ["Q3", "boss"], dueDate: "2026-03-01" }));
    const milk = await source.write.createTask(createTaskInput.parse({ projectId: home.id, title: "Milk" }));
    await source.write.completeTask({ id: milk.id });
    await source.write.archiveProject({ id: work.id });
    const before = await exported(source);
    expect(before.counts).toEqual([2, 2]);
    expect(before.tasks.map((task) => task.title)).toEqual(["Report", "Milk"]);

    const target = await openPgliteStore({});
    const session = await target.portability.beginImport();
    for (const project of before.projects) await session.addProject(project);
    for (const task of before.tasks) await session.addTask(task);
    await session.commit();
    expect(await exported(target)).toEqual(before);
    expect(await target.read.getProject(work.id)).toMatchObject({ archived: true, openTaskCount: 1, version: 2 });
    expect((await target.read.listLabels({ status: "all", includeArchivedProjects: true })).map((usage) => usage.label)).toEqual(["boss", "q3"]);
  });

  it("refuses to import into a database holding data, and a duplicate task id, leaving the database as it was", async () => {
    const store = await openPgliteStore({});
    const project = await store.write.createProject(createProjectInput.parse({ name: "Kept" }));
    await expect(store.portability.beginImport()).rejects.toThrow(ImportRefused);

    await store.write.deleteProject({ id: project.id });
    const session = await store.portability.beginImport();
    const at = "2026-01-01T00:00:00.000Z";
    const imported = { id: "p1", name: "One", description: "", archived: false, archivedAt: null, version: 1, createdAt: at, updatedAt: at };
    await session.addProject(imported);
    const task: Task = {
      id: "t1",
      projectId: "p1",
      title: "Twice",
      description: "",
      priority: "normal",
      dueDate: null,
      labels: [],
      completed: false,
      completedAt: null,
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    await session.addTask(task);
    await session.addTask(task);
    await expect(session.commit()).rejects.toThrow(new RecordRefused("task t1 is a duplicate id"));
    await session.rollback();
    expect((await store.read.listProjects({ archived: false, limit: 10 })).items).toEqual([]);
  });
});
