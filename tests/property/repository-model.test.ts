import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Repository } from "../../src/data";
import { MemoryRepository } from "../../src/data/memory-repository";
import {
  DomainError,
  createProjectInput,
  createTaskInput,
  listProjectsInput,
  priorities,
  taskFilterInput,
  taskQueryInput,
  taskSortKeys,
  updateProjectInput,
  updateTaskInput,
  type TaskFilter,
} from "../../src/domain";
import { openDatabaseCopy } from "../support/database";

// Stateful property test: random sequences of operations run against the SQLite repository (and PostgreSQL's) and the
// in-memory one (the model, itself held to the contract suite) and every answer must agree, error
// reasons included. PROPERTY_RUNS raises the number of sequences for a long run; a failure prints the
// seed and the shrunk sequence (re-run one with PROPERTY_SEED=<seed>).

const runs = Number(process.env.PROPERTY_RUNS ?? 15);
const seed = process.env.PROPERTY_SEED === undefined ? undefined : Number(process.env.PROPERTY_SEED);

type System = { model: Repository; real: Repository; projectIds: string[]; taskIds: string[] };
type Command = fc.AsyncCommand<System, System>;

/**
 * Ids whose order differs from creation order, and a clock that repeats readings, so ties are exercised; one
 * cursor key for both, so their cursors can be compared.
 */
function environment() {
  let ids = 0;
  let ticks = 0;
  return {
    cursorSecret: "property-test",
    newId: () => `id-${String((++ids * 7919) % 10_007).padStart(5, "0")}`,
    clock: () => new Date(Date.UTC(2026, 0, 1) + Math.floor(ticks++ / 3) * 1000).toISOString(),
  };
}

/** Runs the same call on both and demands the same outcome: the same value, or a DomainError with the same reason. */
async function both<T>(system: System, call: (repo: Repository) => Promise<T>): Promise<T | undefined> {
  const outcome = async (repo: Repository) => {
    try {
      return { value: await call(repo) };
    } catch (error) {
      if (error instanceof DomainError) return { reason: error.reason };
      throw error;
    }
  };
  const expected = await outcome(system.model);
  const actual = await outcome(system.real);
  expect(actual).toEqual(expected);
  return expected.value;
}

const pick = (list: string[], index: number) => (list.length === 0 ? "missing" : (list[index % list.length] ?? "missing"));
const word = fc.constantFrom("alpha", "Alpha", "beta", "GAMMA", "de", "x", "Écho", "zulu", "mañana", "a b");
const text = fc.oneof(word, fc.string({ minLength: 1, maxLength: 6 })).filter((value) => value.trim().length > 0);
const label = fc.constantFrom("bug", "Bug", "home", "work", "urgent", "ß");
const date = fc.constantFrom("2026-01-01", "2026-01-15", "2026-02-28", "2026-03-01", "2025-12-31");
const versionMode = fc.constantFrom("none", "current", "stale") as fc.Arbitrary<"none" | "current" | "stale">;
const index = fc.nat({ max: 50 });

async function expectedVersion(mode: "none" | "current" | "stale", current: () => Promise<number>): Promise<number | undefined> {
  if (mode === "none") return undefined;
  return mode === "current" ? current() : (await current()) + 1;
}

async function currentVersion(system: System, kind: "project" | "task", id: string): Promise<number> {
  try {
    return kind === "project" ? (await system.model.getProject(id)).version : (await system.model.getTask(id)).version;
  } catch {
    return 1;
  }
}

function command(description: string, run: (system: System) => Promise<void>): Command {
  return { check: () => true, run: (system) => run(system), toString: () => description };
}

/** Up to two filters at a time: with more, nearly every list would come back empty. */
const filterArbitrary: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.subarray(["projectIndexes", "status", "search", "priority", "labels", "dueFrom", "dueTo", "hasDueDate", "includeArchivedProjects"], { maxLength: 2 }),
    fc.record({
    projectIndexes: fc.array(index, { minLength: 1, maxLength: 2 }),
    status: fc.constantFrom("open", "completed", "all"),
    search: fc.constantFrom("alpha", "a", "GAM", "be ta", "ñ", "zz"),
    priority: fc.subarray([...priorities], { minLength: 1 }),
    labels: fc.subarray(["BUG", "home", "nothing"], { minLength: 1 }),
    dueFrom: date,
    dueTo: date,
    hasDueDate: fc.boolean(),
    includeArchivedProjects: fc.boolean(),
    }),
  )
  .map(([keys, all]) => Object.fromEntries(Object.entries(all).filter(([key]) => keys.includes(key))));

