import type { OpenOptions, TaskDatabase } from "./database";

/** Where the data lives: the SQLite file (the default), or a PostgreSQL database when a URL is given. */
export type StoreConfig = {
  databasePath: string;
  /** postgres://…: PostgreSQL instead of the SQLite file. */
  databaseUrl?: string | undefined;
  /** PostgreSQL: apply pending migrations on open (default true); SQLite files are always migrated. */
  migrate?: boolean;
};

/** An open store: `path` is the SQLite file, or the PostgreSQL URL without its password. */
export type Store = TaskDatabase & { kind: "sqlite" | "postgres" };

/**
 * Opens the store the configuration names. Each driver is loaded only when chosen: a SQLite service never loads
 * pg, and a PostgreSQL one opens no SQLite file.
 */
export async function openStore(config: StoreConfig, options: OpenOptions = {}): Promise<Store> {
  if (config.databaseUrl !== undefined) {
    const [{ openPostgres }, { redactedUrl }] = await Promise.all([import("./pg/open"), import("./pg/url")]);
    const store = await openPostgres(config.databaseUrl, { ...options, migrate: config.migrate ?? true });
    return { ...store, path: redactedUrl(config.databaseUrl), kind: "postgres" };
  }
  const { openDatabase } = await import("./database");
  return { ...openDatabase(config.databasePath, options), kind: "sqlite" };
}
