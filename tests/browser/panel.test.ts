import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/data";
import type { Project } from "../../src/domain";
import { startServer, type RunningServer } from "../support/server";

const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const artifact = fileURLToPath(new URL("../../artifacts/panel.png", import.meta.url));
const docsScreenshot = fileURLToPath(new URL("../../docs/panel.png", import.meta.url));

let server: RunningServer | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `The browser tests need Chromium, and there is none at ${chromiumPath}. Install it with ` +
        "`sudo apt-get update && sudo apt-get install -y chromium` (Debian), or point CHROMIUM_PATH at a Chromium or Chrome binary.",
    );
  }
  [server, browser] = await Promise.all([
    startServer(),
    chromium.launch({
      executablePath: chromiumPath,
      args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("the tRPC panel in a browser", () => {
  it("creates a project from the projects.create form, shows it, and the API has stored it", async () => {
    if (!server || !browser) throw new Error("set-up failed");
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));

    await page.goto(`${server.url}/panel`);
    await page.getByRole("heading", { name: "projects", exact: true }).click();
    await page.getByText("create", { exact: true }).locator("visible=true").first().click();
    // tasks.create has an "Execute create" form too, but its router is still folded away.
    const form = page.locator("form", { has: page.getByRole("button", { name: "Execute create" }) }).locator("visible=true");
    expect(await form.count()).toBe(1);

    await form.getByRole("textbox", { name: "name*" }).fill("Made in the panel");
    await form.getByRole("button", { name: "Execute create" }).click();

    // The answer, as the page shows it (the "Response" heading comes a moment before its content).
    const card = form.locator("xpath=..");
    // Wait until the whole answer is drawn (the viewer can paint the name before the id).
    await card.filter({ hasText: /name:\s*string\s*"Made in the panel"/u }).filter({ hasText: /id:\s*string\s*"[^"]+"/u }).waitFor();
    // textContent, as the wait above matched: innerText can lag behind while the viewer lays the answer out.
    const shown = (await card.textContent()) ?? "";
    const id = /id:\s*string\s*"([^"]+)"/u.exec(shown)?.[1];
    expect(id, `the response card shows:\n${shown}`).toBeTruthy();

    await form.evaluate((element) => element.parentElement?.parentElement?.scrollIntoView());
    mkdirSync(dirname(artifact), { recursive: true });
    await page.screenshot({ path: artifact });
    // The README's picture; refreshed on request, so that running the tests leaves the tree unchanged.
    if (!existsSync(docsScreenshot) || process.env.UPDATE_DOCS_SCREENSHOT === "1") {
      mkdirSync(dirname(docsScreenshot), { recursive: true });
      copyFileSync(artifact, docsScreenshot);
    }

    // Not just shown: stored, as another client sees it.
    const listed = await fetch(`${server.url}/trpc/projects.list`);
    expect(listed.status).toBe(200);
    const { result } = (await listed.json()) as { result: { data: { items: Project[] } } };
    expect(result.data.items).toEqual([expect.objectContaining({ id, name: "Made in the panel", version: 1 })]);
    expect(pageErrors).toEqual([]);
  });

  it("runs tasks.list from its untouched form: empty optional lists and groups are left out, not sent as []", async () => {
    if (!server || !browser) throw new Error("set-up failed");
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(`${server.url}/panel`);
    await page.getByRole("heading", { name: "tasks", exact: true }).click();
    await page.getByText("list", { exact: true }).locator("visible=true").first().click();
    const form = page.locator("form", { has: page.getByRole("button", { name: "Execute list" }) }).locator("visible=true");
    const [request] = await Promise.all([
      page.waitForRequest((sent) => sent.url().includes("/trpc/tasks.list")),
      form.getByRole("button", { name: "Execute list" }).click(),
    ]);
    expect(JSON.parse(new URL(request.url()).searchParams.get("input") ?? "")).toEqual({ 0: {} });
    const response = await request.response();
    expect(response?.status()).toBe(200);
    await form.locator("xpath=..").getByText(/^Response/u).waitFor();
  });

  it("works with an access token set through its Headers button: refused (401) before, answered after", async () => {
    if (!server || !browser) throw new Error("set-up failed");
    const database = openDatabase(server.databasePath);
    const created = database.tokens.create({ name: "panel", scope: "write" });
    database.close();
    if (created === "name-taken") throw new Error("the token exists");
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
      await page.goto(`${server.url}/panel`);
      await page.getByRole("heading", { name: "projects", exact: true }).click();
      await page.getByText("list", { exact: true }).locator("visible=true").first().click();
      const form = page.locator("form", { has: page.getByRole("button", { name: "Execute list" }) }).locator("visible=true");
      const run = async () => {
        const [request] = await Promise.all([
          page.waitForRequest((sent) => sent.url().includes("/trpc/projects.list")),
          form.getByRole("button", { name: "Execute list" }).click(),
        ]);
        return (await request.response())?.status();
      };
      expect(await run()).toBe(401);

      await page.getByRole("button", { name: "Headers" }).click();
      await page.getByRole("button", { name: "Add" }).click();
      await page.getByRole("textbox", { name: "Key" }).fill("Authorization");
      await page.getByRole("textbox", { name: "Value" }).fill(`Bearer ${created.secret}`);
      await page.getByRole("button", { name: "Confirm" }).click();
      expect(await run()).toBe(200);
    } finally {
      const cleanup = openDatabase(server.databasePath);
      cleanup.tokens.revoke("panel");
      cleanup.close();
    }
  });
});