function toFilter(system: System, raw: Record<string, unknown>): Record<string, unknown> {
  const { projectIndexes, ...rest } = raw;
  if (!Array.isArray(projectIndexes)) return rest;
  return { ...rest, projectId: (projectIndexes as number[]).map((i) => pick(system.projectIds, i)) };
}

const createProject = fc.record({ name: text, description: fc.option(text, { nil: undefined }) }).map(({ name, description }) =>
  command(`createProject(${JSON.stringify(name)})`, async (system) => {
    const project = await both(system, (repo) => repo.createProject(createProjectInput.parse({ name, description })));
    if (project) system.projectIds.push(project.id);
  }),
);

const updateProject = fc
  .record({ at: index, name: fc.option(text, { nil: undefined }), description: fc.option(text, { nil: undefined }), mode: versionMode })
  .map(({ at, name, description, mode }) =>
    command(`updateProject(#${at}, ${JSON.stringify({ name, description, mode })})`, async (system) => {
      const id = pick(system.projectIds, at);
      const input = updateProjectInput.parse({ id, name, description, expectedVersion: await expectedVersion(mode, () => currentVersion(system, "project", id)) });
      await both(system, (repo) => repo.updateProject(input));
    }),
  );

const archiveProject = fc.record({ at: index, archive: fc.boolean(), mode: versionMode }).map(({ at, archive, mode }) =>
  command(`${archive ? "archive" : "unarchive"}Project(#${at}, ${mode})`, async (system) => {
    const id = pick(system.projectIds, at);
    const input = { id, expectedVersion: await expectedVersion(mode, () => currentVersion(system, "project", id)) };
    await both(system, (repo) => (archive ? repo.archiveProject(input) : repo.unarchiveProject(input)));
  }),
);

const deleteProject = fc.record({ at: index, mode: versionMode }).map(({ at, mode }) =>
  command(`deleteProject(#${at}, ${mode})`, async (system) => {
    const id = pick(system.projectIds, at);
    const input = { id, expectedVersion: await expectedVersion(mode, () => currentVersion(system, "project", id)) };
    if (await both(system, (repo) => repo.deleteProject(input))) system.projectIds = system.projectIds.filter((other) => other !== id);
  }),
);

const createTask = fc
  .record({
    at: index,
    title: text,
    description: fc.option(text, { nil: undefined }),
    priority: fc.option(fc.constantFrom(...priorities), { nil: undefined }),
    dueDate: fc.option(date, { nil: undefined }),
    labels: fc.uniqueArray(label, { maxLength: 3, selector: (value) => value.toLowerCase() }),
  })
  .map(({ at, ...fields }) =>
    command(`createTask(#${at}, ${JSON.stringify(fields)})`, async (system) => {
      const input = createTaskInput.parse({ projectId: pick(system.projectIds, at), ...fields });
      const task = await both(system, (repo) => repo.createTask(input));
      if (task) system.taskIds.push(task.id);
    }),
  );

const updateTask = fc
  .record(
    {
      at: index,
      title: text,
      description: text,
      priority: fc.constantFrom(...priorities),
      dueDate: fc.option(date, { nil: null }),
      labels: fc.uniqueArray(label, { maxLength: 3, selector: (value) => value.toLowerCase() }),
      moveTo: index,
      mode: versionMode,
    },
    { requiredKeys: ["at", "mode"] },
  )
  .map(({ at, moveTo, mode, ...fields }) =>
    command(`updateTask(#${at}, ${JSON.stringify({ ...fields, moveTo, mode })})`, async (system) => {
      const id = pick(system.taskIds, at);
      const projectId = moveTo === undefined ? undefined : pick(system.projectIds, moveTo);
      const input = updateTaskInput.parse({ id, ...fields, projectId, expectedVersion: await expectedVersion(mode, () => currentVersion(system, "task", id)) });
      await both(system, (repo) => repo.updateTask(input));
    }),
  );

