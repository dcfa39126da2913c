/**
 * Help text for the commands trpc-cli derives from the router. Its own option descriptions come from the JSON
 * schema (regular expressions, `Any of: [...]`), so each flag gets a sentence here; commander adds the choices
 * and defaults.
 */
export const commandDescriptions: Record<string, string> = {
  projects: "projects: create, get, list, update, archive, unarchive, delete",
  tasks: "tasks: create, get, list, count, labels, update, complete, reopen, delete",
  "projects.create": "create a project",
  "projects.get": "show one project",
  "projects.list": "list projects (by name), a page at a time",
  "projects.update": "change a project's name or description",
  "projects.archive": "archive a project (its tasks are frozen until it is unarchived)",
  "projects.unarchive": "unarchive a project",
  "projects.delete": "delete a project that has no tasks",
  "tasks.create": "create a task in a project",
  "tasks.get": "show one task",
  "tasks.list": "list tasks matching every filter given, a page at a time",
  "tasks.count": "count the tasks matching every filter given",
  "tasks.labels": "list the labels in use on the tasks matching every filter given, with task counts",
  "tasks.update": "change a task's fields, or move it to another project",
  "tasks.complete": "mark a task completed",
  "tasks.reopen": "mark a completed task open again",
  "tasks.delete": "delete a task",
};

const flags: Record<string, string> = {
  name: "1–200 characters, trimmed",
  title: "1–500 characters, trimmed",
  description: "0–10,000 characters",
  expectedVersion: "fail with VERSION_MISMATCH unless the stored version is this one",
  priority: "low < normal < high < urgent",
  dueDate: "a date, YYYY-MM-DD",
  labels: "labels, each 1–50 characters: --labels a b or --labels a --labels b",
  projectId: "the project's id",
  archived: "list archived projects instead of active ones (--archived or --archived true)",
  search: "whitespace-separated terms, each must occur (case-insensitive)",
  cursor: "nextCursor of the previous page of the same query",
  limit: "page size, 1–100",
  status: "which tasks",
  dueFrom: "due on or after this date, YYYY-MM-DD",
  dueTo: "due on or before this date, YYYY-MM-DD",
  hasDueDate: "only tasks with (true) or without (false) a due date",
  includeArchivedProjects: "include tasks of archived projects",
  sort: 'the whole sort as JSON, e.g. \'{"by":"dueDate","dir":"asc"}\' (or use --sort-by/--sort-dir)',
  sortBy: "sort key (dir defaults to asc)",
  sortDir: "sort direction (key defaults to createdAt)",
};

/** The task filter's flags, shared by every procedure that takes it. */
const filterFlags = {
  projectId: "only tasks of this project; repeat for several: --project-id A --project-id B",
  labels: "has at least one of these labels: --labels a b or --labels a --labels b",
  priority: "any of these priorities: --priority high urgent",
};

const flagsByCommand: Record<string, string> = {
  "tasks.update dueDate": "a date, YYYY-MM-DD, or null to clear it",
  "tasks.update labels": "the new labels (replace the old ones): --labels a b or --labels a --labels b",
  "tasks.update projectId": "move the task to this project",
  ...Object.fromEntries(
    ["tasks.list", "tasks.count", "tasks.labels"].flatMap((path) =>
      Object.entries(filterFlags).map(([key, text]) => [`${path} ${key}`, text]),
    ),
  ),
};

/** The help sentence for a flag (by its input key) of the procedure at `path`. */
export function describeFlag(path: string, key: string): string | undefined {
  if (key === "id") return `the ${path.startsWith("tasks.") ? "task" : "project"}'s id`;
  return flagsByCommand[`${path} ${key}`] ?? flags[key];
}
