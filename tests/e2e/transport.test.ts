import { describe, expect, it } from "vitest";
import type { ReadRepository } from "../../src/data";
import { createTaskServer } from "../../src/server/http";
import { openTestDatabase } from "../support/database";
import { captureLog } from "../support/log";
import { sendRaw, type RawResponse } from "../support/raw-http";
import { serveInProcess } from "../support/server";

/**
 * What reaches the server over HTTP that the API cannot take as a call: each answer is VALIDATION in the API's
 * JSON error shape with the HTTP status that says why, and nothing a client sends stops the server or gets a 5xx.
 */

type ErrorBody = { error: { message: string; code: number; data: { code: string; httpStatus: number; path?: string; reason: string } } };

async function errorOf(response: Response): Promise<ErrorBody["error"]> {
  expect(response.headers.get("content-type")).toBe("application/json");
  const body = (await response.json()) as ErrorBody;
  expect(body.error.data.httpStatus).toBe(response.status);
  return body.error;
}

function errorOfRaw(response: RawResponse | undefined): ErrorBody["error"] {
  expect(response, "the server answered").toBeDefined();
  const body = JSON.parse(response?.body ?? "") as ErrorBody;
  expect(body.error.data.httpStatus).toBe(response?.status);
  return body.error;
}

const json = { "content-type": "application/json" };
const input = (value: unknown) => encodeURIComponent(JSON.stringify(value));

describe("requests the API cannot take as a call", () => {
  it("an unknown procedure is 404", async () => {
    const { url } = await serveInProcess();
    const error = await errorOf(await fetch(`${url}/trpc/nothing.here`));
    expect(error.data).toMatchObject({ code: "NOT_FOUND", httpStatus: 404, reason: "VALIDATION" });
  });

  it("the wrong method is 405: GET of a mutation, and any method but GET, POST and OPTIONS", async () => {
    const { url } = await serveInProcess();
    const get = await fetch(`${url}/trpc/projects.create?input=${input({ name: "x" })}`);
    expect(get.status).toBe(405);
    expect((await errorOf(get)).data).toMatchObject({ code: "METHOD_NOT_SUPPORTED", path: "projects.create", reason: "VALIDATION" });
    for (const method of ["PUT", "DELETE", "PATCH", "TRACE"]) {
      const response = await sendRaw(url, `${method} /trpc/projects.list HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      expect(response?.status, method).toBe(405);
      expect(response?.headers.allow, method).toBe("GET, POST, OPTIONS");
      expect(errorOfRaw(response).data, method).toMatchObject({ code: "METHOD_NOT_SUPPORTED", path: "projects.list", reason: "VALIDATION" });
    }
  });

  // A body over the limit here never ends: were the limit not applied, the request timeout (2 s here, not the
  // default 10 s) would answer 408, so that the test fails in 2 s (npm run check:proof plants that bug).
  it("a body over the limit is 413, by its declared length, before it is read", async () => {
    const { url } = await serveInProcess({ maxBodyBytes: 1000, headersTimeoutMs: 2000, requestTimeoutMs: 2000 });
    const response = await sendRaw(
      url,
      `POST /trpc/projects.create HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 200000000\r\n\r\n{"name":`,
      { keepOpen: true },
    );
    expect(response?.status).toBe(413);
    expect(errorOfRaw(response).data).toMatchObject({ code: "PAYLOAD_TOO_LARGE", path: "projects.create", reason: "VALIDATION" });
    expect(response?.headers.connection).toBe("close");
  });

  it("a body over the limit is 413 while it is still arriving, when its length is not declared", async () => {
    const { url } = await serveInProcess({ maxBodyBytes: 1000, headersTimeoutMs: 2000, requestTimeoutMs: 2000 });
    const chunk = (text: string) => `${text.length.toString(16)}\r\n${text}\r\n`;
    // The last chunk never comes: the answer must not wait for it.
    const response = await sendRaw(
      url,
      [
        `POST /trpc/projects.create HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
        chunk(`{"name":"${"x".repeat(600)}`),
        chunk(`${"x".repeat(600)}"}`),
      ],
      { keepOpen: true },
    );
    expect(response?.status).toBe(413);
    expect(errorOfRaw(response).data.reason).toBe("VALIDATION");
  });

  it("a body at the limit is taken", async () => {
    const body = JSON.stringify({ name: "At the limit" });
    const { url } = await serveInProcess({ maxBodyBytes: Buffer.byteLength(body) });
    expect((await fetch(`${url}/trpc/projects.create`, { method: "POST", headers: json, body })).status).toBe(200);
  });

  it("a POST that is not application/json is 415, and creates nothing", async () => {
    const { url } = await serveInProcess();
    const body = JSON.stringify({ name: "Not JSON" });
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonp", undefined]) {
      const response = await fetch(`${url}/trpc/projects.create`, { method: "POST", headers: type ? { "content-type": type } : {}, body: Buffer.from(body) });
      expect(response.status, type).toBe(415);
      expect((await errorOf(response)).data, type).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE", reason: "VALIDATION" });
    }
    const listed = (await (await fetch(`${url}/trpc/projects.list`)).json()) as { result: { data: { items: unknown[] } } };
    expect(listed.result.data.items).toEqual([]);
  });

  it("a batch over the limit is 400, however its commas are written; one at the limit is answered", async () => {
    const { url } = await serveInProcess({ maxBatch: 3 });
    const over = await fetch(`${url}/trpc/projects.list,projects.list,projects.list,projects.list?batch=1`);
    expect(over.status).toBe(400);
    expect((await errorOf(over)).message).toContain("at most 3 calls");
    const encoded = await fetch(`${url}/trpc/projects.list%2Cprojects.list%2Cprojects.list%2Cprojects.list?batch=1`);
    expect(encoded.status).toBe(400);
    const posted = await fetch(`${url}/trpc/projects.create,projects.create,projects.create,projects.create?batch=1`, { method: "POST", headers: json, body: "{}" });
    expect(posted.status).toBe(400);
    expect((await fetch(`${url}/trpc/projects.list,projects.list,projects.list?batch=1`)).status).toBe(200);
  });

  it("the default batch limit is 50 calls", async () => {
    const { url } = await serveInProcess();
    const calls = (count: number) => Array.from({ length: count }, () => "projects.list").join(",");
    expect((await fetch(`${url}/trpc/${calls(51)}?batch=1`)).status).toBe(400);
    expect((await fetch(`${url}/trpc/${calls(50)}?batch=1`)).status).toBe(200);
  });

  it("an unparsable input is 400", async () => {
    const { url } = await serveInProcess();
    const get = await fetch(`${url}/trpc/projects.list?input=%7Bnot-json`);
    expect(get.status).toBe(400);
    expect((await errorOf(get)).data.reason).toBe("VALIDATION");
    const post = await fetch(`${url}/trpc/projects.create`, { method: "POST", headers: json, body: "{not json" });
    expect(post.status).toBe(400);
    expect((await errorOf(post)).data.reason).toBe("VALIDATION");
  });
});

