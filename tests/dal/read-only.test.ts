import { describe, expect, inject, it } from "vitest";
import type { PgStore } from "../../src/data/pg/open";
import { projects } from "../../src/data/pg/schema";

/**
 * A query cannot write, by construction: the connection the read view's statements run on is one PostgreSQL
 * itself refuses writes on (a READ ONLY transaction on PGlite, a read-only session from openPostgres on a server).
 */
const stores: { name: string; open: () => Promise<PgStore> }[] = [
  // Each loaded only when its case runs: `npm test` runs neither, and loading their support costs a worker about 0.2 s.
  ...(process.env.TEST_PGLITE === "off" ? [] : [{ name: "pglite", open: async () => (await import("../support/pglite")).openPgliteStore({}) }]),
  // The server's template database is made by test:pg's set-up (vitest.pg.config.ts) when TEST_DATABASE_URL names a
  // server: npm test leaves this case to it, even with TEST_DATABASE_URL set.
  ...(inject("postgresTemplate") ? [{ name: "postgres", open: async () => (await import("../support/postgres")).openTestPostgres() }] : []),
];

describe.runIf(stores.length > 0)("the read view's connection", () => {
  describe.each(stores)("($name)", ({ open }) => {
    it("is refused a write by PostgreSQL (read-only transaction, SQLSTATE 25006), and reads on it see the writes", async () => {
      const store = await open();
      const project = await store.write.createProject({ name: "Home", description: "" });
      const write = store.reading((db) => db.update(projects).set({ name: "Hacked" }));
      await expect(write).rejects.toMatchObject({ cause: { code: "25006" } });
      expect((await store.read.getProject(project.id)).name).toBe("Home");
    });
  });
});
