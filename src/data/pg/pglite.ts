import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import type { Environment } from "../repository";
import { cursorSecretOf, pgMigrationsFolder, storeOver, type PgStore } from "./open";

/**
 * PostgreSQL embedded in the process (PGlite, PostgreSQL compiled to WebAssembly, with pg_trgm): the same store
 * as openPostgres, for tests that need no server. A development dependency: never part of the built service.
 */
export type EmbeddedPostgres = {
  /** A store over this database, with its own environment (clock, ids). */
  store(environment?: Environment): Promise<PgStore>;
  /** Deletes every row (projects, tasks, tokens), keeping the schema and the cursor key. */
  reset(): Promise<void>;
  /** The data folder as a tarball, to boot another one from (booting from one skips initdb, most of a boot). */
  dump(): Promise<Blob>;
  close(): Promise<void>;
};

/** Boots an embedded PostgreSQL (from a dump when given one, which is much faster) and migrates it. */
export async function openEmbeddedPostgres(from?: Blob): Promise<EmbeddedPostgres> {
  // In memory and for tests: relaxed durability (not waiting for the file system after each query) makes writes about four times faster.
  const client = await PGlite.create({ extensions: { pg_trgm }, relaxedDurability: true, ...(from && { loadDataDir: from }) });
  const db = drizzle(client);
  await migrate(db, { migrationsFolder: pgMigrationsFolder });
  // Read once: stores made later (one per test) then cost no query.
  const cursorSecret = await cursorSecretOf(db);
  return {
    store: (environment = {}) => storeOver(db, { cursorSecret, ...environment }, { close: async () => {}, sizeBytes: async () => 0 }),
    reset: async () => {
      // DELETE, not TRUNCATE: on tables this small it is several times faster (TRUNCATE makes new files).
      await client.exec("delete from task_labels; delete from tasks; delete from projects; delete from access_tokens");
    },
    dump: async () => client.dumpDataDir("none"),
    close: () => client.close(),
  };
}
