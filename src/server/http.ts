import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { appRouter, createContext } from "../api";
import type { Repositories } from "../data";
import { createPanel } from "./panel";
import { createRestHandler } from "./rest";

export type Logger = Pick<Console, "info" | "error">;

export type TaskServer = {
  server: Server;
  /** Resolves with the base URL once listening (port 0 picks a free port). */
  listen(port: number, host: string): Promise<string>;
  /** Stops accepting connections and resolves when every request in flight has been answered. */
  close(): Promise<void>;
};

export type TaskServerOptions = {
  /** Where failures of the server itself are reported (default: the console). */
  log?: Logger;
  /** Serve the tRPC panel at GET /panel (default true); when false, /panel is 404 like any unknown path. */
  panel?: boolean;
};

export function createTaskServer(repositories: Repositories, { log = console, panel = true }: TaskServerOptions = {}): TaskServer {
  const panelHtml = panel ? createPanel() : undefined;
  // One context maker for /trpc and /api, so both pass the same guards.
  const contextOf = () => createContext(repositories);
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: "/trpc/",
    createContext: contextOf,
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") log.error(`taskrpc: ${path ?? "?"} failed:`, error.cause ?? error);
    },
  });

  const rest = createRestHandler({ createContext: contextOf, log });

  let closing = false;
  const server = createServer((req, res) => {
    // Once shutting down, a connection is closed as soon as its last response is sent.
    res.once("finish", () => closing && setImmediate(() => server.closeIdleConnections()));
    if (closing) res.setHeader("connection", "close");
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname.startsWith("/trpc/")) {
      // curl -d sends form encoding by default; a body here is JSON whatever it is labelled.
      if (req.method === "POST") req.headers["content-type"] = "application/json";
      return trpc(req, res);
    }
    if (rest(req, res, url)) return;
    if (url.pathname === "/healthz" && req.method === "GET") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok" }));
      return;
    }
    if (panelHtml && url.pathname === "/panel" && (req.method === "GET" || req.method === "HEAD")) {
      panelHtml().then(
        (html) => res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(req.method === "HEAD" ? undefined : html),
        (error: unknown) => {
          log.error("taskrpc: the panel could not be rendered:", error);
          res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: "Internal server error" }));
        },
      );
      return;
    }
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "Not found" }));
  });

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          const address = server.address() as AddressInfo;
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
