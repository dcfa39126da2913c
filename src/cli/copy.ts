import { existsSync } from "node:fs";
import type { Command } from "commander";
import type { Store } from "../data/store";
import { isPostgresUrl, redactedUrl } from "../data/pg/url";
import { taskFilterInput } from "../domain";
import { CliFailure, exitCodes } from "./failure";
import { progressLine, summary, type OperationsContext } from "./operations";

/** A postgres:// URL opens PostgreSQL (migrated first), anything else the SQLite file at that path. */
async function open(location: string): Promise<Store> {
  const { openStore } = await import("../data/store");
  return openStore(isPostgresUrl(location) ? { databasePath: "", databaseUrl: location } : { databasePath: location });
}

const shown = (location: string) => (isPostgresUrl(location) ? redactedUrl(location) : location);

const refused = (message: string) => new CliFailure(message, exitCodes.refused);

/**
 * `taskrpc copy --from A --to B`: every project and task of A into B, which must be empty, through the export
 * snapshot and the import session (so ids, versions and timestamps are kept, and B gets all of it or nothing),
 * record by record without holding the data in memory. Then counts B and compares with what was read.
 */
async function copy(context: OperationsContext, options: { from: string; to: string }): Promise<void> {
  if (!isPostgresUrl(options.from) && !existsSync(options.from)) {
    throw new CliFailure(`VALIDATION: there is no database file ${options.from} to copy from`, exitCodes.usage);
  }
  if (options.from === options.to) throw new CliFailure("VALIDATION: --from and --to name the same database", exitCodes.usage);
  const { ImportRefused, RecordRefused } = await import("../data");
  const source = await open(options.from);
  let target: Store | undefined;
  try {
    target = await open(options.to);
    const snapshot = await source.portability.exportSnapshot();
    // Counted while streaming, from the same snapshot: what the target must hold afterwards.
    const expected = { projects: 0, tasks: 0, labels: new Map<string, number>() };
    try {
      let session;
      try {
        session = await target.portability.beginImport();
      } catch (error) {
        if (error instanceof ImportRefused) throw refused(`DATABASE_NOT_EMPTY: ${shown(options.to)}: ${error.message}`);
        throw error;
      }
      const progress = progressLine(context, `copy to ${shown(options.to)}`);
      const total = snapshot.projectCount + snapshot.taskCount;
      try {
        for await (const project of snapshot.projects()) {
          await session.addProject(project);
          progress(++expected.projects, total);
        }
        for await (const task of snapshot.tasks()) {
          await session.addTask(task);
          for (const label of task.labels) expected.labels.set(label.toLowerCase(), (expected.labels.get(label.toLowerCase()) ?? 0) + 1);
          progress(expected.projects + ++expected.tasks, total);
        }
        await session.commit();
      } catch (error) {
        await session.rollback();
        // The source holds something its own schema or the target refuses (a duplicate id): named by id.
        throw error instanceof RecordRefused ? refused(`COPY_REFUSED: ${error.message}`) : error;
      }
    } finally {
      await snapshot.close();
    }
    const copied = await target.portability.exportSnapshot();
    const counts = { projects: copied.projectCount, tasks: copied.taskCount };
    await copied.close();
    const everything = taskFilterInput.parse({ status: "all", includeArchivedProjects: true });
    const labels = new Map((await target.read.listLabels(everything)).map((usage) => [usage.label.toLowerCase(), usage.taskCount]));
    const labelsMatch = labels.size === expected.labels.size && [...expected.labels].every(([label, n]) => labels.get(label) === n);
    if (counts.projects !== expected.projects || counts.tasks !== expected.tasks || !labelsMatch) {
      throw refused(
        `COPY_MISMATCH: read ${expected.projects} projects, ${expected.tasks} tasks and ${expected.labels.size} labels from ${shown(options.from)}, ` +
          `but ${shown(options.to)} holds ${counts.projects}, ${counts.tasks} and ${labels.size}${labelsMatch ? "" : " (or other label counts)"}`,
      );
    }
    summary(context, { copy: shown(options.from), to: shown(options.to), projects: counts.projects, tasks: counts.tasks, labels: labels.size, checked: true });
    // Tokens stay behind (they are the source's grants), and with none a server answers anyone who reaches it.
    if ((await source.tokens.hasLiveTokens()) && !(await target.tokens.hasLiveTokens())) {
      context.stderr(
        `TOKENS_NOT_COPIED: ${shown(options.from)} requires access tokens; ${shown(options.to)} has none, so a server on it answers ` +
          `without one (on a loopback address only) until you create one: taskrpc ${isPostgresUrl(options.to) ? "--database-url URL" : `--db ${options.to}`} tokens create --name NAME --scope write\n`,
      );
    }
  } finally {
    await target?.close();
    await source.close();
  }
}

export const copyHelp = ["  taskrpc copy --from <file or url> --to <file or url>"];

/** Adds `copy` to the program. */
export function addCopyCommand(program: Command, context: OperationsContext): void {
  program
    .command("copy")
    .description("copy every project and task from one database into another, empty one (SQLite file or postgres:// URL), then check the counts")
    .requiredOption("--from <database>", "the database to read: a SQLite file or a postgres:// URL")
    .requiredOption("--to <database>", "the empty database to fill: a SQLite file (created) or a postgres:// URL (migrated first)")
    .action((options: { from: string; to: string }) => copy(context, options));
}
