import type { IncomingMessage, ServerResponse } from "node:http";
import { getTRPCErrorFromUnknown, getTRPCErrorShape, TRPCError, type AnyTRPCProcedure, type AnyTRPCRouter } from "@trpc/server";
import { createHTTPHandler, type CreateHTTPHandlerOptions } from "@trpc/server/adapters/standalone";
import { getHTTPStatusCode, type TRPCRequestInfo } from "@trpc/server/http";
import { getParseFn, type ParseFn } from "@trpc/server/unstable-core-do-not-import";

/** A request listener that may be given the target's query already parsed (as `new URLSearchParams` reads req.url's). */
export type TRPCHandler = (req: IncomingMessage, res: ServerResponse, search?: URLSearchParams) => void;

/**
 * tRPC's HTTP wire for plain JSON queries, mutations and batches, answered without the Fetch Request, Response,
 * Headers, streams and abort signals that tRPC's Node adapter builds for every request (most of a call's CPU).
 * It follows tRPC 11's resolveResponse step by step with tRPC's own exported pieces, so status, body and headers
 * are the stock adapter's (tests/server/trpc-handler.test.ts sends both the same requests); anything else the wire
 * allows (streaming, subscriptions, form data, connection params, an unusual target or option) goes to the stock
 * adapter itself. Takes the options createHTTPHandler takes.
 */
