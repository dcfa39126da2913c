import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { serveInProcess } from "../support/server";

const script = fileURLToPath(new URL("./clients/rest_client.py", import.meta.url));

describe("a client in another language (Python's standard library) over the REST API", () => {
  it("creates a project and tasks, completes one, and lists the open ones by due date", async () => {
    const { url } = await serveInProcess();
    // Asynchronous: the server answers from this process while the child runs.
    const { stdout } = await promisify(execFile)("python3", [script, url], { timeout: 20_000 });
    expect(JSON.parse(stdout)).toEqual({
      project: "From Python",
      completed: true,
      open: ["file taxes", "water plants"],
      count: 3,
      refused: [404, "PROJECT_NOT_FOUND"],
      invalid: [400, "VALIDATION", [["sort", "dir"]]],
    });
  }, 30_000);
});
