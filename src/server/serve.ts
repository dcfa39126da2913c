import { resolve } from "node:path";
import { openStore } from "../data";
import { redactedUrl } from "../data/pg/url";
import { ConfigError, readServerConfig, serverUsage, shownSettings, type ServerConfig } from "./config";
import { isLoopback } from "./guards";
import { createTaskServer } from "./http";
import { createLogger, type Logger } from "./observability";

export type RunningService = {
  url: string;
  /** Stops accepting requests, answers those in flight, then closes the database. */
  stop(): Promise<void>;
};

/**
 * Opens the database, starts listening and says so in one line. With no live access token the API is open, so
 * it listens only where no one else can reach it, unless the operator explicitly allows anonymous access.
 */
export async function startService(config: ServerConfig, log: Logger): Promise<RunningService> {
  const database = await openStore(config).catch((error: unknown) => {
    if (config.databaseUrl === undefined) throw error;
    // The driver's message names a host and port, not the database; the operator needs both (never the password).
    throw new Error(`Cannot open database ${redactedUrl(config.databaseUrl)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  });
  if (!isLoopback(config.host) && !config.allowAnonymous && !(await database.tokens.hasLiveTokens())) {
    await database.close();
    throw new Error(
      `Refusing to listen on ${config.host} with no access token: anyone who can reach it could change every task. ` +
        `Create one with \`taskrpc tokens create --name NAME --scope write ${database.kind === "postgres" ? "--database-url URL" : `--db ${config.databasePath}`}\`, or pass --allow-anonymous (env ALLOW_ANONYMOUS=1)`,
    );
  }
  const taskServer = createTaskServer(database, {
    panel: config.panel,
    metrics: config.metrics,
    log,
    maxBodyBytes: config.maxBodyBytes,
    maxBatch: config.maxBatch,
    headersTimeoutMs: config.headersTimeoutSeconds * 1000,
    requestTimeoutMs: config.requestTimeoutSeconds * 1000,
    corsOrigins: config.corsOrigins,
    allowedHosts: config.allowedHosts,
  });
  let url: string;
  try {
    url = await taskServer.listen(config.port, config.host);
  } catch (error) {
    await database.close();
    throw error;
  }
  const panel = config.panel ? `panel at ${url}/panel` : "panel off";
  const shown = database.kind === "sqlite" ? resolve(database.path) : database.path;
  log.info({ url, database: shown, settings: shownSettings(config) }, `taskrpc listening on ${url} (database ${shown}; ${panel})`);
  // At once, for whoever waits on this line: the log otherwise holds lines for up to 100 ms.
  log.flush();
  return {
    url,
    stop: async () => {
      await taskServer.close();
      await database.close();
    },
  };
}

/** Runs the service until SIGINT or SIGTERM, then drains requests in flight, closes the database and exits 0. */
export async function serve(args: string[], makeLog: typeof createLogger = createLogger): Promise<void> {
  let config;
  try {
    config = readServerConfig(args, process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`taskrpc: ${error.message}`);
    process.exit(2);
  }
  if (config === "help") {
    console.info(serverUsage);
    return;
  }
  const log = await makeLog(config.logLevel);
  const service = await startService(config, log);
  const shutdown = async (signal: string) => {
    log.info({ signal }, `taskrpc: ${signal} received, finishing requests in flight`);
    await service.stop();
    log.info("taskrpc: stopped");
    process.exit(0);
  };
  process.once("SIGINT", (signal) => void shutdown(signal));
  process.once("SIGTERM", (signal) => void shutdown(signal));
}
