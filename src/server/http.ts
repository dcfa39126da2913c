import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { pino } from "pino";
import { appRouter, createContext, reasonOf } from "../api";
import type { Repositories, TaskDatabase } from "../data";
import { checkCall, checkHost, isLoopback, checkOrigin, decodedPath, defaultGuardOptions, preflight, readBody, parseTargetText, requestHost, requestTarget, type GuardOptions } from "./guards";
import { createPanel } from "./panel";
import { createObservability, noteFailure, noteToken, requestId, type Logger } from "./observability";
import { internalError, Refusal, sendRefusal, writeRefusal, type ErrorShape } from "./refusals";
import { isRestPath } from "./rest-routes";
import { version } from "./version";
import { createRestHandler } from "./rest";
import { createTRPCHandler } from "./trpc-handler";

export type { Logger };

/** What the server serves: the repositories, and the database's health where there is one (readiness, metrics). */
export type Served = Repositories & Partial<Pick<TaskDatabase, "ping" | "sizeBytes">>;

export type TaskServer = {
  server: Server;
  /** Resolves with the base URL once listening (port 0 picks a free port). */
  listen(port: number, host: string): Promise<string>;
  /** Stops accepting connections and resolves when every request in flight has been answered. */
  close(): Promise<void>;
};

export type TaskServerOptions = Partial<GuardOptions> & {
  /** The log: a line per request, and failures of the server itself (default: JSON on stdout, level info). */
  log?: Logger;
  /** Serve Prometheus metrics at GET /metrics (default true); when false, /metrics is 404. */
  metrics?: boolean;
  /** Serve the tRPC panel at GET /panel and the REST reference at GET /docs (default true); when false, both are 404 like any unknown path. */
  panel?: boolean;
  /** Milliseconds a client has to send its request headers, then its whole request (default 10 s each). */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
};

