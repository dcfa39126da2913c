import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

// The log is written asynchronously: lines still buffered when the process exits must reach stdout all the same.
describe("the server log", { timeout: 30_000 }, () => {
  it("keeps every line written just before the process exits", async () => {
    const lines = 20_000;
    const script = `
      const { createLogger } = await import("./src/server/observability.ts");
      const log = await createLogger("info", { fd: 1 });
      for (let i = 0; i < ${lines}; i++) log.info({ i }, "request");
      log.info("taskrpc: stopped");
      process.exit(0);
    `;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: root });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    const written = output.trim().split("\n").map((line) => JSON.parse(line) as { msg: string });
    expect(written).toHaveLength(lines + 1);
    expect(written.at(-1)).toMatchObject({ msg: "taskrpc: stopped" });
  });

  it("drops lines, and says so on stderr, rather than hold more than 16 MiB while stdout is not read", async () => {
    const lines = 100_000;
    const padding = "x".repeat(1000);
    // Nobody reads the child's stdout until it has written every line (about 100 MB) and said so on stderr.
    const script = `
      const { createLogger } = await import("./src/server/observability.ts");
      const log = await createLogger("info", { fd: 1 });
      for (let i = 0; i < ${lines}; i++) log.info({ i, padding: "${padding}" }, "request");
      process.stderr.write("written\\n");
      process.exit(0);
    `;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: root });
    child.stdout.pause();
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes("written")) child.stdout.resume();
    });
    let received = 0;
    let last = "";
    child.stdout.on("data", (chunk: Buffer) => {
      received += chunk.length;
      last = (last + chunk.toString()).slice(-2000);
    });
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    expect(stderr).toMatch(/^taskrpc: stdout is not being read: \d+ log line\(s\) dropped so far, rather than hold more than 16777216 bytes$/mu);
    // What was held (16 MiB) and what the pipe took before it filled reach stdout in whole lines; the rest is gone.
    expect(received).toBeGreaterThan(1_000_000);
    expect(received).toBeLessThan(20 * 1024 * 1024);
    expect(last.endsWith("}\n")).toBe(true);
  });
});
