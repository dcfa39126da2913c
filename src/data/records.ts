import { priorityRank, type ProjectRecord, type Task } from "../domain";

// Rows of either store (SQLite, PostgreSQL) to domain values and back: both keep the same derived columns beside
// the domain's fields, so the mapping is one, whatever the dialect.

/** The task in a row, without the row's own columns (search text, sort keys). */
export function toTask(row: Task): Task {
  return {
    id: row.id,
    projectId: row.projectId,
    title: row.title,
    description: row.description,
    priority: row.priority,
    dueDate: row.dueDate,
    labels: row.labels,
    completed: row.completed,
    completedAt: row.completedAt,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The project as stored, without its derived columns (search text, task counts). */
export function toProjectRecord(row: ProjectRecord): ProjectRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    archived: row.archived,
    archivedAt: row.archivedAt,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** A task with the columns every store derives from it: the lower-cased text search reads, the priority's rank. */
export function toTaskRow(task: Task) {
  return {
    ...task,
    searchText: `${task.title}\n${task.description}`.toLowerCase(),
    priorityRank: priorityRank(task.priority),
  };
}