describe("malformed requests", () => {
  it("a target that is no URL (curl -g --path-as-is 'http://127.0.0.1:3000//[') is a 4xx, and the server goes on", async () => {
    const { url, errors } = await serveInProcess();
    for (const target of ["//[", "//[/trpc/projects.list", "/trpc/%E0%A4%A", "/trpc/projects.list?input=%", "*", "http://evil.example/trpc/projects.list", "trpc"]) {
      const response = await sendRaw(url, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      expect(response?.status, target).toBeGreaterThanOrEqual(400);
      expect(response?.status, target).toBeLessThan(500);
      expect(errorOfRaw(response).data.reason, target).toBe("VALIDATION");
    }
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(errors).toEqual([]);
  });

  it("a Host that is no host name (a@b), or none, is 400", async () => {
    const { url } = await serveInProcess();
    for (const host of ["Host: a@b\r\n", "Host: a/b\r\n", "Host: a b\r\n", "Host: \r\n", ""]) {
      const response = await sendRaw(url, `GET /trpc/projects.list HTTP/1.1\r\n${host}Connection: close\r\n\r\n`);
      expect(response?.status, host).toBe(400);
      expect(errorOfRaw(response).data, host).toMatchObject({ code: "BAD_REQUEST", reason: "VALIDATION" });
    }
  });

  it("what Node's parser refuses itself (unknown method, bad framing, huge headers, CONNECT) gets the same JSON shape", async () => {
    const { url } = await serveInProcess();
    const cases: [string, number][] = [
      ["FOO /trpc/projects.list HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 405],
      ["GET /trpc/projects.list HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: nope\r\n\r\n", 400],
      ["POST /trpc/projects.create HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400],
      ["GET /trpc/projects.list HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n", 400],
      ["GET /trpc/projects.list HTTP/1.1\r\nBad Header\r\n\r\n", 400],
      [`GET /trpc/projects.list HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`, 431],
      ["CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 405],
      ["\u0000\u0001\u0002\r\n\r\n", 405],
    ];
    for (const [request, status] of cases) {
      const response = await sendRaw(url, request);
      expect(response?.status, request.slice(0, 60)).toBe(status);
      expect(errorOfRaw(response).data.reason, request.slice(0, 60)).toBe("VALIDATION");
    }
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it("an Expect other than 100-continue is 417 in the same shape", async () => {
    const { url } = await serveInProcess();
    const response = await sendRaw(url, "GET /trpc/projects.list HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 200-ok\r\nConnection: close\r\n\r\n");
    expect(response?.status).toBe(417);
    expect(errorOfRaw(response).data.reason).toBe("VALIDATION");
  });

  it("Expect: 100-continue gets 413 at once for a body over the limit, and 100 Continue then the answer otherwise", async () => {
    // 2 s, as above: a limit not applied fails in 2 s.
    const { url } = await serveInProcess({ maxBodyBytes: 100, headersTimeoutMs: 2000, requestTimeoutMs: 2000 });
    const head = (length: number) =>
      `POST /trpc/projects.create HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`;
    expect((await sendRaw(url, head(1000), { keepOpen: true }))?.status).toBe(413);
    const body = JSON.stringify({ name: "Continued" });
    const answered = await sendRaw(url, [head(body.length), body], { gapMs: 100 });
    expect(answered?.status).toBe(200);
    expect(answered?.body).toContain("Continued");
  });
});

describe("slow clients", () => {
  it("are answered 408 and disconnected after the request timeout, whether the headers or the body dribble", async () => {
    // Short timeouts, so that the test waits a fraction of a second; nothing here must finish within them.
    const { url } = await serveInProcess({ headersTimeoutMs: 100, requestTimeoutMs: 200 });
    const dribble = (head: string) => [...head].map((byte) => byte);
    const body = JSON.stringify({ name: "One byte at a time" });
    // Two connections at once: the test waits out both timeouts together rather than one after the other.
    const [headers, slowBody] = await Promise.all([
      sendRaw(url, dribble("GET /trpc/projects.list HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n"), {
        gapMs: 50,
        keepOpen: true,
      }),
      sendRaw(
        url,
        [`POST /trpc/projects.create HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`, ...dribble(body)],
        { gapMs: 50, keepOpen: true },
      ),
    ]);
    expect(headers?.status).toBe(408);
    expect(errorOfRaw(headers).data).toMatchObject({ code: "TIMEOUT", reason: "VALIDATION" });
    expect(slowBody?.status).toBe(408);
    expect(errorOfRaw(slowBody).data.reason).toBe("VALIDATION");
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});

describe("a fault of the server's own", () => {
  it("is answered INTERNAL with no detail, logged, and the server goes on", async () => {
    const { url, errors, server } = await serveInProcess();
    const fault = new Error("something inside broke");
    server.server.prependListener("request", (req) => {
      if (req.headers["x-break"]) {
        Object.defineProperty(req, "url", {
          get() {
            throw fault;
          },
        });
      }
    });
    const response = await fetch(`${url}/trpc/projects.list`, { headers: { "x-break": "1" } });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: { message: "Internal server error", code: -32603, data: { code: "INTERNAL_SERVER_ERROR", httpStatus: 500, reason: "INTERNAL" } },
    });
    expect(errors).toMatchObject([{ msg: "request failed", err: { message: "something inside broke" } }]);
    expect(errors[0]?.requestId).toBe(response.headers.get("x-request-id"));
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});

describe("a refused request with a body", () => {
  it("ends its connection with the answer instead of waiting for the rest of the body", async () => {
    const { url } = await serveInProcess();
    const response = await sendRaw(url, `POST /trpc/projects.create HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n{"na`, {
      keepOpen: true,
    });
    expect(response?.status).toBe(415);
    expect(response?.headers.connection).toBe("close");
  });
});

describe("a client that ends its side once its request is sent (nc -N, some proxies)", () => {
  it("still gets the answer of a call that waits on its database, as from a database server", async () => {
    const database = openTestDatabase();
    const read = Object.create(database.read) as ReadRepository;
    read.listProjects = async (query) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return database.read.listProjects(query);
    };
    const server = createTaskServer({ read, write: database.write, tokens: database.tokens }, { log: captureLog().log });
    const url = await server.listen(0, "127.0.0.1");
    try {
      const response = await sendRaw(url, "GET /trpc/projects.list HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      expect(response?.status).toBe(200);
      expect(JSON.parse(response?.body ?? "")).toEqual({ result: { data: { items: [], nextCursor: null } } });
    } finally {
      await server.close();
    }
  });
});
