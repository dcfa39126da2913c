import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { appRouter } from "../../src/api";
import { parseTargetText } from "../../src/server/guards";
import { isRestPath, restRoutes } from "../../src/server/rest-routes";
import { sendRaw } from "../support/raw-http";
import { serveInProcess } from "../support/server";

/**
 * Hostile HTTP thrown at every procedure, over /trpc and the REST routes, on a real connection: malformed targets,
 * methods, headers, framing, bodies and inputs. Whatever arrives, the server answers below 500, every error it sends
 * has a reason in the JSON shape of the API it was meant for (`error.data.reason` from /trpc, `error.reason` from a
 * REST route), it logs no fault of its own, and it still answers /healthz afterwards.
 * FUZZ_RUNS sets the number of requests (`npm run test:fuzz` makes a long run); FUZZ_SEED replays a failure.
 */
const runs = Number(process.env.FUZZ_RUNS ?? 100);
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

const procedures = Object.keys(appRouter._def.procedures);

const nasty = fc.constantFrom("", " ", "%", "%E0%A4%A", "%00", "\u0000", "\r", "\n", "\u00e9", "\u{1F600}", "\uD800", "//[", "..", "?", "#", "@", ",", "\t", "\\");
// Any code point, lone surrogates included. (fast-check's `unit: "binary"` draws the same, but builds a map of every
// code point of Unicode when the file is imported: 1.5 s of CPU.)
const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((code) => String.fromCodePoint(code));
const word = fc.oneof(fc.string({ maxLength: 12 }), nasty, fc.string({ unit: anyCodePoint, maxLength: 8 }));
const jsonValue = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.constantFrom('{"name":"fuzz"}', '{"id":"x"}', '{"projectId":"x","title":"t"}', '{"0":{"name":"fuzz"}}', '{"0":{}}', "null", "{", '{"limit":1e309}'),
);