export function createTRPCHandler<TRouter extends AnyTRPCRouter>(opts: CreateHTTPHandlerOptions<TRouter>): TRPCHandler {
  const stock = createHTTPHandler(opts);
  const { router, responseMeta, onError } = opts;
  const config = router._def._config;
  // A Map: a look-up by a path read from the request hashes it, where a property look-up in tRPC's record (a
  // dictionary) must first find the text among every string V8 has interned.
  const procedures = new Map(Object.entries(router._def.procedures as Record<string, AnyTRPCProcedure>));
  const base = `/${trimSlashes(opts.basePath ?? "/")}`;
  const leanable =
    Object.keys(router._def.lazy).length === 0 &&
    opts.allowMethodOverride !== true &&
    opts.allowBatching !== false &&
    opts.batching?.enabled !== false &&
    opts.maxBatchSize === undefined &&
    opts.middleware === undefined;

  return (req, res, search) => {
    const target = leanable ? plainTarget(req, base, search) : undefined;
    if (!target) {
      stock(req, res);
      return;
    }
    respond(req, res, target).catch((cause: unknown) => internalFailure(req, res, cause));
  };

  async function respond(req: IncomingMessage, res: ServerResponse, { path: rawPath, search }: { path: string; search: URLSearchParams }) {
    const isBatchCall = search.get("batch") === "1";
    const headers = new Map<string, string>([["vary", "trpc-accept, accept"]]);
    let info: TRPCRequestInfo | undefined;
    let ctx: unknown;
    try {
      const paths = isBatchCall ? decodePath(rawPath).split(",") : [decodePath(rawPath)];
      const calls = paths.map((path) => ({ path, procedure: lookUp(path) }));
      // Subscriptions take the stock adapter's streams.
      if (calls.some(({ procedure }) => procedure?._def.type === "subscription")) {
        stock(req, res);
        return;
      }
      const raw = req.method === "GET" ? search.get("input") : (req as { body?: string }).body;
      const inputs = new CallInputs(raw, isBatchCall, paths.length, config.transformer.input);
      const types: AnyTRPCProcedure["_def"]["type"][] = [];
      for (const { procedure } of calls) if (procedure && !types.includes(procedure._def.type)) types.push(procedure._def.type);
      if (types.length > 1) throw new TRPCError({ code: "BAD_REQUEST", message: `Cannot mix procedure types in call: ${types.join(", ")}` });
      info = new RequestInfo(
        req,
        res,
        isBatchCall,
        types[0] ?? "unknown",
        calls.map(({ path, procedure }, batchIndex) => ({
          batchIndex,
          path,
          procedure: procedure ?? null,
          getRawInput: rawInputOf(inputs, batchIndex),
          result: resultOf(inputs, batchIndex),
        })),
      );
      let contextFailure: TRPCError | undefined;
      try {
        ctx = await opts.createContext?.({ req, res, info });
      } catch (cause) {
        contextFailure = getTRPCErrorFromUnknown(cause);
      }
      const results = await Promise.all(
        info.calls.map(async (call): Promise<[TRPCError, undefined] | [undefined, unknown]> => {
          const proc = call.procedure;
          try {
            if (!proc) throw new TRPCError({ code: "NOT_FOUND", message: `No procedure found on path "${call.path}"` });
            const method = proc._def.type === "mutation" ? "POST" : "GET";
            if (req.method !== method) {
              headers.set("allow", method);
              throw new TRPCError({
                code: "METHOD_NOT_SUPPORTED",
                message: `Unsupported ${req.method}-request to ${proc._def.type} procedure at path "${call.path}"`,
              });
            }
            if (contextFailure) throw contextFailure;
            const data: unknown = await callProcedure(proc, {
              path: call.path,
              getRawInput: call.getRawInput,
              ctx,
              type: proc._def.type,
              signal: undefined,
              batchIndex: call.batchIndex,
            });
            return [undefined, data];
          } catch (cause) {
            const error = getTRPCErrorFromUnknown(cause);
            onError?.({ error, path: call.path, input: call.result(), ctx, type: proc?._def.type ?? "unknown", req });
            return [error, undefined];
          }
        }),
      );
      headers.set("content-type", "application/json");
      if (!isBatchCall && isDataStream(results[0]?.[1])) {
        throw new TRPCError({ code: "UNSUPPORTED_MEDIA_TYPE", message: streamRefusal });
      }
      const errors: (TRPCError | undefined)[] = [];
      const items = results.map(([error, data], index) => {
        const call = info!.calls[index]!;
        // (A single call's stream was refused above.)
        const failure = error ?? (isBatchCall && isDataStream(data) ? new TRPCError({ code: "UNSUPPORTED_MEDIA_TYPE", message: streamRefusal }) : undefined);
        errors.push(failure);
        if (!failure) return { result: { data: config.transformer.output.serialize(data) as unknown } };
        const type = isBatchCall ? (call.procedure?._def.type ?? "unknown") : info!.type;
        const shape = getTRPCErrorShape({ config, ctx, error: failure, input: call.result(), path: call.path, type });
        return { error: config.transformer.output.serialize(shape) as unknown };
      });
      send(res, headers, items, errors, ctx, info, isBatchCall ? items : items[0]);
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      const type = info?.type ?? "unknown";
      onError?.({ error, path: undefined, input: undefined, ctx, type, req });
      const shape = getTRPCErrorShape({ config, error, type, path: undefined, input: undefined, ctx });
      const item = { error: config.transformer.output.serialize(shape) as unknown };
      // A string body without a type gets this one from the Fetch Response tRPC answers with.
      if (!headers.has("content-type")) headers.set("content-type", "text/plain;charset=UTF-8");
      send(res, headers, item, [error], ctx, info, item);
    }
  }

  function lookUp(path: string): AnyTRPCProcedure | undefined {
    return procedures.get(path);
  }

  /** Status and headers as tRPC's initResponse sets them, then the body in one write (with a content-length). */
  function send(
    res: ServerResponse,
    headers: Map<string, string>,
    json: object | object[],
    errors: (TRPCError | undefined)[],
    ctx: unknown,
    info: TRPCRequestInfo | undefined,
    body: unknown,
  ): void {
    let status = getHTTPStatusCode(json as Parameters<typeof getHTTPStatusCode>[0], errors as TRPCError[]);
    const meta = responseMeta?.({
      ctx: ctx as never,
      info,
      paths: info?.calls.map((call) => call.path),
      data: (Array.isArray(json) ? json : [json]) as never,
      errors: errors.filter((error) => error !== undefined),
      eagerGeneration: false,
      type: info?.calls.find((call) => call.procedure?._def.type)?.procedure?._def.type ?? "unknown",
    });
    if (meta?.headers) {
      if (meta.headers instanceof Headers) for (const [name, value] of meta.headers) appendHeader(headers, name, value);
      else
        for (const [name, value] of Object.entries(meta.headers)) {
          if (Array.isArray(value)) for (const item of value) appendHeader(headers, name, item);
          else if (typeof value === "string") headers.set(name.toLowerCase(), value);
        }
    }
    if (meta?.status) status = meta.status;
    if (res.statusCode === 200) res.statusCode = status;
    // In the order a Fetch Headers object iterates them, as the stock adapter copies them.
    for (const name of [...headers.keys()].sort()) res.setHeader(name, headers.get(name)!);
    res.end(JSON.stringify(body));
  }

  /** What the stock adapter answers when handling a request throws. */
  function internalFailure(req: IncomingMessage, res: ServerResponse, cause: unknown): void {
    const error = getTRPCErrorFromUnknown(cause);
    onError?.({ error, path: undefined, input: undefined, ctx: undefined, type: "unknown", req });
    if (res.headersSent) {
      res.end();
      return;
    }
    const shape = getTRPCErrorShape({ config, error, type: "unknown", path: undefined, input: undefined, ctx: undefined });
    res.statusCode = shape.data.httpStatus;
    res.end(JSON.stringify({ error: config.transformer.output.serialize(shape) as unknown }));
  }
}

