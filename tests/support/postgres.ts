import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import { cursorSecretOf, openPostgres, storeOver, type PgStore } from "../../src/data/pg/open";
import type { PgDb } from "../../src/data/pg/repository";
import type { Environment } from "../../src/data";

/**
 * The real-server half of the PostgreSQL tests: TEST_DATABASE_URL names a database on a PostgreSQL server
 * (postgres://taskrpc:taskrpc@127.0.0.1:5432/taskrpc_test) whose role may create databases. Each vitest worker
 * works in its own database beside it (<name>_w<worker>), emptied before each test, so workers never meet.
 * Its stores share one pool; tests/pg opens further instances on the same database with openPostgres.
 */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL;

export const skipReason = "no PostgreSQL server configured: set TEST_DATABASE_URL=postgres://user:password@host:port/database to run these";

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

type Worker = { url: string; db: PgDb; cursorSecret: string };
let worker: Promise<Worker> | undefined;

async function workerDatabase(base: string): Promise<Worker> {
  const name = `${new URL(base).pathname.slice(1)}_w${process.env.VITEST_POOL_ID ?? "0"}`;
  const url = await ensureDatabase(base, name);
  // Opening migrates it (once per worker and run: later runs find nothing to apply).
  await (await openPostgres(url)).close();
  const db = drizzle(new pg.Pool({ connectionString: url, max: 4 }));
  return { url, db, cursorSecret: await cursorSecretOf(db) };
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
  const { db, cursorSecret } = await (worker as Promise<Worker>);
  // DELETE, not TRUNCATE: on tables this small it is several times faster.
  await db.execute(sql`delete from task_labels; delete from tasks; delete from projects; delete from access_tokens`);
  return storeOver(db, { cursorSecret, ...environment }, { close: async () => {}, sizeBytes: async () => 0 });
}
