import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { readServerConfig, serverUsage, shownSettings, type ServerConfig } from "../../src/server/config";
import { openDatabase } from "../../src/data";
import { isLoopback } from "../../src/server/guards";
import { serve, startService } from "../../src/server/serve";
import { captureLog } from "../support/log";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function config(overrides: Partial<ServerConfig> = {}): ServerConfig {
  const dir = mkdtempSync(join(tmpdir(), "taskrpc-service-"));
  dirs.push(dir);
  const defaults = readServerConfig([], {}) as ServerConfig;
  return { ...defaults, host: "127.0.0.1", port: 0, databasePath: join(dir, "nested", "service.db"), ...overrides };
}

function capture() {
  const { log, lines } = captureLog();
  return { log, lines, messages: () => lines.map((line) => line.msg) };
}

describe("starting the service", () => {
  it("creates the database file (and its folder), listens, and says where in one line with the effective settings", async () => {
    const settings = config({ maxBatch: 7 });
    const { lines, messages, log } = capture();
    const service = await startService(settings, log);
    expect(existsSync(settings.databasePath)).toBe(true);
    expect(messages()).toEqual([`taskrpc listening on ${service.url} (database ${settings.databasePath}; panel at ${service.url}/panel)`]);
    expect(lines[0]).toMatchObject({ url: service.url, database: settings.databasePath, settings: { PORT: 0, MAX_BATCH: 7, LOG_LEVEL: "info", METRICS: true } });
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    await service.stop();
    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
    expect(existsSync(`${settings.databasePath}-wal`)).toBe(false);
  });

  it("says when the panel is off", async () => {
    const { messages, log } = capture();
    const service = await startService(config({ panel: false }), log);
    expect(messages()[0]).toMatch(/; panel off\)$/u);
    expect((await fetch(`${service.url}/panel`)).status).toBe(404);
    await service.stop();
  });

  it("names the PostgreSQL database it cannot reach, and the cause, without its password", async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const failure = startService(config({ databaseUrl: "postgres://taskrpc:hunter2@127.0.0.1:1/tasks" }), capture().log);
    await expect(failure).rejects.toThrow(/^Cannot open database postgres:\/\/taskrpc:\*\*\*@127\.0\.0\.1:1\/tasks: .*ECONNREFUSED/u);
    await expect(failure).rejects.not.toThrow(/hunter2/u);
  });

  it("fails with the cause when the port is taken, and leaves nothing open", async () => {
    const blocker = createServer().listen(0, "127.0.0.1");
    await new Promise((resolve) => blocker.once("listening", resolve));
    const port = (blocker.address() as { port: number }).port;
    await expect(startService(config({ port }), capture().log)).rejects.toThrow(/EADDRINUSE/u);
    blocker.close();
  });
});

describe("listening beyond loopback", () => {
  // 192.0.2.1 is TEST-NET-1: no machine has it, so a start that gets past the check fails to listen (EADDRNOTAVAIL).
  const unreachable = "192.0.2.1";

  it("is refused with no live access token, in one line saying what to do, leaving the database unchanged", async () => {
    for (const host of ["0.0.0.0", "::", unreachable, "10.1.2.3"]) {
      const settings = config({ host });
      const error = await startService(settings, capture().log).then(() => undefined, (failure: Error) => failure);
      expect(error?.message).toMatch(new RegExp(`^Refusing to listen on ${host.replaceAll(".", "\\.")} with no access token: .*taskrpc tokens create --name NAME --scope write.*--allow-anonymous`, "u"));
      expect(error?.message).not.toContain("\n");
    }
  });

  it("goes ahead with --allow-anonymous, or once a live token exists", async () => {
    await expect(startService(config({ host: unreachable, allowAnonymous: true }), capture().log)).rejects.toThrow(/EADDRNOTAVAIL/u);
    const settings = config({ host: unreachable });
    const database = openDatabase(settings.databasePath);
    await database.tokens.create({ name: "ops", scope: "write" });
    await database.close();
    await expect(startService(settings, capture().log)).rejects.toThrow(/EADDRNOTAVAIL/u);
  });

  it("treats 127.0.0.0/8, ::1 and localhost as loopback, and nothing else", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST", "::ffff:127.0.0.1"]) expect(isLoopback(host), host).toBe(true);
    for (const host of ["0.0.0.0", "::", "10.0.0.1", "192.168.1.2", "example.com", "localhost.example.com", "128.0.0.1", "::2"]) expect(isLoopback(host), host).toBe(false);
  });
});

