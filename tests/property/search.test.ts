import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Repository } from "../../src/data";
import { MemoryRepository } from "../../src/data/memory-repository";
import { createProjectInput, createTaskInput, taskQueryInput } from "../../src/domain";
import { openDatabaseCopy } from "../support/database";

// Any search string the schema accepts reaches the full-text index as data, never as query syntax: SQLite
// answers every one, and as the in-memory model does. PROPERTY_RUNS raises the number of cases.

const runs = Number(process.env.PROPERTY_RUNS ?? 15) * 10;
const seed = process.env.PROPERTY_SEED === undefined ? undefined : Number(process.env.PROPERTY_SEED);

/**
 * One code point: any (lone surrogates included, which the schema refuses), or any but a surrogate (well-formed
 * text of any script). fast-check's own units, `unit: "binary"` and `"grapheme"`, draw about the same, but each builds a
 * map of every code point of Unicode when the file is imported (1.5 s of CPU), to find its stock slices in the
 * strings it generates; those slices (JavaScript's property names) are among the constants below.
 */
const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((code) => String.fromCodePoint(code));
const scalar = anyCodePoint.filter((char) => !/^[\ud800-\udfff]$/u.test(char));

/** Well-formed text with FTS5's operators, quotes and odd characters well represented. */
const piece = fc.oneof(
  fc.string({ unit: scalar, maxLength: 8 }),
  fc.string({ unit: anyCodePoint, maxLength: 8 }),
  fc.constantFrom('"', '""', "*", "^", "NEAR", "AND", "OR", "NOT", "(", ")", ":", "-", "+", "{a}", "\\", "'", "%", "_", "ß", "İ", "Σ", "ς", "🚀", "__proto__", "constructor", "toString"),
);
const searchText = fc.array(piece, { maxLength: 6 }).map((parts) => parts.join(" ")).filter((text) => taskQueryInput.safeParse({ search: text }).success);

describe("text search", () => {
  it(`never fails and agrees with the in-memory model on any search string (${runs} runs)`, { timeout: 0 }, async () => {
    const database = openDatabaseCopy();
    const model = new MemoryRepository();
    try {
      const titles = ['say "hi" NEAR(a b)', "AND OR NOT * ^", "mañana İstanbul ΣΊΣΥΦΟΣ", "straße 🚀 rocket", "x:y {a} (b) c\\d", "50% a_c 'q'"];
      for (const repo of [database.write, model]) {
        const project = await repo.createProject(createProjectInput.parse({ name: "Search" }));
        for (const title of titles) await repo.createTask(createTaskInput.parse({ projectId: project.id, title, description: [...title].reverse().join("") }));
      }
      const titlesFound = async (repo: Repository, search: string) =>
        (await repo.listTasks(taskQueryInput.parse({ search, limit: 100 }))).items.map((task) => task.title).sort();
      await fc.assert(
        fc.asyncProperty(fc.oneof(searchText, fc.constantFrom(...titles)), async (search) => {
          expect(await titlesFound(database.write, search)).toEqual(await titlesFound(model, search));
          expect(await database.write.countTasks(taskQueryInput.parse({ search }))).toBe(await model.countTasks(taskQueryInput.parse({ search })));
        }),
        { numRuns: runs, ...(seed !== undefined && { seed }) },
      );
    } finally {
      await database.close();
    }
  });
});
