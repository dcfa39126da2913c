// Benchmark: the SQLite repository against raw better-sqlite3 prepared statements doing the same work, in
// the same run on the same database, so the figures are ratios that hold on a noisy shared machine.
//   npm run bench [-- --tasks 50000]
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { openDatabase } from "../src/data";
import { createProjectInput, createTaskInput, priorities, taskFilterInput, taskQueryInput } from "../src/domain";

const { values } = parseArgs({ options: { tasks: { type: "string", default: "20000" }, help: { type: "boolean" } } });
if (values.help) {
  console.info("Usage: npm run bench [-- --tasks N]   (default 20000 tasks over 50 projects)");
  process.exit(0);
}
const taskCount = Number(values.tasks);

const database = openDatabase(":memory:");
const projectIds: string[] = [];
let started = performance.now();
for (let p = 0; p < 50; p++) projectIds.push((await database.write.createProject(createProjectInput.parse({ name: `Project ${p}` }))).id);
const taskIds: string[] = [];
for (let i = 0; i < taskCount; i++) {
  const task = await database.write.createTask(
    createTaskInput.parse({
      projectId: projectIds[i % projectIds.length],
      title: `Task ${i} ${i % 7 === 0 ? "invoice" : "chore"}`,
      description: i % 3 === 0 ? "call the bank about the invoice" : "",
      priority: priorities[i % 4],
      dueDate: i % 2 ? `2026-${String((Math.floor(i / 2) % 12) + 1).padStart(2, "0")}-${String((i % 28) + 1).padStart(2, "0")}` : null,
      labels: i % 5 === 0 ? ["home"] : ["work", `l${i % 40}`],
    }),
  );
  taskIds.push(task.id);
  // On a terminal the progress line rewrites itself; in a log, each is a line of its own.
  if ((i + 1) % 5000 === 0) process.stderr.write(`seeded ${i + 1}/${taskCount} tasks${process.stderr.isTTY ? "\r" : "\n"}`);
}
console.info(`seeded ${taskCount} tasks in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const raw = new Database(database.path, { readonly: true });
const project = projectIds[0] ?? "";

/** Median time per call over several rounds, after a warm-up; each call awaited, raw SQL's too, so both pay that. */
async function measure(run: (i: number) => unknown, calls = 500): Promise<number> {
  for (let i = 0; i < 50; i++) await run(i);
  const rounds: number[] = [];
  for (let round = 0; round < 7; round++) {
    started = performance.now();
    for (let i = 0; i < calls; i++) await run(i);
    rounds.push((performance.now() - started) / calls);
  }
  return rounds.sort((a, b) => a - b)[3] ?? 0;
}

const rawTask = raw.prepare("select * from tasks where id = ?");
const rawList = raw.prepare(
  "select * from tasks where project_id = ? and completed = 0 order by created_at desc, id desc limit 51",
);
const rawDue = raw.prepare(
  "select * from tasks where completed = 0 and due_date >= ? and due_date <= ? and exists (select 1 from projects p where p.id = tasks.project_id and p.archived = 0) order by created_at desc, id desc limit 51",
);
const rawCount = raw.prepare("select count(*) from tasks where project_id = ? and completed = 0");

// Inputs are parsed once, as the API does before it calls the repository: the figures are the repository's own.
const byProject = taskQueryInput.parse({ projectId: project });
const byDue = taskQueryInput.parse({ dueFrom: "2026-03-01", dueTo: "2026-03-31" });
const countByProject = taskFilterInput.parse({ projectId: project });
const bySearch = taskQueryInput.parse({ search: "invoice bank", status: "all" });

const cases = [
  {
    name: "tasks.get by id",
    repository: (i: number) => database.read.getTask(taskIds[i % taskIds.length] ?? ""),
    baseline: (i: number) => rawTask.get(taskIds[i % taskIds.length]),
  },
  {
    name: "tasks.list project + open, newest first, 50",
    repository: () => database.read.listTasks(byProject),
    baseline: () => rawList.all(project),
  },
  {
    name: "tasks.list due range (all live projects), 50",
    repository: () => database.read.listTasks(byDue),
    baseline: () => rawDue.all("2026-03-01", "2026-03-31"),
  },
  {
    name: "tasks.count project + open",
    repository: () => database.read.countTasks(countByProject),
    baseline: () => rawCount.get(project),
  },
];

console.info("\ncase                                           repository   raw SQL   ratio");
for (const { name, repository, baseline } of cases) {
  const ours = await measure(repository, 200);
  const theirs = await measure(baseline, 200);
  console.info(`${name.padEnd(46)} ${ours.toFixed(3).padStart(8)} ms ${theirs.toFixed(3).padStart(7)} ms ${(ours / theirs).toFixed(2).padStart(6)}×`);
}
const search = await measure(() => database.read.listTasks(bySearch), 50);
console.info(`\ntasks.list search "invoice bank" (FTS5 trigram): ${search.toFixed(3)} ms per call`);
raw.close();
await database.close();
