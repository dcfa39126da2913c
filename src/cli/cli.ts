import { inspect } from "node:util";
import { TRPCError } from "@trpc/server";
import { getErrorShape } from "@trpc/server/shared";
// trpc-cli builds a commander program; it documents casting it to commander's types (a type-only import).
import type { Command, CommanderError } from "commander";
import { createCli, getCliContext, type TrpcCli } from "trpc-cli";
import { appRouter, createCallerFactory, createContext } from "../api";
import type { Store } from "../data";
import { taskSortKeys } from "../domain";
import { serverUsage } from "../server/config";
import { version } from "../server/version";
import { addCopyCommand, copyHelp } from "./copy";
import { CliFailure, exitCodes } from "./failure";
import { commandDescriptions, describeFlag } from "./help";
import { addOperations, operationsHelp } from "./operations";
import { addTokenCommands } from "./tokens";

export type CliIo = {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** stderr is a terminal: long commands (backup, export, import) show their progress there. */
  interactive?: boolean;
  /** The stream `stdout` writes to, if any: `taskrpc export` waits for it to drain. */
  stdoutStream?: NodeJS.WritableStream;
};


const defaultDatabasePath = "./data/taskrpc.db";

type ErrorData = { reason: string; issues?: { path: (string | number)[]; message: string }[] };

/** Words an error the way a client over HTTP sees it: the router's own error formatter gives the reason. */
function toFailure(error: unknown, path: string, input: unknown): CliFailure {
  const trpcError = error instanceof TRPCError ? error : new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: error });
  const config = appRouter._def._config;
  const shape = getErrorShape({ config, error: trpcError, type: "unknown", path, input, ctx: undefined });
  const data = shape.data as ErrorData;
  const detail = data.issues
    ? data.issues.map((issue) => `${issue.path.join(".") || "input"}: ${issue.message}`).join("; ")
    : data.reason === "INTERNAL"
      ? // The operator runs the CLI on their own database: the cause helps them, unlike a remote client.
        (trpcError.cause?.message ?? shape.message)
      : shape.message;
  return new CliFailure(`${data.reason}: ${detail}`, data.reason === "VALIDATION" ? exitCodes.usage : exitCodes.refused);
}

const isCommanderError = (error: unknown): error is CommanderError =>
  error instanceof Error && typeof (error as Partial<CommanderError>).code === "string" && "exitCode" in error;

/** Every command of the tree, with its path of names below the program ("tasks list"). */
function* walk(command: Command, path: string[] = []): Generator<[Command, string[]]> {
  for (const sub of command.commands) {
    const subPath = [...path, sub.name()];
    yield [sub, subPath];
    yield* walk(sub, subPath);
  }
}

/** `--due-date null` (commander turns a parsed `null` into `true`, so it travels as this until the action). */
const clearDate = Symbol("null");

/**
 * Adapts trpc-cli's flags where its defaults do not fit this API: `string | string[]` and `date | null` arrive
 * as plain words rather than JSON, an array flag given no values is `[]`, and `sort: { by, dir }` also takes
 * `--sort-by` / `--sort-dir`.
 */
function adaptFlags(command: Command): void {
  for (const option of command.options) {
    if (option.long === "--project-id" && option.flags.endsWith("[value]")) {
      // Repeatable: one `--project-id` gives a string, several give an array.
      option.argParser<string | string[]>((value, previous) => (previous === undefined ? value : [previous, value].flat()));
      option.flags = "--project-id [id]";
    }
    if (option.flags.endsWith("[number]") || option.flags.endsWith("<number>")) {
      // Not a number: passed on as the word, so the schema says "expected number, received string".
      option.argParser((value) => (value.trim() !== "" && Number.isFinite(Number(value)) ? Number(value) : value));
    }
    if (option.long === "--due-date" && option.flags.endsWith("[value]")) {
      option.argParser((value) => (value === "null" ? clearDate : value));
      option.flags = "--due-date [date]";
    }
  }
  const sortable = command.options.some((option) => option.long === "--sort");
  if (sortable) {
    command.addOption(command.createOption("--sort-by <key>").choices(taskSortKeys).conflicts("sort"));
    command.addOption(command.createOption("--sort-dir <dir>").choices(["asc", "desc"]).conflicts("sort"));
  }
  command.hook("preAction", () => {
    const options = command.opts();
    for (const option of command.options) {
      const key = option.attributeName();
      if (option.variadic && options[key] === true) command.setOptionValue(key, []);
      if (options[key] === clearDate) command.setOptionValue(key, null);
    }
    if (!sortable) return;
    const { sortBy, sortDir } = options;
    delete options.sortBy;
    delete options.sortDir;
    if (sortBy === undefined && sortDir === undefined) return;
    const sort = sortBy === undefined ? { by: "createdAt", dir: sortDir } : { by: sortBy, ...(sortDir && { dir: sortDir }) };
    command.setOptionValue("sort", sort);
  });
}

