import { sql } from "drizzle-orm";
import { noDueDateAsc, noDueDateDesc } from "./task-order";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const titleNoCase = sql`"title" COLLATE NOCASE`;
export const nameNoCase = sql`"name" COLLATE NOCASE`;

export const projects = sqliteTable(
  "projects",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    description: text("description").notNull(),
    /** The lower-cased name, what project search looks in. */
    searchText: text("search_text").notNull(),
    archived: integer("archived", { mode: "boolean" }).notNull(),
    archivedAt: text("archived_at"),
    /** Counters kept by triggers on tasks (drizzle/0003_scale.sql), so counts read no task rows. */
    openTaskCount: integer("open_task_count").notNull().default(0),
    completedTaskCount: integer("completed_task_count").notNull().default(0),
    version: integer("version").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("projects_by_name").on(t.archived, nameNoCase, t.id)],
);

export const tasks = sqliteTable(
  "tasks",
  {
    /** Stable integer key, so the external-content full-text index can point at rows. */
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    id: text("id").notNull(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id),
    title: text("title").notNull(),
    description: text("description").notNull(),
    /** Lower-cased title and description, what text search looks in (and what tasks_fts indexes). */
    searchText: text("search_text").notNull(),
    priority: text("priority", { enum: ["low", "normal", "high", "urgent"] }).notNull(),
    priorityRank: integer("priority_rank").notNull(),
    dueDate: text("due_date"),
    /** Keys that sort a missing due date last: after every date going up, before every date going down. */
    dueSortAsc: text("due_sort_asc").generatedAlwaysAs(sql`coalesce("due_date", ${sql.raw(`'${noDueDateAsc}'`)})`, { mode: "virtual" }),
    dueSortDesc: text("due_sort_desc").generatedAlwaysAs(sql`coalesce("due_date", ${sql.raw(`'${noDueDateDesc}'`)})`, { mode: "virtual" }),
    /** The labels in canonical order, as JSON; task_labels indexes them for filtering. */
    labels: text("labels", { mode: "json" }).$type<string[]>().notNull(),
    completed: integer("completed", { mode: "boolean" }).notNull(),
    completedAt: text("completed_at"),
    version: integer("version").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    /** The project's archived flag, kept by triggers: "tasks of live projects" is then an index prefix. */
    projectArchived: integer("project_archived", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    uniqueIndex("tasks_id").on(t.id),
    index("tasks_by_project_created").on(t.projectId, t.completed, t.createdAt, t.id),
    index("tasks_by_project_updated").on(t.projectId, t.completed, t.updatedAt, t.id),
    index("tasks_by_project_priority").on(t.projectId, t.completed, t.priorityRank, t.id),
    index("tasks_by_project_title").on(t.projectId, t.completed, titleNoCase, t.id),
    index("tasks_by_project_due_asc").on(t.projectId, t.completed, t.dueSortAsc, t.id),
    index("tasks_by_project_due_desc").on(t.projectId, t.completed, t.dueSortDesc, t.id),
    // Across projects: status, then live or archived project, then each sort key.
    index("tasks_by_created").on(t.completed, t.projectArchived, t.createdAt, t.id),
    index("tasks_by_updated").on(t.completed, t.projectArchived, t.updatedAt, t.id),
    index("tasks_by_priority").on(t.completed, t.projectArchived, t.priorityRank, t.id),
    index("tasks_by_title").on(t.completed, t.projectArchived, titleNoCase, t.id),
    index("tasks_by_due_asc").on(t.completed, t.projectArchived, t.dueSortAsc, t.id),
    index("tasks_by_due_desc").on(t.completed, t.projectArchived, t.dueSortDesc, t.id),
  ],
);

export const taskLabels = sqliteTable(
  "task_labels",
  {
    taskId: text("task_id")
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    /** The lower-cased label: labels match case-insensitively. */
    labelKey: text("label_key").notNull(),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.labelKey] }), index("task_labels_by_key").on(t.labelKey, t.taskId)],
);

/** Per-database values made on first open, such as the key cursors are signed with. */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/** Access tokens: only a SHA-256 hash of each secret is kept; a revoked token's row is deleted. */
export const accessTokens = sqliteTable(
  "access_tokens",
  {
    name: text("name").primaryKey(),
    scope: text("scope", { enum: ["read", "write"] }).notNull(),
    secretHash: text("secret_hash").notNull(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at"),
    lastUsedAt: text("last_used_at"),
  },
  (t) => [uniqueIndex("access_tokens_by_hash").on(t.secretHash)],
);

/**
 * How many tasks of a project have each status, priority and due-date presence: with label_key '' the tasks
 * themselves, otherwise the tasks carrying that label. Kept by triggers (drizzle/0004_counters.sql), so counts
 * and label usage filtered by those dimensions read a few counter rows instead of the tasks.
 */
export const taskFacets = sqliteTable(
  "task_facets",
  {
    projectId: text("project_id").notNull(),
    completed: integer("completed", { mode: "boolean" }).notNull(),
    priorityRank: integer("priority_rank").notNull(),
    hasDue: integer("has_due", { mode: "boolean" }).notNull(),
    labelKey: text("label_key").notNull(),
    taskCount: integer("task_count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.completed, t.priorityRank, t.hasDue, t.labelKey] })],
);

/** The same counts summed over projects, by whether the project is archived. */
export const facetTotals = sqliteTable(
  "facet_totals",
  {
    completed: integer("completed", { mode: "boolean" }).notNull(),
    projectArchived: integer("project_archived", { mode: "boolean" }).notNull(),
    priorityRank: integer("priority_rank").notNull(),
    hasDue: integer("has_due", { mode: "boolean" }).notNull(),
    labelKey: text("label_key").notNull(),
    taskCount: integer("task_count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.labelKey, t.completed, t.projectArchived, t.priorityRank, t.hasDue] })],
);

/**
 * How many tasks carry both labels, by status, live/archived project, priority and due-date presence (a pair
 * of equal keys counts a label's own carriers). Kept by triggers (drizzle/0005_label_pairs.sql), so the label
 * usage of the tasks carrying one label reads these rows instead of the tasks.
 */
export const labelPairTotals = sqliteTable(
  "label_pair_totals",
  {
    withKey: text("with_key").notNull(),
    completed: integer("completed", { mode: "boolean" }).notNull(),
    projectArchived: integer("project_archived", { mode: "boolean" }).notNull(),
    priorityRank: integer("priority_rank").notNull(),
    hasDue: integer("has_due", { mode: "boolean" }).notNull(),
    labelKey: text("label_key").notNull(),
    taskCount: integer("task_count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.withKey, t.completed, t.projectArchived, t.priorityRank, t.hasDue, t.labelKey] })],
);
