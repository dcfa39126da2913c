import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generateDrizzleJson, generateMigration } from "drizzle-kit/api";
import { describe, expect, it } from "vitest";
import { pgMigrationsFolder } from "../../src/data/pg/open";
import * as schema from "../../src/data/pg/schema";

type Journal = { entries: { idx: number; tag: string }[] };

describe("PostgreSQL migrations", () => {
  it("match the Drizzle schema: generating a migration now would produce nothing (run npm run db:generate:pg)", async () => {
    const journal = JSON.parse(readFileSync(join(pgMigrationsFolder, "meta/_journal.json"), "utf8")) as Journal;
    const last = journal.entries.at(-1);
    expect(last).toBeDefined();
    const snapshotFile = join(pgMigrationsFolder, "meta", `${String(last?.idx).padStart(4, "0")}_snapshot.json`);
    const snapshot = JSON.parse(readFileSync(snapshotFile, "utf8")) as Parameters<typeof generateMigration>[0];
    expect(await generateMigration(snapshot, generateDrizzleJson(schema))).toEqual([]);
  });
});