const rootDescription = `Task and project manager. Every API procedure is a command taking its input as flags; it \
runs on the SQLite database at --db (or DATABASE_PATH, default ${defaultDatabasePath}), or the PostgreSQL database at \
--database-url (or DATABASE_URL) when given, and prints the result as JSON.`;

const exitCodeHelp = `On failure the reason goes to stderr as "REASON: detail", nothing to stdout. Exit codes:
  0  done
  1  refused by a rule (PROJECT_NOT_FOUND, TASK_NOT_FOUND, PROJECT_ARCHIVED, PROJECT_NOT_EMPTY,
     VERSION_MISMATCH, INVALID_CURSOR; NOT_FOUND for tokens revoke) or failed (INTERNAL)
  2  bad flags or input (VALIDATION)`;

type Call = (path: string, input: unknown) => Promise<unknown>;

/** The call of each program, which runs the procedure for the run it is parsing. */
const calls = new WeakMap<object, Call>();

/**
 * What trpc-cli derives from the router (a JSON schema of every procedure's input), made once per process: it was
 * about a third of a run's CPU. trpc-cli calls `trpcServer.initTRPC.create().createCallerFactory(router)(context)`
 * and gets this stand-in, which hands the call to the run whose program is parsing (trpc-cli's getCliContext).
 */
let routerCli: TrpcCli | undefined;
const callOfRun = new Proxy(
  {},
  { get: (_, path: string) => (input: unknown) => (calls.get(getCliContext()?.program ?? {}) as Call)(path, input) },
);

/** One run of a command line: where it writes, and the database it opened, if any. */
type Run = { io: CliIo; database?: Store };

/** A program built from the router, told which run it is parsing (undefined once that run ends). */
type Program = { command: Command; use: (run: Run | undefined) => void };

/**
 * Programs not parsing a command line: each is parsed again for a later run (commander restores a program's
 * state before each parse), since building one, about 200 options, was most of a short run's CPU. A run takes
 * one from here, or builds one when every program is busy (runs started at once in one process), and puts it back.
 */
const idlePrograms: Program[] = [];

