import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import { inject, onTestFinished } from "vitest";
import { cursorSecretOf, openPostgres, readOnlyPoolConfig, storeOver, type PgStore } from "../../src/data/pg/open";
import type { PgDb } from "../../src/data/pg/repository";
import type { Environment } from "../../src/data";

declare module "vitest" {
  export interface ProvidedContext {
    /** The URL of a migrated, empty database on the test server that each test clones (npm run test:pg only). */
    postgresTemplate: string | undefined;
  }
}

/**
 * The real-server half of the PostgreSQL tests: TEST_DATABASE_URL names a database on a PostgreSQL server
 * (postgres://taskrpc:taskrpc@127.0.0.1:5432/taskrpc_test) whose role may create databases. Each vitest worker
 * works in its own database beside it (<name>_w<worker>), emptied before each test, so workers never meet.
 * Its stores share one pool; tests/pg opens further instances on the same database with openPostgres.
 */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL;

export const skipReason =
  "no PostgreSQL server configured: set TEST_DATABASE_URL=postgres://user:password@host:port/database to run these (scripts/postgres-test-server.sh starts one and prints it)";

/** The URL of the same server's database `name`. */
export function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Creates database `name` on the server of `base` unless it exists; returns its URL. */
export async function ensureDatabase(base: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(`create database "${name.replaceAll('"', '""')}"`);
  } catch (error) {
    // 42P04: it exists already.
    if ((error as { code?: string }).code !== "42P04") throw error;
  } finally {
    await client.end();
  }
  return databaseUrl(base, name);
}

/** Drops database `name` on the server of `base` (closing any connection left to it). */
export async function dropDatabase(base: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name.replaceAll('"', '""')}" with (force)`);
  } finally {
    await client.end();
  }
}

/** Runs one statement on the database at `url` (setting up what a test needs). */
export async function runSql(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

type Worker = { url: string; db: PgDb; reader: PgDb; cursorSecret: string };
let worker: Promise<Worker> | undefined;

async function workerDatabase(base: string): Promise<Worker> {
  const name = `${new URL(base).pathname.slice(1)}_w${process.env.VITEST_POOL_ID ?? "0"}`;
  const url = await ensureDatabase(base, name);
  // Opening migrates it (once per worker and run: later runs find nothing to apply).
  await (await openPostgres(url)).close();
  const db = drizzle(new pg.Pool({ connectionString: url, max: 4 }));
  // Reads on read-only sessions, as openPostgres has them.
  const reader = drizzle(new pg.Pool(readOnlyPoolConfig(url, 4)));
  return { url, db, reader, cursorSecret: await cursorSecretOf(db) };
}

/** The URL of this worker's database on the server (made and migrated on first use). */
export async function workerDatabaseUrl(): Promise<string> {
  if (!testDatabaseUrl) throw new Error(skipReason);
  worker ??= workerDatabase(testDatabaseUrl);
  return (await worker).url;
}

/** A store on the worker's database on the server, emptied first; all share the worker's pool, open for its life. */
export async function openServerStore(environment: Environment): Promise<PgStore> {
  await workerDatabaseUrl();
  const { db, reader, cursorSecret } = await (worker as Promise<Worker>);
  // DELETE, not TRUNCATE: on tables this small it is several times faster.
  await db.execute(sql`delete from task_labels; delete from tasks; delete from projects; delete from access_tokens`);
  return storeOver(db, { cursorSecret, ...environment }, { close: async () => {}, sizeBytes: async () => 0 }, reader);
}

/** Runs SQL as the test role on its own database (creating and dropping the databases tests use). */
export async function administer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;


/**
 * A new database on the test server, named after the run (its process id, for the clean-up of killed runs) and a
 * part no other worker thread can draw: cloned from the run's migrated template (CREATE DATABASE … TEMPLATE, a file
 * copy, far cheaper than migrating), or empty (`migrated: false`, for servers that migrate it themselves).
 */
export async function createPostgresDatabase({ migrated = true } = {}): Promise<{ url: string; drop(): Promise<void> }> {
  const template = inject("postgresTemplate");
  const server = testDatabaseUrl;
  if (!template || !server) throw new Error(`createPostgresDatabase: ${skipReason}`);
  const templateName = new URL(template).pathname.slice(1);
  const name = `${templateName.replace(/_template$/u, "")}_${randomUUID().slice(0, 8)}`;
  await administer(server, (client) => client.query(`create database ${quoted(name)}${migrated ? ` template ${quoted(templateName)}` : ""}`));
  return { url: databaseUrl(server, name), drop: () => dropDatabase(server, name) };
}

/** A fresh, migrated database for one test (its own, so test files run in parallel unseen), dropped when it ends. */
export async function createTestPostgresDatabase(): Promise<string> {
  const { url, drop } = await createPostgresDatabase();
  onTestFinished(drop);
  return url;
}

/** A store on a fresh database of the test server, closed (and the database dropped) when the test ends. */
export async function openTestPostgres(environment: Environment = {}): Promise<PgStore & { path: string }> {
  const url = await createTestPostgresDatabase();
  const store = await openPostgres(url, { ...environment, migrate: false });
  // Closed once, whether a test closes it itself (to see the server answer without a database) or not.
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= store.close());
  onTestFinished(close);
  return { ...store, close, path: url };
}

/** What a session of the read pool (openPostgres's, from `url`) has for read-only transactions and the statement timeout. */
export async function readPoolSettings(url: string): Promise<{ readOnly: string; timeout: string }> {
  const pool = new pg.Pool(readOnlyPoolConfig(url, 1));
  try {
    const { rows } = await pool.query<{ readOnly: string; timeout: string }>(
      `select current_setting('default_transaction_read_only') as "readOnly", current_setting('statement_timeout') as "timeout"`,
    );
    return rows[0] as { readOnly: string; timeout: string };
  } finally {
    await pool.end();
  }
}
