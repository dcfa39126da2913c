import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { criteria, make } from "covertable";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type TaskDatabase } from "../../src/data";
import { CursorCodec, fingerprint } from "../../src/data/cursor";
import {
  createProjectInput,
  createTaskInput,
  listProjectsInput,
  priorities,
  priorityRank,
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
const sortColumn: Record<string, string> = { createdAt: "created_at", updatedAt: "updated_at", priority: "priority_rank", title: "title", dueDate: "due_sort" };
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
  // A later page seeks past the cursor in the indexes it walks: a walk from an index's start would make every page
  // cost all the pages before it. Where the filter pins the sort key to a few values (a priority filter sorted by
  // priority, no due date sorted by due date), the cursor's value is sought by id, and each later value is walked
  // from its start, all of it after the cursor.
  const walks = main.plan.filter((detail) => /^SEARCH tasks USING (COVERING )?INDEX tasks_by_/.test(detail));
  const seeks = walks.filter((detail) => /[<>]/.test(detail));
  const laterValues = walks.filter((detail) => !/[<>]/.test(detail) && new RegExp(`${sortColumn[query.sort.by]}[a-z_]*=\\?\\)$`).test(detail));
  if (query.cursor && !driven && (seeks.length === 0 || seeks.length + laterValues.length < walks.length)) problems.push("does not seek past the cursor");
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

/** The plans of tasks.count and tasks.labels for a filter, checked once per filter shape (many rows share one). */
const countsChecked = new Map<string, Promise<string[]>>();
async function countPlanProblems(shape: Shape): Promise<string[]> {
  const parsed = taskFilterInput.parse(filterOf(shape));
  const problems: string[] = [];
  for (const [name, run] of Object.entries({ count: () => database.read.countTasks(parsed), labels: () => database.read.listLabels(parsed) })) {
    for (const { plan } of await plansOf(run)) {
      if (plan.some((detail) => fullScanOfTasks.test(detail))) problems.push(`${name}: full scan of tasks: ${plan.join("; ")}`);
      // Filtered by nothing the counters do not hold, counters answer: no task row is read at all.
      if (countedFilters(name, shape.project === "all projects").includes(shape.filter) && plan.some((detail) => /\btasks\b/.test(detail))) problems.push(`${name}: reads tasks: ${plan.join("; ")}`);
    }
  }
  return problems;
}

const factors = {
  project: Object.keys(projectChoices),
  status: [...statusChoices],
  includeArchivedProjects: [false, true],
  filter: Object.keys(rowFilters),
  by: [...taskSortKeys],
  dir: ["asc", "desc"],
  page: [1, 2],
};
type Shape = { [K in keyof typeof factors]: (typeof factors)[K][number] };
const filterOf = (shape: Shape) => ({ ...projectChoices[shape.project]?.(), status: shape.status, includeArchivedProjects: shape.includeArchivedProjects, ...rowFilters[shape.filter] });

/** Every combination of the factors: 3,960 list queries (about 2.5 s of CPU). */
function everyShape(): Shape[] {
  return Object.entries(factors).reduce<Record<string, unknown>[]>((rows, [key, values]) => rows.flatMap((row) => values.map((value) => ({ ...row, [key]: value }))), [{}]) as Shape[];
}

/**
 * covertable makes the same array for the same factors, in about 0.25 s of CPU: it is made once per set of factors
 * (and covertable version) and kept in node_modules/.cache.
 */
function coveringSample(): Shape[] {
  const root = join(import.meta.dirname, "..", "..");
  const { version } = JSON.parse(readFileSync(join(root, "node_modules", "covertable", "package.json"), "utf8")) as { version: string };
  const key = createHash("sha256").update(JSON.stringify([version, factors])).digest("hex").slice(0, 16);
  const file = join(root, "node_modules", ".cache", "taskrpc-query-plans", `${key}.json`);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Shape[];
  } catch {
    const sample = make(factors, { length: 3, criterion: criteria.simple }) as Shape[];
    mkdirSync(join(file, ".."), { recursive: true });
    // Written whole, then renamed into place: a run reading it meanwhile finds all of it or none.
    writeFileSync(`${file}.${process.pid}`, JSON.stringify(sample));
    renameSync(`${file}.${process.pid}`, file);
    return sample;
  }
}

// `npm test` runs a covering sample of the shapes: every combination of the values of any three factors at least
// once (covertable's 3-wise array, about 190 queries), so a plan that goes wrong for one filter under one sort in
// one direction, say, is caught. `npm run test:plans` (CI) runs every shape. Its simple criterion builds the array in
// half the time of the default, for a few more rows.
const shapes: Shape[] = process.env.QUERY_PLANS === "all" ? everyShape() : coveringSample();

describe(`query plans of tasks.list, tasks.count and tasks.labels over ${process.env.QUERY_PLANS === "all" ? "every" : "a 3-wise covering sample of the"} filter × sort shapes`, () => {
  it.each(shapes.map((shape) => [`${shape.project}, ${shape.status}${shape.includeArchivedProjects ? ", archived projects included" : ""}, ${shape.filter}, ${shape.by} ${shape.dir}, page ${shape.page}`, shape] as const))(
    "%s",
    async (_name, shape) => {
      // A page of one: the SQL, so its plan, is the same for any limit (a bound parameter), and each query then
      // reads a row or two instead of every match.
      const query = taskQueryInput.parse({ ...filterOf(shape), sort: { by: shape.by, dir: shape.dir }, limit: 1 });
      // A cursor made for this query, so the keyset condition is in the plan too.
      // (A priority one of the filter's, as a page's last task would have.)
      const cursor = cursors.encode(fingerprint(query), { key: shape.by === "priority" ? priorityRank(query.priority?.[0] ?? "normal") : "m", id: "m" });
      const problems = await listPlanProblems(shape.page === 2 ? taskQueryInput.parse({ ...query, cursor }) : query);
      const countKey = JSON.stringify(filterOf(shape));
      let counts = countsChecked.get(countKey);
      if (!counts) countsChecked.set(countKey, (counts = countPlanProblems(shape)));
      expect([...problems, ...(await counts)]).toEqual([]);
    },
  );
});

describe("query plan of projects.list", () => {
  it.each([{}, { archived: true }, { search: "al" }])("%j: by the name index, with counts from counters", async (input) => {
    const plans = await plansOf(() => database.read.listProjects(listProjectsInput.parse(input)));
    expect(plans).toHaveLength(1);
    expect(plans[0]?.plan).toEqual([expect.stringMatching(/^SEARCH projects USING INDEX projects_by_name \(archived=\?/)]);
  });
});
