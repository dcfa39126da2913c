// Scale benchmark: every query shape through the repository on a database built by `npm run seed`, with p50,
// p99 and SQLite's plan of each. Sequential calls on one connection, after a warm-up; a shared machine makes
// the figures noisy, so compare runs made one after the other. With --database-url, every shape also runs on a
// PostgreSQL copy of FILE (taskrpc copy --from FILE --to URL), in turns with SQLite in the same run.
//   npm run bench:scale -- --db FILE [--database-url URL] [--budget MS] [--writes] [--filter REGEXP]
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { openDatabase, type Repository } from "../src/data";
import { openPostgres } from "../src/data/pg/open";
import {
  createTaskInput,
  listProjectsInput,
  taskFilterInput,
  taskQueryInput,
  taskSortKeys,
  type TaskFilter,
  type TaskQuery,
} from "../src/domain";

const usage = `Usage: npm run bench:scale -- --db FILE [--database-url URL] [--budget MS] [--writes] [--filter REGEXP]

Runs every tasks.list / tasks.count / tasks.labels / projects.list shape against FILE (made by npm run seed)
and prints p50, p99 and the query plan of each. Each shape runs until --budget ms (default 500, at least 3 calls) or 200 calls.
--writes also times tasks.create / update / complete / reopen (this adds tasks to FILE).
--filter runs only the shapes whose name matches REGEXP.
--database-url also times each shape (and write) on that PostgreSQL database, which must hold a copy of FILE
(taskrpc copy --from FILE --to URL): p50 and p99 of both stores side by side.`;

const { values } = parseArgs({
  options: {
    db: { type: "string" },
    "database-url": { type: "string" },
    budget: { type: "string", default: "500" },
    writes: { type: "boolean" },
    filter: { type: "string" },
    help: { type: "boolean" },
  },
});
if (values.help || !values.db) {
  console.info(usage);
  process.exit(values.help ? 0 : 2);
}
const budget = Number(values.budget);

let traced: string[] = [];
// Two openings of the same file: one untraced for timing, one traced to capture the SQL each shape runs.
const database = openDatabase(values.db);
const tracing = openDatabase(values.db, { trace: (sql) => traced.push(sql) });
const inspector = new Database(values.db, { readonly: true });

// Terms and labels of known frequency, read from the data itself.
const sample = inspector.prepare("select title from tasks where seq % 200 = 0 order by seq limit 5000").all() as { title: string }[];
const frequency = new Map<string, number>();
for (const { title } of sample) for (const word of title.toLowerCase().split(/\s+/)) frequency.set(word, (frequency.get(word) ?? 0) + 1);
const byFrequency = [...frequency.entries()].filter(([word]) => word.length >= 4).sort((a, b) => b[1] - a[1]);
const common = byFrequency[0]?.[0] ?? "task";
const second = byFrequency[1]?.[0] ?? "task";
const rare = byFrequency.findLast(([, n]) => n === 1)?.[0] ?? "zzzz";
const absent = "qxqxqx";
const labelRows = inspector.prepare("select label_key as label, count(*) as n from task_labels group by label_key order by n desc").all() as { label: string; n: number }[];
const commonLabel = labelRows[0]?.label ?? "work";
const rareLabel = labelRows.at(-1)?.label ?? "none";
const projectRows = inspector.prepare("select id from projects where archived = 0 order by id limit 3").all() as { id: string }[];
const project = projectRows[0]?.id ?? "";
const threeProjects = projectRows.map((row) => row.id);
const archivedProject = (inspector.prepare("select id from projects where archived = 1 limit 1").get() as { id: string } | undefined)?.id;
// The PostgreSQL copy, opened with SQLite's cursor key so the page-two cursor reads on both.
const cursorSecret = (inspector.prepare("select value from settings where key = 'cursor_secret'").get() as { value: string }).value;
const postgres = values["database-url"] ? await openPostgres(values["database-url"], { cursorSecret }) : undefined;
if (postgres) {
  const everything = taskFilterInput.parse({ status: "all", includeArchivedProjects: true });
  const [here, there] = await Promise.all([database.read.countTasks(everything), postgres.read.countTasks(everything)]);
  if (here !== there) {
    console.error(`${values["database-url"]} holds ${there} tasks, ${values.db} ${here}: copy it first (taskrpc copy --from ${values.db} --to URL, into an empty database)`);
    process.exit(2);
  }
}
/** Runs `work` with the shapes reading from PostgreSQL: they read `database.read`, pointed there meanwhile. */
async function onPostgres<T>(work: () => Promise<T>): Promise<T> {
  const own = database.read;
  database.read = postgres?.read ?? own;
  try {
    return await work();
  } finally {
    database.read = own;
  }
}
console.info(`terms: common "${common}", second "${second}", rare "${rare}", absent "${absent}"; labels: common "${commonLabel}", rare "${rareLabel}"`);

/** The filters every sort is crossed with: each alone, and the common combinations. */
const filters: Record<string, Partial<TaskFilter>> = {
  "all live": {},
  "one project": { projectId: project },
  "three projects": { projectId: threeProjects },
  "completed": { status: "completed" },
  "status all": { status: "all" },
  "incl. archived": { includeArchivedProjects: true },
  "priority high+urgent": { priority: ["high", "urgent"] },
  "label common": { labels: [commonLabel] },
  "label rare": { labels: [rareLabel] },
  "due next 30 days": { dueFrom: "2026-11-01", dueTo: "2026-11-30" },
  "has due date": { hasDueDate: true },
  "no due date": { hasDueDate: false },
  "search common": { search: common },
  "search two words": { search: `${common} ${second}` },
  "search rare": { search: rare },
  "search absent": { search: absent },
  "project + label": { projectId: project, labels: [commonLabel] },
  "project + search": { projectId: project, search: common },
  "project + all + due": { projectId: project, status: "all", hasDueDate: true },
  "priority + due range": { priority: ["urgent"], dueFrom: "2026-11-01", dueTo: "2026-12-31" },
  ...(archivedProject ? { "archived project": { projectId: archivedProject } } : {}),
};

