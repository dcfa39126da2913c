import { STATUS_CODES, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { TRPCError, type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import type { ErrorReason } from "../domain";

/**
 * An answer the server gives before (or instead of) tRPC: a request it cannot take as a call. It travels in the
 * same JSON shape as the errors of the API the request was meant for, so a client reads the reason whoever answered:
 * `error.data.reason` as from tRPC, or `error.reason` for a REST path.
 */
export class Refusal extends Error {
  readonly status: number;
  readonly reason: ErrorReason;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: TRPC_ERROR_CODE_KEY,
    message: string,
    options: { status?: number; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "Refusal";
    // tRPC has no code for some statuses the HTTP layer needs (431, 417): the code stays the nearest one.
    this.status = options.status ?? getHTTPStatusCodeFromError(new TRPCError({ code }));
    this.reason = code === "FORBIDDEN" ? "FORBIDDEN" : code === "UNAUTHORIZED" ? "UNAUTHENTICATED" : code === "INTERNAL_SERVER_ERROR" ? "INTERNAL" : "VALIDATION";
    this.headers = options.headers ?? {};
  }
}

export const internalError = () => new Refusal("INTERNAL_SERVER_ERROR", "Internal server error");

/** The API a refused request was meant for: each answers in its own error shape (README, "REST and OpenAPI"). */
export type ErrorShape = "trpc" | "rest";

/** The REST API's error body, whoever refuses the call: the route, or the server before it. */
export const restErrorBody = (error: { reason: string; message: string; issues?: unknown }): string => JSON.stringify({ error });

function refusalBody(refusal: Refusal, shape: ErrorShape, path?: string): string {
  if (shape === "rest") return restErrorBody({ reason: refusal.reason, message: refusal.message });
  return JSON.stringify({
    error: {
      message: refusal.message,
      code: TRPC_ERROR_CODES_BY_KEY[refusal.code],
      data: { code: refusal.code, httpStatus: refusal.status, ...(path !== undefined && { path }), reason: refusal.reason },
    },
  });
}

/** Answers a request with a refusal (Node leaves the body out for HEAD), unless an answer has begun: then the connection is cut. */
export function sendRefusal(res: ServerResponse, refusal: Refusal, shape: ErrorShape = "trpc", path?: string): void {
  if (res.destroyed) return;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(refusal.status, { ...refusal.headers, "content-type": "application/json" }).end(refusalBody(refusal, shape, path));
}

/** Answers on the bare connection (Node's parser refused the request, so there is no response object), then closes it. */
export function writeRefusal(socket: Duplex, refusal: Refusal, shape: ErrorShape = "trpc"): void {
  const body = refusalBody(refusal, shape);
  const head = [
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? ""}`,
    "content-type: application/json",
    `content-length: ${Buffer.byteLength(body)}`,
    "connection: close",
    ...Object.entries(refusal.headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${head.join("\r\n")}\r\n\r\n${body}`, () => socket.destroy());
}
