import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { build, preview, type InlineConfig, type PreviewServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../support/server";
import { keepOffline, launchChromium } from "./support/chromium";

/**
 * examples/react (React, TanStack Query, tRPC's integration, the SDK) built with Vite and used as a person
 * would, against the real server:
 * - same origin: Vite's preview server serves the app and passes /trpc on to the taskrpc server;
 * - another origin: a second preview server serves a build that calls the taskrpc server directly. Opened as
 *   http://127.0.0.1:<port> it is listed in CORS_ORIGINS; as http://localhost:<port> it is not, and is refused.
 * The browser may reach nothing but this machine.
 */

const root = fileURLToPath(new URL("../..", import.meta.url));
const example = join(root, "examples", "react");

let api: RunningServer | undefined;
let sameOrigin: PreviewServer | undefined;
let crossOrigin: PreviewServer | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let outDir = "";

function config(extra: InlineConfig): InlineConfig {
  return {
    root: example,
    logLevel: "warn",
    // The SDK from its source, as the example's tsconfig.repo.json types it: no build of sdk/ needed first.
    resolve: { alias: { "@taskrpc/sdk": join(root, "sdk", "src", "index.ts") } },
    ...extra,
  };
}

function urlOf(server: PreviewServer | undefined): string {
  const url = server?.resolvedUrls?.local[0];
  if (!url) throw new Error("preview server not listening");
  return url.replace(/\/$/, "");
}

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), "taskrpc-react-"));
  const localOnly = { port: 0, host: "127.0.0.1" };
  // The preview servers read the files at each request, so they can start before the builds they serve.
  crossOrigin = await preview(config({ preview: localOnly, build: { outDir: join(outDir, "cross") } }));
  api = await startServer({ env: { CORS_ORIGINS: urlOf(crossOrigin) } });
  sameOrigin = await preview(config({ preview: { ...localOnly, proxy: { "/trpc": { target: api.url } } }, build: { outDir: join(outDir, "same") } }));
  // Vitest sets NODE_ENV=test, with which Vite would build React's development JSX and bundle.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await build(config({ build: { outDir: join(outDir, "same"), emptyOutDir: true } }));
    await build(config({ build: { outDir: join(outDir, "cross"), emptyOutDir: true }, define: { "import.meta.env.VITE_TASKRPC_URL": JSON.stringify(api.url) } }));
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  browser = await launchChromium();
  context = await browser.newContext();
  await keepOffline(context, ({ hostname }) => hostname === "127.0.0.1" || hostname === "localhost");
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await sameOrigin?.close();
  await crossOrigin?.close();
  await api?.stop();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