describe("configuration", () => {
  it("defaults to 127.0.0.1:3000 and ./data/taskrpc.db with the panel on", () => {
    expect(readServerConfig([], {})).toMatchObject({ host: "127.0.0.1", port: 3000, databasePath: "./data/taskrpc.db", panel: true, allowAnonymous: false });
  });

  it("allows anonymous access beyond loopback only when told, by --allow-anonymous or ALLOW_ANONYMOUS=1", () => {
    expect(readServerConfig(["--allow-anonymous"], {})).toMatchObject({ allowAnonymous: true });
    expect(readServerConfig([], { ALLOW_ANONYMOUS: "1" })).toMatchObject({ allowAnonymous: true });
    expect(readServerConfig([], { ALLOW_ANONYMOUS: "0" })).toMatchObject({ allowAnonymous: false });
    expect(serverUsage).toContain("--allow-anonymous");
  });

  it("reads HOST, PORT and DATABASE_PATH, and flags win over them", () => {
    const env = { HOST: "0.0.0.0", PORT: "4000", DATABASE_PATH: "/tmp/env.db" };
    expect(readServerConfig([], env)).toMatchObject({ host: "0.0.0.0", port: 4000, databasePath: "/tmp/env.db" });
    expect(readServerConfig(["--host", "::1", "--port", "5000", "--db", "/tmp/flag.db"], env)).toMatchObject({
      host: "::1",
      port: 5000,
      databasePath: "/tmp/flag.db",
    });
  });

  it("takes DATABASE_URL (or --database-url) for PostgreSQL, never shows its password, and refuses any other URL", () => {
    const url = "postgres://taskrpc:s3cret@db.example:5432/tasks";
    expect(readServerConfig([], {})).toMatchObject({ databaseUrl: undefined, migrate: true });
    const config = readServerConfig(["--migrate", "off"], { DATABASE_URL: url });
    expect(config).toMatchObject({ databaseUrl: url, migrate: false });
    const shown = JSON.stringify(shownSettings(config as ServerConfig));
    expect(shown).toContain("postgres://taskrpc:***@db.example:5432/tasks");
    expect(shown).not.toContain("s3cret");
    expect(readServerConfig(["--database-url", "postgresql://db/tasks"], { DATABASE_URL: url })).toMatchObject({ databaseUrl: "postgresql://db/tasks" });
    expect(() => readServerConfig(["--database-url", "mysql://db/tasks"], {})).toThrow('Invalid --database-url (DATABASE_URL) "mysql://db/tasks"');
  });

  it("answers --help, and refuses a bad port or an unknown flag with a clear message", () => {
    expect(readServerConfig(["--help"], {})).toBe("help");
    expect(() => readServerConfig(["--port", "eighty"], {})).toThrow('Invalid --port (PORT) "eighty"');
    expect(() => readServerConfig([], { PORT: "70000" })).toThrow(/Invalid --port \(PORT\) "70000"/u);
    expect(() => readServerConfig(["--verbose"], {})).toThrow(/--verbose/u);
  });

  it("takes every port from 0 (any free one) to 65535, and nothing outside", () => {
    expect(readServerConfig(["--port", "0"], {})).toMatchObject({ port: 0 });
    expect(readServerConfig([], { PORT: "65535" })).toMatchObject({ port: 65_535 });
    expect(() => readServerConfig(["--port=-1"], {})).toThrow('Invalid --port (PORT) "-1"');
    expect(() => readServerConfig(["--port", "65536"], {})).toThrow('Invalid --port (PORT) "65536"');
  });
});

