import type { Database, Statement } from "better-sqlite3";
import { priorityRank, searchTerms, type LabelUsage, type Priority, type Task, type TaskFilter, type TaskQuery } from "../domain";
import type { Keyset } from "./cursor";
import { onFirstUse } from "./first-use";
import { toTask as taskOf } from "./records";

/**
 * The task reads that must stay fast at a million rows, as SQL chosen per query shape:
 * - a list walks an index in the sort order, one "arm" per index prefix (status × live/archived project, or
 *   project × status), merged by a UNION ALL when there are several, so no arm ever sorts;
 * - a rare label or text term drives the query instead (the few matching rows, then sorted);
 * - counts and label usage filtered by nothing but project, status, priority, due-date presence (and one label, for
 *   counts, or across projects for label usage) read counters the triggers keep (drizzle/0004_counters.sql,
 *   0005_label_pairs.sql).
 * Statements are prepared once per SQL text and connection: compiling one costs more than running it.
 */

/** A label or term matching at most this many tasks drives the query; above it, walking the sort order wins. */
const rareMatches = 2000;
/** Tasks holding the rarest trigrams of the terms that are worth testing one by one to drive the query. */
const rareCandidates = 4000;
/** A trigram in more tasks than this is common: its exact figure does not matter (and costs time to count). */
const commonTrigram = 100_000;

const taskColumns = `"id", "project_id" as "projectId", "title", "description", "priority", "due_date" as "dueDate", "labels",
  "completed", "completed_at" as "completedAt", "version", "created_at" as "createdAt", "updated_at" as "updatedAt"`;

type TaskRow = Omit<Task, "labels" | "completed"> & { labels: string; completed: number };

/** SQLite keeps labels as JSON text and completed as 0/1; the row may carry a sort key beside the task's columns. */
const toTask = (row: TaskRow): Task => taskOf({ ...row, labels: JSON.parse(row.labels) as string[], completed: row.completed === 1 });

/** SQL with its positional parameters. */
type Part = { sql: string; params: unknown[] };

/** The ranks (the stored sort key) of the priorities a filter names, each once. */
const priorityRanks = (priorities: Priority[]): number[] => [...new Set(priorities.map(priorityRank))];

/**
 * The rows after the cursor's in the order. SQLite seeks an index by a row value only when its columns are plain:
 * the title's key (collate nocase) is stated alone too, so that a later page seeks there instead of walking the
 * index from its start (which made each page cost every page before it).
 */
function pastCursor(key: string, dir: "asc" | "desc", at: Keyset): Part {
  const [from, after] = dir === "asc" ? [">=", ">"] : ["<=", "<"];
  const pair: Part = { sql: `(${key}, "id") ${after} (?, ?)`, params: [at.key, at.id] };
  return key.includes("collate") ? { sql: `${key} ${from} ? and ${pair.sql}`, params: [at.key, ...pair.params] } : pair;
}

/**
 * The values of the sort key a filter allows, when it allows only those: a priority filter sorted by priority, or
 * tasks without a due date (whose key is one constant, the cursor's) sorted by due date.
 */
function pinnedKeys(query: TaskQuery, after: Keyset): Keyset["key"][] | undefined {
  if (query.sort.by === "priority" && query.priority) return priorityRanks(query.priority);
  if (query.sort.by === "dueDate" && query.hasDueDate === false) return [after.key];
  return undefined;
}

/** Beyond which the arms split by key would make the compound query too long (SQLite allows 500 arms). */
const maxPinnedArms = 64;

/**
 * The rows after the cursor's, for a sort key the filter pins to a few values: an arm per value from the cursor's
 * on, the cursor's own by id. SQLite seeks each value's rows by the key alone and would walk them from their start
 * to pass the cursor's (key, id) pair; a key and an id it seeks.
 */
function pastCursorByKey(arm: Part, key: string, dir: "asc" | "desc", at: Keyset, values: Keyset["key"][]): Part[] {
  const later = (value: Keyset["key"]) => (dir === "asc" ? value > at.key : value < at.key);
  return values
    .filter((value) => value === at.key || later(value))
    .map((value) =>
      value === at.key
        ? { sql: `${arm.sql} and ${key} = ? and "id" ${dir === "asc" ? ">" : "<"} ?`, params: [...arm.params, value, at.id] }
        : { sql: `${arm.sql} and ${key} = ?`, params: [...arm.params, value] },
    );
}

