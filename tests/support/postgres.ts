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

/** The real PostgreSQL server the tests of `npm run test:pg` run against, if one is configured. */
export const serverUrl = process.env.TEST_DATABASE_URL || undefined;

/** Why those tests do not run here: a skip says it, in the test's name. */
export const noServerReason = "no PostgreSQL server: set TEST_DATABASE_URL (scripts/postgres-test-server.sh starts one and prints it)";

/** The same server, another database on it. */
export function databaseUrl(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
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

export async function dropDatabase(url: string, name: string): Promise<void> {
  // FORCE: a server process the test started may still hold a connection while it stops.
  await administer(url, (client) => client.query(`drop database if exists ${quoted(name)} with (force)`));
}

/**
 * A fresh, migrated database on the test server, cloned from the run's template (CREATE DATABASE … TEMPLATE, a
 * file copy, far cheaper than migrating), dropped when the test ends. Each test has its own, so test files run
 * in parallel without seeing each other's rows.
 */
export async function createTestPostgresDatabase(): Promise<string> {
  const template = inject("postgresTemplate");
  if (!template || !serverUrl) throw new Error(`createTestPostgresDatabase: ${noServerReason}`);
  // The run's prefix (its process id, for the clean-up of killed runs) and a part no other worker thread can draw.
  const name = `${new URL(template).pathname.slice(1).replace(/_template$/u, "")}_${randomUUID().slice(0, 8)}`;
  await administer(serverUrl, (client) => client.query(`create database ${quoted(name)} template ${quoted(new URL(template).pathname.slice(1))}`));
  onTestFinished(() => dropDatabase(serverUrl, name));
  return databaseUrl(serverUrl, name);
}

/** A store on a fresh database of the test server, closed (and the database dropped) when the test ends. */
export async function openTestPostgres(environment: Environment = {}): Promise<PgStore & { path: string }> {
  const url = await createTestPostgresDatabase();
  const store = await openPostgres(url, { ...environment, migrate: false });
  onTestFinished(() => store.close());
  return { ...store, path: url };
}
