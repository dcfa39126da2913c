import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/data";
import type { Project } from "../../src/domain";
import { startServer, type RunningServer } from "../support/server";
import { keepOffline, launchChromium } from "./support/chromium";

const artifact = fileURLToPath(new URL("../../artifacts/panel.png", import.meta.url));
const docsScreenshot = fileURLToPath(new URL("../../docs/panel.png", import.meta.url));

let server: RunningServer | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/**
 * A page of its own context in which every request to anywhere but the test's server is refused (and recorded):
 * the panel must work offline, with no editor, font or script from a CDN.
 */
async function openPanel(): Promise<{ page: Page; elsewhere: string[]; pageErrors: string[] }> {
  if (!server || !browser) throw new Error("set-up failed");
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const pageErrors: string[] = [];
  const origin = new URL(server.url).origin;
  const elsewhere = await keepOffline(context, (url) => url.origin === origin);
  const page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(`${server.url}/panel`);
  return { page, elsewhere, pageErrors };
}

/** The visible form of a procedure, after unfolding its router and the procedure itself. */
async function procedureForm(page: Page, routerName: string, procedure: string) {
  await page.getByRole("heading", { name: routerName, exact: true }).click();
  await page.getByText(procedure, { exact: true }).locator("visible=true").first().click();
  const form = page.locator("form", { has: page.getByRole("button", { name: `Execute ${procedure}` }) }).locator("visible=true");
  expect(await form.count()).toBe(1);
  return form;
}

describe("the tRPC panel in a browser", () => {
  it("creates a project from the projects.create form, shows it, and the API has stored it", async () => {
    const { page, elsewhere, pageErrors } = await openPanel();
    // tasks.create has an "Execute create" form too, but its router is still folded away.
    const form = await procedureForm(page, "projects", "create");

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
    const listed = await fetch(`${server?.url}/trpc/projects.list`);
    expect(listed.status).toBe(200);
    const { result } = (await listed.json()) as { result: { data: { items: Project[] } } };
    expect(result.data.items).toEqual(expect.arrayContaining([expect.objectContaining({ id, name: "Made in the panel", version: 1 })]));
    expect(pageErrors).toEqual([]);
    expect(elsewhere).toEqual([]);
  });

  it("runs tasks.list from its untouched form: empty optional lists and groups are left out, not sent as []", async () => {
    const { page, elsewhere, pageErrors } = await openPanel();
    const form = await procedureForm(page, "tasks", "list");
    const [request] = await Promise.all([
      page.waitForRequest((sent) => sent.url().includes("/trpc/tasks.list")),
      form.getByRole("button", { name: "Execute list" }).click(),
    ]);
    expect(JSON.parse(new URL(request.url()).searchParams.get("input") ?? "")).toEqual({ 0: {} });
    const response = await request.response();
    expect(response?.status()).toBe(200);
    await form.locator("xpath=..").getByText(/^Response/u).waitFor();
    expect(pageErrors).toEqual([]);
    expect(elsewhere).toEqual([]);
  });

  it("sends a call typed in the JSON view, offline, including a form the fields cannot draw (a list of projects)", async () => {
    const { page, elsewhere, pageErrors } = await openPanel();
    const created = await procedureForm(page, "projects", "create");
    await created.getByRole("button", { name: "toggle raw JSON input" }).click();
    const json = created.getByRole("textbox", { name: "Input as JSON" });
    // Text that does not parse yet is held back; the call sends the last text that did.
    await json.fill('{ "name": "Typed as JSON", ');
    await json.fill('{ "name": "Typed as JSON", "description": "from the JSON view" }');
    await created.getByRole("button", { name: "Execute create" }).click();
    await created.locator("xpath=..").filter({ hasText: /name:\s*string\s*"Typed as JSON"/u }).filter({ hasText: /id:\s*string\s*"[^"]+"/u }).waitFor();
    const id = /id:\s*string\s*"([^"]+)"/u.exec((await created.locator("xpath=..").textContent()) ?? "")?.[1];
    expect(id).toBeTruthy();

    await page.getByRole("heading", { name: "projects", exact: true }).click();
    const list = await procedureForm(page, "tasks", "list");
    await list.getByRole("button", { name: "toggle raw JSON input" }).click();
    await list.getByRole("textbox", { name: "Input as JSON" }).fill(JSON.stringify({ projectId: [id, "another"], status: "all" }));
    const [request] = await Promise.all([
      page.waitForRequest((sent) => sent.url().includes("/trpc/tasks.list")),
      list.getByRole("button", { name: "Execute list" }).click(),
    ]);
    expect(JSON.parse(new URL(request.url()).searchParams.get("input") ?? "")).toEqual({ 0: { projectId: [id, "another"], status: "all" } });
    expect((await request.response())?.status()).toBe(200);
    await list.locator("xpath=..").getByText(/^Response/u).waitFor();

    const stored = await fetch(`${server?.url}/trpc/projects.get?input=${encodeURIComponent(JSON.stringify({ id }))}`);
    expect(((await stored.json()) as { result: { data: Project } }).result.data).toMatchObject({ name: "Typed as JSON", description: "from the JSON view" });
    expect(pageErrors).toEqual([]);
    expect(elsewhere).toEqual([]);
  });

  it("shows an API error in its error view: code and HTTP status", async () => {
    const { page, elsewhere, pageErrors } = await openPanel();
    const form = await procedureForm(page, "tasks", "get");
    await form.getByRole("textbox", { name: "id*" }).fill("no-such-task");
    const [request] = await Promise.all([
      page.waitForRequest((sent) => sent.url().includes("/trpc/tasks.get")),
      form.getByRole("button", { name: "Execute get" }).click(),
    ]);
    expect((await request.response())?.status()).toBe(404);
    const card = form.locator("xpath=..");
    await card.filter({ hasText: /HTTP Status Code\s*:?\s*404/u }).filter({ hasText: /NOT_FOUND/u }).waitFor();
    expect(pageErrors).toEqual([]);
    expect(elsewhere).toEqual([]);
  });

  it("works with an access token set through its Headers button: refused (401) before, answered after", async () => {
    if (!server || !browser) throw new Error("set-up failed");
    const database = openDatabase(server.databasePath);
    const created = await database.tokens.create({ name: "panel", scope: "write" });
    await database.close();
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
      await cleanup.tokens.revoke("panel");
      await cleanup.close();
    }
  });
});
