import { randomUUID } from "node:crypto";
import pg from "pg";
import { inject, onTestFinished } from "vitest";
import { openPostgres, type PgStore } from "../../src/data/pg/open";
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

type Worker = { url: string; admin: pg.Pool; stores: PgStore[] };
let worker: Promise<Worker> | undefined;

async function workerDatabase(base: string): Promise<Worker> {
  const name = `${new URL(base).pathname.slice(1)}_w${process.env.VITEST_POOL_ID ?? "0"}`;
  const url = await ensureDatabase(base, name);
  // Opening migrates it (once per worker and run: later opens find nothing to apply).
  const first = await openPostgres(url);
  return { url, admin: new pg.Pool({ connectionString: url, max: 1 }), stores: [first] };
}

/** The URL of this worker's database on the server (made and migrated on first use). */
export async function workerDatabaseUrl(): Promise<string> {
  if (!testDatabaseUrl) throw new Error(skipReason);
  worker ??= workerDatabase(testDatabaseUrl);
  return (await worker).url;
}

/** A store on the worker's database on the server, emptied first. The previous test's store is closed then. */
export async function openServerStore(environment: Environment): Promise<PgStore> {
  await workerDatabaseUrl();
  const { url, admin, stores } = await (worker as Promise<Worker>);
  await admin.query("truncate table task_labels, tasks, projects, access_tokens restart identity cascade");
  // Each test gets its own clock and ids; earlier stores' pools are closed first, so a worker holds at most two.
  await Promise.all(stores.splice(0).map((store) => store.close()));
  const store = await openPostgres(url, { ...environment, migrate: false });
  stores.push(store);
  return store;
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
