import type { IncomingMessage, ServerResponse } from "node:http";
import { isIP } from "node:net";
import { Refusal } from "./refusals";

/**
 * The checks a request passes before anything answers it: a target and Host that parse, a host name and Origin
 * the service accepts, and for the API a method, batch, content type and body it can take. Each throws a
 * Refusal; none knows about tRPC, so the handler behind them can change.
 */

export type GuardOptions = {
  maxBodyBytes: number;
  maxBatch: number;
  /** Foreign origins allowed to call the API (with CORS answers), as `scheme://host[:port]`. */
  corsOrigins: readonly string[];
  /** Host names served besides the loopback ones. */
  allowedHosts: readonly string[];
};

export const defaultGuardOptions: GuardOptions = { maxBodyBytes: 1_048_576, maxBatch: 50, corsOrigins: [], allowedHosts: [] };

const loopbackHostNames = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** The request target as a URL, or none when it is not a path that parses (requestTarget then refuses it). */
export function parseTarget(req: IncomingMessage): URL | undefined {
  return parseTargetText(req.url ?? "");
}

/** A request target as sent, parsed; only the origin form (a path) is taken. */
export function parseTargetText(target: string): URL | undefined {
  if (!target.startsWith("/")) return undefined;
  try {
    // Appended, not resolved: a path such as //x is a path here, not another host.
    return new URL(`http://localhost${target}`);
  } catch {
    return undefined;
  }
}

/**
 * The request target, as parsed on arrival (parsed here when that found none); only the origin form (a path, as
 * every browser and client sends) is taken.
 */
export function requestTarget(req: IncomingMessage, target = parseTarget(req)): URL {
  if (target) return target;
  throw new Refusal("BAD_REQUEST", "Malformed request target: give a path such as /trpc/projects.list");
}

/** The last Host header accepted, parsed: a client sends the same one on every request, so it is parsed once. */
let lastHost: { header: string; url: Readonly<URL> } | undefined;

/** The Host header's host[:port], normalised; a missing or malformed one is refused. */
export function requestHost(req: IncomingMessage): Readonly<URL> {
  const host = req.headers.host ?? "";
  if (lastHost?.header === host) return lastHost.url;
  let url: URL | undefined;
  try {
    url = new URL(`http://${host}`);
  } catch {
    url = undefined;
  }
  if (!url || host === "" || url.username !== "" || url.password !== "" || url.pathname !== "/" || url.search !== "" || url.hash !== "") {
    throw new Refusal("BAD_REQUEST", "Missing or malformed Host header");
  }
  lastHost = { header: host, url };
  return url;
}

/** Against DNS rebinding: a page of any site can have its own name resolve to 127.0.0.1, but keeps its name in Host. */
export function checkHost(host: Readonly<URL>, options: GuardOptions, loopbackOnly: boolean): void {
  const name = host.hostname;
  if (loopbackHostNames.has(name) || options.allowedHosts.includes(name)) return;
  // On another address, any host name is served unless ALLOWED_HOSTS narrows it.
  if (!loopbackOnly && options.allowedHosts.length === 0) return;
  throw new Refusal("FORBIDDEN", `Host "${name}" is not served here; list it in ALLOWED_HOSTS to serve it`);
}

/**
 * A request a browser sends from a page of another site carries that site's Origin: refused unless the origin is
 * listed (then it gets CORS answers). Returns the listed origin to echo, if any.
 */
export function checkOrigin(req: IncomingMessage, host: Readonly<URL>, options: GuardOptions): string | undefined {
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  if (options.corsOrigins.includes(origin)) return origin;
  let url: URL | undefined;
  try {
    url = new URL(origin);
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === "http:" || url.protocol === "https:") && url.host === host.host && url.origin === origin) return undefined;
  throw new Refusal("FORBIDDEN", `Origin "${origin}" may not call this service; list it in CORS_ORIGINS to allow it`);
}

const corsAllowedHeaders = "content-type, authorization, x-request-id";

/** The answer to a preflight (or any OPTIONS) under /trpc, or under /api with its methods. */
export function preflight(res: ServerResponse, corsOrigin: string | undefined, methods = "GET, POST"): void {
  const headers: Record<string, string> = { allow: `${methods}, OPTIONS` };
  if (corsOrigin !== undefined) {
    headers["access-control-allow-methods"] = methods;
    headers["access-control-allow-headers"] = corsAllowedHeaders;
    headers["access-control-max-age"] = "600";
  }
  res.writeHead(204, headers).end();
}

/** What the API takes: GET for queries, POST with a JSON body for mutations, at most `maxBatch` calls a request. */
export function checkCall(req: IncomingMessage, target: URL, options: GuardOptions): void {
  if (req.method !== "GET" && req.method !== "POST") {
    throw new Refusal("METHOD_NOT_SUPPORTED", `${req.method ?? "This method"} is not supported here: GET a query, POST a mutation`, {
      headers: { allow: "GET, POST, OPTIONS" },
    });
  }
  if (target.searchParams.get("batch") === "1") {
    // Counted as tRPC splits them: after decoding, so an encoded comma separates calls too.
    const calls = decodedPath(target).split(",").length;
    if (calls > options.maxBatch) {
      throw new Refusal("BAD_REQUEST", `A batch may hold at most ${options.maxBatch} calls; this one has ${calls}`);
    }
  }
  if (req.method === "POST") checkJsonBody(req);
}

/** A body must be declared JSON: a browser can send text/plain or a form across origins without asking first, JSON it cannot. */
export function checkJsonBody(req: IncomingMessage): void {
  const type = (req.headers["content-type"] ?? "").split(";", 1)[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    throw new Refusal("UNSUPPORTED_MEDIA_TYPE", `A ${req.method ?? "POST"} body must be JSON, sent with content-type: application/json (even with no body)`);
  }
}

const tooLarge = (limit: number) =>
  new Refusal("PAYLOAD_TOO_LARGE", `The request body is over the limit of ${limit} bytes`, { headers: { connection: "close" } });

/**
 * Reads a request body of at most `limit` bytes. A longer one is refused as soon as it is known to be longer
 * (by its content-length, or by counting while it arrives), and what was read of it is dropped.
 */
export function readBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<string> {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(tooLarge(limit));
  // The client waits for this before sending a large body (curl does); sent only once the body is wanted.
  if (req.headers.expect?.toLowerCase() === "100-continue") res.writeContinue();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
      // Node reads (and drops) what else arrives until the answer is sent and the connection closed.
      chunks.length = 0;
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stop();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      const body = Buffer.concat(chunks).toString("utf8");
      stop();
      resolve(body);
    };
    const onError = () => {
      stop();
      reject(new Refusal("BAD_REQUEST", "The request body was cut off", { headers: { connection: "close" } }));
    };
    const onClose = () => !req.complete && onError();
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}

/** The procedure path after /trpc/, decoded as tRPC decodes it (left as it is when it does not decode). */
export function decodedPath(target: URL): string {
  const path = target.pathname.replace(/^\/trpc\/?/u, "");
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Only this machine can reach these: 127.0.0.0/8, ::1 (also as ::ffff:127.x) and localhost. */
export function isLoopback(host: string): boolean {
  const address = host.replace(/^\[(.*)\]$/u, "$1").toLowerCase();
  if (address === "localhost") return true;
  if (isIP(address) === 4) return address.startsWith("127.");
  return address === "::1" || /^::ffff:127\./u.test(address) || /^0:0:0:0:0:0:0:1$/u.test(address);
}