const marks = (values: readonly unknown[]) => values.map(() => "?").join(", ");

function sortKey(sort: TaskQuery["sort"]): string {
  switch (sort.by) {
    case "createdAt":
      return `"created_at"`;
    case "updatedAt":
      return `"updated_at"`;
    case "priority":
      return `"priority_rank"`;
    case "title":
      return `"title" collate nocase`;
    case "dueDate":
      return sort.dir === "asc" ? `"due_sort_asc"` : `"due_sort_desc"`;
  }
}

const statuses = (filter: TaskFilter): number[] => (filter.status === "all" ? [0, 1] : [filter.status === "completed" ? 1 : 0]);
const archivedFlags = (filter: TaskFilter): number[] => (filter.includeArchivedProjects ? [0, 1] : [0]);
const projectIds = (filter: TaskFilter): string[] | undefined =>
  filter.projectId === undefined ? undefined : [...new Set([filter.projectId].flat())];
const labelKeys = (filter: TaskFilter): string[] | undefined => filter.labels && [...new Set(filter.labels.map((label) => label.toLowerCase()))];
const indexedTerms = (terms: string[]) => terms.filter((term) => [...term].length >= 3);
const ftsMatch = (terms: string[], operator = " ") => terms.map((term) => `"${term.replaceAll('"', '""')}"`).join(operator);
/** The trigrams the full-text index holds a term under (tokenize='trigram': three code points at every offset). */
function trigramsOf(term: string): string[] {
  const chars = [...term];
  return chars.slice(2).map((_, i) => chars.slice(i, i + 3).join(""));
}

/** True when the counters hold the answer: the filter selects by nothing but project, status, archived project,
 * priority, due-date presence and labels (which the caller checks further). */
function countable(filter: TaskFilter): boolean {
  return filter.search === undefined && filter.dueFrom === undefined && filter.dueTo === undefined;
}

export class TaskReads {
  private readonly statements = new Map<string, Statement>();
  private readonly trigramCounts = new Map<string, number>();
  // Kept at hand, not in `statements`: a batch of gets looks it up once a call, and a Map look-up hashes its long SQL text each time.
  private readonly byId = onFirstUse(() => this.client.prepare(`select ${taskColumns} from "tasks" where "id" = ?`));

  constructor(private readonly client: Database) {}

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      // The SQL's shape follows the filter (how many projects, labels and terms), so callers could make it grow
      // without end: past a bound it starts again, costing a few re-preparations.
      if (this.statements.size >= 2_000) this.statements.clear();
      statement = this.client.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private all<T>(part: Part): T[] {
    return this.statement(part.sql).all(...part.params) as T[];
  }

  /** Whether the labels are carried by few enough tasks (of any status or project) to drive the query. */
  private rareLabels(keys: string[]): boolean {
    const row = this.statement(`select coalesce(sum("task_count"), 0) as "n" from "facet_totals" where "label_key" in (${marks(keys)})`).get(...keys) as {
      n: number;
    };
    return row.n <= rareMatches;
  }

  /** A due range few enough tasks fall in, as the rows that drive the query (found by the due-date index). */
  private rareDueRange(filter: TaskFilter): Part | undefined {
    const arm = this.anyArm(filter);
    const range = [filter.dueFrom ?? "", filter.dueTo ?? "9999-12-31"];
    const inRange = `select "seq" from "tasks" where ${arm.sql} and "due_sort_asc" between ? and ?`;
    const row = this.statement(`select count(*) as "n" from (${inRange} limit ${rareMatches + 1})`).get(...arm.params, ...range) as { n: number };
    if (row.n > rareMatches) return undefined;
    return { sql: `(${inRange}) as "m" cross join "tasks" on "tasks"."seq" = "m"."seq"`, params: [...arm.params, ...range] };
  }

