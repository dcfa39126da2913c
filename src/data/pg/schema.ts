import { sql, type SQL } from "drizzle-orm";
import { bigint, boolean, customType, index, integer, jsonb, pgTable, primaryKey, uniqueIndex } from "drizzle-orm/pg-core";
import { noDueDateAsc, noDueDateDesc } from "../task-order";

/**
 * The PostgreSQL schema: the tables of ../schema.ts with the same columns and meanings, less SQLite's counter
 * tables and triggers (counts here read the tasks through their indexes). Migrations in drizzle/pg/
 * (npm run db:generate:pg).
 *
 * Every text column compares as bytes (COLLATE "C"), as SQLite's BINARY does, whatever the database's own
 * collation: ids, labels and sort keys then order exactly as on SQLite.
 */
const text = customType<{ data: string; driverData: string }>({ dataType: () => `text COLLATE "C"` });

/** SQLite's NOCASE: ASCII letters folded, every other character kept, then compared as bytes. */
export const asciiFolded = (column: SQL | string): SQL =>
  sql`translate(${typeof column === "string" ? sql.identifier(column) : column}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`;

export const projects = pgTable(
  "projects",
  {
    /** Insertion order, which an export keeps. */
    seq: bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity().notNull(),
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    description: text("description").notNull(),
    /** The lower-cased name, what project search looks in. */
    searchText: text("search_text").notNull(),
    /** The name as SQLite's NOCASE compares it: projects list in this order. */
    nameKey: text("name_key")
      .notNull()
      .generatedAlwaysAs(() => asciiFolded("name")),
    archived: boolean("archived").notNull(),
    archivedAt: text("archived_at"),
    version: integer("version").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("projects_seq").on(t.seq),
    index("projects_by_name").on(t.archived, t.nameKey, t.id),
    index("projects_search").using("gin", t.searchText.op("gin_trgm_ops")),
  ],
);

export const tasks = pgTable(
  "tasks",
  {
    /** Insertion order, which an export keeps. */
    seq: bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity().notNull(),
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id),
    title: text("title").notNull(),
    description: text("description").notNull(),
    /** Lower-cased title and description, what text search looks in (trigram index). */
    searchText: text("search_text").notNull(),
    priority: text("priority").$type<"low" | "normal" | "high" | "urgent">().notNull(),
    priorityRank: integer("priority_rank").notNull(),
    dueDate: text("due_date"),
    /** Keys that sort a missing due date last: after every date going up, before every date going down. */
    dueSortAsc: text("due_sort_asc")
      .notNull()
      .generatedAlwaysAs(sql`coalesce("due_date", ${sql.raw(`'${noDueDateAsc}'`)})`),
    dueSortDesc: text("due_sort_desc")
      .notNull()
      .generatedAlwaysAs(sql`coalesce("due_date", ${sql.raw(`'${noDueDateDesc}'`)})`),
    /** The title as SQLite's NOCASE compares it: the title sort. */
    titleKey: text("title_key")
      .notNull()
      .generatedAlwaysAs(() => asciiFolded("title")),
    /** The labels in canonical order; task_labels indexes them for filtering. */
    labels: jsonb("labels").$type<string[]>().notNull(),
    completed: boolean("completed").notNull(),
    completedAt: text("completed_at"),
    version: integer("version").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("tasks_seq").on(t.seq),
    index("tasks_by_project_created").on(t.projectId, t.completed, t.createdAt, t.id),
    index("tasks_by_project_updated").on(t.projectId, t.completed, t.updatedAt, t.id),
    index("tasks_by_project_priority").on(t.projectId, t.completed, t.priorityRank, t.id),
    index("tasks_by_project_title").on(t.projectId, t.completed, t.titleKey, t.id),
    index("tasks_by_project_due_asc").on(t.projectId, t.completed, t.dueSortAsc, t.id),
    index("tasks_by_project_due_desc").on(t.projectId, t.completed, t.dueSortDesc, t.id),
    index("tasks_by_created").on(t.completed, t.createdAt, t.id),
    index("tasks_by_updated").on(t.completed, t.updatedAt, t.id),
    index("tasks_by_priority").on(t.completed, t.priorityRank, t.id),
    index("tasks_by_title").on(t.completed, t.titleKey, t.id),
    index("tasks_by_due_asc").on(t.completed, t.dueSortAsc, t.id),
    index("tasks_by_due_desc").on(t.completed, t.dueSortDesc, t.id),
    index("tasks_search").using("gin", t.searchText.op("gin_trgm_ops")),
  ],
);

export const taskLabels = pgTable(
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
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/** Access tokens: only a SHA-256 hash of each secret is kept; a revoked token's row is deleted. */
export const accessTokens = pgTable(
  "access_tokens",
  {
    name: text("name").primaryKey(),
    scope: text("scope").$type<"read" | "write">().notNull(),
    secretHash: text("secret_hash").notNull(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at"),
    lastUsedAt: text("last_used_at"),
  },
  (t) => [uniqueIndex("access_tokens_by_hash").on(t.secretHash)],
);
