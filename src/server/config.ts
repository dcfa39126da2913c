import { parseArgs } from "node:util";
import { isPostgresUrl, redactedUrl } from "../data/pg/url";

const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof logLevels)[number];

export type ServerConfig = {
  host: string;
  port: number;
  databasePath: string;
  /** A postgres:// URL: serve from PostgreSQL instead of the SQLite file. */
  databaseUrl: string | undefined;
  /** Apply the database's pending migrations on start (PostgreSQL; SQLite always migrates its file). */
  migrate: boolean;
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
  /** Least severe log lines written. */
  logLevel: LogLevel;
  /** Serve Prometheus metrics at GET /metrics. */
  metrics: boolean;
};

/** A setting the operator gave that cannot be used: exit 2 with this one line. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

type Setting = {
  [K in keyof ServerConfig]: {
    key: K;
    flag: string;
    /** What the flag takes, as --help shows it (none: a switch). */
    value?: string;
    env: string;
    /** As given on the command line or in the variable; undefined: none. */
    default: string | undefined;
    group: "Serving" | "Limits" | "Browser access" | "Operations";
    /** One line for --help. */
    help: string;
    /** The README's meaning (Markdown); the help line when absent. */
    doc?: string;
    /** Turns the text into the value, or throws the advice that follows `Invalid --flag (ENV) "text": `. */
    parse(text: string): ServerConfig[K];
  };
}[keyof ServerConfig];

const onOff = (text: string): boolean => {
  if (text !== "on" && text !== "off") throw new Error("give on or off");
  return text === "on";
};

function count(text: string): number {
  const value = Number(text);
  if (!/^\d+$/u.test(text) || !Number.isSafeInteger(value) || value < 1) throw new Error("give a whole number of at least 1");
  return value;
}

function seconds(text: string): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/u.test(text) || !(value > 0) || value > 3600) throw new Error("give a number of seconds above 0, at most 3600");
  return value;
}

function list(text: string): string[] {
  return text
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
    throw new Error(`"${text}" is not an origin: give scheme://host[:port], such as https://app.example or http://localhost:5173`);
  }
  return url.origin;
}

function hostName(text: string): string {
  const name = text.toLowerCase();
  if (!/^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/u.test(name)) {
    throw new Error(`"${text}" is not a host name: give one without scheme or port, such as tasks.example`);
  }
  return name;
}

