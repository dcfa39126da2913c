// Builds a realistic database for the scale benchmark, through the data layer's own migrations.
//   npm run seed -- --db FILE --projects N --tasks N [--seed S]
// Rows are written with raw prepared inserts, one transaction per chunk, holding exactly what the repository
// writes (ids, lower-cased search text, priority rank, canonical labels, versions); the schema's triggers fill
// the full-text index, the counters and the denormalised columns, as they do for the repository's own writes.
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { openDatabase } from "../src/data";
import { v7 } from "uuid";
import { priorityRank } from "../src/domain";

const usage = `Usage: npm run seed -- --db FILE [--projects N] [--tasks N] [--seed S]

Builds FILE (which must not exist) with N projects and N tasks: titles and descriptions drawn from a vocabulary
with Zipf-like word frequencies, labels, priorities, due dates, about 30% of tasks completed and about 2% of
projects archived. The same --seed gives the same content (ids and timestamps differ).
Defaults: --projects 1000 --tasks 1000000 --seed 1`;

const { values } = parseArgs({
  options: {
    db: { type: "string" },
    projects: { type: "string", default: "1000" },
    tasks: { type: "string", default: "1000000" },
    seed: { type: "string", default: "1" },
    help: { type: "boolean" },
  },
});
if (values.help) {
  console.info(usage);
  process.exit(0);
}
const projectCount = Number(values.projects);
const taskCount = Number(values.tasks);
if (!values.db || !Number.isInteger(projectCount) || projectCount < 1 || !Number.isInteger(taskCount) || taskCount < 0) {
  console.error(usage);
  process.exit(2);
}
if (existsSync(values.db)) {
  console.error(`${values.db} already exists; seed builds a new database`);
  process.exit(2);
}

/** mulberry32: a small seeded generator, so the same seed gives the same data. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = generator(Number(values.seed));
/** A time-ordered id as the repository makes (uuid v7), for the given time, with bytes from the seeded generator:
 * uuid's own source of randomness costs a system call per id. */