describe("limits and browser access", () => {
  it("default to a 1 MiB body, 50 calls a batch, 10 s timeouts, no foreign origin and no extra host", () => {
    expect(readServerConfig([], {})).toMatchObject({
      maxBodyBytes: 1_048_576,
      maxBatch: 50,
      headersTimeoutSeconds: 10,
      requestTimeoutSeconds: 10,
      corsOrigins: [],
      allowedHosts: [],
    });
  });

  it("are read from the environment, and flags win over it", () => {
    const env = {
      MAX_BODY_BYTES: "2048",
      MAX_BATCH: "5",
      HEADERS_TIMEOUT: "2",
      REQUEST_TIMEOUT: "4.5",
      CORS_ORIGINS: "https://app.example, http://localhost:5173",
      ALLOWED_HOSTS: "Tasks.Example,nas.local",
    };
    expect(readServerConfig([], env)).toMatchObject({
      maxBodyBytes: 2048,
      maxBatch: 5,
      headersTimeoutSeconds: 2,
      requestTimeoutSeconds: 4.5,
      corsOrigins: ["https://app.example", "http://localhost:5173"],
      allowedHosts: ["tasks.example", "nas.local"],
    });
    const flags = ["--max-body-bytes", "10", "--max-batch", "1", "--headers-timeout", "1", "--request-timeout", "1", "--cors-origins", "https://b.example", "--allowed-hosts", "b.example"];
    expect(readServerConfig(flags, env)).toMatchObject({
      maxBodyBytes: 10,
      maxBatch: 1,
      headersTimeoutSeconds: 1,
      requestTimeoutSeconds: 1,
      corsOrigins: ["https://b.example"],
      allowedHosts: ["b.example"],
    });
  });

  it("refuse values that cannot work, saying which and what to give", () => {
    expect(() => readServerConfig([], { MAX_BODY_BYTES: "1MB" })).toThrow('Invalid --max-body-bytes (MAX_BODY_BYTES) "1MB"');
    expect(() => readServerConfig(["--max-batch", "0"], {})).toThrow('Invalid --max-batch (MAX_BATCH) "0"');
    expect(() => readServerConfig([], { REQUEST_TIMEOUT: "0" })).toThrow('Invalid --request-timeout (REQUEST_TIMEOUT) "0"');
    expect(() => readServerConfig([], { HEADERS_TIMEOUT: "20" })).toThrow("cannot be longer than --request-timeout (REQUEST_TIMEOUT)");
    expect(() => readServerConfig([], { CORS_ORIGINS: "app.example" })).toThrow('Invalid --cors-origins (CORS_ORIGINS) "app.example"');
    expect(() => readServerConfig([], { CORS_ORIGINS: "https://app.example/path" })).toThrow(/"https:\/\/app.example\/path" is not an origin/u);
    expect(() => readServerConfig([], { ALLOWED_HOSTS: "http://tasks.example" })).toThrow('Invalid --allowed-hosts (ALLOWED_HOSTS) "http://tasks.example"');
    expect(() => readServerConfig([], { LOG_LEVEL: "loud" })).toThrow('Invalid --log-level (LOG_LEVEL) "loud": give one of fatal, error, warn, info, debug, trace, silent');
    expect(() => readServerConfig(["--metrics", "no"], {})).toThrow('Invalid --metrics (METRICS) "no": give on or off');
  });

  it("are listed in the usage with their variables", () => {
    for (const name of ["MAX_BODY_BYTES", "MAX_BATCH", "HEADERS_TIMEOUT", "REQUEST_TIMEOUT", "CORS_ORIGINS", "ALLOWED_HOSTS", "LOG_LEVEL", "METRICS"]) {
      expect(serverUsage).toContain(`env ${name}`);
    }
  });

  it("reach the running service", async () => {
    const service = await startService(config({ maxBatch: 1, maxBodyBytes: 64, corsOrigins: ["https://app.example"] }), capture().log);
    onTestFinished(() => service.stop());
    expect((await fetch(`${service.url}/trpc/projects.list,projects.list?batch=1`)).status).toBe(400);
    const big = await fetch(`${service.url}/trpc/projects.create`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "x".repeat(100) }),
    });
    expect(big.status).toBe(413);
    const listed = await fetch(`${service.url}/trpc/projects.list`, { headers: { origin: "https://app.example" } });
    expect(listed.headers.get("access-control-allow-origin")).toBe("https://app.example");
  });
});

