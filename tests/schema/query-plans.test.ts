import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type TaskDatabase } from "../../src/data";
import { CursorCodec, fingerprint } from "../../src/data/cursor";
import {
  createProjectInput,
  createTaskInput,
  listProjectsInput,
  priorities,
  taskFilterInput,
  taskQueryInput,
  taskSortKeys,
  type TaskFilter,
  type TaskQuery,
} from "../../src/domain";

// The plans SQLite picks for the repository's own queries, over every filter × sort shape generated below:
// never a full scan of tasks, and never a sort of the matching rows where an index can give the order.
// The only sorts allowed are of one page (each arm of a merged UNION ALL) or of the few rows a rare label
// or term selects (the query is then driven by that match, a CROSS JOIN in the SQL).
// The key the database signs cursors with, so the test can make one for page 2 of each query.
const cursorSecret = "query-plan-test";
const cursors = new CursorCodec(cursorSecret);
let database: TaskDatabase;
let inspector: Database.Database;
let statements: string[] = [];
const projectIds: string[] = [];

beforeAll(async () => {
  database = openDatabase(":memory:", { trace: (sql) => statements.push(sql), cursorSecret });
  for (const name of ["Alpha", "Beta", "Gamma"]) projectIds.push((await database.write.createProject(createProjectInput.parse({ name }))).id);
  for (let i = 0; i < 40; i++) {
    const task = await database.write.createTask(
      createTaskInput.parse({
        projectId: projectIds[i % 3],
        title: `Task ${i} ${i % 2 ? "invoice" : "chore"}`,
        priority: priorities[i % 4],
        labels: i % 3 ? [`l${i % 4}`, "Work"] : [],
        dueDate: i % 2 ? `2026-01-${String((i % 28) + 1).padStart(2, "0")}` : null,
      }),
    );
    if (i % 4 === 0) await database.write.completeTask({ id: task.id });
  }
  await database.write.archiveProject({ id: projectIds[2] ?? "" });
  inspector = new Database(database.path, { readonly: true });
});

afterAll(async () => {
  inspector.close();
  await database.close();
});

// Many shapes run the same SQL text (values are bound parameters): explain each text once.
const planCache = new Map<string, string[]>();
function planOf(sql: string): string[] {
  let plan = planCache.get(sql);
  if (!plan) {
    plan = (inspector.prepare(`explain query plan ${sql}`).all() as { detail: string }[]).map((row) => row.detail);
    planCache.set(sql, plan);
  }
  return plan;
}

/** The statements a call runs, each with its plan (one line per plan row). */
async function plansOf(run: () => Promise<unknown>): Promise<{ sql: string; plan: string[] }[]> {
  statements = [];
  await run();
  return statements.filter((sql) => sql.startsWith("select")).map((sql) => ({ sql, plan: planOf(sql) }));
}

const fullScanOfTasks = /^SCAN tasks\b/;
const sortOfRows = /USE TEMP B-TREE FOR (RIGHT PART OF |LAST TERM OF )?ORDER BY/;
const sortIndex: Record<string, string> = {
  createdAt: "created",
  updatedAt: "updated",
  priority: "priority",
  title: "title",
  "dueDate asc": "due_asc",
  "dueDate desc": "due_desc",
};

/** What is wrong with a list query's plan, if anything. */
async function listPlanProblems(query: TaskQuery): Promise<string[]> {
  const plans = await plansOf(() => database.read.listTasks(query));
  const main = plans.at(-1);
  if (!main) return ["no select was run"];
  const problems: string[] = [];
  if (main.plan.some((detail) => fullScanOfTasks.test(detail))) problems.push("full scan of tasks");
  const driven = /cross join/i.test(main.sql);
  main.plan.forEach((detail, i) => {
    // A sort right after reading one arm's page (a LIMITed subquery) sorts at most a page.
    const ofOnePage = /^SCAN \(subquery-\d+\)/.test(main.plan[i - 1] ?? "");
    if (sortOfRows.test(detail) && !driven && !ofOnePage) problems.push("sorts the matching rows");
  });
  if (!driven) {
    const family = query.projectId === undefined ? "tasks_by_" : "tasks_by_project_";
    const index = `${family}${sortIndex[query.sort.by] ?? sortIndex[`${query.sort.by} ${query.sort.dir}`]}`;
    if (!main.plan.some((detail) => detail.includes(`INDEX ${index} (`))) problems.push(`does not walk ${index}`);
  }
  return problems.map((problem) => `${problem}: ${main.plan.join("; ")}`);
}

