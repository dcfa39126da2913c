import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/data";
import { createProjectInput } from "../../src/domain";

// openDatabase itself: the SQLite files it makes and the statement trace it offers (the query-plan tests rely on it).
describe("openDatabase", () => {
  it("gives :memory: a private temporary file that both connections see, and removes it on close", () => {
    const database = openDatabase(":memory:");
    const other = openDatabase(":memory:");
    const project = database.write.createProject(createProjectInput.parse({ name: "Temporary" }));
    expect(database.read.getProject(project.id).name).toBe("Temporary");
    expect(other.path).not.toBe(database.path);
    expect(other.read.listProjects({ archived: false, limit: 10 }).items).toEqual([]);
    other.close();
    expect(existsSync(database.path)).toBe(true);
    database.close();
    expect(existsSync(dirname(database.path))).toBe(false);
  });

  // SQLite shortens a long text parameter in the trace to its first 32 bytes and a comment (/*+4 bytes*/).
  it("passes every statement, of writes and of reads, to trace with its parameters filled in", () => {
    const statements: string[] = [];
    const database = openDatabase(":memory:", { trace: (sql) => statements.push(sql) });
    try {
      statements.length = 0;
      const project = database.write.createProject(createProjectInput.parse({ name: "Traced" }));
      expect(statements.filter((sql) => sql.startsWith('insert into "projects"'))).toEqual([expect.stringContaining("'Traced'")]);
      statements.length = 0;
      database.read.getProject(project.id);
      expect(statements).toEqual([expect.stringMatching(new RegExp(`^select .* from "projects" where "projects"."id" = '${project.id.slice(0, 32)}'`, "u"))]);
    } finally {
      database.close();
    }
  });
});
