import { createServer, request, type IncomingMessage, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { initTRPC } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { describe, expect, it, onTestFinished } from "vitest";
import { z } from "zod";
import { appRouter, createContext } from "../../src/api";
import type { TaskDatabase } from "../../src/data";
import { createTRPCHandler } from "../../src/server/trpc-handler";
import { openDatabaseCopy, tickingClock } from "../support/database";

/**
 * The lean handler against tRPC's own adapter: the same requests, in the same order, to two servers over two
 * databases that start alike (same clock, ids and cursor key), must get the same status, body and headers.
 */

type Call = { method: string; path: string; body?: string; headers?: Record<string, string> };
type Answer = { status: number; body: string; headers: Record<string, string | undefined>; length: string | undefined };

const input = (value: unknown) => encodeURIComponent(JSON.stringify(value));
const json = { "content-type": "application/json" };

async function serve(make: typeof createHTTPHandler) {
  let counter = 0;
  const database: TaskDatabase = openDatabaseCopy({
    clock: tickingClock(),
    newId: () => `id-${++counter}`,
    cursorSecret: "the same key for both",
  });
  const errors: string[] = [];
  // The options src/server/http.ts passes.
  const handler: RequestListener = make({
    router: appRouter,
    basePath: "/trpc/",
    createContext: ({ req }: { req: IncomingMessage }) => createContext(database, { authorization: req.headers.authorization }),
    responseMeta: () => ({ headers: new Headers([["vary", "Origin"]]) }),
    onError: ({ error, path, type, input: given }) => errors.push(`${type} ${path ?? "-"} ${error.code} ${JSON.stringify(given) ?? "-"}`),
  });
  // As the guards do: the body read into req.body, Vary set first.
  const server = createServer((req, res) => {
    res.setHeader("vary", "Origin");
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      if (req.method === "POST") (req as IncomingMessage & { body?: string }).body = body;
      handler(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(async () => {
    server.close();
    await database.close();
  });
  const { port } = server.address() as AddressInfo;
  const send = ({ method, path, body, headers }: Call) =>
    new Promise<Answer>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body: text,
            headers: { "content-type": res.headers["content-type"], vary: res.headers.vary, allow: res.headers.allow },
            length: res.headers["content-length"],
          }),
        );
      });
      req.on("error", reject);
      req.end(body);
    });
  return { send, database, errors };
}

const get = (path: string, headers?: Record<string, string>): Call => ({ method: "GET", path, headers });
const post = (path: string, body: string, headers: Record<string, string> = json): Call => ({ method: "POST", path, body, headers });

/** Every shape of call the wire carries, successes and failures, single and batched. */
const answered: Call[] = [
  post("/trpc/projects.create", JSON.stringify({ name: "Alpha" })),
  post("/trpc/tasks.create", JSON.stringify({ projectId: "id-1", title: "First", labels: ["x"] })),
  post("/trpc/tasks.create", JSON.stringify({ projectId: "id-1", title: "Second" })),
  get(`/trpc/tasks.get?input=${input({ id: "id-2" })}`),
  get(`/trpc/tasks.get?input=${input({ id: "missing" })}`),
  get(`/trpc/tasks.get?input=${input({ id: "" })}`),
  get(`/trpc/tasks.get?input=${input({ id: "id-2", extra: 1 })}`),
  get("/trpc/tasks.get?input=%7Bnot-json"),
  get("/trpc/tasks.get?input="),
  get("/trpc/tasks.get"),
  get(`/trpc/tasks.list?input=${input({ projectId: "id-1", limit: 1 })}`),
  get("/trpc/projects.list"),
  get("/trpc/nothing.here"),
  get("/trpc/tasks.create"),
  post("/trpc/tasks.get", JSON.stringify({ id: "id-2" })),
  post("/trpc/projects.create", "{}"),
  post("/trpc/projects.create", "{"),
  post("/trpc/projects.create", ""),
  post("/trpc/tasks.update", JSON.stringify({ id: "id-2", title: "Renamed", expectedVersion: 99 })),
  get(`/trpc/tasks.get,tasks.get?batch=1&input=${input({ 0: { id: "id-2" }, 1: { id: "id-3" } })}`),
  get(`/trpc/tasks.get,tasks.get?batch=1&input=${input({ 0: { id: "id-2" }, 1: { id: "missing" } })}`),
  get(`/trpc/tasks.get,tasks.get?batch=1&input=${input({ 0: { id: "nope" }, 1: { id: "missing" } })}`),
  get(`/trpc/tasks.get,nothing.here,projects.list?batch=1&input=${input({ 0: { id: "id-2" } })}`),
  get(`/trpc/tasks.get%2Ctasks.count?batch=1&input=${input({ 0: { id: "id-3" }, 1: { projectId: "id-1" } })}`),
  get(`/trpc/tasks.get,tasks.get?batch=1&input=${input([{ id: "id-2" }])}`),
  get("/trpc/tasks.get,tasks.get?batch=1&input=%7B"),
  get("/trpc/tasks.get,tasks.get?batch=1"),
  get(`/trpc/tasks.get,tasks.create?batch=1&input=${input({ 0: { id: "id-2" } })}`),
  post("/trpc/tasks.complete,tasks.complete?batch=1", JSON.stringify({ 0: { id: "id-2" }, 1: { id: "missing" } })),
  post("/trpc/projects.create,projects.create?batch=1", JSON.stringify({ 0: { name: "Beta" }, 1: { name: "Gamma" } })),
  post("/trpc/tasks.get,tasks.get?batch=1", JSON.stringify({ 0: { id: "id-2" } })),
  get("/trpc/tasks.get%E0%A4%A"),
];

