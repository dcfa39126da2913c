import Database from "better-sqlite3";
import { beforeAll, afterAll, describe, expect, it } from "vitest";
import { openDatabase, type TaskDatabase } from "../../src/data";
import { createProjectInput, createTaskInput, taskFilterInput, taskQueryInput, type TaskQuery } from "../../src/domain";

// The plans SQLite picks for the repository's own list queries: each main filter must be answered through
// an index (SEARCH), never by reading the whole tasks table (SCAN tasks).
let database: TaskDatabase;
let statements: string[] = [];
let projectId = "";

beforeAll(() => {
  database = openDatabase(":memory:", { trace: (sql) => statements.push(sql) });
  const project = database.write.createProject(createProjectInput.parse({ name: "Plans" }));
  projectId = project.id;
  for (let i = 0; i < 20; i++) {
    database.write.createTask(
      createTaskInput.parse({ projectId, title: `Task ${i}`, labels: [`l${i % 3}`], dueDate: i % 2 ? "2026-01-0" + ((i % 9) + 1) : null }),
    );
  }
});

afterAll(() => database.close());

function planOf(query: Partial<TaskQuery>, run: (query: Partial<TaskQuery>) => unknown = (q) => database.read.listTasks(taskQueryInput.parse(q))): string[] {
  statements = [];
  run(query);
  const select = statements.find((sql) => sql.startsWith("select"));
  if (!select) throw new Error(`no select was run: ${statements.join("\n")}`);
  const inspector = new Database(database.path, { readonly: true });
  try {
    return (inspector.prepare(`explain query plan ${select}`).all() as { detail: string }[]).map((row) => row.detail);
  } finally {
    inspector.close();
  }
}

const fullScanOfTasks = /^SCAN (tasks|t)\b/;

describe("query plans of the main list filters", () => {
  const sorts = ["createdAt", "updatedAt", "dueDate", "priority", "title"] as const;
  for (const by of sorts) {
    for (const dir of ["asc", "desc"] as const) {
      it(`project + status + sort by ${by} ${dir}: an index search that also gives the order`, () => {
        const plan = planOf({ projectId, status: "open", sort: { by, dir } });
        expect(plan.join("\n")).not.toMatch(/SCAN tasks\b/);
        expect(plan.join("\n")).not.toMatch(/TEMP B-TREE/);
        expect(plan[0]).toMatch(/^SEARCH tasks USING (COVERING )?INDEX tasks_by_project_/);
      });
    }
  }

  it("status + due range: searches the due-date index", () => {
    const plan = planOf({ status: "open", dueFrom: "2026-01-02", dueTo: "2026-01-05", includeArchivedProjects: true });
    expect(plan.some((detail) => fullScanOfTasks.test(detail))).toBe(false);
    expect(plan.join("\n")).toMatch(/SEARCH tasks USING INDEX tasks_by_due/);
  });

  it("label: searches the label index", () => {
    const plan = planOf({ labels: ["L1"], status: "all", includeArchivedProjects: true });
    expect(plan.some((detail) => fullScanOfTasks.test(detail))).toBe(false);
    expect(plan.join("\n")).toMatch(/task_labels USING COVERING INDEX task_labels_by_key/);
  });

  it("default list (open tasks of live projects, newest first): searches by status in creation order", () => {
    const plan = planOf({});
    expect(plan.some((detail) => fullScanOfTasks.test(detail))).toBe(false);
  });

  it("labels in use: the selected tasks by index, each task's labels by their key", () => {
    const plan = planOf({ status: "open" }, (query) => database.read.listLabels(taskFilterInput.parse(query)));
    expect(plan.some((detail) => fullScanOfTasks.test(detail))).toBe(false);
    expect(plan.join("\n")).toMatch(/SEARCH task_labels USING COVERING INDEX/);
  });

  it("text search: the trigram index answers terms of three or more characters", () => {
    const plan = planOf({ search: "task", projectId });
    expect(plan.join("\n")).toMatch(/tasks_fts VIRTUAL TABLE/);
    expect(plan.some((detail) => fullScanOfTasks.test(detail))).toBe(false);
  });
});