/** Every setting of `taskrpc serve`: the flags, the variables, validation, --help and the README table come from here. */
export const settings: Setting[] = [
  { key: "host", flag: "host", value: "HOST", env: "HOST", default: "127.0.0.1", group: "Serving", help: "address to listen on", parse: (text) => text },
  {
    key: "port",
    flag: "port",
    value: "PORT",
    env: "PORT",
    default: "3000",
    group: "Serving",
    help: "port to listen on (0 picks a free one; the start line says which)",
    doc: "port (`0` picks a free one; the start line says which)",
    parse: (text) => {
      const port = Number(text);
      if (!/^\d+$/u.test(text) || port > 65_535) throw new Error("give a whole number from 0 to 65535");
      return port;
    },
  },
  {
    key: "databasePath",
    flag: "db",
    value: "PATH",
    env: "DATABASE_PATH",
    default: "./data/taskrpc.db",
    group: "Serving",
    help: "SQLite file, created with its folder and migrated on start (:memory: for a temporary one)",
    doc: "SQLite file; created with its folder and migrated on start. `:memory:` gives a temporary file removed on exit",
    parse: (text) => {
      if (text === "") throw new Error("give a file path");
      return text;
    },
  },
  {
    key: "databaseUrl",
    flag: "database-url",
    value: "URL",
    env: "DATABASE_URL",
    default: undefined,
    group: "Serving",
    help: "postgres://user:password@host:port/database: use PostgreSQL instead of the SQLite file (--db is then unused)",
    doc: "`postgres://user:password@host:port/database`: serve from [PostgreSQL](#scaling-out) instead of the SQLite file (`DATABASE_PATH` is then unused); several instances may share one database",
    parse: (text) => {
      if (!isPostgresUrl(text)) throw new Error("give a postgres:// URL, such as postgres://taskrpc:secret@db.example:5432/taskrpc");
      return text;
    },
  },
  {
    key: "migrate",
    flag: "migrate",
    value: "on|off",
    env: "MIGRATE",
    default: "on",
    group: "Serving",
    help: "apply pending PostgreSQL migrations on start (off: run taskrpc migrate first; start is refused while any is pending)",
    doc: "`off`: a PostgreSQL start applies no migration (run `taskrpc migrate` first) and is refused while one is pending; SQLite files are always migrated",
    parse: onOff,
  },
  {
    key: "panel",
    flag: "panel",
    value: "on|off",
    env: "PANEL",
    default: "on",
    group: "Serving",
    help: "serve the tRPC panel at /panel and the REST reference at /docs (off: both are 404)",
    doc: "`off` turns the [tRPC panel](#the-panel) at `/panel` and the [REST reference](#rest-and-openapi) at `/docs` off (both are then 404; `/openapi.json` stays)",
    parse: onOff,
  },
  {
    key: "allowAnonymous",
    flag: "allow-anonymous",
    env: "ALLOW_ANONYMOUS",
    default: undefined,
    group: "Serving",
    help: "listen beyond loopback with no access token, the API open to all (without it such a start is refused)",
    doc: "`1` (or the flag) lets the server listen on a non-loopback `HOST` with no [access token](#access-tokens), the API open to anyone who reaches it; without it such a start is refused",
    parse: (text) => {
      if (text !== "1" && text !== "0") throw new Error("give 1 or 0");
      return text === "1";
    },
  },
  {
    key: "maxBodyBytes",
    flag: "max-body-bytes",
    value: "N",
    env: "MAX_BODY_BYTES",
    default: "1048576",
    group: "Limits",
    help: "largest request body in bytes, refused with 413 above",
    doc: "largest request body (1 MiB by default); a longer one is refused with 413 while it arrives (see [Security](#security))",
    parse: count,
  },
  { key: "maxBatch", flag: "max-batch", value: "N", env: "MAX_BATCH", default: "50", group: "Limits", help: "most calls in one batch request; more is refused with 400", parse: count },
  {
    key: "headersTimeoutSeconds",
    flag: "headers-timeout",
    value: "SECS",
    env: "HEADERS_TIMEOUT",
    default: "10",
    group: "Limits",
    help: "seconds a client has to send its request headers (408 after)",
    parse: seconds,
  },
  {
    key: "requestTimeoutSeconds",
    flag: "request-timeout",
    value: "SECS",
    env: "REQUEST_TIMEOUT",
    default: "10",
    group: "Limits",
    help: "seconds a client has to send its whole request, body included (408 after); at least HEADERS_TIMEOUT",
    doc: "seconds a client has to send its whole request, body included (408 after); at least `HEADERS_TIMEOUT`",
    parse: seconds,
  },
  {
    key: "corsOrigins",
    flag: "cors-origins",
    value: "LIST",
    env: "CORS_ORIGINS",
    default: undefined,
    group: "Browser access",
    help: "comma-separated origins (https://app.example) whose pages may call the API; any other foreign Origin is refused",
    doc: "comma-separated origins (`https://app.example,http://localhost:5173`) whose pages may call the API, with CORS answers; any other foreign `Origin` is refused (403 FORBIDDEN)",
    parse: (text) => list(text).map(origin),
  },
  {
    key: "allowedHosts",
    flag: "allowed-hosts",
    value: "LIST",
    env: "ALLOWED_HOSTS",
    default: undefined,
    group: "Browser access",
    help: "comma-separated host names served besides localhost, 127.0.0.1 and [::1] while listening on a loopback address",
    doc: "comma-separated host names served besides `localhost`, `127.0.0.1` and `[::1]`; while listening on a loopback address every other `Host` is refused (403 FORBIDDEN)",
    parse: (text) => list(text).map(hostName),
  },
  {
    key: "logLevel",
    flag: "log-level",
    value: "LEVEL",
    env: "LOG_LEVEL",
    default: "info",
    group: "Operations",
    help: `least severe log lines written: ${logLevels.join(", ")} (info: one line per request)`,
    doc: `least severe [log lines](#operating) written: ${logLevels.map((level) => `\`${level}\``).join(", ")}; \`info\` gives one line per request, \`warn\` only faults of the service itself (an error with its cause, a failed readiness check)`,
    parse: (text) => {
      const level = logLevels.find((name) => name === text);
      if (!level) throw new Error(`give one of ${logLevels.join(", ")}`);
      return level;
    },
  },
  {
    key: "metrics",
    flag: "metrics",
    value: "on|off",
    env: "METRICS",
    default: "on",
    group: "Operations",
    help: "serve Prometheus metrics at GET /metrics (off: /metrics is 404)",
    doc: "`off` turns [`GET /metrics`](#operating) off (it is then 404)",
    parse: onOff,
  },
];

