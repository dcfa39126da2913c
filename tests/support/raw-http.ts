import { connect } from "node:net";

export type RawResponse = { status: number; headers: Record<string, string>; body: string };

/**
 * Sends bytes as they are over a fresh TCP connection (what no HTTP client would send: malformed targets,
 * methods, headers and framing) and reads the first answer. `chunks` are written `gapMs` apart; the client
 * then half-closes, so an incomplete request ends instead of waiting for a timeout (unless `keepOpen`).
 * Resolves with `undefined` when the server closed the connection without answering.
 */
export function sendRaw(
  url: string,
  chunks: (string | Buffer)[] | string,
  { gapMs = 0, keepOpen = false, timeoutMs = 10_000 }: { gapMs?: number; keepOpen?: boolean; timeoutMs?: number } = {},
): Promise<RawResponse | undefined> {
  const { hostname, port } = new URL(url);
  const parts = typeof chunks === "string" ? [chunks] : chunks;
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname.replace(/^\[|\]$/gu, ""));
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (response: RawResponse | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(response);
    };
    const timer = setTimeout(() => {
      settled = true;
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms to ${JSON.stringify(parts.join("").slice(0, 200))}`));
    }, timeoutMs);
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const response = parseResponse(received);
      if (response) finish(response);
    });
    socket.on("close", () => finish(parseResponse(received, true)));
    socket.on("error", () => finish(parseResponse(received, true)));
    socket.on("connect", async () => {
      for (const [index, part] of parts.entries()) {
        if (index > 0 && gapMs > 0) await new Promise((wait) => setTimeout(wait, gapMs));
        if (settled || socket.destroyed) return;
        socket.write(part);
      }
      if (!keepOpen && !socket.destroyed) socket.end();
    });
  });
}

/** The first HTTP response in `bytes`, once it is complete (or, at the end of the connection, whatever arrived). */
function parseResponse(bytes: Buffer, ended = false): RawResponse | undefined {
  const text = bytes.toString("latin1");
  let headEnd = text.indexOf("\r\n\r\n");
  // An interim answer (100 Continue) comes before the real one.
  if (headEnd >= 0 && /^HTTP\/1\.1 1\d\d /u.test(text)) {
    const rest = text.slice(headEnd + 4);
    return parseResponse(Buffer.from(rest, "latin1"), ended);
  }
  if (headEnd < 0) return undefined;
  const [statusLine = "", ...lines] = text.slice(0, headEnd).split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/u.exec(statusLine)?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  headEnd += 4;
  let body = Buffer.from(text.slice(headEnd), "latin1");
  if (headers["transfer-encoding"] === "chunked") {
    const decoded: Buffer[] = [];
    let at = 0;
    for (;;) {
      const lineEnd = body.indexOf("\r\n", at);
      if (lineEnd < 0) return ended ? { status, headers, body: Buffer.concat(decoded).toString("utf8") } : undefined;
      const size = parseInt(body.subarray(at, lineEnd).toString("latin1"), 16);
      if (size === 0) break;
      if (body.length < lineEnd + 2 + size + 2) return ended ? { status, headers, body: Buffer.concat(decoded).toString("utf8") } : undefined;
      decoded.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
    body = Buffer.concat(decoded);
  } else if (headers["content-length"] !== undefined) {
    const length = Number(headers["content-length"]);
    if (body.length < length && !ended) return undefined;
    body = body.subarray(0, length);
  } else if (!ended && status !== 204 && status !== 304) {
    return undefined;
  }
  return { status, headers, body: body.toString("utf8") };
}
