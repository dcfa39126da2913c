import { resolve } from "node:path";
import { openDatabase } from "../data";
import { readServerConfig, serverUsage } from "./config";
import { createTaskServer } from "./http";

/** Runs the service until SIGINT or SIGTERM, then drains requests in flight, closes the database and exits 0. */
export async function serve(args: string[]): Promise<void> {
  let config;
  try {
    config = readServerConfig(args, process.env);
  } catch (error) {
    console.error(`taskrpc: ${(error as Error).message}\n\n${serverUsage}`);
    process.exit(2);
  }
  if (config === "help") {
    console.info(serverUsage);
    return;
  }
  const database = openDatabase(config.databasePath);
  const taskServer = createTaskServer(database, { panel: config.panel });
  const url = await taskServer.listen(config.port, config.host);
  const panel = config.panel ? `panel at ${url}/panel` : "panel off";
  console.info(`taskrpc listening on ${url} (database ${resolve(database.path)}; ${panel})`);

  const shutdown = async (signal: string) => {
    console.info(`taskrpc: ${signal} received, finishing requests in flight`);
    await taskServer.close();
    database.close();
    console.info("taskrpc: stopped");
    process.exit(0);
  };
  process.once("SIGINT", (signal) => void shutdown(signal));
  process.once("SIGTERM", (signal) => void shutdown(signal));
}
