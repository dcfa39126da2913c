import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../support/server";
import { keepOffline, launchChromium } from "./support/chromium";

const artifact = fileURLToPath(new URL("../../artifacts/docs.png", import.meta.url));

let server: RunningServer | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("the API reference page at /docs", () => {
  it("renders every operation of the OpenAPI document with no request leaving this machine", async () => {
    if (!server || !browser) throw new Error("set-up failed");
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (message) => message.type() === "error" && problems.push(message.text()));
    const blocked = await keepOffline(page, ({ protocol, hostname }) => protocol === "data:" || hostname === "127.0.0.1" || hostname === "localhost");

    const response = await page.goto(`${server.url}/docs`);
    expect(response?.status()).toBe(200);
    await page.getByRole("heading", { name: /taskrpc REST API/u }).waitFor();
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, object> };
    for (const path of Object.keys(document.paths)) {
      await page.locator(".opblock-summary-path", { hasText: new RegExp(`^${path.replace(/[{}]/gu, "\\$&")}$`, "u") }).first().waitFor();
    }
    expect(await page.locator(".opblock").count()).toBe(16);

    // An operation opens with its parameters and its documented refusals.
    await page.locator(".opblock-get", { has: page.locator(".opblock-summary-path", { hasText: /^\/api\/tasks$/u }) }).locator(".opblock-summary").click();
    await page.getByText("sort", { exact: true }).first().waitFor();
    await page.locator(".responses-table").getByText("VALIDATION, INVALID_CURSOR").first().waitFor();
    mkdirSync(dirname(artifact), { recursive: true });
    await page.screenshot({ path: artifact });

    // Swagger UI lists what it could not read (a reference it cannot resolve, say) in an error box.
    expect(await page.locator(".errors-wrapper").count()).toBe(0);
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
  });
});