type Shape = { name: string; run: () => unknown };
const shapes: Shape[] = [];
for (const [name, filter] of Object.entries(filters)) {
  for (const by of taskSortKeys) {
    for (const dir of ["asc", "desc"] as const) {
      const query: TaskQuery = taskQueryInput.parse({ ...filter, sort: { by, dir } });
      shapes.push({ name: `tasks.list ${name}, ${by} ${dir}`, run: () => (current === tracing ? tracing : database).read.listTasks(query) });
    }
  }
  const parsed = taskFilterInput.parse(filter);
  shapes.push({ name: `tasks.count ${name}`, run: () => (current === tracing ? tracing : database).read.countTasks(parsed) });
  shapes.push({ name: `tasks.labels ${name}`, run: () => (current === tracing ? tracing : database).read.listLabels(parsed) });
}
for (const [name, input] of Object.entries({ "live": {}, "archived": { archived: true }, "search": { search: "ka" }, "limit 100": { limit: 100 } })) {
  const parsed = listProjectsInput.parse(input);
  shapes.push({ name: `projects.list ${name}`, run: () => (current === tracing ? tracing : database).read.listProjects(parsed) });
}
// Page two: the cursor from page one, so the keyset condition is in the plan.
const firstPage = await database.read.listTasks(taskQueryInput.parse({ sort: { by: "dueDate", dir: "asc" } }));
const pageTwo = taskQueryInput.parse({ sort: { by: "dueDate", dir: "asc" }, cursor: firstPage.nextCursor ?? undefined });
shapes.push({ name: "tasks.list all live, dueDate asc, page 2", run: () => (current === tracing ? tracing : database).read.listTasks(pageTwo) });

let current = database;

async function planOf(shape: Shape): Promise<string> {
  current = tracing;
  traced = [];
  await shape.run();
  current = database;
  return traced
    .filter((sql) => sql.startsWith("select"))
    .map((sql) => (inspector.prepare(`explain query plan ${sql}`).all() as { detail: string }[]).map((row) => row.detail).join("; "))
    .join(" || ");
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

async function time(run: () => unknown): Promise<{ p50: number; p99: number; calls: number }> {
  const warmUp = performance.now();
  await run();
  const first = performance.now() - warmUp;
  // A shape slower than the whole budget is timed once, by its warm-up call: the "before" runs take seconds each.
  if (first > budget) return { p50: first, p99: first, calls: 1 };
  const times: number[] = [];
  const until = performance.now() + budget;
  while (times.length < 200 && (times.length < 3 || performance.now() < until)) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), calls: times.length };
}

const fmt = (ms: number) => ms.toFixed(ms < 10 ? 2 : 0).padStart(7);
const pgHeader = postgres ? "  pg p50  pg p99" : "";
console.info(`\n${"shape".padEnd(56)}     p50     p99  calls${pgHeader}  plan (SQLite)`);
for (const shape of shapes) {
  if (values.filter && !new RegExp(values.filter, "u").test(shape.name)) continue;
  const { p50, p99, calls } = await time(shape.run);
  const pg = postgres ? await onPostgres(() => time(shape.run)) : undefined;
  const pgColumns = pg ? ` ${fmt(pg.p50)} ${fmt(pg.p99)}` : "";
  console.info(`${shape.name.padEnd(56)} ${fmt(p50)} ${fmt(p99)} ${String(calls).padStart(6)}${pgColumns}  ${await planOf(shape)}`);
}

async function timeWrites(writer: Repository, store: string) {
  const taskIds: string[] = [];
  const create = await time(async () => {
    taskIds.push((await writer.createTask(createTaskInput.parse({ projectId: project, title: `Bench ${common} task`, description: "timed", labels: [commonLabel, "bench"], dueDate: "2026-12-01" }))).id);
  });
  let n = 0;
  const update = await time(() => writer.updateTask({ id: taskIds[n++ % taskIds.length] ?? "", title: `Bench ${n} ${second}`, priority: n % 2 ? "high" : "low" }));
  n = 0;
  const complete = await time(() => writer.completeTask({ id: taskIds[n++ % taskIds.length] ?? "" }));
  n = 0;
  const reopen = await time(() => writer.reopenTask({ id: taskIds[n++ % taskIds.length] ?? "" }));
  console.info(`\nwrites on ${store}`.padEnd(57) + "    p50     p99  calls");
  for (const [name, t] of Object.entries({ "tasks.create": create, "tasks.update title+priority": update, "tasks.complete": complete, "tasks.reopen": reopen })) {
    console.info(`${name.padEnd(56)} ${fmt(t.p50)} ${fmt(t.p99)} ${String(t.calls).padStart(6)}`);
  }
}
if (values.writes) {
  await timeWrites(database.write, "SQLite");
  if (postgres) await timeWrites(postgres.write, "PostgreSQL");
}
inspector.close();
await tracing.close();
await database.close();
await postgres?.close();
