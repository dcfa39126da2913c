import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pgMigrationsFolder, type PgStore } from "../../src/data/pg/open";
import { openEmbeddedPostgres, type EmbeddedPostgres } from "../../src/data/pg/pglite";
import type { Environment, ReadRepository, Repositories, Repository, TokenStore } from "../../src/data";

const cacheFolder = join(import.meta.dirname, "..", "..", "node_modules", ".cache", "taskrpc-pglite");

/** Names the dump after the migrations and PGlite's version: a change to either makes a new one. */
function dumpName(): string {
  const hash = createHash("sha256");
  for (const file of readdirSync(pgMigrationsFolder, { recursive: true, encoding: "utf8" }).sort()) {
    if (file.endsWith(".sql") || file.endsWith(".json")) hash.update(file).update(readFileSync(join(pgMigrationsFolder, file)));
  }
  const pglite = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "node_modules", "@electric-sql", "pglite", "package.json"), "utf8")) as {
    version: string;
  };
  return `${pglite.version}-${hash.digest("hex").slice(0, 16)}.tar`;
}

/** Where the dump of a booted, migrated PGlite for these migrations and this PGlite is kept. */
const dumpFile = () => join(cacheFolder, dumpName());

/**
 * Booting PGlite runs initdb (several seconds); booting from a dump of a migrated one takes about one. The dump is
 * kept in node_modules/.cache, made before the tests by tests/support/global-setup.ts (where no test timeout runs)
 * when missing, or by the first worker that needs it.
 */
export async function ensurePgliteDump(): Promise<void> {
  if (existsSync(dumpFile())) return;
  const database = await openEmbeddedPostgres();
  try {
    await writeDump(database);
  } finally {
    await database.close();
  }
}

async function writeDump(database: EmbeddedPostgres): Promise<void> {
  mkdirSync(cacheFolder, { recursive: true });
  const partial = `${dumpFile()}.${process.pid}-${Math.random().toString(36).slice(2)}`;
  writeFileSync(partial, Buffer.from(await (await database.dump()).arrayBuffer()));
  renameSync(partial, dumpFile());
  // Dumps of earlier migrations are no use any more.
  for (const name of readdirSync(cacheFolder)) if (name.endsWith(".tar") && join(cacheFolder, name) !== dumpFile()) rmSync(join(cacheFolder, name), { force: true });
}

async function boot(): Promise<EmbeddedPostgres> {
  const file = dumpFile();
  const dump = existsSync(file) ? new Blob([readFileSync(file)]) : undefined;
  const database = await openEmbeddedPostgres(dump);
  if (!dump) await writeDump(database);
  return database;
}

// One embedded database per worker (test files share a worker's modules), emptied before each store is handed out.
let shared: Promise<EmbeddedPostgres> | undefined;

/** A store on the worker's embedded PostgreSQL, emptied first: the PGlite counterpart of openDatabaseCopy(). */
export async function openPgliteStore(environment: Environment): Promise<PgStore> {
  shared ??= boot();
  const database = await shared;
  await database.reset();
  return database.store(environment);
}

const readMethods = ["getProject", "listProjects", "getTask", "listTasks", "countTasks", "listLabels"] as const;
const writeMethods = [
  ...readMethods,
  "createProject",
  "updateProject",
  "archiveProject",
  "unarchiveProject",
  "deleteProject",
  "createTask",
  "updateTask",
  "completeTask",
  "reopenTask",
  "deleteTask",
] as const;
const tokenMethods = ["create", "list", "revoke", "authenticate", "hasLiveTokens"] as const;

/** An object of `methods` that each wait for `target` and call its method: every method is async already. */
function deferred<T extends object>(target: Promise<T>, methods: readonly (keyof T & string)[]): T {
  const view = Object.fromEntries(
    methods.map((name) => [name, async (...args: unknown[]) => ((await target)[name] as (...args: unknown[]) => unknown)(...args)]),
  );
  return Object.freeze(view) as T;
}

/**
 * A store handed out at once: each method waits for `store` to be ready (the database booted and emptied) before
 * it runs, so the contract suite's synchronous `open()` serves the PostgreSQL stores too.
 */
export function deferredRepositories(store: Promise<Repositories>): Repositories {
  return {
    read: deferred<ReadRepository>(
      store.then((opened) => opened.read),
      readMethods,
    ),
    write: deferred<Repository>(
      store.then((opened) => opened.write),
      writeMethods,
    ),
    tokens: deferred<TokenStore>(
      store.then((opened) => opened.tokens),
      tokenMethods,
    ),
  };
}

/** A store on the worker's embedded PostgreSQL, emptied first, for the contract suite. */
export const pgliteRepositories = (environment: Environment): Repositories => deferredRepositories(openPgliteStore(environment));
