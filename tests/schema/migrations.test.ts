import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generateSQLiteDrizzleJson, generateSQLiteMigration } from "drizzle-kit/api";
import { describe, expect, it } from "vitest";
import { migrationsFolder } from "../../src/data/database";
import * as schema from "../../src/data/schema";

type Journal = { entries: { idx: number; tag: string }[] };

describe("migrations", () => {
  it("match the Drizzle schema: generating a migration now would produce nothing (run npm run db:generate)", async () => {
    const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta/_journal.json"), "utf8")) as Journal;
    const last = journal.entries.at(-1);
    expect(last).toBeDefined();
    const snapshotFile = join(migrationsFolder, "meta", `${String(last?.idx).padStart(4, "0")}_snapshot.json`);
    const snapshot = JSON.parse(readFileSync(snapshotFile, "utf8")) as Parameters<typeof generateSQLiteMigration>[0];
    const current = await generateSQLiteDrizzleJson(schema);
    expect(await generateSQLiteMigration(snapshot, current)).toEqual([]);
  });
});
