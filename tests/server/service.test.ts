import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readServerConfig, type ServerConfig } from "../../src/server/config";
import { startService } from "../../src/server/serve";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function config(overrides: Partial<ServerConfig> = {}): ServerConfig {
  const dir = mkdtempSync(join(tmpdir(), "taskrpc-service-"));
  dirs.push(dir);
  return { host: "127.0.0.1", port: 0, databasePath: join(dir, "nested", "service.db"), panel: true, ...overrides };
}

function capture() {
  const lines: string[] = [];
  return { lines, log: { info: (...args: unknown[]) => lines.push(args.join(" ")), error: (...args: unknown[]) => lines.push(args.join(" ")) } };
}

describe("starting the service", () => {
  it("creates the database file (and its folder), listens, and says where in one line", async () => {
    const settings = config();
    const { lines, log } = capture();
    const service = await startService(settings, log);
    expect(existsSync(settings.databasePath)).toBe(true);
    expect(lines).toEqual([`taskrpc listening on ${service.url} (database ${settings.databasePath}; panel at ${service.url}/panel)`]);
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    await service.stop();
    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
    expect(existsSync(`${settings.databasePath}-wal`)).toBe(false);
  });

  it("says when the panel is off", async () => {
    const { lines, log } = capture();
    const service = await startService(config({ panel: false }), log);
    expect(lines[0]).toMatch(/; panel off\)$/u);
    expect((await fetch(`${service.url}/panel`)).status).toBe(404);
    await service.stop();
  });

  it("fails with the cause when the port is taken, and leaves nothing open", async () => {
    const blocker = createServer().listen(0, "127.0.0.1");
    await new Promise((resolve) => blocker.once("listening", resolve));
    const port = (blocker.address() as { port: number }).port;
    await expect(startService(config({ port }), capture().log)).rejects.toThrow(/EADDRINUSE/u);
    blocker.close();
  });
});

describe("configuration", () => {
  it("defaults to 127.0.0.1:3000 and ./data/taskrpc.db with the panel on", () => {
    expect(readServerConfig([], {})).toEqual({ host: "127.0.0.1", port: 3000, databasePath: "./data/taskrpc.db", panel: true });
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

  it("answers --help, and refuses a bad port or an unknown flag with a clear message", () => {
    expect(readServerConfig(["--help"], {})).toBe("help");
    expect(() => readServerConfig(["--port", "eighty"], {})).toThrow('Invalid port "eighty"');
    expect(() => readServerConfig([], { PORT: "70000" })).toThrow(/Invalid port "70000"/u);
    expect(() => readServerConfig(["--verbose"], {})).toThrow(/--verbose/u);
  });
});