/** A call's getRawInput and result (made here, unnamed, rather than bound: binding cost more in a profile). */
const rawInputOf = (inputs: CallInputs, index: number) => () => inputs.read(index);
const resultOf = (inputs: CallInputs, index: number) => () => inputs.result(index);

/**
 * The inputs of the calls, parsed once, when a procedure first asks (as tRPC's json content handler does). A class
 * rather than an object of closures made for every request (run through tsx, as the benchmark runs the sources,
 * each named closure also has its name set, which a profile found at 2 µs each).
 */
class CallInputs {
  #parsed: unknown[] | undefined;
  #failure: TRPCError | undefined;

  constructor(
    private readonly raw: string | null | undefined,
    private readonly isBatchCall: boolean,
    private readonly count: number,
    private readonly transformer: { deserialize(value: unknown): unknown },
  ) {}

  async read(index: number): Promise<unknown> {
    if (!this.#parsed && !this.#failure) {
      try {
        this.#parsed = this.#parse();
      } catch (cause) {
        this.#failure =
          cause instanceof TRPCError ? cause : new TRPCError({ code: "BAD_REQUEST", message: cause instanceof Error ? cause.message : "Invalid input", cause });
      }
    }
    if (this.#failure) throw this.#failure;
    return this.#parsed![index];
  }

  result(index: number): unknown {
    return this.#parsed?.[index];
  }

  /** An array by call index (an object without prototype is a slow dictionary to make and fill). */
  #parse(): unknown[] {
    const inputs: unknown = this.raw ? JSON.parse(this.raw) : undefined;
    const result: unknown[] = [];
    if (inputs === undefined) return result;
    if (!this.isBatchCall) {
      result[0] = this.transformer.deserialize(inputs);
      return result;
    }
    if (!isObject(inputs)) throw new TRPCError({ code: "BAD_REQUEST", message: '"input" needs to be an object when doing a batch call' });
    for (let index = 0; index < this.count; index++) {
      const input = inputs[index];
      if (input !== undefined) result[index] = this.transformer.deserialize(input);
    }
    return result;
  }
}