const projectChoices: Record<string, () => Partial<TaskFilter>> = {
  "all projects": () => ({}),
  "one project": () => ({ projectId: projectIds[0] }),
  "two projects, one archived": () => ({ projectId: [projectIds[1] ?? "", projectIds[2] ?? ""] }),
};
const statusChoices = ["open", "completed", "all"] as const;
const rowFilters: Record<string, Partial<TaskFilter>> = {
  "no row filter": {},
  priority: { priority: ["high", "urgent"] },
  labels: { labels: ["L1", "work"] },
  "due range": { dueFrom: "2026-01-03", dueTo: "2026-01-20" },
  "due from": { dueFrom: "2026-01-03" },
  "has a due date": { hasDueDate: true },
  "no due date": { hasDueDate: false },
  "one label, priority, due date": { labels: ["Work"], priority: ["normal", "high"], hasDueDate: true },
  "short term": { search: "sk" },
  "indexed terms": { search: "task INVOICE" },
  "priority + labels + due": { priority: ["low"], labels: ["l1"], dueTo: "2026-01-20" },
};

/** The row filters counters answer for: project, status, priority, due-date presence, and one label for counts
 * (and for label usage across projects). */
const countedFilters = (read: string, acrossProjects: boolean) => [
  "no row filter",
  "priority",
  "has a due date",
  "no due date",
  ...(read === "count" || acrossProjects ? ["one label, priority, due date"] : []),
];

describe("query plans of tasks.list, tasks.count and tasks.labels over every filter × sort", () => {
  for (const [projectName, projects] of Object.entries(projectChoices)) {
    for (const status of statusChoices) {
      for (const includeArchivedProjects of [false, true]) {
        for (const [filterName, rowFilter] of Object.entries(rowFilters)) {
          const shape = `${projectName}, ${status}${includeArchivedProjects ? ", archived projects included" : ""}, ${filterName}`;
          it(shape, async () => {
            const filter = { ...projects(), status, includeArchivedProjects, ...rowFilter };
            const problems: string[] = [];
            for (const by of taskSortKeys) {
              for (const dir of ["asc", "desc"] as const) {
                // A page of one: the SQL, so its plan, is the same for any limit (a bound parameter), and each
                // query then reads a row or two instead of every match (about a sixth of the test's time).
                const query = taskQueryInput.parse({ ...filter, sort: { by, dir }, limit: 1 });
                // A cursor made for this query, so the keyset condition is in the plan too.
                const cursor = cursors.encode(fingerprint(query), { key: by === "priority" ? 1 : "m", id: "m" });
                for (const paged of [query, taskQueryInput.parse({ ...query, cursor })]) {
                  problems.push(...(await listPlanProblems(paged)).map((problem) => `${by} ${dir}${paged.cursor ? ", page 2" : ""}: ${problem}`));
                }
              }
            }
            const parsed = taskFilterInput.parse(filter);
            for (const [name, run] of Object.entries({ count: () => database.read.countTasks(parsed), labels: () => database.read.listLabels(parsed) })) {
              for (const { plan } of await plansOf(run)) {
                if (plan.some((detail) => fullScanOfTasks.test(detail))) problems.push(`${name}: full scan of tasks: ${plan.join("; ")}`);
                // Filtered by nothing the counters do not hold, counters answer: no task row is read at all.
                if (countedFilters(name, projectName === "all projects").includes(filterName) && plan.some((detail) => /\btasks\b/.test(detail))) problems.push(`${name}: reads tasks: ${plan.join("; ")}`);
              }
            }
            expect(problems).toEqual([]);
          });
        }
      }
    }
  }
});

describe("query plan of projects.list", () => {
  it.each([{}, { archived: true }, { search: "al" }])("%j: by the name index, with counts from counters", async (input) => {
    const plans = await plansOf(() => database.read.listProjects(listProjectsInput.parse(input)));
    expect(plans).toHaveLength(1);
    expect(plans[0]?.plan).toEqual([expect.stringMatching(/^SEARCH projects USING INDEX projects_by_name \(archived=\?/)]);
  });
});
