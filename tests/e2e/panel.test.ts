import { describe, expect, it } from "vitest";
import { appRouter } from "../../src/api";
import { readServerConfig } from "../../src/server/config";
import { serveInProcess } from "../support/server";

// The page itself is driven in a browser by tests/browser (npm run test:browser); these need Node alone.
describe("GET /panel", () => {
  it("serves the panel by default, as HTML that calls the API at the relative /trpc", async () => {
    const withPanel = await serveInProcess();
    const response = await fetch(`${withPanel.url}/panel`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await response.text();
    expect(html).toContain('"url":"/trpc"');
    expect(html).toContain("<title>taskrpc panel</title>");
  });

  it("lists every procedure, each with a form for every input field (none left out as unsupported)", async () => {
    const withPanel = await serveInProcess();
    const html = await (await fetch(`${withPanel.url}/panel`)).text();
    for (const path of Object.keys(appRouter._def.procedures)) {
      expect(html).toContain(`"pathFromRootRouter":${JSON.stringify(path.split("."))}`);
    }
    expect(html).not.toContain('"type":"unsupported"');
    // Fields the library alone would have dropped: a prefault input, an array behind a transform, a nested object.
    expect(html).toMatch(/"labels":\{"type":"array","childType":\{"type":"string"/u);
    expect(html).toMatch(/"sort":\{"type":"object","children":\{"by":\{"type":"enum"/u);
  });

  it("answers HEAD with the headers alone", async () => {
    const withPanel = await serveInProcess();
    const response = await fetch(`${withPanel.url}/panel`, { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
  });

  it("is 404 when turned off, and the API still answers", async () => {
    const withoutPanel = await serveInProcess({ panel: false });
    const response = await fetch(`${withoutPanel.url}/panel`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { message: "Not found", data: { httpStatus: 404, reason: "VALIDATION" } } });
    expect((await fetch(`${withoutPanel.url}/trpc/projects.list`)).status).toBe(200);
  });
});

describe("the panel setting", () => {
  it("is on by default; PANEL and --panel turn it off, and the flag wins over the variable", () => {
    const panel = (args: string[], env: NodeJS.ProcessEnv) => {
      const config = readServerConfig(args, env);
      return config === "help" ? config : config.panel;
    };
    expect(panel([], {})).toBe(true);
    expect(panel([], { PANEL: "off" })).toBe(false);
    expect(panel(["--panel", "off"], {})).toBe(false);
    expect(panel(["--panel", "on"], { PANEL: "off" })).toBe(true);
    expect(panel(["--panel=off"], { PANEL: "on" })).toBe(false);
  });

  it("rejects anything but on and off", () => {
    expect(() => readServerConfig(["--panel", "no"], {})).toThrow('Invalid --panel (PANEL) "no": give on or off');
    expect(() => readServerConfig([], { PANEL: "false" })).toThrow(/give on or off/u);
  });
});