const completeTask = fc.record({ at: index, complete: fc.boolean(), mode: versionMode }).map(({ at, complete, mode }) =>
  command(`${complete ? "complete" : "reopen"}Task(#${at}, ${mode})`, async (system) => {
    const id = pick(system.taskIds, at);
    const input = { id, expectedVersion: await expectedVersion(mode, () => currentVersion(system, "task", id)) };
    await both(system, (repo) => (complete ? repo.completeTask(input) : repo.reopenTask(input)));
  }),
);

const deleteTask = fc.record({ at: index, mode: versionMode }).map(({ at, mode }) =>
  command(`deleteTask(#${at}, ${mode})`, async (system) => {
    const id = pick(system.taskIds, at);
    const input = { id, expectedVersion: await expectedVersion(mode, () => currentVersion(system, "task", id)) };
    if (await both(system, (repo) => repo.deleteTask(input))) system.taskIds = system.taskIds.filter((other) => other !== id);
  }),
);

const listTasks = fc
  .record({ filter: filterArbitrary, by: fc.constantFrom(...taskSortKeys), dir: fc.constantFrom("asc", "desc"), limit: fc.integer({ min: 1, max: 4 }) })
  .map(({ filter, by, dir, limit }) =>
    command(`listTasks(${JSON.stringify({ ...filter, sort: { by, dir }, limit })}) + count + labels`, async (system) => {
      const query = taskQueryInput.parse({ ...toFilter(system, filter), sort: { by, dir }, limit });
      let cursor: string | undefined;
      let listed = 0;
      do {
        const page = await both(system, (repo) => repo.listTasks({ ...query, cursor }));
        listed += page?.items.length ?? 0;
        cursor = page?.nextCursor ?? undefined;
      } while (cursor);
      const taskFilter = taskFilterInput.parse(toFilter(system, filter)) as TaskFilter;
      expect(await both(system, (repo) => repo.countTasks(taskFilter))).toBe(listed);
      await both(system, (repo) => repo.listLabels(taskFilter));
    }),
  );

const listProjects = fc
  .record({ archived: fc.boolean(), search: fc.option(fc.constantFrom("alpha", "a", "GAM", "ñ"), { nil: undefined }), limit: fc.integer({ min: 1, max: 3 }) })
  .map((raw) =>
    command(`listProjects(${JSON.stringify(raw)})`, async (system) => {
      const query = listProjectsInput.parse(raw);
      let cursor: string | undefined;
      do {
        cursor = (await both(system, (repo) => repo.listProjects({ ...query, cursor })))?.nextCursor ?? undefined;
      } while (cursor);
    }),
  );

// Creating and listing come several times so that sequences build up enough rows to sort and page.
const commands = [
  createProject,
  createProject,
  updateProject,
  archiveProject,
  deleteProject,
  createTask,
  createTask,
  createTask,
  updateTask,
  completeTask,
  deleteTask,
  listTasks,
  listTasks,
  listProjects,
];

/** The stores held to the model: SQLite, and PostgreSQL embedded (PGlite). */
const stores: { name: string; open: () => Promise<{ repo: Repository; close: () => Promise<void> }> }[] = [
  {
    name: "SQLite",
    open: () => {
      const database = openDatabaseCopy(environment());
      return Promise.resolve({ repo: database.write, close: () => database.close() });
    },
  },
  // Left out of `npm test` and the inner loop (TEST_PGLITE=off): the PostgreSQL tier (npm run test:pg) runs it.
  ...(process.env.TEST_PGLITE === "off"
    ? []
    : [
        {
          name: "PostgreSQL (PGlite)",
          // Loaded here: `npm test` never gets this far, and loading PGlite's support costs a worker about 0.2 s of CPU.
          open: async () => {
            const { openPgliteStore } = await import("../support/pglite");
            return { repo: (await openPgliteStore(environment())).write, close: () => Promise.resolve() };
          },
        },
      ]),
];

describe.each(stores)("the $name repository behaves as the in-memory model", ({ open }) => {
  it(`agrees on random sequences of operations (${runs} runs; PROPERTY_RUNS for more)`, { timeout: 0 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40, size: "max" }), async (sequence) => {
        const store = await open();
        try {
          // Both repositories live in one System value, so each command calls both and compares.
          const system: System = { model: new MemoryRepository(environment()), real: store.repo, projectIds: [], taskIds: [] };
          await fc.asyncModelRun(() => ({ model: system, real: system }), sequence);
        } finally {
          await store.close();
        }
      }),
      { numRuns: runs, ...(seed !== undefined && { seed }) },
    );
  });
});
