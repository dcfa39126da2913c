import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { eq, sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { parse, parseIntoClientConfig } from "pg-connection-string";
import { newCursorSecret } from "../cursor";
import type { Portability } from "../portability";
import type { Environment, Repositories } from "../repository";
import { PgPortability } from "./portability";
import { inReadOnlyTransactions, onReadOnlySessions, PgRepository, readView, type PgDb, type Reading } from "./repository";
import { settings } from "./schema";
import { PgTokenStore } from "./tokens";

/** drizzle/pg/ at the package root: three folders up from src/data/pg/open.ts, one up from the bundle in dist/. */
export const pgMigrationsFolder =
  ["../../../drizzle/pg", "../drizzle/pg"]
    .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
    .find((folder) => existsSync(join(folder, "meta", "_journal.json"))) ?? fileURLToPath(new URL("../../../drizzle/pg", import.meta.url));

/** Taken while migrating, so that instances starting at once apply each migration once, one after the other. */
const migrationLock = 7_130_372_012;

/** What an opened PostgreSQL store offers: the repositories and the handle's own operations. */
export type PgStore = Repositories & {
  portability: Portability;
  /** Where the read view's statements run: PostgreSQL refuses any write there. */
  reading: Reading;
  /** Throws unless the database answers a query (for readiness checks). */
  ping(): Promise<void>;
  /** The database's size in bytes as last measured (refreshed in the background, at most every 10 s); 0 until known. */
  sizeBytes(): number;
  close(): Promise<void>;
};

export type PgOpenOptions = Environment & {
  /** Apply the migrations on open (default true); false: the schema must already be current. */
  migrate?: boolean;
};

/** The database's schema is newer than this build's migrations, or not migrated when told not to migrate. */
export class PgSchemaRefused extends Error {
  override name = "PgSchemaRefused";
}

/** Refuses a database migrated by a newer taskrpc (it would be misread), or not migrated at all when not migrating. */
export async function assertSchemaKnown(db: PgDb, migrated: boolean): Promise<void> {
  const known = new Set(readMigrationFiles({ migrationsFolder: pgMigrationsFolder }).map((migration) => migration.hash));
  const { rows } = (await db.execute(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as "exists"`)) as unknown as {
    rows: { exists: boolean }[];
  };
  const applied = rows[0]?.exists
    ? ((await db.execute(sql`select hash from drizzle.__drizzle_migrations`)) as unknown as { rows: { hash: string }[] }).rows
    : [];
  const unknown = applied.filter((row) => !known.has(row.hash)).length;
  if (unknown > 0) {
    throw new PgSchemaRefused(`The database has a schema newer than this taskrpc (${unknown} migration(s) it does not know): upgrade taskrpc`);
  }
  if (!migrated && applied.length < known.size) {
    throw new PgSchemaRefused(`The database lacks ${known.size - applied.length} migration(s) of this taskrpc: run \`taskrpc migrate\` first`);
  }
}

/** The database's own cursor key: made once, on first open, and kept, so cursors stay valid across restarts and instances. */
export async function cursorSecretOf(db: PgDb): Promise<string> {
  await db.insert(settings).values({ key: "cursor_secret", value: newCursorSecret() }).onConflictDoNothing();
  const [stored] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, "cursor_secret"));
  if (!stored) throw new Error("the cursor key is missing from settings");
  return stored.value;
}

/**
 * The connection settings of the pool that reads go through: every transaction of its sessions is read-only, so
 * PostgreSQL refuses a write there (SQLSTATE 25006), and a read needs no transaction of its own.
 */
export function readOnlyPoolConfig(url: string, max: number): pg.PoolConfig {
  // node-postgres lets a connection string's own `options` replace the config's, which would drop the read-only
  // setting: the URL is parsed as node-postgres parses it, and its options kept beside this one.
  const own = parse(url).options;
  return { ...parseIntoClientConfig(url), max, options: [own, "-c default_transaction_read_only=on"].filter(Boolean).join(" ") };
}

/**
 * The store over a migrated database: reads the per-database cursor key (made on first open) and builds the views.
 * Reads go through `reader` (a database whose sessions are read-only) when given, else in READ ONLY transactions of `db`.
 */
export async function storeOver(
  db: PgDb,
  options: Environment,
  handle: { close(): Promise<void>; sizeBytes(): Promise<number> },
  reader?: PgDb,
): Promise<PgStore> {
  const reading = reader ? onReadOnlySessions(reader) : inReadOnlyTransactions(db);
  const write = new PgRepository(db, { ...options, cursorSecret: options.cursorSecret ?? (await cursorSecretOf(db)) }, reading);
  let size = { bytes: 0, at: Number.NEGATIVE_INFINITY, pending: false };
  const store: PgStore = {
    read: readView(write),
    write,
    reading,
    tokens: new PgTokenStore(db, options.clock),
    portability: new PgPortability(db),
    async ping() {
      await db.execute(sql`select 1`);
    },
    sizeBytes() {
      if (!size.pending && Date.now() - size.at > 10_000) {
        size.pending = true;
        handle.sizeBytes().then(
          (bytes) => (size = { bytes, at: Date.now(), pending: false }),
          () => (size = { ...size, at: Date.now(), pending: false }),
        );
      }
      return size.bytes;
    },
    close: () => handle.close(),
  };
  // Measured once now, so that the first metrics scrape has a figure.
  store.sizeBytes();
  return store;
}

/**
 * Opens the PostgreSQL database at `url` (postgres://user:password@host:port/database) through two connection
 * pools (one for writes, one read-only for reads), applying this build's migrations first (unless `migrate: false`)
 * under an advisory lock, so instances starting at once do not race.
 */
export async function openPostgres(url: string, options: PgOpenOptions = {}): Promise<PgStore> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const readPool = new pg.Pool(readOnlyPoolConfig(url, 10));
  // An idle connection the server dropped must not crash the process; the next query opens another.
  pool.on("error", () => {});
  readPool.on("error", () => {});
  try {
    const client = await pool.connect();
    try {
      await client.query("select pg_advisory_lock($1)", [migrationLock]);
      const session = drizzle(client);
      await assertSchemaKnown(session, options.migrate !== false);
      if (options.migrate !== false) await migrate(session, { migrationsFolder: pgMigrationsFolder });
    } finally {
      await client.query("select pg_advisory_unlock($1)", [migrationLock]).catch(() => {});
      client.release();
    }
    const db = drizzle(pool);
    return await storeOver(
      db,
      options,
      {
        close: async () => {
          await Promise.all([pool.end(), readPool.end()]);
        },
        sizeBytes: async () => {
          const { rows } = await pool.query<{ bytes: string }>("select pg_database_size(current_database()) as bytes");
          return Number(rows[0]?.bytes ?? 0);
        },
      },
      drizzle(readPool),
    );
  } catch (error) {
    await Promise.all([pool.end().catch(() => {}), readPool.end().catch(() => {})]);
    throw error;
  }
}

/** Applies the migrations and closes: `taskrpc migrate`. */
export async function migratePostgres(url: string): Promise<void> {
  const store = await openPostgres(url);
  await store.close();
}
