import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { newCursorSecret } from "./cursor";
import { SqlitePortability, type Portability } from "./portability";
import type { Environment, Repositories } from "./repository";
import { settings } from "./schema";
import { SqliteRepository } from "./sqlite-repository";
import { SqliteTokenStore } from "./tokens";

/** drizzle/ at the package root: two folders up from src/data/database.ts, one up from the bundle in dist/. */
export const migrationsFolder = ["../../drizzle", "../drizzle"]
  .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
  .find((folder) => existsSync(join(folder, "meta", "_journal.json"))) ?? fileURLToPath(new URL("../../drizzle", import.meta.url));

/** Where a temporary database lives: in RAM (tmpfs) where the system has one, else the usual temp folder. */
function memoryBackedTmp(): string {
  return existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
}

export type TaskDatabase = Repositories & {
  /** The SQLite file in use. */
  path: string;
  /** Export and import of every record (on the writing connection). */
  portability: Portability;
  /** Rejects unless the database answers a query (for readiness checks). */
  ping(): Promise<void>;
  /** Bytes the database takes on disk: the file and its write-ahead log. */
  sizeBytes(): number;
  close(): Promise<void>;
};

export type OpenOptions = Environment & {
  /** Receives every SQL statement run, with its parameters filled in (for debugging and query-plan tests). */
  trace?: (sql: string) => void;
};

/** Why a database cannot be served, in one line naming the file and what to do. */
class DatabaseRefusedError extends Error {
  override name = "DatabaseRefusedError";
}

const elsewhere = "or pass another file with --db (env DATABASE_PATH)";

/** Writable for this process, and by someone: root passes access(), so a file marked read-only for all counts as read-only. */
function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
  } catch {
    return false;
  }
  return (statSync(path).mode & 0o222) !== 0;
}

/**
 * Refuses, before SQLite opens it, a file it could open but not serve: a read-only file or folder (SQLite keeps its
 * journal beside the file) would answer reads and fail every write. Returns whether the file exists.
 */
function assertWritable(file: string): boolean {
  const shown = resolve(file);
  const folder = dirname(shown);
  if (existsSync(folder) && !writable(folder)) {
    throw new DatabaseRefusedError(`Database folder ${folder} is not writable (SQLite keeps its journal beside ${shown}): make it writable, ${elsewhere}`);
  }
  if (!existsSync(file)) return false;
  if (!writable(file)) throw new DatabaseRefusedError(`Database ${shown} is read-only: make it writable (chmod u+w), ${elsewhere}`);
  return true;
}

/** The hashes of this build's migrations, and the sizes and times of the files they were read from. */
let known: { stamp: string; hashes: Set<string> } | undefined;

/**
 * The hashes of this build's migrations. Reading and hashing every file cost more than the rest of an open: they are
 * read again only when a file in drizzle/ changed (a test worker or watcher may outlive an edit of a migration).
 */
function knownMigrations(): Set<string> {
  const files = readdirSync(migrationsFolder).filter((name) => name.endsWith(".sql")).map((name) => join(migrationsFolder, name));
  const stamp = [join(migrationsFolder, "meta", "_journal.json"), ...files]
    .map((path) => {
      const stat = statSync(path);
      return `${path}:${stat.size}:${stat.mtimeMs}`;
    })
    .join("|");
  if (known?.stamp !== stamp) known = { stamp, hashes: new Set(readMigrationFiles({ migrationsFolder }).map((migration) => migration.hash)) };
  return known.hashes;
}

/**
 * Refuses a schema migrated by a newer build (it would be misread), read on the writing connection before anything
 * is written. Returns whether every migration of this build is applied already.
 */
function assertKnownSchema(connection: Database.Database, file: string): boolean {
  const table = connection.prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get();
  const applied = table ? (connection.prepare("select hash from __drizzle_migrations").pluck().all() as string[]) : [];
  const hashes = knownMigrations();
  const unknown = applied.filter((hash) => !hashes.has(hash)).length;
  if (unknown > 0) {
    throw new DatabaseRefusedError(
      `Database ${resolve(file)} has a schema newer than this taskrpc (${unknown} migration(s) it does not know): upgrade taskrpc, ${elsewhere}`,
    );
  }
  return new Set(applied).size === hashes.size;
}

/**
 * The writing connection's page cache, in KiB when negative: SQLite's own default (2 MB), not better-sqlite3's 16 MB,
 * which it filled under load to about 14 MB of the server's resident memory (npm run bench:rss) for no faster writes
 * at a million tasks (npm run bench:scale -- --writes). The reading connection keeps 16 MB: with 2 MB, reads that
 * touch many pages (a rare word's or label's matches) took 1.3 to 2 times as long.
 */
const writerPageCacheSize = -2000;

/**
 * Opens (creating and migrating) the SQLite database at `path`. Writes go through one connection;
 * reads go through a second, read-only one, so a query cannot change data even by mistake.
 * `:memory:` gives a private temporary file, removed on close, since both connections must see it.
 */
export function openDatabase(path: string, options: OpenOptions = {}): TaskDatabase {
  const temporary = path === ":memory:" ? mkdtempSync(join(memoryBackedTmp(), "taskrpc-")) : undefined;
  const file = temporary ? join(temporary, "taskrpc.db") : path;
  const existed = assertWritable(file);
  mkdirSync(dirname(file), { recursive: true });

  const verbose = options.trace && ((sql: unknown) => options.trace?.(String(sql)));
  const writer = new Database(file, { verbose });
  // The busy timeout first: switching to WAL itself needs a lock another process may hold.
  writer.pragma("busy_timeout = 5000");
  let current: boolean;
  try {
    current = existed && assertKnownSchema(writer, file);
  } catch (error) {
    writer.close();
    throw error;
  }
  writer.pragma("journal_mode = WAL");
  writer.pragma("foreign_keys = ON");
  writer.pragma("synchronous = NORMAL");
  writer.pragma(`cache_size = ${writerPageCacheSize}`);
  const writeDb = drizzle(writer);
  if (!current) migrate(writeDb, { migrationsFolder });
  // Made once, on first open, and kept: cursors stay valid across restarts and cannot be forged elsewhere. Read
  // first: an open that finds it takes no write lock (and builds no Drizzle query).
  const storedSecret = writer.prepare<[], string>(`select "value" from "settings" where "key" = 'cursor_secret'`).pluck();
  if (storedSecret.get() === undefined) {
    writeDb.insert(settings).values({ key: "cursor_secret", value: newCursorSecret() }).onConflictDoNothing().run();
  }
  const environment = { ...options, cursorSecret: options.cursorSecret ?? (storedSecret.get() as string) };

  const reader = new Database(file, { readonly: true, fileMustExist: true, verbose });
  reader.pragma("busy_timeout = 5000");

  return {
    path: file,
    write: new SqliteRepository(writeDb, environment),
    read: new SqliteRepository(drizzle(reader), environment),
    tokens: new SqliteTokenStore(writeDb, options.clock),
    portability: new SqlitePortability(writeDb),
    async ping() {
      reader.prepare("select 1").get();
    },
    sizeBytes: () => [file, `${file}-wal`].reduce((total, part) => total + (statSync(part, { throwIfNoEntry: false })?.size ?? 0), 0),
    async close() {
      reader.close();
      writer.close();
      if (temporary) rmSync(temporary, { recursive: true, force: true });
    },
  };
}