/** What a procedure is called with (tRPC's ProcedureCallOptions). */
type CallOptions = {
  path: string;
  getRawInput: () => Promise<unknown>;
  ctx: unknown;
  type: AnyTRPCProcedure["_def"]["type"];
  signal: AbortSignal | undefined;
  batchIndex: number;
};
type MiddlewareResult = { ok: true; data: unknown; ctx?: unknown } | { ok: false; error: TRPCError };
/** `_type` marks tRPC's own middlewares: "input" and "output" for `.input()` and `.output()`. */
type Middleware = ((opts: CallOptions & { meta: unknown; input: unknown; next(next?: NextOptions): Promise<MiddlewareResult> }) => Promise<MiddlewareResult>) & {
  _type?: string;
};
type NextOptions = { ctx?: object; input?: unknown; getRawInput?: () => Promise<unknown> };
type ProcedureDef = { middlewares?: Middleware[]; meta?: unknown; caller?: unknown; inputs?: unknown[]; output?: unknown; resolver?: (opts: unknown) => unknown };

/**
 * A procedure's middlewares, with the run of tRPC's own input and output validators and its resolver at their end
 * (every procedure built with `.input().output().query()`) as one step: it parses with the procedure's own parsers
 * (tRPC's getParseFn) and throws the errors tRPC's validator middlewares throw, without a middleware call, an
 * options object and an async frame per validator, nor the two object spreads of tRPC's output validator.
 */
type Plan = { middlewares: Middleware[]; tail: number; steps: ({ kind: "input" | "output"; parse: ParseFn<unknown> } | { kind: "resolve" })[] };
const plans = new WeakMap<AnyTRPCProcedure, Plan | undefined>();

function planOf(procedure: AnyTRPCProcedure): Plan | undefined {
  if (plans.has(procedure)) return plans.get(procedure);
  const def = procedure._def as ProcedureDef;
  const middlewares = def.middlewares;
  let plan: Plan | undefined;
  if (Array.isArray(middlewares) && def.caller === undefined) {
    const inputs = def.inputs ?? [];
    // Walked back from the resolver while the steps are ones this knows; the inputs are numbered as their middlewares.
    let tail = middlewares.length;
    let inputCount = 0;
    let outputCount = 0;
    const resolves = typeof def.resolver === "function" && middlewares.at(-1)?.name === "resolveMiddleware";
    if (resolves) {
      tail--;
      while (tail > 0 && (middlewares[tail - 1]!._type === "input" || (middlewares[tail - 1]!._type === "output" && def.output !== undefined))) {
        tail--;
        if (middlewares[tail]!._type === "input") inputCount++;
        else outputCount++;
      }
    }
    const firstInput = inputs.length - inputCount;
    let input = firstInput;
    // (tRPC keeps one output parser: a procedure with two output validators is left to its own steps.)
    const steps: Plan["steps"] = !resolves || firstInput < 0 || outputCount > 1 || middlewares.slice(0, tail).filter((m) => m._type === "input").length !== firstInput
      ? []
      : middlewares.slice(tail).map((middleware) =>
          middleware._type === "input"
            ? { kind: "input" as const, parse: getParseFn(inputs[input++] as Parameters<typeof getParseFn>[0]) }
            : middleware._type === "output"
              ? { kind: "output" as const, parse: getParseFn(def.output as Parameters<typeof getParseFn>[0]) }
              : { kind: "resolve" as const },
        );
    plan = { middlewares, tail: steps.length > 0 ? tail : middlewares.length, steps };
  }
  plans.set(procedure, plan);
  return plan;
}

/**
 * Calls a procedure as tRPC's own caller does (callRecursive: each middleware gets the call's options, its `next`
 * the options it passes merged in, a throw becomes a failed result), with one plain object per step where tRPC
 * copies the options twice per middleware with its spread helper, a tenth of a point read's CPU. A procedure
 * built any other way (a custom caller) is called through tRPC.
 */