/** Runs one command line; resolves with the exit code (a `serve` keeps the process alive after it resolves). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const built = idlePrograms.pop() ?? buildProgram();
  const run: Run = { io };
  built.use(run);
  try {
    await built.command.parseAsync(argv, { from: "user" });
    return exitCodes.ok;
  } catch (error) {
    if (isCommanderError(error)) return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage; // --help is exit 0
    // A CliFailure is an expected refusal (no stack); anything else is a bug, shown in full.
    io.stderr(`${error instanceof CliFailure ? error.message : `INTERNAL: ${inspect(error)}`}\n`);
    return error instanceof CliFailure ? error.exitCode : exitCodes.refused;
  } finally {
    built.use(undefined);
    idlePrograms.push(built);
    await run.database?.close();
  }
}

/** The `taskrpc` program: every procedure of the router as a command, and the operations beside them. */
function buildProgram(): Program {
  let running: Run | undefined;
  const current = (): Run => {
    if (!running) throw new Error("a taskrpc program was used outside a run");
    return running;
  };
  // What the commands write to and read: the current run's, looked up when they run.
  const io: CliIo = {
    stdout: (text) => current().io.stdout(text),
    stderr: (text) => current().io.stderr(text),
    get env() {
      return current().io.env;
    },
    get interactive() {
      return current().io.interactive;
    },
    get stdoutStream() {
      return current().io.stdoutStream;
    },
  };

  // The database opens only when a procedure runs, and errors are worded before trpc-cli rewords them.
  const databasePath = () => (program.opts().db as string | undefined) ?? io.env.DATABASE_PATH ?? defaultDatabasePath;
  const databaseUrl = () => (program.opts().databaseUrl as string | undefined) ?? (io.env.DATABASE_URL || undefined);
  const openTaskDatabase = async (options: { migrate?: boolean } = {}): Promise<Store> => {
    // Loaded here, not at start-up: help and flag errors need neither SQLite nor Drizzle.
    const { openStore, isPostgresUrl, redactedUrl } = await import("../data");
    const url = databaseUrl();
    if (url !== undefined && !isPostgresUrl(url)) {
      throw new CliFailure(`VALIDATION: --database-url (DATABASE_URL) must be a postgres:// URL, not "${redactedUrl(url)}"`, exitCodes.usage);
    }
    const shown = url === undefined ? databasePath() : redactedUrl(url);
    const run = current();
    try {
      run.database ??= await openStore({ databasePath: databasePath(), databaseUrl: url, ...options });
      return run.database;
    } catch (error) {
      throw new CliFailure(`INTERNAL: cannot open database ${shown}: ${(error as Error).message}`, exitCodes.refused);
    }
  };
  const call = async (path: string, input: unknown): Promise<unknown> => {
    const repositories = await openTaskDatabase();
    // The real router through a caller: the same middleware, rules and error reasons as over HTTP. Whoever can
    // open the database file can change it anyway, so the CLI is trusted, by name, rather than needing a token.
    const procedures = createCallerFactory(appRouter)(await createContext(repositories, "trusted-local")) as unknown as Record<
      string,
      (input: unknown) => Promise<unknown>
    >;
    try {
      return await procedures[path]?.(input);
    } catch (error) {
      throw toFailure(error, path, input);
    }
  };
  routerCli ??= createCli({
    router: appRouter,
    name: "taskrpc",
    trpcServer: { initTRPC: { create: () => ({ createCallerFactory: () => () => callOfRun }) } },
  });
  const program = routerCli.buildProgram({
    logger: {
      info: (result: unknown) => io.stdout(`${JSON.stringify(result, null, 2)}\n`),
      error: (text: unknown) => io.stderr(`${String(text)}\n`), // only trpc-cli's own warnings; commander uses io
    },
  }) as unknown as Command;
  calls.set(program, call);

  program.option("--db <path>", `SQLite database file (env DATABASE_PATH, default ${defaultDatabasePath})`);
  program.option("--database-url <url>", "PostgreSQL database, postgres://user:password@host:port/database, instead of the SQLite file (env DATABASE_URL)");
  program.version(version, "-V, --version", "print the version");
  program
    .command("serve")
    .description("run the HTTP server, the same as `npm start` (see taskrpc serve --help)")
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (_options: unknown, command: Command) => {
      if (command.args.includes("--version")) return io.stdout(`${version}\n`);
      const db = [
        ...(program.getOptionValueSource("db") === "cli" ? ["--db", program.opts().db as string] : []),
        ...(program.getOptionValueSource("databaseUrl") === "cli" ? ["--database-url", program.opts().databaseUrl as string] : []),
      ];
      const { serve } = await import("../server/serve");
      // A port in use or an unwritable database file is the operator's to fix: said in one line, no stack.
      await serve([...db, ...command.args]).catch((error: unknown) => {
        throw new CliFailure(`INTERNAL: ${error instanceof Error ? error.message : String(error)}`, exitCodes.refused);
      });
    });

  addTokenCommands(program, openTaskDatabase, io);
  const operations = {
    stdout: io.stdout,
    stderr: io.stderr,
    get interactive() {
      return io.interactive ?? false;
    },
    get stdoutStream() {
      return io.stdoutStream;
    },
    databasePath,
    databaseUrl,
    openDatabase: openTaskDatabase,
  };
  addOperations(program, operations);
  addCopyCommand(program, operations);

  const leaves: string[] = [];
  for (const [command, path] of [[program, []] as [Command, string[]], ...walk(program)]) {
    const name = path.join(" ");
    command.configureHelp({ showGlobalOptions: true, sortSubcommands: false });
    command.showHelpAfterError(`(run "taskrpc ${name ? `${name} ` : ""}--help" for usage)`);
    // Commander throws instead of exiting and writes to io; its own complaints (unknown flag or command, missing
    // flag, bad choice) are bad input, like a schema's.
    command.exitOverride();
    command.configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      outputError: (text, write) => write(text.replace(/^error: /u, "VALIDATION: ")),
    });
    const description = name === "" ? rootDescription : commandDescriptions[path.join(".")];
    if (description) command.description(description);
    if (command.commands.length > 0 || name === "") continue;
    if (name === "serve") {
      const serveFlags = new Set(serverUsage.match(/--[a-z][a-z-]*/gu)?.filter((flag) => flag !== "--help"));
      leaves.unshift(`  taskrpc serve ${[...serveFlags].map((flag) => `[${flag}]`).join(" ")}`);
      continue;
    }
    if (["backup", "export", "import", "migrate", "copy"].includes(name)) continue;
    if (path[0] !== "tokens") {
      adaptFlags(command);
      for (const option of command.options) {
        const flagDescription = describeFlag(path.join("."), option.attributeName());
        if (flagDescription) option.description = flagDescription;
      }
    }
    const flags = command.options.map((option) => (option.mandatory ? option.flags : `[${option.long}]`));
    leaves.push(`  taskrpc ${name} ${flags.join(" ")}`.trimEnd());
  }
  leaves.push(...operationsHelp, ...copyHelp);
  program.addHelpText("after", `\nAll commands:\n${leaves.join("\n")}\n\n${exitCodeHelp}`);

  return {
    command: program,
    use: (run) => {
      running = run;
    },
  };
}