const randomBytes = new Uint8Array(16);
let sequence = 0;
function idAt(msecs: number): string {
  const words = new Uint32Array(randomBytes.buffer);
  for (let i = 0; i < 4; i++) words[i] = random() * 4294967296;
  return v7({ msecs, seq: sequence++ & 0x7fffffff, random: randomBytes });
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

/** Draws index i with probability proportional to 1 / (i + 1): a few words are everywhere, most are rare. */
function zipf(size: number): () => number {
  const cumulative: number[] = [];
  let total = 0;
  for (let i = 0; i < size; i++) cumulative.push((total += 1 / (i + 1)));
  return () => {
    const target = random() * total;
    let low = 0;
    let high = size - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((cumulative[middle] ?? 0) < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}

const syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ber", "dan", "fel", "gor", "han", "jul", "mar", "pol", "qua", "rin", "sel", "tur", "wex", "zan"];
const vocabulary = Array.from({ length: 8000 }, (_, i) => {
  let word = "";
  for (let n = i; word.length < 4 || n > 0; n = Math.floor(n / syllables.length)) word += syllables[n % syllables.length];
  return word;
});
const nextWord = zipf(vocabulary.length);
const words = (count: number) => Array.from({ length: count }, () => vocabulary[nextWord()]).join(" ");
const labelNames = Array.from({ length: 200 }, (_, i) => (i < 10 ? ["work", "home", "urgent", "errand", "finance", "health", "Travel", "Reading", "garden", "car"][i] : `label-${i}`) as string);
const nextLabel = zipf(labelNames.length);
const priorityWeights = ["low", "normal", "normal", "normal", "high", "high", "urgent"] as const;

const started = Date.now();
// The data layer migrates the new file; nothing else of it is needed to write rows.
await openDatabase(values.db).close();
const db = new Database(values.db);
// No journal while loading: a crash leaves a file to delete, not one to recover, and every page is written once
// (through a write-ahead log, each would be written twice); WAL again at the end, as the server expects.
db.pragma("journal_mode = OFF");
db.pragma("synchronous = OFF");
db.pragma("locking_mode = EXCLUSIVE");
db.pragma("temp_store = MEMORY");
db.pragma("cache_size = -400000");
// The index builds each read the whole table: mapped, its pages are not copied into the cache first.
db.pragma("mmap_size = 8000000000");
// Sorting for the index builds on a second thread, where SQLite is built with worker threads.
db.pragma("threads = 2");

// Bulk loading is much faster with the secondary indexes and the triggers on tasks out of the way: they are
// dropped here and made again, from their own definitions, once the rows are in; the full-text index is then
// rebuilt in one go and the counters written from the counts kept while loading.
// The look-up of tasks by id stays; projects are archived after the load, with every trigger in place.
const deferred = db
  .prepare(
    `select type, name, sql from sqlite_master where sql is not null and tbl_name in ('tasks', 'task_labels')
     and ((type = 'index' and name <> 'tasks_id') or type = 'trigger')`,
  )
  .all() as { type: string; name: string; sql: string }[];
for (const { type, name } of deferred) db.exec(`drop ${type} "${name}"`);

const insertProject = db.prepare(
  `insert into projects (id, name, description, search_text, archived, archived_at, version, created_at, updated_at)
   values (?, ?, ?, ?, 0, null, 1, ?, ?)`,
);
const archiveProject = db.prepare("update projects set archived = 1, archived_at = ?, version = version + 1, updated_at = ? where id = ? and archived = 0");
const insertTask = db.prepare(
  `insert into tasks (id, project_id, title, description, search_text, priority, priority_rank, due_date, labels, completed, completed_at, version, created_at, updated_at)
   values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const insertLabel = db.prepare("insert into task_labels (task_id, label_key) values (?, ?)");

// Timestamps run forward from a year ago, one tick per row, as if the rows had been written in this order.
let clock = Date.now() - 365 * 24 * 3600 * 1000;
const tick = () => new Date((clock += 1 + Math.floor(random() * 30000))).toISOString();

// The counters the triggers would keep (drizzle/0004_counters.sql, 0005_label_pairs.sql), counted while the rows
// are made: cheaper than the migrations' backfills, which read every task and label row again. Keys are the
// counter tables' columns joined by tabs; no project is archived while loading.
const facetCounts = new Map<string, number>();
const pairCounts = new Map<string, number>();
const add = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);

const projectIds: string[] = [];
db.transaction(() => {
  for (let p = 0; p < projectCount; p++) {
    const now = tick();
    const id = idAt(clock);
    const name = `${words(1 + Math.floor(random() * 3))} ${p}`.replace(/^./, (c) => c.toUpperCase());
    insertProject.run(id, name, "", name.toLowerCase(), now, now);
    projectIds.push(id);
  }
})();

const progress = (done: number) => {
  const fraction = taskCount === 0 ? 1 : done / taskCount;
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  if (process.stderr.isTTY) {
    const width = 30;
    const bar = "#".repeat(Math.round(fraction * width)).padEnd(width, ".");
    process.stderr.write(`\r[${bar}] ${(fraction * 100).toFixed(0).padStart(3)}% ${done}/${taskCount} tasks, ${seconds} s`);
  } else {
    process.stderr.write(`seeded ${done}/${taskCount} tasks, ${seconds} s\n`);
  }
};

const chunk = 20000;
for (let from = 0; from < taskCount; from += chunk) {
  db.transaction(() => {
    for (let i = from; i < Math.min(from + chunk, taskCount); i++) {
      const createdAt = tick();
      const id = idAt(clock);
      const title = words(2 + Math.floor(random() * 6)).replace(/^./, (c) => c.toUpperCase());
      const description = random() < 0.4 ? "" : words(3 + Math.floor(random() * 25));
      const priority = pick(priorityWeights);
      const dueDate = random() < 0.4 ? null : new Date(clock + (random() - 0.3) * 200 * 24 * 3600 * 1000).toISOString().slice(0, 10);
      const labelSet = new Map<string, string>();
      const labelTotal = Math.floor(random() * random() * 5);
      for (let l = 0; l < labelTotal; l++) {
        const label = labelNames[nextLabel()] as string;
        labelSet.set(label.toLowerCase(), label);
      }
      const keys = [...labelSet.keys()].sort();
      const labels = keys.map((key) => labelSet.get(key) as string);
      const completed = random() < 0.3;
      // Completing a task is one more change: version 2, a later updatedAt.
      const updatedAt = completed ? new Date(Date.parse(createdAt) + Math.floor(random() * 1e9)).toISOString() : createdAt;
      const projectId = pick(projectIds);
      const rank = priorityRank(priority);
      const dims = `${completed ? 1 : 0}\t${rank}\t${dueDate === null ? 0 : 1}`;
      for (const key of ["", ...keys]) add(facetCounts, `${projectId}\t${dims}\t${key}`);
      for (const a of keys) for (const b of keys) add(pairCounts, `${a}\t${dims}\t${b}`);
      insertTask.run(
        id,
        projectId,
        title,
        description,
        `${title}\n${description}`.toLowerCase(),
        priority,
        rank,
        dueDate,
        JSON.stringify(labels),
        completed ? 1 : 0,
        completed ? updatedAt : null,
        completed ? 2 : 1,
        createdAt,
        updatedAt,
      );
      for (const key of keys) insertLabel.run(id, key);
    }
  })();
  progress(Math.min(from + chunk, taskCount));
}
if (process.stderr.isTTY) process.stderr.write("\n");

const rebuilding = Date.now();
process.stderr.write(`building ${deferred.length} indexes and triggers, and the full-text index...\n`);
const timed = (step: string, run: () => void) => {
  const from = Date.now();
  run();
  process.stderr.write(`  ${step}: ${((Date.now() - from) / 1000).toFixed(1)} s\n`);
};
db.transaction(() => {
  timed("indexes and triggers", () => {
    for (const { sql } of deferred) db.exec(sql);
  });
  timed("full-text index", () => db.exec("insert into tasks_fts(tasks_fts) values ('rebuild')"));
  timed("counters", () => {
    const insertFacet = db.prepare("insert into task_facets (project_id, completed, priority_rank, has_due, label_key, task_count) values (?, ?, ?, ?, ?, ?)");
    for (const [key, count] of facetCounts) insertFacet.run(...key.split("\t"), count);
    db.exec(`insert into facet_totals (completed, project_archived, priority_rank, has_due, label_key, task_count)
      select completed, 0, priority_rank, has_due, label_key, sum(task_count) from task_facets group by 1, 2, 3, 4, 5`);
    const insertPair = db.prepare(
      "insert into label_pair_totals (with_key, completed, project_archived, priority_rank, has_due, label_key, task_count) values (?, ?, 0, ?, ?, ?, ?)",
    );
    for (const [key, count] of pairCounts) insertPair.run(...key.split("\t"), count);
    // A project's counts are its tasks' counters (label '') summed: no second pass over the tasks.
    const projectCount = (completed: number) =>
      `(select coalesce(sum(task_count), 0) from task_facets where project_id = projects.id and completed = ${completed} and label_key = '')`;
    db.exec(`update projects set open_task_count = ${projectCount(0)}, completed_task_count = ${projectCount(1)}`);
  });
})();
process.stderr.write(`built in ${((Date.now() - rebuilding) / 1000).toFixed(1)} s\n`);
// About 2% of projects are archived, after their tasks were written, as the repository would do it.
db.transaction(() => {
  const archivedCount = Math.max(1, Math.round(projectCount * 0.02));
  for (let p = 0; p < archivedCount; p++) {
    const now = tick();
    archiveProject.run(now, now, projectIds[Math.floor(random() * projectIds.length)]);
  }
})();
db.pragma("locking_mode = NORMAL");
db.pragma("journal_mode = WAL");
db.close();
console.info(`seeded ${projectCount} projects and ${taskCount} tasks into ${values.db} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