function callProcedure(procedure: AnyTRPCProcedure, options: CallOptions): Promise<unknown> {
  const plan = planOf(procedure);
  if (!plan) return procedure(options) as Promise<unknown>;
  const call: Call = {
    path: options.path,
    getRawInput: options.getRawInput,
    ctx: options.ctx,
    type: options.type,
    signal: options.signal,
    batchIndex: options.batchIndex,
    input: undefined,
  };
  return step(plan, procedure._def as ProcedureDef, 0, call).then((result) => {
    if (!result) throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "No result from middlewares - did you forget to `return next()`?" });
    if (!result.ok) throw result.error;
    return result.data;
  });
}

type Call = CallOptions & { input: unknown };

/** What a middleware or the resolver is called with: the call as it stands, this step's input and its `next`. */
function middlewareOptions(def: ProcedureDef, call: Call, input: unknown, next: (next?: NextOptions) => Promise<MiddlewareResult>) {
  return {
    path: call.path,
    getRawInput: call.getRawInput,
    ctx: call.ctx,
    type: call.type,
    signal: call.signal,
    batchIndex: call.batchIndex,
    meta: def.meta,
    input,
    next,
  };
}

async function step(plan: Plan, def: ProcedureDef, index: number, call: Call): Promise<MiddlewareResult | undefined> {
  if (index >= plan.tail && plan.steps.length > 0) return validatedCall(plan, def, call);
  try {
    return await plan.middlewares[index]!(
      middlewareOptions(def, call, call.input, (next?: NextOptions) =>
        step(plan, def, index + 1, {
          path: call.path,
          getRawInput: next?.getRawInput ?? call.getRawInput,
          // Object.assign, not `{ ...ctx, ...next.ctx }`: V8 adds the second object's keys to the first's clone one
          // by one on a slow path (1.5 µs against 0.1 µs a merge, a tenth of a batched call's CPU in a profile).
          ctx: next?.ctx ? Object.assign({}, call.ctx, next.ctx) : call.ctx,
          type: call.type,
          signal: call.signal,
          batchIndex: call.batchIndex,
          input: next && "input" in next ? next.input : call.input,
        }) as Promise<MiddlewareResult>,
      ),
    );
  } catch (cause) {
    return failed(cause);
  }
}

/** The validators and the resolver: what tRPC's input, output and resolve middlewares do, nested as they are. */
async function validatedCall({ steps }: Plan, def: ProcedureDef, call: Call): Promise<MiddlewareResult> {
  const outputs: ParseFn<unknown>[] = [];
  let input = call.input;
  let data: unknown;
  try {
    for (const item of steps) {
      if (item.kind === "output") outputs.push(item.parse);
      else if (item.kind === "input") {
        const raw = await call.getRawInput();
        let parsed: unknown;
        try {
          // A parser that answers at once (zod's) is not awaited: an await per parse is a turn of the microtask queue.
          parsed = item.parse(raw);
          if (isPromise(parsed)) parsed = await parsed;
        } catch (cause) {
          throw new TRPCError({ code: "BAD_REQUEST", cause });
        }
        input = isObject(input) && isObject(parsed) ? { ...input, ...parsed } : parsed;
      } else {
        data = await def.resolver!(middlewareOptions(def, call, input, afterResolver));
      }
    }
  } catch (cause) {
    return failed(cause);
  }
  // The innermost output validator first, as the middlewares nest.
  for (let index = outputs.length - 1; index >= 0; index--) {
    try {
      data = outputs[index]!(data);
      if (isPromise(data)) data = await data;
    } catch (cause) {
      return failed(new TRPCError({ message: "Output validation failed", code: "INTERNAL_SERVER_ERROR", cause }));
    }
  }
  return { ok: true, data, ctx: call.ctx, marker: "middlewareMarker" } as MiddlewareResult;
}

/** The resolver's `next` (one function, not a closure per call): nothing comes after it. */
const afterResolver = () => Promise.resolve(failed(new TypeError("No middleware after the resolver")));

