import { parseArgs } from "node:util";

export type ServerConfig = { host: string; port: number; databasePath: string; panel: boolean };

export const serverUsage = `Usage: taskrpc serve [--host HOST] [--port PORT] [--db PATH] [--panel on|off]

Serves the API at /trpc and as REST at /api (OpenAPI at /openapi.json, reference at /docs),
the tRPC panel at GET /panel and GET /healthz.
  --host HOST     address to listen on      (env HOST, default 127.0.0.1)
  --port PORT     port to listen on          (env PORT, default 3000)
  --db PATH       SQLite database file       (env DATABASE_PATH, default ./data/taskrpc.db)
  --panel on|off  serve the panel at /panel  (env PANEL, default on)
  --help          show this help`;

/** Flags win over environment variables, which win over the defaults. */
export function readServerConfig(args: string[], env: NodeJS.ProcessEnv): ServerConfig | "help" {
  const { values } = parseArgs({
    args,
    options: {
      host: { type: "string" },
      port: { type: "string" },
      db: { type: "string" },
      panel: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  const portText = values.port ?? env.PORT ?? "3000";
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`Invalid port "${portText}": give a whole number from 0 to 65535`);
  }
  const panelText = values.panel ?? env.PANEL ?? "on";
  if (panelText !== "on" && panelText !== "off") {
    throw new Error(`Invalid panel setting "${panelText}": give on or off`);
  }
  return {
    host: values.host ?? env.HOST ?? "127.0.0.1",
    port,
    databasePath: values.db ?? env.DATABASE_PATH ?? "./data/taskrpc.db",
    panel: panelText === "on",
  };
}
