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
});