const failed = (cause: unknown) => ({ ok: false, error: getTRPCErrorFromUnknown(cause), marker: "middlewareMarker" }) as MiddlewareResult;

const streamRefusal = "Cannot use stream-like response in non-streaming request - use httpBatchStreamLink";

/** A header value added to those already set, as Fetch's Headers.append does. */
function appendHeader(headers: Map<string, string>, name: string, value: string): void {
  const key = name.toLowerCase();
  const before = headers.get(key);
  headers.set(key, before === undefined ? value : `${before}, ${value}`);
}

const trimSlashes = (path: string) => path.replace(/^\//u, "").replace(/\/$/u, "");

/**
 * A plain call's procedure path and query, or undefined when the stock adapter must answer: another method or
 * content type, a streaming accept header, connection params, a POST body not read into req.body, or a target
 * the WHATWG URL parser could rewrite (only then would reading it as text differ from tRPC's `new URL`).
 */
function plainTarget(req: IncomingMessage, base: string, parsed: URLSearchParams | undefined): { path: string; search: URLSearchParams } | undefined {
  const { method, headers, url = "" } = req;
  if (method !== "GET" && method !== "POST") return undefined;
  if (headers["trpc-accept"] !== undefined || headers.accept?.includes("application/jsonl")) return undefined;
  const type = headers["content-type"];
  if (type !== undefined && type.split(";", 1)[0]!.trim().toLowerCase() !== "application/json") return undefined;
  if (method === "POST" && typeof (req as { body?: unknown }).body !== "string") return undefined;
  if (url.includes("#")) return undefined;
  const mark = url.indexOf("?");
  const pathname = mark === -1 ? url : url.slice(0, mark);
  if (!pathname.startsWith(`${base}/`)) return undefined;
  const path = pathname.slice(base.length + 1);
  if (!plainPath.test(path)) return undefined;
  const search = parsed ?? new URLSearchParams(mark === -1 ? "" : url.slice(mark + 1));
  if (search.has("connectionParams")) return undefined;
  return { path, search };
}

/** One path segment that no URL parser rewrites (no dot segment, no character it would encode). */
const plainPath = /^[\w,-][\w.,%-]*$/u;

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch (cause) {
    throw new TRPCError({ code: "BAD_REQUEST", message: `Invalid URL-encoding in path "${path}"`, cause });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && !Array.isArray(value) && typeof value === "object";
}

const isPromise = (value: unknown) =>
  (isObject(value) || typeof value === "function") &&
  typeof (value as { then?: unknown }).then === "function" &&
  typeof (value as { catch?: unknown }).catch === "function";

const isAsyncIterable = (value: unknown) => isObject(value) && Symbol.asyncIterator in value;

/** tRPC refuses to put promises or iterators into a plain JSON answer. */
function isDataStream(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (isAsyncIterable(value)) return true;
  for (const item of Object.values(value)) if (isPromise(item) || isAsyncIterable(item)) return true;
  return false;
}

/** The request's info for createContext and responseMeta; its signal and URL are made only when asked for (a class:
 * an object literal with getters costs more to make than the rest of the info). */
class RequestInfo implements TRPCRequestInfo {
  readonly accept = null;
  readonly connectionParams = null;
  #controller: AbortController | undefined;
  #url: URL | undefined;
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;

  constructor(
    req: IncomingMessage,
    res: ServerResponse,
    readonly isBatchCall: boolean,
    readonly type: TRPCRequestInfo["type"],
    readonly calls: TRPCRequestInfo["calls"],
  ) {
    this.#req = req;
    this.#res = res;
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      const aborter = new AbortController();
      this.#controller = aborter;
      const res = this.#res;
      res.once("close", () => !res.writableEnded && aborter.abort());
    }
    return this.#controller.signal;
  }

  get url(): URL {
    this.#url ??= new URL(this.#req.url ?? "/", `http://${this.#req.headers.host ?? "localhost"}`);
    return this.#url;
  }
}
