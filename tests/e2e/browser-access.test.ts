import { describe, expect, it } from "vitest";
import { checkHost, defaultGuardOptions } from "../../src/server/guards";
import { sendRaw } from "../support/raw-http";
import { serveInProcess } from "../support/server";

/**
 * What a web page can make a browser send to the service: its site's Origin (refused unless listed in
 * CORS_ORIGINS) and, after DNS rebinding, its own host name in Host (refused while listening on loopback).
 * The browser itself drives these in tests/browser/security.test.ts.
 */

type ErrorBody = { error: { message: string; data: { code: string; httpStatus: number; reason: string } } };
const json = { "content-type": "application/json" };
const create = (url: string, headers: Record<string, string>) =>
  fetch(`${url}/trpc/projects.create`, { method: "POST", headers: { ...json, ...headers }, body: JSON.stringify({ name: "From a page" }) });

async function projectNames(url: string): Promise<string[]> {
  const body = (await (await fetch(`${url}/trpc/projects.list`)).json()) as { result: { data: { items: { name: string }[] } } };
  return body.result.data.items.map((project) => project.name);
}

async function rawStatus(url: string, host: string, path = "/trpc/projects.list") {
  const response = await sendRaw(url, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
  return { status: response?.status, body: response && response.body !== "" ? (JSON.parse(response.body) as ErrorBody) : undefined };
}

describe("the Origin of a request", () => {
  it("of another site is refused with 403 FORBIDDEN, for queries and mutations, and nothing is created", async () => {
    const { url } = await serveInProcess();
    for (const origin of ["http://evil.example", "http://localhost:1", "null", "not a url"]) {
      const response = await create(url, { origin });
      expect(response.status, origin).toBe(403);
      expect(((await response.json()) as ErrorBody).error.data, origin).toMatchObject({ code: "FORBIDDEN", httpStatus: 403, reason: "FORBIDDEN" });
      expect((await fetch(`${url}/trpc/projects.list`, { headers: { origin } })).status, origin).toBe(403);
    }
    expect(await projectNames(url)).toEqual([]);
  });

  it("of the server itself (the panel's page) is served, under each name it answers to", async () => {
    const { url } = await serveInProcess();
    const { port } = new URL(url);
    expect((await create(url, { origin: url })).status).toBe(200);
    // fetch always sends the URL's own Host: the other name goes raw.
    const body = JSON.stringify({ name: "From a page" });
    const viaLocalhost = await sendRaw(
      url,
      `POST /trpc/projects.create HTTP/1.1\r\nHost: localhost:${port}\r\nOrigin: http://localhost:${port}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(viaLocalhost?.status).toBe(200);
    expect(await projectNames(url)).toEqual(["From a page", "From a page"]);
  });

  it("listed in CORS_ORIGINS gets CORS answers: the preflight, then the call, errors included", async () => {
    const origin = "http://localhost:5173";
    const { url } = await serveInProcess({ corsOrigins: [origin] });
    const preflight = await fetch(`${url}/trpc/projects.create`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type, authorization, x-request-id" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(origin);
    expect(preflight.headers.get("access-control-allow-methods")).toBe("GET, POST");
    expect(preflight.headers.get("access-control-allow-headers")).toBe("content-type, authorization, x-request-id");
    expect(preflight.headers.get("vary")).toContain("Origin");
    const created = await create(url, { origin });
    expect(created.status).toBe(200);
    expect(created.headers.get("access-control-allow-origin")).toBe(origin);
    expect(created.headers.get("access-control-expose-headers")).toBe("x-request-id");
    expect(created.headers.get("vary")).toContain("Origin");
    const failed = await fetch(`${url}/trpc/nothing.here`, { headers: { origin } });
    expect(failed.status).toBe(404);
    expect(failed.headers.get("access-control-allow-origin")).toBe(origin);
  });

  it("not listed gets no CORS answer: its preflight is 403, and the same-origin answers name no origin", async () => {
    const { url } = await serveInProcess({ corsOrigins: ["http://localhost:5173"] });
    const preflight = await fetch(`${url}/trpc/projects.create`, { method: "OPTIONS", headers: { origin: "http://localhost:5174", "access-control-request-method": "POST" } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    const own = await fetch(`${url}/trpc/projects.list`);
    expect(own.headers.get("access-control-allow-origin")).toBeNull();
    expect(own.headers.get("vary")).toContain("Origin");
    const options = await fetch(`${url}/trpc/projects.list`, { method: "OPTIONS" });
    expect(options.status).toBe(204);
    expect(options.headers.get("allow")).toBe("GET, POST, OPTIONS");
  });
});

describe("the Host of a request, while listening on a loopback address", () => {
  it("is served for localhost, 127.0.0.1 and [::1] with any port", async () => {
    const { url } = await serveInProcess();
    for (const host of ["localhost", "localhost:1234", "127.0.0.1", "127.0.0.1:3000", "[::1]", "[::1]:80", "LOCALHOST"]) {
      expect((await rawStatus(url, host)).status, host).toBe(200);
    }
  });

  it("of any other name is refused with 403 FORBIDDEN (DNS rebinding), on the API and the panel", async () => {
    const { url } = await serveInProcess();
    for (const host of ["evil.example", "evil.example:3000", "localhost.evil.example", "10.0.0.1", "127.0.0.2"]) {
      const answer = await rawStatus(url, host);
      expect(answer.status, host).toBe(403);
      expect(answer.body?.error.data, host).toMatchObject({ code: "FORBIDDEN", reason: "FORBIDDEN" });
      expect((await rawStatus(url, host, "/panel")).status, host).toBe(403);
    }
  });

  it("listed in ALLOWED_HOSTS is served, with any port, beside the loopback names", async () => {
    const { url } = await serveInProcess({ allowedHosts: ["tasks.example"] });
    expect((await rawStatus(url, "tasks.example:8080")).status).toBe(200);
    expect((await rawStatus(url, "localhost")).status).toBe(200);
    expect((await rawStatus(url, "other.example")).status).toBe(403);
  });

  it("does not matter to /healthz, which stays open to any Host and Origin", async () => {
    const { url } = await serveInProcess();
    const response = await sendRaw(url, "GET /healthz HTTP/1.1\r\nHost: evil.example\r\nOrigin: http://evil.example\r\nConnection: close\r\n\r\n");
    expect(response?.status).toBe(200);
  });
});

describe("the Host check on other addresses", () => {
  it("serves any host name unless ALLOWED_HOSTS narrows it (loopback names always)", () => {
    const host = (name: string) => new URL(`http://${name}`);
    expect(() => checkHost(host("tasks.example"), defaultGuardOptions, false)).not.toThrow();
    const narrowed = { ...defaultGuardOptions, allowedHosts: ["tasks.example"] };
    expect(() => checkHost(host("tasks.example:443"), narrowed, false)).not.toThrow();
    expect(() => checkHost(host("localhost"), narrowed, false)).not.toThrow();
    expect(() => checkHost(host("other.example"), narrowed, false)).toThrow(/not served here/u);
  });
});
