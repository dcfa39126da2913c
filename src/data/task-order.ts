import { priorityRank, type Task, type TaskSort } from "../domain";

/** Stand-ins that sort a missing due date last in both directions (they are never valid dates). */
export const noDueDateAsc = "9999-99-99";
export const noDueDateDesc = "";

/** The value a task sorts by; ties are broken by id in the same direction. */
export function taskSortKey(task: Task, sort: TaskSort): string | number {
  switch (sort.by) {
    case "createdAt":
      return task.createdAt;
    case "updatedAt":
      return task.updatedAt;
    case "priority":
      return priorityRank(task.priority);
    case "title":
      return task.title;
    case "dueDate":
      return task.dueDate ?? (sort.dir === "asc" ? noDueDateAsc : noDueDateDesc);
  }
}
