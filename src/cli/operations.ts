import { once } from "node:events";
import { createReadStream, createWriteStream, existsSync, renameSync, rmSync, statSync } from "node:fs";
import { JSONParser } from "@streamparser/json";
import type { Command } from "commander";
import type { z } from "zod";
import type { ExportSnapshot, ImportSession, Store } from "../data";
import {
  exportedProjectSchema,
  exportedTaskSchema,
  exportFormat,
  exportHeaderSchema,
  exportVersion,
  type ExportHeader,
} from "../domain";
import { CliFailure, exitCodes } from "./failure";

/** What the operations commands need from the CLI around them. */
export type OperationsContext = {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** The stream behind `stdout`, when there is one: a long export waits for it to drain. */
  stdoutStream?: NodeJS.WritableStream | undefined;
  /** stderr is a terminal: show progress there. */
  interactive: boolean;
  /** The database file the command names (--db, DATABASE_PATH or the default). */
  databasePath: () => string;
  /** The PostgreSQL database the command names instead (--database-url, DATABASE_URL), if any. */
  databaseUrl: () => string | undefined;
  /** Opens (creating and migrating) that database; the CLI closes it when the command ends. */
  openDatabase: (options?: { migrate?: boolean }) => Promise<Store>;
};

/** One line on a terminal, redrawn in place as the percentage grows, ended once done. */
export function progressLine(context: OperationsContext, label: string) {
  let shown = -1;
  return (done: number, total: number) => {
    if (!context.interactive) return;
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (percent === shown) return;
    shown = percent;
    const bar = "#".repeat(Math.floor(percent / 5)).padEnd(20, ".");
    context.stderr(`\r${label} [${bar}] ${percent}%${percent === 100 ? "\n" : ""}`);
  };
}

export const summary = (context: OperationsContext, result: object) => context.stdout(`${JSON.stringify(result, null, 2)}\n`);

const refuseExisting = (file: string, force: boolean) => {
  if (!force && existsSync(file)) throw new CliFailure(`TARGET_EXISTS: ${file} already exists; give --force to replace it`, exitCodes.refused);
};

async function backup(context: OperationsContext, options: { to: string; force?: boolean }): Promise<void> {
  if (context.databaseUrl() !== undefined) {
    throw new CliFailure(
      "BACKUP_UNSUPPORTED: taskrpc backup copies a SQLite file; back a PostgreSQL database up with its own tools (pg_dump, or the provider's snapshots)",
      exitCodes.refused,
    );
  }
  const source = context.databasePath();
  const progress = progressLine(context, `backup of ${source}`);
  // Loaded when used, as the procedure commands do: help and flag errors need neither SQLite nor Drizzle.
  const { backupDatabase, BackupRefused } = await import("../data");
  try {
    const { totalPages } = await backupDatabase(source, options.to, {
      force: options.force ?? false,
      onProgress: ({ copiedPages, totalPages }) => progress(copiedPages, totalPages),
    });
    summary(context, { backup: options.to, from: source, pages: totalPages, integrity: "ok" });
  } catch (error) {
    if (error instanceof BackupRefused) throw new CliFailure(`BACKUP_REFUSED: ${error.message}`, exitCodes.refused);
    throw new CliFailure(`INTERNAL: backup of ${source} failed: ${(error as Error).message}`, exitCodes.refused);
  }
}

/**
 * The export document, in pieces of about 64 KB: the header, then one project or task per line. Read from one
 * snapshot (a read transaction), so a write made meanwhile is either wholly in it or not at all.
 */
async function* exportChunks(snapshot: ExportSnapshot, header: ExportHeader, progress: (done: number, total: number) => void) {
  let buffer = `${JSON.stringify(header).slice(0, -1)},"projects":[`;
  let done = 0;
  const total = snapshot.projectCount + snapshot.taskCount;
  async function* section(records: AsyncIterable<object>, close: string) {
    let separator = "\n";
    for await (const record of records) {
      buffer += separator + JSON.stringify(record);
      separator = ",\n";
      progress(++done, total);
      if (buffer.length >= 65_536) {
        yield buffer;
        buffer = "";
      }
    }
    buffer += `${separator === "\n" ? "" : "\n"}${close}`;
  }
  yield* section(snapshot.projects(), `],"tasks":[`);
  yield* section(snapshot.tasks(), "]}\n");
  progress(total, total);
  yield buffer;
}

async function exportData(context: OperationsContext, options: { out?: string; force?: boolean }): Promise<void> {
  if (options.out) refuseExisting(options.out, options.force ?? false);
  const database = await context.openDatabase();
  const header: ExportHeader = { format: exportFormat, version: exportVersion, exportedAt: new Date().toISOString() };
  const snapshot = await database.portability.exportSnapshot();
  try {
    if (!options.out) {
      const { stdoutStream } = context;
      for await (const chunk of exportChunks(snapshot, header, () => undefined)) {
        // Waits for a slow reader of the pipe rather than holding the whole document in memory.
        if (stdoutStream) {
          if (!stdoutStream.write(chunk)) await once(stdoutStream, "drain");
        } else context.stdout(chunk);
      }
      return;
    }
    // Written beside the target and renamed once complete: an interrupted export leaves no half document.
    const partial = `${options.out}.partial-${process.pid}`;
    const file = createWriteStream(partial);
    try {
      for await (const chunk of exportChunks(snapshot, header, progressLine(context, `export to ${options.out}`))) {
        if (!file.write(chunk)) await once(file, "drain");
      }
      await new Promise<void>((resolve, reject) => file.end((error?: Error | null) => (error ? reject(error) : resolve())));
      renameSync(partial, options.out);
    } catch (error) {
      file.destroy();
      rmSync(partial, { force: true });
      throw error;
    }
    summary(context, { export: options.out, projects: snapshot.projectCount, tasks: snapshot.taskCount });
  } finally {
    await snapshot.close();
  }
}