export function createTaskServer(
  repositories: Served,
  { log = pino({ base: undefined }), panel = true, metrics = true, headersTimeoutMs = 10_000, requestTimeoutMs = 10_000, ...guardOptions }: TaskServerOptions = {},
): TaskServer {
  const guards: GuardOptions = { ...defaultGuardOptions, ...guardOptions };
  const panelHtml = panel ? createPanel() : undefined;
  // One context maker for /trpc and /api, so both pass the same access checks.
  const contextOf = async ({ req }: { req: IncomingMessage }) => {
    const context = await createContext(repositories, { authorization: req.headers.authorization });
    noteToken(req, context.tokenName);
    return context;
  };
  const observability = createObservability(log, () => repositories.sizeBytes?.() ?? 0);
  const trpc = createTRPCHandler({
    router: appRouter,
    basePath: "/trpc/",
    createContext: contextOf,
    // tRPC sets its own Vary header over the one set before it: this adds Origin to it (a list is appended; a plain
    // object, not a Fetch Headers, which costs more to make and read than the rest of the answer's headers).
    responseMeta: () => ({ headers: { vary: ["Origin"] } }),
    onError: ({ error, path, req }) => {
      noteFailure(req, reasonOf(error), path);
      if (error.code === "INTERNAL_SERVER_ERROR") log.error({ err: error.cause ?? error, procedure: path, requestId: requestId(req) }, "procedure failed");
    },
  });

  const rest = createRestHandler({ createContext: contextOf, log, maxBodyBytes: guards.maxBodyBytes, docs: panel });

  let closing = false;
  /** Set once listening: only loopback host names are then served (DNS rebinding). */
  let loopbackOnly = true;
  /** The response under way on each connection, so that a parser error does not write into it. */
  const responses = new WeakMap<Duplex, ServerResponse>();

  async function handle(req: IncomingMessage, res: ServerResponse, parsedTarget: URL | undefined): Promise<void> {
    /** Set for a single /trpc call, whose procedure path a refusal names (decoded only then). */
    let call: URL | undefined;
    let shape: ErrorShape = "trpc";
    try {
      const target = requestTarget(req, parsedTarget);
      if (isRestPath(target.pathname)) shape = "rest";
      if (target.pathname === "/healthz" && (req.method === "GET" || req.method === "HEAD")) {
        res.writeHead(200, { "content-type": "application/json" }).end(req.method === "HEAD" ? undefined : JSON.stringify({ status: "ok", version }));
        return;
      }
      const host = requestHost(req);
      checkHost(host, guards, loopbackOnly);
      // Every answer below depends on the Origin: caches must keep them apart.
      res.setHeader("vary", "Origin");
      const corsOrigin = checkOrigin(req, host, guards);
      // A page of a listed origin may read the request id of an answer, to quote it.
      if (corsOrigin !== undefined) res.setHeader("access-control-allow-origin", corsOrigin).setHeader("access-control-expose-headers", "x-request-id");

      if (target.pathname === "/trpc" || target.pathname.startsWith("/trpc/")) {
        if (target.searchParams.get("batch") !== "1") call = target;
        if (req.method === "OPTIONS") return preflight(res, corsOrigin);
        checkCall(req, target, guards);
        if (req.method === "POST") (req as IncomingMessage & { body?: string }).body = await readBody(req, res, guards.maxBodyBytes);
        // The target as checked above: tRPC reads it again, with the Host header (the lean handler takes its query parsed).
        req.url = target.pathname + target.search;
        return trpc(req, res, target.searchParams);
      }
      if (shape === "rest" && req.method === "OPTIONS") {
        return preflight(res, corsOrigin, "GET, POST, PATCH, DELETE");
      }
      if (target.pathname === "/readyz" && req.method === "GET") return await ready(req, res);
      if (metrics && target.pathname === "/metrics" && req.method === "GET") {
        // Whenever tokens are live, as the API: the metrics tell how the service is used.
        if ((await contextOf({ req })).access === "none") throw new Refusal("UNAUTHORIZED", "GET /metrics needs an access token (read or write)");
        const { contentType, text } = await observability.metrics();
        res.writeHead(200, { "content-type": contentType }).end(text);
        return;
      }
      if (rest(req, res, target)) return;
      if (panelHtml && target.pathname === "/panel" && (req.method === "GET" || req.method === "HEAD")) {
        const html = await panelHtml().catch((error: unknown) => {
          log.error({ err: error, requestId: requestId(req) }, "the panel could not be rendered");
          throw internalError();
        });
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(req.method === "HEAD" ? undefined : html);
        return;
      }
      throw new Refusal("NOT_FOUND", "Not found");
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      noteFailure(req, error.reason);
      // A body left unread may still be arriving: the connection ends with this answer, so that nothing of it is
      // taken for a next request, nor answered a second time if it times out.
      const bodyDeclared = req.headers["transfer-encoding"] !== undefined || (req.headers["content-length"] ?? "0") !== "0";
      if (bodyDeclared && !req.complete) res.setHeader("connection", "close");
      sendRefusal(res, error, shape, call && decodedPath(call));
    }
  }

  /** Ready while not shutting down and the database answers a query; 503 otherwise, saying why. */
  async function ready(req: IncomingMessage, res: ServerResponse) {
    let problem = closing ? "shutting down" : undefined;
    try {
      if (!problem) await repositories.ping?.();
    } catch (error) {
      log.warn({ err: error, requestId: requestId(req) }, "not ready: the database does not answer");
      problem = "the database does not answer";
    }
    const body = problem ? { status: "unavailable", reason: problem, version } : { status: "ready", version };
    res.writeHead(problem ? 503 : 200, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(body));
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => observability.track(req, res, (target) => answer(req, res, target));
  const answer = (req: IncomingMessage, res: ServerResponse, target: URL | undefined) => {
    responses.set(req.socket, res);
    // Once shutting down, a connection is closed as soon as its last response is sent.
    res.once("finish", () => closing && setImmediate(() => server.closeIdleConnections()));
    if (closing) res.setHeader("connection", "close");
    // The last guard: whatever goes wrong answers this request (INTERNAL), and the server goes on.
    handle(req, res, target).catch((error: unknown) => {
      noteFailure(req, "INTERNAL");
      log.error({ err: error, requestId: requestId(req) }, "request failed");
      try {
        sendRefusal(res, internalError());
      } catch {
        res.destroy();
      }
    });
  };

  const server = createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      // How often Node looks for clients over those timeouts (default 30 s, longer than the timeouts themselves).
      connectionsCheckingInterval: Math.min(1_000, headersTimeoutMs),
      // A missing Host is refused by requestHost, in the API's JSON shape, not by Node's empty 400.
      requireHostHeader: false,
    },
    onRequest,
  );
  // A client may end its side once its request is sent (`nc -N`, some proxies). By default Node then drops the
  // requests still being answered and closes; an answer that waits on a database server (PostgreSQL) was lost so.
  // Half-open, the answer is sent, then the connection closed. (Node's own switch, missing from its types.)
  (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  // `Expect: 100-continue` is answered once the body is wanted (readBody), after the checks; any other Expect is refused.
  server.on("checkContinue", onRequest);
  server.on("checkExpectation", (req: IncomingMessage, res: ServerResponse) =>
    sendRefusal(res, new Refusal("BAD_REQUEST", "Unsupported Expect header", { status: 417 }), shapeOf(req.url)),
  );
  // Requests Node's parser refuses itself (bad framing, headers too large, an unknown method, too slow): the same
  // JSON shape, written on the connection, which is then closed.
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    const res = responses.get(socket);
    // Nothing is written into an answer under way, nor after one that closes the connection.
    if (error.code === "ECONNRESET" || !socket.writable || (res?.headersSent && (!res.writableFinished || !res.shouldKeepAlive))) {
      socket.destroy();
      return;
    }
    const refusal = parserRefusal(error.code);
    // No request object, so no id: the line says what was refused.
    log.info({ status: refusal.status, reason: refusal.reason, parserError: error.code }, "request");
    // Which API the request was for: its target, from the request being answered (its body too slow, say), or from
    // the request line when the parser got that far.
    const current = res && !res.writableFinished ? res.req.url : undefined;
    const target = current ?? /^[^\r\n]*?\s(\/\S*)/u.exec((error as { rawPacket?: Buffer }).rawPacket?.toString("latin1") ?? "")?.[1];
    writeRefusal(socket, refusal, shapeOf(target));
  });
  server.on("connect", (req: IncomingMessage, socket: Duplex) =>
    writeRefusal(socket, new Refusal("METHOD_NOT_SUPPORTED", "CONNECT is not supported", { headers: { allow: "GET, POST, OPTIONS" } }), shapeOf(req.url)),
  );

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          const address = server.address() as AddressInfo;
          loopbackOnly = isLoopback(address.address);
          const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
          resolve(`http://${shownHost}:${address.port}`);
        });
      }),
    close: () =>
      new Promise((resolve, reject) => {
        closing = true;
        // A client that never finishes its request does not hold the shutdown up for ever.
        const deadline = setTimeout(() => server.closeAllConnections(), 10_000).unref();
        server.close((error) => {
          clearTimeout(deadline);
          return error ? reject(error) : resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

/** The error shape for a request target as sent, parsed as the request's would be (`/api/..` is `/`). */
const shapeOf = (target: string | undefined): ErrorShape => {
  const url = target === undefined ? undefined : parseTargetText(target);
  return url && isRestPath(url.pathname) ? "rest" : "trpc";
};

function parserRefusal(code: string | undefined): Refusal {
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      return new Refusal("BAD_REQUEST", "The request headers are too large", { status: 431 });
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return new Refusal("TIMEOUT", "The request took too long to arrive");
    case "HPE_INVALID_METHOD":
      return new Refusal("METHOD_NOT_SUPPORTED", "Unknown method: GET a query, POST a mutation", { headers: { allow: "GET, POST, OPTIONS" } });
    default:
      return new Refusal("BAD_REQUEST", "Malformed HTTP request");
  }
}
