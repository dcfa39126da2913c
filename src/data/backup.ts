import { existsSync, renameSync, rmSync } from "node:fs";
import Database from "better-sqlite3";
import { openDatabase } from "./database";

export type BackupProgress = { copiedPages: number; totalPages: number };

export type BackupOptions = {
  /** Replace an existing file at the target (default: refuse). */
  force?: boolean;
  onProgress?: (progress: BackupProgress) => void;
  /** Pages copied per step; between steps the event loop runs (default: about 1% of the database). */
  pagesPerStep?: number;
};

/** The backup was refused before anything was written: no database at the source, or a file at the target. */
export class BackupRefused extends Error {}

/** `PRAGMA integrity_check` of a database file: "ok", or the problems it found, one a line. */
export function checkIntegrity(path: string): string {
  const db = new Database(path, { fileMustExist: true });
  try {
    return (db.pragma("integrity_check") as { integrity_check: string }[]).map((row) => row.integrity_check).join("\n");
  } finally {
    db.close();
  }
}

/**
 * Copies the database at `source` to `target` with SQLite's online backup API while others keep reading and
 * writing it, then checks the copy (integrity check; it opens and migrates as a server start would) before it
 * takes the target's name. The copy is one snapshot: a read transaction is held for the whole backup, so writes
 * made meanwhile (by any process) neither appear in it halfway nor restart it.
 */
export async function backupDatabase(source: string, target: string, options: BackupOptions = {}): Promise<BackupProgress> {
  if (!existsSync(source)) throw new BackupRefused(`there is no database at ${source}`);
  if (existsSync(target) && !options.force) throw new BackupRefused(`${target} already exists; give --force to replace it`);
  const partial = `${target}.partial-${process.pid}`;
  const db = new Database(source, { fileMustExist: true });
  let result: BackupProgress;
  try {
    db.pragma("busy_timeout = 5000");
    db.exec("begin");
    db.prepare("select count(*) from sqlite_master").get();
    const done = await db.backup(partial, {
      progress: ({ totalPages, remainingPages }) => {
        options.onProgress?.({ copiedPages: totalPages - remainingPages, totalPages });
        return options.pagesPerStep ?? Math.max(100, Math.ceil(totalPages / 100));
      },
    });
    result = { copiedPages: done.totalPages, totalPages: done.totalPages };
    options.onProgress?.(result);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    if (db.inTransaction) db.exec("commit");
    db.close();
  }
  try {
    const integrity = checkIntegrity(partial);
    if (integrity !== "ok") throw new Error(`the copy failed its integrity check: ${integrity}`);
    await openDatabase(partial).close();
    renameSync(partial, target);
  } catch (error) {
    for (const file of [partial, `${partial}-wal`, `${partial}-shm`]) rmSync(file, { force: true });
    throw error;
  }
  return result;
}
