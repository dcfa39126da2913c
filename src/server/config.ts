import { parseArgs } from "node:util";

export type ServerConfig = {
  host: string;
  port: number;
  databasePath: string;
  panel: boolean;
  /** Largest request body taken, in bytes; a longer one is refused with 413 while it arrives. */
  maxBodyBytes: number;
  /** Most calls in one batch request; more is refused with 400. */
  maxBatch: number;
  /** Seconds a client has to send the request headers, then the whole request; a slower one gets 408. */
  headersTimeoutSeconds: number;
  requestTimeoutSeconds: number;
  /** Origins (scheme://host:port) of other sites whose pages may call the API; any other foreign Origin is refused. */
  corsOrigins: string[];
  /** Host names served besides the loopback ones while listening on a loopback address (against DNS rebinding). */
  allowedHosts: string[];
  /** Serve a non-loopback address with no live access token, open to anyone who can reach it. */
  allowAnonymous: boolean;
};

export const serverUsage = `Usage: taskrpc serve [--host HOST] [--port PORT] [--db PATH] [--panel on|off] [--allow-anonymous] [limits] [browser access]

Serves the API at /trpc and as REST at /api (OpenAPI at /openapi.json, reference at /docs),
the tRPC panel at GET /panel and GET /healthz.
  --host HOST     address to listen on      (env HOST, default 127.0.0.1)
  --port PORT     port to listen on          (env PORT, default 3000)
  --db PATH       SQLite database file       (env DATABASE_PATH, default ./data/taskrpc.db)
  --panel on|off  serve the panel at /panel  (env PANEL, default on)
  --allow-anonymous  listen beyond loopback with no access token: the API is open to all
                  (env ALLOW_ANONYMOUS=1; without it such a start is refused, see taskrpc tokens create)
  --help          show this help

Limits:
  --max-body-bytes N       largest request body, refused with 413 above  (env MAX_BODY_BYTES, default 1048576)
  --max-batch N            most calls in one batch, refused with 400     (env MAX_BATCH, default 50)
  --headers-timeout SECS   time to send the request headers (408 after)  (env HEADERS_TIMEOUT, default 10)
  --request-timeout SECS   time to send the whole request (408 after)    (env REQUEST_TIMEOUT, default 10)

Browser access:
  --cors-origins LIST      comma-separated origins (https://app.example) whose pages may call the API;
                           any other foreign Origin is refused          (env CORS_ORIGINS, default none)
  --allowed-hosts LIST     comma-separated host names served besides localhost, 127.0.0.1 and [::1] while
                           listening on a loopback address              (env ALLOWED_HOSTS, default none)`;

/** Flags win over environment variables, which win over the defaults. */
export function readServerConfig(args: string[], env: NodeJS.ProcessEnv): ServerConfig | "help" {
  const { values } = parseArgs({
    args,
    options: {
      host: { type: "string" },
      port: { type: "string" },
      db: { type: "string" },
      panel: { type: "string" },
      "max-body-bytes": { type: "string" },
      "max-batch": { type: "string" },
      "headers-timeout": { type: "string" },
      "request-timeout": { type: "string" },
      "cors-origins": { type: "string" },
      "allowed-hosts": { type: "string" },
      "allow-anonymous": { type: "boolean" },
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
  const headersTimeoutSeconds = seconds("headers timeout", values["headers-timeout"] ?? env.HEADERS_TIMEOUT ?? "10");
  const requestTimeoutSeconds = seconds("request timeout", values["request-timeout"] ?? env.REQUEST_TIMEOUT ?? "10");
  if (headersTimeoutSeconds > requestTimeoutSeconds) {
    throw new Error(`The headers timeout (${headersTimeoutSeconds} s) cannot be longer than the request timeout (${requestTimeoutSeconds} s)`);
  }
  return {
    host: values.host ?? env.HOST ?? "127.0.0.1",
    port,
    databasePath: values.db ?? env.DATABASE_PATH ?? "./data/taskrpc.db",
    panel: panelText === "on",
    maxBodyBytes: count("body limit", values["max-body-bytes"] ?? env.MAX_BODY_BYTES ?? "1048576"),
    maxBatch: count("batch limit", values["max-batch"] ?? env.MAX_BATCH ?? "50"),
    headersTimeoutSeconds,
    requestTimeoutSeconds,
    corsOrigins: list(values["cors-origins"] ?? env.CORS_ORIGINS).map(origin),
    allowedHosts: list(values["allowed-hosts"] ?? env.ALLOWED_HOSTS).map(hostName),
    allowAnonymous: values["allow-anonymous"] ?? env.ALLOW_ANONYMOUS === "1",
  };
}

function count(name: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/u.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new Error(`Invalid ${name} "${text}": give a whole number of at least 1`);
  }
  return value;
}

function seconds(name: string, text: string): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/u.test(text) || !(value > 0) || value > 3600) {
    throw new Error(`Invalid ${name} "${text}": give a number of seconds above 0, at most 3600`);
  }
  return value;
}

function list(text: string | undefined): string[] {
  return (text ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/** An origin as browsers send it in the Origin header: scheme://host[:port], lower-cased, no default port. */
function origin(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.origin !== text.replace(/\/$/u, "").toLowerCase()) {
    throw new Error(`Invalid CORS origin "${text}": give scheme://host[:port], such as https://app.example or http://localhost:5173`);
  }
  return url.origin;
}

function hostName(text: string): string {
  const name = text.toLowerCase();
  if (!/^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/u.test(name)) {
    throw new Error(`Invalid allowed host "${text}": give a host name without scheme or port, such as tasks.example`);
  }
  return name;
}
