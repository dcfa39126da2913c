import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { appRouter, createContext } from "../api";
import type { Repositories } from "../data";
import { checkCall, checkHost, isLoopback, checkOrigin, decodedPath, defaultGuardOptions, preflight, readBody, requestHost, requestTarget, type GuardOptions } from "./guards";
import { createPanel } from "./panel";
import { internalError, Refusal, sendRefusal, writeRefusal } from "./refusals";
import { version } from "./version";
import { createRestHandler } from "./rest";
import { createTRPCHandler } from "./trpc-handler";

export type Logger = Pick<Console, "info" | "error">;

export type TaskServer = {
  server: Server;
  /** Resolves with the base URL once listening (port 0 picks a free port). */
  listen(port: number, host: string): Promise<string>;
  /** Stops accepting connections and resolves when every request in flight has been answered. */
  close(): Promise<void>;
};

export type TaskServerOptions = Partial<GuardOptions> & {
  /** Where failures of the server itself are reported (default: the console). */
  log?: Logger;
  /** Serve the tRPC panel at GET /panel (default true); when false, /panel is 404 like any unknown path. */
  panel?: boolean;
  /** Milliseconds a client has to send its request headers, then its whole request (default 10 s each). */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
};

export function createTaskServer(
  repositories: Repositories,
  { log = console, panel = true, headersTimeoutMs = 10_000, requestTimeoutMs = 10_000, ...guardOptions }: TaskServerOptions = {},
): TaskServer {
  const guards: GuardOptions = { ...defaultGuardOptions, ...guardOptions };
  const panelHtml = panel ? createPanel() : undefined;
  // One context maker for /trpc and /api, so both pass the same access checks.
  const contextOf = ({ req }: { req: IncomingMessage }) => createContext(repositories, { authorization: req.headers.authorization });
  const trpc = createTRPCHandler({
    router: appRouter,
    basePath: "/trpc/",
    createContext: contextOf,
    // tRPC sets its own Vary header over the one set before it: this adds Origin to it.
    responseMeta: () => ({ headers: new Headers([["vary", "Origin"]]) }),
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") log.error(`taskrpc: ${path ?? "?"} failed:`, error.cause ?? error);
    },
  });

  const rest = createRestHandler({ createContext: contextOf, log, maxBodyBytes: guards.maxBodyBytes });

  let closing = false;
  /** Set once listening: only loopback host names are then served (DNS rebinding). */
  let loopbackOnly = true;
  /** The response under way on each connection, so that a parser error does not write into it. */
  const responses = new WeakMap<Duplex, ServerResponse>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let path: string | undefined;
    try {
      const target = requestTarget(req);
      if (target.pathname === "/healthz" && req.method === "GET") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok", version }));
        return;
      }
      const host = requestHost(req);
      checkHost(host, guards, loopbackOnly);
      // Every answer below depends on the Origin: caches must keep them apart.
      res.setHeader("vary", "Origin");
      const corsOrigin = checkOrigin(req, host, guards);
      if (corsOrigin !== undefined) res.setHeader("access-control-allow-origin", corsOrigin);

      if (target.pathname === "/trpc" || target.pathname.startsWith("/trpc/")) {
        if (target.searchParams.get("batch") !== "1") path = decodedPath(target);
        if (req.method === "OPTIONS") return preflight(res, corsOrigin);
        checkCall(req, target, guards);
        if (req.method === "POST") (req as IncomingMessage & { body?: string }).body = await readBody(req, res, guards.maxBodyBytes);
        // The target as checked above: tRPC reads it again, with the Host header.
        req.url = target.pathname + target.search;
        return trpc(req, res);
      }
      if (target.pathname === "/api" || target.pathname.startsWith("/api/")) {
        if (req.method === "OPTIONS") return preflight(res, corsOrigin);
      }
      if (rest(req, res, target)) return;
      if (panelHtml && target.pathname === "/panel" && (req.method === "GET" || req.method === "HEAD")) {
        const html = await panelHtml().catch((error: unknown) => {
          log.error("taskrpc: the panel could not be rendered:", error);
          throw internalError();
        });
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(req.method === "HEAD" ? undefined : html);
        return;
      }
      throw new Refusal("NOT_FOUND", "Not found");
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      // A body left unread may still be arriving: the connection ends with this answer, so that nothing of it is
      // taken for a next request, nor answered a second time if it times out.
      const bodyDeclared = req.headers["transfer-encoding"] !== undefined || (req.headers["content-length"] ?? "0") !== "0";
      if (bodyDeclared && !req.complete) res.setHeader("connection", "close");
      sendRefusal(res, error, path);
    }
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    responses.set(req.socket, res);
    // Once shutting down, a connection is closed as soon as its last response is sent.
    res.once("finish", () => closing && setImmediate(() => server.closeIdleConnections()));
    if (closing) res.setHeader("connection", "close");
    // The last guard: whatever goes wrong answers this request (INTERNAL), and the server goes on.
    handle(req, res).catch((error: unknown) => {
      log.error("taskrpc: a request failed:", error);
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
  // `Expect: 100-continue` is answered once the body is wanted (readBody), after the checks; any other Expect is refused.
  server.on("checkContinue", onRequest);
  server.on("checkExpectation", (req: IncomingMessage, res: ServerResponse) =>
    sendRefusal(res, new Refusal("BAD_REQUEST", "Unsupported Expect header", { status: 417 })),
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
    writeRefusal(socket, parserRefusal(error.code));
  });
  server.on("connect", (_req: IncomingMessage, socket: Duplex) =>
    writeRefusal(socket, new Refusal("METHOD_NOT_SUPPORTED", "CONNECT is not supported", { headers: { allow: "GET, POST, OPTIONS" } })),
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