/** Percent-encoded as a client would, or as it is where it cannot be (a lone surrogate). */
function encoded(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Whether a target is a REST route's path, read as the server reads it (`/api/..` is `/`). */
function forRest(target: string): boolean {
  const url = parseTargetText(target);
  return url !== undefined && isRestPath(url.pathname);
}

/** Mostly what a client sends, so that calls reach the procedures; the rest is anything. */
const mostly = <T>(usual: fc.Arbitrary<T>, other: fc.Arbitrary<T>) => fc.oneof({ arbitrary: usual, weight: 6 }, { arbitrary: other, weight: 1 });

const method = mostly(
  fc.constantFrom("GET", "POST", "GET", "POST", "PATCH", "DELETE"),
  fc.oneof(fc.constantFrom("OPTIONS", "HEAD", "PUT", "DELETE", "PATCH", "TRACE", "CONNECT", "get", "POST "), fc.string({ minLength: 1, maxLength: 8 })),
);

const target = fc.oneof(
  fc.record({ procedure: fc.constantFrom(...procedures), input: fc.option(jsonValue) }).map(
    ({ procedure, input }) => `/trpc/${procedure}${input === null ? "" : `?input=${encodeURIComponent(input)}`}`,
  ),
  fc
    .record({ calls: fc.array(fc.constantFrom(...procedures), { minLength: 1, maxLength: 60 }), input: fc.option(jsonValue), comma: fc.constantFrom(",", "%2C") })
    .map(({ calls, input, comma }) => `/trpc/${calls.join(comma)}?batch=1${input === null ? "" : `&input=${encodeURIComponent(input)}`}`),
  fc.tuple(fc.constantFrom("/trpc/", "/", "//", "/api/", "/panel", "/healthz", "*", "http://evil.example/trpc/", ""), word, word).map(([start, a, b]) => start + a + b),
  // The REST routes, with any id and a query string of their input keys (or any) holding anything.
  fc
    .record({
      path: fc.constantFrom(...restRoutes.map((route) => route.path)),
      id: word,
      query: fc.array(fc.tuple(fc.oneof(fc.constantFrom("limit", "cursor", "projectId", "status", "search", "priority", "labels", "dueFrom", "dueTo", "hasDueDate", "sort", "sortBy", "sortDir", "archived", "expectedVersion"), word), word), { maxLength: 4 }),
    })
    .map(({ path, id, query }) => {
      const search = query.map(([key, value]) => `${encoded(key)}=${encoded(value)}`).join("&");
      return `${path.replace("{id}", encoded(id))}${search ? `?${search}` : ""}`;
    }),
);

const header = fc.oneof(
  fc.constantFrom(
    "Host: 127.0.0.1",
    "Host: localhost:1",
    "Host: evil.example",
    "Host: a@b",
    "Host: [::1",
    "Host:",
    "Origin: http://evil.example",
    "Origin: null",
    "Origin: http://127.0.0.1",
    "Content-Type: application/json",
    "Content-Type: text/plain",
    "Content-Type: multipart/form-data; boundary=x",
    "Content-Length: 0",
    "Content-Length: 5",
    "Content-Length: -1",
    "Content-Length: 99999999999999999999",
    "Content-Length: 2000000",
    "Transfer-Encoding: chunked",
    "Transfer-Encoding: gzip",
    "Expect: 100-continue",
    "Expect: nothing",
    "Connection: upgrade",
    "Upgrade: websocket",
    "trpc-accept: application/jsonl",
    "Accept: application/jsonl",
    `X-Big: ${"a".repeat(20_000)}`,
  ),
  fc.tuple(word, word).map(([name, value]) => `${name}: ${value}`),
);

const body = fc.oneof(jsonValue, fc.string({ maxLength: 50 }), fc.constant(""), fc.constant("5\r\nhello\r\n0\r\n\r\n"), fc.constant("x".repeat(70_000)));

const request = fc.record({
  method,
  target,
  version: mostly(fc.constant("HTTP/1.1"), fc.constantFrom("HTTP/1.0", "HTTP/2.0", "HTTP/1.1 x", "")),
  headers: fc.array(header, { maxLength: 4 }),
  withHost: mostly(fc.constant(true), fc.constant(false)),
  // A JSON content type and the body's true length, as a client would send them.
  framed: mostly(fc.constant(true), fc.constant(false)),
  body,
});

describe("hostile requests", () => {
  it(`never stop the server nor get a 5xx; every error is in the API's JSON shape (${runs} requests)`, { timeout: 60_000 + runs * 100 }, async () => {
    // A small body limit, so that oversized bodies are cheap to send.
    const { url, errors } = await serveInProcess({ maxBodyBytes: 64 * 1024, headersTimeoutMs: 2000, requestTimeoutMs: 2000 });
    const statuses = new Map<number | string, number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ method, target, version, headers, withHost, framed, body }) => {
        const framing = framed ? ["Content-Type: application/json", `Content-Length: ${Buffer.byteLength(body)}`] : [];
        const lines = [`${method} ${target} ${version}`.trimEnd(), ...(withHost ? ["Host: 127.0.0.1"] : []), ...framing, ...headers];
        const sent = `${lines.join("\r\n")}\r\n\r\n${body}`;
        const response = await sendRaw(url, sent, { timeoutMs: 5000 });
        statuses.set(response?.status ?? "closed", (statuses.get(response?.status ?? "closed") ?? 0) + 1);
        if (!response) return;
        expect(response.status, sent.slice(0, 300)).toBeLessThan(500);
        if (response.status >= 400 && method.trim() !== "HEAD" && response.body !== "") {
          type Answer = { error?: { reason?: unknown; data?: { reason?: unknown; httpStatus?: unknown } } };
          const parsed = JSON.parse(response.body) as Answer | Answer[];
          if (!Array.isArray(parsed) && parsed.error?.reason !== undefined) {
            // The REST API's own error shape, only ever for a request that names a REST path.
            expect(target.includes("/api"), sent.slice(0, 300)).toBe(true);
            expect(parsed.error.reason, sent.slice(0, 300)).toEqual(expect.any(String));
          } else {
            // tRPC's shape; never for a well-formed request to a REST route (a malformed request line may not say
            // which API it was for).
            const wellFormed = /^[A-Z]+$/.test(method) && /^[\x21-\x7e]+$/.test(target) && /^HTTP\/1\.[01]$/.test(version);
            expect(wellFormed && forRest(target), `the tRPC shape for a REST route: ${sent.slice(0, 300)}`).toBe(false);
            // A batch is answered call by call; its status is the first failure's, or 207 for a mix.
            const failures = Array.isArray(parsed) ? parsed.filter((answer) => answer.error) : [parsed];
            expect(failures.length, sent.slice(0, 300)).toBeGreaterThan(0);
            for (const failure of failures) expect(failure.error?.data?.reason, sent.slice(0, 300)).toEqual(expect.any(String));
            if (!Array.isArray(parsed)) expect(parsed.error?.data?.httpStatus, sent.slice(0, 300)).toBe(response.status);
          }
        }
      }),
      { numRuns: runs, ...(seed !== undefined && { seed }) },
    );
    expect(errors).toEqual([]);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    // Seen with FUZZ_RUNS: which answers the run produced.
    if (process.env.FUZZ_RUNS) console.info("fuzz statuses:", Object.fromEntries(statuses));
  });
});
