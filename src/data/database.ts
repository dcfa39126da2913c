import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { SqlitePortability, type Portability } from "./portability";
import type { Environment, Repositories } from "./repository";
import { SqliteRepository } from "./sqlite-repository";

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
  close(): void;
};

export type OpenOptions = Environment & {
  /** Receives every SQL statement run, with its parameters filled in (for debugging and query-plan tests). */
  trace?: (sql: string) => void;
};

/**
 * Opens (creating and migrating) the SQLite database at `path`. Writes go through one connection;
 * reads go through a second, read-only one, so a query cannot change data even by mistake.
 * `:memory:` gives a private temporary file, removed on close, since both connections must see it.
 */
export function openDatabase(path: string, options: OpenOptions = {}): TaskDatabase {
  const temporary = path === ":memory:" ? mkdtempSync(join(memoryBackedTmp(), "taskrpc-")) : undefined;
  const file = temporary ? join(temporary, "taskrpc.db") : path;
  mkdirSync(dirname(file), { recursive: true });

  const verbose = options.trace && ((sql: unknown) => options.trace?.(String(sql)));
  const writer = new Database(file, { verbose });
  // The busy timeout first: switching to WAL itself needs a lock another process may hold.
  writer.pragma("busy_timeout = 5000");
  writer.pragma("journal_mode = WAL");
  writer.pragma("foreign_keys = ON");
  writer.pragma("synchronous = NORMAL");
  const writeDb = drizzle(writer);
  migrate(writeDb, { migrationsFolder });

  const reader = new Database(file, { readonly: true, fileMustExist: true, verbose });
  reader.pragma("busy_timeout = 5000");

  return {
    path: file,
    write: new SqliteRepository(writeDb, options),
    portability: new SqlitePortability(writeDb),
    read: new SqliteRepository(drizzle(reader), options),
    close() {
      reader.close();
      writer.close();
      if (temporary) rmSync(temporary, { recursive: true, force: true });
    },
  };
}
