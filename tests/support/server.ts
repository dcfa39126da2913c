import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inject, onTestFinished } from "vitest";
import type { TaskDatabase } from "../../src/data";
import { createTaskServer, type TaskServer, type TaskServerOptions } from "../../src/server/http";
import { openTestDatabase } from "./database";
import { captureLog, type LogLine } from "./log";

const root = fileURLToPath(new URL("../..", import.meta.url));

export type RunningServer = {
  url: string;
  databasePath: string;
  process: ChildProcessWithoutNullStreams;
  /** Everything the server printed so far. */
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
};

/**
 * Starts the real server as `npm start` does (`taskrpc serve`, in a process of its own) on a free port of 127.0.0.1 with a fresh database file
 * (or on the PostgreSQL database at `databaseUrl`); `args` and `env` are added to its command line and environment.
 */
export async function startServer({
  args = [],
  env = {},
  databaseUrl,
}: { args?: string[]; env?: NodeJS.ProcessEnv; databaseUrl?: string } = {}): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), "taskrpc-e2e-"));
  const databasePath = databaseUrl ?? join(dir, "e2e.db");
  const database = databaseUrl ? ["--database-url", databaseUrl] : ["--db", databasePath];
  const child = spawn(process.execPath, ["bin/taskrpc.mjs", "serve", "--port", "0", ...database, ...args], {
    cwd: root,
    env: { ...process.env, HOST: "127.0.0.1", ...env },
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      rmSync(dir, { recursive: true, force: true });
      resolve(code);
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
    child.stdout.on("data", () => {
      const match = /listening on (http:\/\/[^\s"]+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then(() => reject(new Error(`server exited before listening:\n${output}`)));
  });
  return {
    url,
    databasePath,
    process: child,
    output: () => output,
    exited,
    stop: (signal = "SIGTERM") => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * The real HTTP server on a free port of 127.0.0.1, but in this process (no start-up cost): for tests of what
 * travels over HTTP. Closed when the test (or, called in beforeAll, the file) ends. Under `npm run test:pg` it
 * serves a fresh database of the PostgreSQL test server instead of a SQLite file.
 */
export async function serveInProcess(
  options: Omit<TaskServerOptions, "log"> & { host?: string } = {},
): Promise<{ url: string; errors: LogLine[]; lines: LogLine[]; server: TaskServer; database: TaskDatabase }> {
  // PostgreSQL's support (node-postgres and its Drizzle driver) is loaded only under test:pg: about 0.2 s of a worker's CPU.
  const database = inject("postgresTemplate") ? await (await import("./postgres")).openTestPostgres() : openTestDatabase();
  const { host = "127.0.0.1", ...serverOptions } = options;
  const { log, lines, errors } = captureLog();
  const server = createTaskServer(database, { ...serverOptions, log });
  const url = await server.listen(0, host);
  onTestFinished(() => server.close());
  return { url, errors, lines, server, database };
}