/** serve() is what `npm start` runs: here with process.exit and the console replaced, and signals emitted in-process. */
describe("serve", () => {
  function watchProcess() {
    const info = vi.spyOn(console, "info").mockImplementation(() => undefined);
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const exit = vi.spyOn(process, "exit").mockImplementation((code) => {
      throw new Error(`exit ${String(code)}`);
    });
    const before = { SIGINT: process.listeners("SIGINT"), SIGTERM: process.listeners("SIGTERM") };
    const added = (signal: "SIGINT" | "SIGTERM") => process.listeners(signal).filter((listener) => !before[signal].includes(listener));
    onTestFinished(() => {
      vi.restoreAllMocks();
      for (const signal of ["SIGINT", "SIGTERM"] as const) for (const listener of added(signal)) process.off(signal, listener);
    });
    return { info, error, exit, added };
  }

  it("prints the usage for --help and starts nothing", async () => {
    const { info, exit, added } = watchProcess();
    await serve(["--help"]);
    expect(info.mock.calls).toEqual([[serverUsage]]);
    expect(exit).not.toHaveBeenCalled();
    expect([...added("SIGINT"), ...added("SIGTERM")]).toEqual([]);
  });

  it("exits 2 on a bad flag or variable, in one line naming the setting by its flag and variable", async () => {
    const { error, exit } = watchProcess();
    await expect(serve(["--port", "eighty"])).rejects.toThrow("exit 2");
    expect(exit).toHaveBeenCalledWith(2);
    expect(error.mock.calls).toEqual([['taskrpc: Invalid --port (PORT) "eighty": give a whole number from 0 to 65535']]);
  });

  it("logs at LOG_LEVEL (or --log-level): at warn, neither the start line nor a line per request", async () => {
    const { exit } = watchProcess();
    exit.mockImplementation(() => undefined as never);
    const settings = config();
    const levels: string[] = [];
    const { log, lines } = captureLog("warn");
    await serve(["--log-level", "warn", "--port", "0", "--db", settings.databasePath], (level) => (levels.push(level), Promise.resolve(log)));
    expect(levels).toEqual(["warn"]);
    expect(readServerConfig([], { LOG_LEVEL: "debug" })).toMatchObject({ logLevel: "debug" });
    expect(readServerConfig([], { METRICS: "off" })).toMatchObject({ metrics: false });
    expect(readServerConfig(["--metrics", "on"], { METRICS: "off" })).toMatchObject({ metrics: true });
    process.emit("SIGTERM", "SIGTERM");
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0));
    expect(lines).toEqual([]);
  });

  it.each(["SIGINT", "SIGTERM"] as const)("runs until %s, then stops, says so and exits 0", async (signal) => {
    const { exit } = watchProcess();
    exit.mockImplementation(() => undefined as never);
    const settings = config();
    const { log, lines } = captureLog();
    await serve(["--port", "0", "--db", settings.databasePath], () => Promise.resolve(log));
    const url = lines[0]?.url as string;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    process.emit(signal, signal);
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0));
    expect(lines.filter((line) => line.msg !== "request").slice(1).map((line) => line.msg)).toEqual([`taskrpc: ${signal} received, finishing requests in flight`, "taskrpc: stopped"]);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