  /**
   * How many tasks hold the trigram (counted up to commonTrigram), remembered per connection like a planner's
   * statistics: the figures only choose which trigrams to look up, so a stale one costs time, never a wrong answer.
   */
  private tasksWith(trigram: string): number {
    let count = this.trigramCounts.get(trigram);
    if (count === undefined) {
      if (this.trigramCounts.size >= 100_000) this.trigramCounts.clear();
      count = this.statement(`select count(*) from (select 1 from "tasks_fts" where "tasks_fts" match ? limit ${commonTrigram})`)
        .pluck()
        .get(ftsMatch([trigram])) as number;
      this.trigramCounts.set(trigram, count);
    }
    return count;
  }

  /**
   * The tasks (by seq) that may match the indexed terms, when few enough to drive the query (each is then tested on
   * its text): those holding all of the terms' rarest trigrams, found by intersecting their short lists, or else those
   * the terms match as phrases. A phrase look-up walks the long lists of the terms' common trigrams too.
   */
  private rareMatchesOf(terms: string[]): number[] | undefined {
    const rarest = [...new Set(terms.flatMap(trigramsOf))]
      .map((trigram) => ({ trigram, count: this.tasksWith(trigram) }))
      .filter(({ count }) => count < commonTrigram)
      .sort((a, b) => a.count - b.count)
      .slice(0, 3);
    if (rarest.length > 0) {
      const candidates = this.statement(`select "rowid" from "tasks_fts" where "tasks_fts" match ? limit ${rareCandidates + 1}`)
        .pluck()
        .all(ftsMatch(rarest.map(({ trigram }) => trigram), " AND ")) as number[];
      if (candidates.length <= rareCandidates) return candidates;
    }
    const rows = this.statement(`select "rowid" as "seq" from "tasks_fts" where "tasks_fts" match ? limit ${rareMatches + 1}`)
      .pluck()
      .all(ftsMatch(terms)) as number[];
    return rows.length <= rareMatches ? rows : undefined;
  }

  /**
   * The conditions beyond the index prefix, and the rare match that drives the query, if any: a CROSS JOIN
   * makes SQLite start from it rather than walk the sort order testing each row against it.
   * Within projects, terms and common labels are tested row by row; across projects, common ones in counts and
   * label usage are tested against the whole list of their matches.
   */
  private rowConditions(filter: TaskFilter, sort?: TaskQuery["sort"]): { parts: Part[]; driver?: Part } {
    const parts: Part[] = [];
    let driver: Part | undefined;
    const walking = sort !== undefined;
    const terms = searchTerms(filter.search);
    const indexed = indexedTerms(terms);
    
    // Within projects, the projects' rows are few enough to test terms one by one, cheaper than a trigram look-up.
    const acrossProjects = filter.projectId === undefined;
    const rare = indexed.length > 0 && acrossProjects ? this.rareMatchesOf(indexed) : undefined;
    if (rare) {
      const matches = `select "value" as "seq" from json_each(?)`;
      driver = { sql: `(${matches}) as "m" cross join "tasks" on "tasks"."seq" = "m"."seq"`, params: [JSON.stringify(rare)] };
      for (const term of terms) parts.push({ sql: `instr("search_text", ?) > 0`, params: [term] });
    } else if (indexed.length > 0 && acrossProjects && !walking) {
      const matches = `select "rowid" from "tasks_fts" where "tasks_fts" match ?`;
      parts.push({ sql: `"tasks"."seq" in (${matches})`, params: [ftsMatch(indexed)] });
      for (const term of terms.filter((t) => !indexed.includes(t))) parts.push({ sql: `instr("search_text", ?) > 0`, params: [term] });
    } else {
      for (const term of terms) parts.push({ sql: `instr("search_text", ?) > 0`, params: [term] });
    }
    if (filter.priority) {
      const ranks = priorityRanks(filter.priority);
      parts.push({ sql: `"priority_rank" in (${marks(ranks)})`, params: ranks });
    }
    const keys = labelKeys(filter);
    if (keys) {
      if (!driver && (!walking || filter.projectId === undefined) && this.rareLabels(keys)) {
        const carriers = `select distinct "task_id" from "task_labels" where "label_key" in (${marks(keys)})`;
        driver = { sql: `(${carriers}) as "m" cross join "tasks" on "tasks"."id" = "m"."task_id"`, params: keys };
      } else if (!walking && acrossProjects) {
        parts.push({ sql: `"tasks"."id" in (select "task_id" from "task_labels" where "label_key" in (${marks(keys)}))`, params: keys });
      } else {
        parts.push({
          sql: `exists (select 1 from "task_labels" where "task_id" = "tasks"."id" and "label_key" in (${marks(keys)}))`,
          params: keys,
        });
      }
    }
    // The due-date conditions are also stated on the key a due-date index holds, so that index can seek; only when
    // it is the one walked (or order does not matter): otherwise SQLite would seek it and sort the rest.
    const dueKey = !walking ? `"due_sort_asc"` : sort.by === "dueDate" ? sortKey(sort) : undefined;
    if (walking && !dueKey && !driver && filter.projectId === undefined && (filter.dueFrom || filter.dueTo)) {
      driver = this.rareDueRange(filter);
    }
    const onKey = (condition: string) => (dueKey ? ` and ${dueKey} ${condition}` : "");
    if (filter.dueFrom) parts.push({ sql: `"due_date" >= ?${onKey(">= ?")}`, params: dueKey ? [filter.dueFrom, filter.dueFrom] : [filter.dueFrom] });
    if (filter.dueTo) parts.push({ sql: `"due_date" <= ?${onKey("<= ?")}`, params: dueKey ? [filter.dueTo, filter.dueTo] : [filter.dueTo] });
    if (filter.hasDueDate === true) parts.push({ sql: `"due_date" is not null`, params: [] });
    if (filter.hasDueDate === false) {
      parts.push({ sql: `"due_date" is null${onKey(dueKey === `"due_sort_desc"` ? "= ''" : "= '9999-99-99'")}`, params: [] });
    }
    return { parts, driver };
  }