/** What the lean handler leaves to the stock adapter: no procedure path, streaming, another content type, connection params. */
const leftToStock: Call[] = [
  get("/trpc/"),
  get(`/trpc/tasks.get?input=${input({ id: "id-2" })}`, { accept: "application/jsonl" }),
  get(`/trpc/tasks.get?input=${input({ id: "id-2" })}`, { "content-type": "text/plain" }),
  get(`/trpc/tasks.get?input=${input({ id: "id-2" })}&connectionParams=1`),
];

const battery = [...answered, ...leftToStock];

describe("the lean tRPC handler", () => {
  it("answers every call as tRPC's own adapter does: status, body, content type, Vary, Allow, and what it reports", async () => {
    const stock = await serve(createHTTPHandler);
    const lean = await serve(createTRPCHandler);
    const answers = async (server: typeof stock) => {
      const all: Answer[] = [];
      for (const call of battery) all.push(await server.send(call));
      // Once a live token exists, a call without one is refused by the context.
      await server.database.tokens.create({ name: "ci", scope: "read" });
      all.push(await server.send(get(`/trpc/tasks.get?input=${input({ id: "id-2" })}`)));
      all.push(await server.send(get(`/trpc/tasks.get,tasks.list?batch=1&input=${input({ 0: { id: "id-2" }, 1: {} })}`)));
      return all;
    };
    const expected = await answers(stock);
    const actual = await answers(lean);
    const shown = (answers: Answer[]) => answers.map(({ length: _length, ...answer }, index) => ({ call: battery[index] ?? "with a token", ...answer }));
    expect(shown(actual)).toEqual(shown(expected));
    expect(lean.errors).toEqual(stock.errors);
    // The stock adapter streams its body (chunked); the lean one sends it whole, with its length, except what it
    // leaves to the stock adapter.
    const framing = actual.map(({ length }) => (length === undefined ? "stock" : "lean"));
    expect(framing).toEqual([...answered.map(() => "lean"), ...leftToStock.map(() => "stock"), "lean", "lean"]);
    // The battery reaches every status the wire uses.
    expect(new Set(expected.map(({ status }) => status))).toEqual(new Set([200, 207, 400, 401, 404, 405, 409]));
  });

  it("calls a procedure's middlewares as tRPC does: each sees the context and input passed on, a throw is the call's error", async () => {
    const t = initTRPC.context<{ user: string }>().meta<{ name: string }>().create();
    const router = t.router({
      chained: t.procedure
        .meta({ name: "chained" })
        .use(({ next }) => next({ ctx: { role: "admin" } }))
        .use(({ ctx, meta, next }) => next({ ctx: { seen: `${ctx.user} as ${ctx.role} in ${meta?.name}` } }))
        .input(z.object({ n: z.number() }))
        .use(({ input, next }) => next({ input: { n: input.n + 1 } }))
        .output(z.object({ seen: z.string(), n: z.number() }))
        .query(({ ctx, input }) => ({ seen: ctx.seen, n: input.n })),
      throwing: t.procedure.use(() => Promise.reject(new Error("refused in a middleware"))).query(() => "never"),
      badOutput: t.procedure.output(z.string()).query(() => 1 as unknown as string),
      // Two inputs merged, and parsers that answer only asynchronously, each failing in its own way.
      merged: t.procedure
        .input(z.object({ a: z.number() }))
        .input(z.object({ b: z.number() }))
        .output(z.object({ a: z.number(), b: z.number() }).refine(async ({ a }) => a > 0))
        .query(({ input }) => input),
    });
    const answers = async (make: typeof createHTTPHandler) => {
      const handler = make({ router, createContext: () => ({ user: "ann" }), basePath: "/trpc/" }) as RequestListener;
      const server = createServer(handler);
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      onTestFinished(() => void server.close());
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/trpc`;
      const paths = [
        `/chained?input=${input({ n: 1 })}`,
        "/throwing",
        "/badOutput",
        `/chained,throwing?batch=1&input=${input({ 0: { n: 5 } })}`,
        `/merged?input=${input({ a: 1, b: 2 })}`,
        `/merged?input=${input({ a: 1 })}`,
        `/merged?input=${input({ a: -1, b: 2 })}`,
      ];
      return Promise.all(paths.map(async (path) => {
        const response = await fetch(`${base}${path}`);
        return { status: response.status, body: (await response.text()).replace(/"stack":"(?:[^"\\]|\\.)*"/gu, '"stack":"…"') };
      }));
    };
    const lean = await answers(createTRPCHandler);
    expect(lean).toEqual(await answers(createHTTPHandler));
    expect(JSON.parse(lean[0]?.body ?? "")).toEqual({ result: { data: { seen: "ann as admin in chained", n: 2 } } });
    expect(JSON.parse(lean[4]?.body ?? "")).toEqual({ result: { data: { a: 1, b: 2 } } });
    expect(lean.slice(5).map(({ status }) => status)).toEqual([400, 500]);
  });
});
