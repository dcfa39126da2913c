import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../support/server";
import { launchChromium } from "./support/chromium";

/**
 * What pages of other sites can do with the service in a real browser. A second local server serves their
 * pages: as http://localhost:<port> it is a hostile site, as http://127.0.0.1:<port> an app listed in
 * CORS_ORIGINS. Chromium resolves evil.test to 127.0.0.1, as a DNS-rebinding site would make it.
 */

let api: RunningServer | undefined;
let pages: Server | undefined;
let browser: Browser | undefined;
let pagesPort = 0;

beforeAll(async () => {
  pages = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>another site</title><iframe name=sink></iframe>"));
  await new Promise<void>((resolve) => pages?.listen(0, "127.0.0.1", resolve));
  pagesPort = (pages.address() as AddressInfo).port;
  [api, browser] = await Promise.all([
    startServer({ env: { CORS_ORIGINS: `http://127.0.0.1:${pagesPort}` } }),
    launchChromium(["--host-resolver-rules=MAP evil.test 127.0.0.1", "--disable-features=HttpsUpgrades"]),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await api?.stop();
  await new Promise((resolve) => pages?.close(resolve));
});

async function projectNames(): Promise<string[]> {
  const response = await fetch(`${api?.url}/trpc/projects.list`);
  const body = (await response.json()) as { result: { data: { items: { name: string }[] } } };
  return body.result.data.items.map((project) => project.name);
}

async function open(url: string): Promise<Page> {
  if (!browser) throw new Error("set-up failed");
  const page = await browser.newPage();
  await page.goto(url);
  return page;
}

describe("a page of another site", () => {
  it("cannot create a project with a text/plain form, a no-cors fetch or sendBeacon", async () => {
    const apiUrl = api?.url ?? "";
    const page = await open(`http://localhost:${pagesPort}/attack`);
    // Each of the three requests is seen settled by the browser before the projects are counted.
    const answered: string[] = [];
    const settled = (request: { url(): string; method(): string }) => request.url().startsWith(apiUrl) && answered.push(request.method());
    page.on("requestfinished", settled);
    page.on("requestfailed", settled);
    // Plain JavaScript run in the page (the tests are type-checked without the DOM's types).
    await page.evaluate(`(async (target) => {
      const form = document.createElement("form");
      form.method = "POST";
      form.enctype = "text/plain";
      form.target = "sink";
      form.action = target + "/trpc/projects.create";
      // A text/plain form sends name=value: this one's body is {"name":"By a form","description":"="}.
      const field = document.createElement("input");
      field.name = '{"name":"By a form","description":"';
      field.value = '"}';
      form.append(field);
      document.body.append(form);
      form.submit();
      await fetch(target + "/trpc/projects.create", { method: "POST", mode: "no-cors", body: JSON.stringify({ name: "By no-cors fetch" }) });
      navigator.sendBeacon(target + "/trpc/projects.create", JSON.stringify({ name: "By a beacon" }));
    })(${JSON.stringify(apiUrl)})`);
    await expect.poll(() => answered.length, { timeout: 20_000 }).toBe(3);
    expect(await projectNames()).toEqual([]);
  });

  it("cannot read the API with a CORS fetch: the answer is refused and carries no CORS header", async () => {
    const page = await open(`http://localhost:${pagesPort}/read`);
    const outcome = await page.evaluate(async (target) => {
      try {
        await fetch(`${target}/trpc/projects.list`);
        return "read";
      } catch {
        return "refused";
      }
    }, api?.url ?? "");
    expect(outcome).toBe("refused");
  });
});

describe("a site whose name resolves to 127.0.0.1 (DNS rebinding)", () => {
  it("is refused on the panel and the API, though the browser takes it as same-origin", async () => {
    const { port } = new URL(api?.url ?? "");
    if (!browser) throw new Error("set-up failed");
    const page = await browser.newPage();
    const panel = await page.goto(`http://evil.test:${port}/panel`);
    expect(panel?.status()).toBe(403);
    const answer = await page.evaluate(async () => {
      const response = await fetch("/trpc/projects.create", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "By rebinding" }),
      });
      return { status: response.status, body: (await response.json()) as { error: { data: { reason: string } } } };
    });
    expect(answer.status).toBe(403);
    expect(answer.body.error.data.reason).toBe("FORBIDDEN");
    expect(await projectNames()).toEqual([]);
  });
});

describe("an app on an origin listed in CORS_ORIGINS", () => {
  it("calls the API with fetch: a preflighted JSON mutation, then a query", async () => {
    const page = await open(`http://127.0.0.1:${pagesPort}/app`);
    const result = await page.evaluate(async (target) => {
      const created = await fetch(`${target}/trpc/projects.create`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-request-id": "from-the-app" },
        body: JSON.stringify({ name: "By the allowed app" }),
      });
      const listed = await fetch(`${target}/trpc/projects.list`);
      return {
        created: created.status,
        name: ((await created.json()) as { result: { data: { name: string } } }).result.data.name,
        listed: ((await listed.json()) as { result: { data: { items: { name: string }[] } } }).result.data.items.map((project) => project.name),
      };
    }, api?.url ?? "");
    expect(result).toEqual({ created: 200, name: "By the allowed app", listed: ["By the allowed app"] });
  });
});