  /** The index prefixes the filter covers: one per project and status, or per status and live/archived project. */
  private arms(filter: TaskFilter): Part[] {
    const projects = projectIds(filter);
    if (projects) {
      return projects.flatMap((id) => statuses(filter).map((status) => ({ sql: `"project_id" = ? and "completed" = ?`, params: [id, status] })));
    }
    return statuses(filter).flatMap((status) =>
      archivedFlags(filter).map((archived) => ({ sql: `"completed" = ? and "project_archived" = ?`, params: [status, archived] })),
    );
  }

  /** All the arms as one condition, for queries whose order does not matter or that are driven by a rare match. */
  private anyArm(filter: TaskFilter): Part {
    const projects = projectIds(filter);
    const status = statuses(filter);
    if (projects) return { sql: `"project_id" in (${marks(projects)}) and "completed" in (${marks(status)})`, params: [...projects, ...status] };
    const archived = archivedFlags(filter);
    return { sql: `"completed" in (${marks(status)}) and "project_archived" in (${marks(archived)})`, params: [...status, ...archived] };
  }

  /** The counter rows (drizzle/0004_counters.sql) of the tasks the filter selects, restricted by the label condition;
   * across projects, read from `totals`. */
  private facets(filter: TaskFilter, label: string, labelParams: unknown[], totals = `"facet_totals"`): Part {
    const status = statuses(filter);
    const projects = projectIds(filter);
    const conditions: Part[] = projects
      ? [{ sql: `"project_id" in (${marks(projects)})`, params: projects }]
      : [{ sql: `"project_archived" in (${marks(archivedFlags(filter))})`, params: archivedFlags(filter) }];
    conditions.push({ sql: `"completed" in (${marks(status)})`, params: status }, { sql: label, params: labelParams });
    if (filter.priority) {
      const ranks = priorityRanks(filter.priority);
      conditions.push({ sql: `"priority_rank" in (${marks(ranks)})`, params: ranks });
    }
    if (filter.hasDueDate !== undefined) conditions.push({ sql: `"has_due" = ?`, params: [filter.hasDueDate ? 1 : 0] });
    return {
      sql: `${projects ? `"task_facets"` : totals} where ${conditions.map((c) => c.sql).join(" and ")}`,
      params: conditions.flatMap((c) => c.params),
    };
  }

  /** One task by id: the point read every get, update and batch of gets makes, without Drizzle's row mapping. */
  get(id: string): Task | undefined {
    const row = this.byId().get(id) as TaskRow | undefined;
    return row && toTask(row);
  }