async function call<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${api?.url}/trpc/${path}`, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return ((await response.json()) as { result: { data: T } }).result.data;
}

type Task = { id: string; title: string; completed: boolean; version: number };
const tasksOnServer = async (): Promise<Task[]> => (await call<{ items: Task[] }>(`tasks.list?input=${encodeURIComponent('{"status":"all"}')}`)).items;

async function open(url: string): Promise<Page> {
  if (!context) throw new Error("set-up failed");
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

/** The open tasks as the page shows them. */
const rows = (page: Page) => page.getByRole("list", { name: "Open tasks" }).getByRole("listitem").locator("span").allInnerTexts();
const alertText = (page: Page) => page.getByRole("alert").allInnerTexts();

/** Holds the page's calls of one procedure until `release()`: what the page shows meanwhile came before any answer. */
function hold(page: Page, procedure: string): { arrived: Promise<void>; release: () => void } {
  let release = () => undefined as void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let arrived = () => undefined as void;
  const arrival = new Promise<void>((resolve) => (arrived = resolve));
  void page.route(`**/trpc/${procedure}?**`, async (route) => {
    arrived();
    await released;
    await route.fallback();
  });
  return { arrived: arrival, release };
}

async function add(page: Page, title: string): Promise<void> {
  await page.getByRole("textbox", { name: "New task" }).fill(title);
  await page.getByRole("button", { name: "Add" }).click();
}

describe("the React example on the server's origin (Vite's preview proxying /trpc)", () => {
  it("creates its project, then shows a new task before the server answers, and keeps it once saved", async () => {
    const page = await open(urlOf(sameOrigin));
    await page.getByRole("heading", { name: "Inbox" }).waitFor();
    expect((await call<{ items: { name: string }[] }>("projects.list")).items.map((project) => project.name)).toEqual(["Inbox"]);

    const creating = hold(page, "tasks.create");
    await add(page, "Buy milk");
    await creating.arrived;
    await expect.poll(() => rows(page)).toEqual(["Buy milk (saving…)"]);
    expect(await tasksOnServer()).toEqual([]);
    creating.release();
    await expect.poll(() => rows(page)).toEqual(["Buy milk"]);
    expect((await tasksOnServer()).map((task) => task.title)).toEqual(["Buy milk"]);
  });

  it("takes a completed task off the open list at once, and the server records it", async () => {
    const page = await open(urlOf(sameOrigin));
    await expect.poll(() => rows(page)).toEqual(["Buy milk"]);
    const completing = hold(page, "tasks.complete");
    await page.getByRole("button", { name: "Complete Buy milk" }).click();
    await completing.arrived;
    await expect.poll(() => rows(page)).toEqual([]);
    expect((await tasksOnServer()).map((task) => task.completed)).toEqual([false]);
    completing.release();
    await expect.poll(async () => (await tasksOnServer()).map((task) => task.completed)).toEqual([true]);
    expect(await rows(page)).toEqual([]);
  });

  it("shows a refused task, then removes it and shows the reason (an empty title: VALIDATION)", async () => {
    const page = await open(urlOf(sameOrigin));
    await page.getByRole("heading", { name: "Inbox" }).waitFor();
    const creating = hold(page, "tasks.create");
    await add(page, "");
    await creating.arrived;
    await expect.poll(() => rows(page)).toEqual(["(saving…)"]);
    // The list's refetch after the refusal waits: the draft's removal is the rollback's own work.
    const refetching = hold(page, "tasks.list");
    creating.release();
    await expect.poll(() => alertText(page)).toEqual(["Refused: VALIDATION"]);
    expect(await rows(page)).toEqual([]);
    refetching.release();
  });

  it("puts back a task whose completion is refused (changed meanwhile: VERSION_MISMATCH), as it now is", async () => {
    const project = (await call<{ items: { id: string }[] }>("projects.list")).items[0];
    const task = await call<Task>("tasks.create", { projectId: project?.id, title: "Call the plumber" });
    const page = await open(urlOf(sameOrigin));
    await expect.poll(() => rows(page)).toEqual(["Call the plumber"]);
    await call("tasks.update", { id: task.id, title: "Call the plumber again" });
    const refetching = hold(page, "tasks.list");
    await page.getByRole("button", { name: "Complete Call the plumber" }).click();
    await expect.poll(() => alertText(page)).toEqual(["Refused: VERSION_MISMATCH"]);
    expect(await rows(page)).toEqual(["Call the plumber"]); // put back as the page knew it
    refetching.release();
    await expect.poll(() => rows(page)).toEqual(["Call the plumber again"]);
    expect((await tasksOnServer()).find((each) => each.id === task.id)?.completed).toBe(false);
  });
});

describe("the React example on another origin, calling the server directly", () => {
  it("works from an origin listed in CORS_ORIGINS", async () => {
    const page = await open(urlOf(crossOrigin));
    await expect.poll(() => rows(page)).toEqual(["Call the plumber again"]);
    await add(page, "Water the plants");
    await expect.poll(() => rows(page)).toEqual(["Water the plants", "Call the plumber again"]);
    expect((await tasksOnServer()).map((task) => task.title)).toContain("Water the plants");
  });

  it("is refused from an origin not listed, and says why it has nothing to show", async () => {
    const page = await open(urlOf(crossOrigin).replace("127.0.0.1", "localhost"));
    await expect.poll(() => alertText(page)).toEqual([
      "Could not load the project: the API could not be reached (network error, or this origin is not allowed by CORS)",
    ]);
    expect(await page.getByRole("heading", { name: "Inbox" }).count()).toBe(0);
  });
});