const switchOf = (setting: Setting) => setting.value === undefined;
const named = (setting: Setting) => `--${setting.flag} (${setting.env})`;

function usageLine(setting: Setting): string {
  const left = `  --${setting.flag}${setting.value ? ` ${setting.value}` : ""}`;
  const shown = setting.default ?? "none";
  return `${left.padEnd(27)} ${setting.help} (env ${setting.env}${switchOf(setting) ? "=1" : ""}, default ${switchOf(setting) ? "off" : shown})`;
}

export const serverUsage = [
  "Usage: taskrpc serve [options]",
  "",
  "Serves the API at /trpc and as REST at /api (OpenAPI at /openapi.json, reference at /docs), the tRPC panel at",
  "GET /panel, GET /healthz, GET /readyz and GET /metrics. Flags win over variables, which win over the defaults.",
  ...[...new Set(settings.map((setting) => setting.group))].flatMap((group) => [
    "",
    `${group}:`,
    ...settings.filter((setting) => setting.group === group).map(usageLine),
  ]),
  `${"  --help".padEnd(27)} show this help`,
].join("\n");

/** The README's configuration table (npm run docs:config writes it between its markers). */
export function configurationTable(): string {
  const rows = settings.map((setting) => {
    const shown = switchOf(setting) ? "off" : setting.default === undefined ? "none" : `\`${setting.default}\``;
    return `| \`${setting.env}\` | \`--${setting.flag}\` | ${shown} | ${setting.doc ?? setting.help} |`;
  });
  return ["| variable | flag | default | meaning |", "|---|---|---|---|", ...rows].join("\n");
}

/** Flags win over environment variables, which win over the defaults. A bad value throws a ConfigError naming the flag and variable. */
export function readServerConfig(args: string[], env: NodeJS.ProcessEnv): ServerConfig | "help" {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        ...Object.fromEntries(settings.map((setting) => [setting.flag, { type: switchOf(setting) ? ("boolean" as const) : ("string" as const) }])),
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new ConfigError(`${(error as Error).message.split("\n")[0]} (see taskrpc serve --help)`);
  }
  if (values.help) return "help";
  const config: Record<string, unknown> = {};
  for (const setting of settings) {
    const given = values[setting.flag];
    const text = given === true ? "1" : typeof given === "string" ? given : (env[setting.env] ?? setting.default);
    try {
      // Unset: a switch is off, a list empty, anything else absent.
      config[setting.key] = text === undefined ? (switchOf(setting) ? false : setting.value === "LIST" ? [] : undefined) : setting.parse(text);
    } catch (error) {
      throw new ConfigError(`Invalid ${named(setting)} "${text}": ${(error as Error).message}`);
    }
  }
  const result = config as ServerConfig;
  if (result.headersTimeoutSeconds > result.requestTimeoutSeconds) {
    throw new ConfigError(
      `Invalid --headers-timeout (HEADERS_TIMEOUT) "${result.headersTimeoutSeconds}": it cannot be longer than --request-timeout (REQUEST_TIMEOUT), ${result.requestTimeoutSeconds} s`,
    );
  }
  return result;
}

/** The settings as the start line shows them: the database URL without its password. */
export function shownSettings(config: ServerConfig): Record<string, unknown> {
  return Object.fromEntries(
    settings.map((setting) => [setting.env, setting.key === "databaseUrl" && config.databaseUrl ? redactedUrl(config.databaseUrl) : config[setting.key]]),
  );
}