/** A schema's complaints in one line, as the procedure commands word them. */
const issues = (error: z.ZodError) => error.issues.map((issue) => `${issue.path.join(".") || "record"}: ${issue.message}`).join("; ");

const invalid = (message: string) => new CliFailure(`VALIDATION: ${message}`, exitCodes.usage);

/** Feeds the records of an export document, streamed from `file`, to the import session, validating each. */
async function load(file: string, session: ImportSession, progress: (done: number, total: number) => void) {
  const { RecordRefused } = await import("../data");
  const fields: Record<string, unknown> = {};
  let header: ExportHeader | undefined;
  const checkHeader = () => {
    const parsed = exportHeaderSchema.safeParse(fields);
    if (!parsed.success) {
      throw invalid(`${file} is not a taskrpc export of version ${exportVersion} (format, version and exportedAt must come first): ${issues(parsed.error)}`);
    }
    return parsed.data;
  };
  const counts = { projects: 0, tasks: 0 };
  const parser = new JSONParser({ paths: ["$.format", "$.version", "$.exportedAt", "$.projects.*", "$.tasks.*"], keepStack: false });
  // The parser calls back synchronously and the session answers with promises: values wait here, in document
  // order, and are taken after each piece is parsed, so refusals come in the order they did record by record.
  const values: { value: unknown; key: string | number | undefined; section: string | number | undefined }[] = [];
  parser.onValue = ({ value, key, stack }) => values.push({ value, key, section: stack[1]?.key });
  const take = async () => {
    for (const { value, key, section } of values.splice(0)) {
      if (section === undefined) {
        fields[String(key)] = value;
        continue;
      }
      header ??= checkHeader();
      const name = `${String(section)}[${String(key)}]`;
      const id = typeof value === "object" && value !== null && "id" in value ? ` (id ${String(value.id)})` : "";
      const valid = <T>(schema: z.ZodType<T>): T => {
        const parsed = schema.safeParse(value);
        if (!parsed.success) throw invalid(`${name}${id}: ${issues(parsed.error)}`);
        return parsed.data;
      };
      if (section === "projects") await session.addProject(valid(exportedProjectSchema));
      else await session.addTask(valid(exportedTaskSchema));
      counts[section === "projects" ? "projects" : "tasks"]++;
    }
  };
  /** Parses a piece; the values before a syntax error are still taken first, as they were before it. */
  const feed = async (parse: () => void) => {
    try {
      parse();
    } finally {
      await take();
    }
  };
  const total = statSync(file).size;
  let read = 0;
  try {
    for await (const chunk of createReadStream(file)) {
      await feed(() => parser.write(chunk as Buffer));
      read += (chunk as Buffer).length;
      progress(read, total);
    }
    if (!parser.isEnded) await feed(() => parser.end());
  } catch (error) {
    if (error instanceof CliFailure || error instanceof RecordRefused) throw error;
    throw invalid(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  header ??= checkHeader();
  return counts;
}

async function importData(context: OperationsContext, file: string): Promise<void> {
  if (!existsSync(file)) throw invalid(`there is no file ${file}`);
  const database = await context.openDatabase();
  let session: ImportSession;
  const { ImportRefused, RecordRefused } = await import("../data");
  try {
    session = await database.portability.beginImport();
  } catch (error) {
    if (error instanceof ImportRefused) throw new CliFailure(`DATABASE_NOT_EMPTY: ${database.path}: ${error.message}`, exitCodes.refused);
    throw error;
  }
  try {
    const counts = await load(file, session, progressLine(context, `import of ${file}`));
    await session.commit();
    summary(context, { import: file, into: database.path, ...counts });
  } catch (error) {
    await session.rollback();
    // Found by the database (records are written in batches, so it names the record by id).
    throw error instanceof RecordRefused ? invalid(error.message) : error;
  }
}

/** Applies pending migrations and exits: a PostgreSQL deployment can then start its instances with MIGRATE=off. */
async function migrate(context: OperationsContext): Promise<void> {
  const database = await context.openDatabase({ migrate: true });
  summary(context, { migrated: database.path, store: database.kind });
}

export const operationsHelp = [
  "  taskrpc migrate",
  "  taskrpc backup --to <file> [--force]",
  "  taskrpc export [--out] [--force]",
  "  taskrpc import <file>",
];

/** Adds `backup`, `export` and `import` to the program. */
export function addOperations(program: Command, context: OperationsContext): void {
  program
    .command("migrate")
    .description("apply the database's pending migrations (of SQLite or PostgreSQL) and exit")
    .action(() => migrate(context));
  program
    .command("backup")
    .description("copy the database consistently while it is in use (SQLite's online backup), then verify the copy")
    .requiredOption("--to <file>", "the backup file to write")
    .option("--force", "replace the file if it exists")
    .action((options: { to: string; force?: boolean }) => backup(context, options));
  program
    .command("export")
    .description(`write every project and task as one JSON document (format ${exportFormat} version ${exportVersion})`)
    .option("--out <file>", "write to this file (default: stdout)")
    .option("--force", "replace the --out file if it exists")
    .action((options: { out?: string; force?: boolean }) => exportData(context, options));
  program
    .command("import")
    .description("load an export document into an empty database: all of it, or nothing")
    .argument("<file>", "the export document")
    .action((file: string) => importData(context, file));
}