  list(query: TaskQuery, after: Keyset | undefined): Task[] {
    const { parts, driver } = this.rowConditions(query, query.sort);
    const key = sortKey(query.sort);
    const dir = query.sort.dir;
    let arms = driver ? [this.anyArm(query)] : this.arms(query);
    const pinned = after && !driver ? pinnedKeys(query, after) : undefined;
    if (after && pinned && arms.length * pinned.length <= maxPinnedArms) {
      arms = arms.flatMap((arm) => pastCursorByKey(arm, key, dir, after, pinned));
      if (arms.length === 0) return [];
    } else if (after) {
      parts.push(pastCursor(key, dir, after));
    }
    const limit = query.limit + 1;
    const from = driver ?? { sql: `"tasks"`, params: [] };
    const select = (arm: Part): Part => {
      const conditions = [arm, ...parts];
      return {
        sql: `select ${taskColumns}, ${key.replace(" collate nocase", "")} as "sortKey" from ${from.sql} where ${conditions.map((c) => c.sql).join(" and ")}
          order by ${key} ${dir}, "id" ${dir} limit ?`,
        params: [...from.params, ...conditions.flatMap((c) => c.params), limit],
      };
    };
    if (arms.length === 1) return this.all<TaskRow>(select(arms[0] as Part)).map(toTask);
    // Each arm comes out of its index already in order; the compound merges them.
    const selects = arms.map(select);
    const outerKey = query.sort.by === "title" ? `"sortKey" collate nocase` : `"sortKey"`;
    return this.all<TaskRow>({
      sql: `${selects.map((s) => `select * from (${s.sql})`).join(" union all ")} order by ${outerKey} ${dir}, "id" ${dir} limit ?`,
      params: [...selects.flatMap((s) => s.params), limit],
    }).map(toTask);
  }

  count(filter: TaskFilter): number {
    const keys = labelKeys(filter);
    if (countable(filter) && (keys === undefined || keys.length === 1)) {
      const facets = this.facets(filter, `"label_key" = ?`, [keys?.[0] ?? ""]);
      return this.all<{ n: number }>({ sql: `select coalesce(sum("task_count"), 0) as "n" from ${facets.sql}`, params: facets.params })[0]?.n ?? 0;
    }
    const { parts, driver } = this.rowConditions(filter);
    const from = driver ?? { sql: `"tasks"`, params: [] };
    const conditions = [this.anyArm(filter), ...parts];
    return (
      this.all<{ n: number }>({
        sql: `select count(*) as "n" from ${from.sql} where ${conditions.map((c) => c.sql).join(" and ")}`,
        params: [...from.params, ...conditions.flatMap((c) => c.params)],
      })[0]?.n ?? 0
    );
  }

  labels(filter: TaskFilter): LabelUsage[] {
    const keys = labelKeys(filter);
    // Across projects, the usage among one label's carriers is in the pair counters (drizzle/0005_label_pairs.sql).
    if (countable(filter) && keys?.length === 1 && filter.projectId === undefined) {
      const facets = this.facets(filter, `"with_key" = ?`, keys, `"label_pair_totals"`);
      return this.all<LabelUsage>({
        sql: `select "label_key" as "label", sum("task_count") as "taskCount" from ${facets.sql}
          group by "label_key" having sum("task_count") > 0 order by "label_key"`,
        params: facets.params,
      });
    }
    if (countable(filter) && filter.labels === undefined) {
      const facets = this.facets(filter, `"label_key" <> ''`, []);
      return this.all<LabelUsage>({
        sql: `select "label_key" as "label", sum("task_count") as "taskCount" from ${facets.sql}
          group by "label_key" having sum("task_count") > 0 order by "label_key"`,
        params: facets.params,
      });
    }
    const { parts, driver } = this.rowConditions(filter);
    const from = driver ?? { sql: `"tasks"`, params: [] };
    const conditions = [this.anyArm(filter), ...parts];
    return this.all<LabelUsage>({
      sql: `select "l"."label_key" as "label", count(*) as "taskCount" from ${from.sql} join "task_labels" as "l" on "l"."task_id" = "tasks"."id"
        where ${conditions.map((c) => c.sql).join(" and ")} group by "l"."label_key" order by "l"."label_key"`,
      params: [...from.params, ...conditions.flatMap((c) => c.params)],
    });
  }
}
