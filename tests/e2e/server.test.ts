import { createClient, errorReason, isTaskRpcError, type AppRouter } from "@taskrpc/sdk";
import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import packageJson from "../../package.json" with { type: "json" };
import { serveInProcess } from "../support/server";

/** A fresh server on a free port of 127.0.0.1, and the SDK's client for it, as an app would call the service. */
async function connect() {
  const { url } = await serveInProcess();
  return { url, client: createClient({ url }) };
}

describe("the HTTP server, called through the SDK and with raw fetch", () => {
  it("answers GET /healthz with 200 and JSON", async () => {
    const server = await connect();
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(await response.json()).toEqual({ status: "ok", version: packageJson.version });
  });

  it("creates a project and tasks, then pages through a filtered list", async () => {
    const { client } = await connect();
    const project = await client.projects.create.mutate({ name: "E2E" });
    const titles = ["alpha report", "beta report", "gamma notes", "delta report", "epsilon report"];
    for (const title of titles) {
      await client.tasks.create.mutate({ projectId: project.id, title, priority: "high" });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.tasks.list.query({ projectId: project.id, search: "report", sort: { by: "title", dir: "asc" }, limit: 2, ...(cursor && { cursor }) });
      seen.push(...page.items.map((task) => task.title));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(["alpha report", "beta report", "delta report", "epsilon report"]);
    expect(await client.tasks.count.query({ projectId: project.id, search: "report" })).toEqual({ count: 4 });
  });

  it("reports a failure with its stable reason and code", async () => {
    const { client } = await connect();
    const error = await client.tasks.get.query({ id: "missing" }).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(TRPCClientError);
    const data = (error as TRPCClientError<AppRouter>).data;
    expect(data?.reason).toBe("TASK_NOT_FOUND");
    expect(data?.code).toBe("NOT_FOUND");
    expect(data?.httpStatus).toBe(404);
    expect(isTaskRpcError(error)).toBe(true);
    expect(errorReason(error)).toBe("TASK_NOT_FOUND");
    expect(errorReason(new Error("not from the API"))).toBeUndefined();
  });

  it("sends calls made in the same tick as one HTTP request, with the caller's headers", async () => {
    const server = await connect();
    const requests: { url: string; headers: Headers }[] = [];
    const counted = createClient({
      url: `${server.url}/`,
      headers: { "x-request-source": "e2e" },
      fetch: (input, init) => {
        requests.push({ url: String(input), headers: new Headers(init?.headers) });
        return fetch(input, init as RequestInit);
      },
    });
    const project = await counted.projects.create.mutate({ name: "Batched" });
    requests.length = 0;
    const [fetched, page, count] = await Promise.all([
      counted.projects.get.query({ id: project.id }),
      counted.tasks.list.query({ projectId: project.id }),
      counted.tasks.count.query({ projectId: project.id }),
    ]);
    expect(fetched.name).toBe("Batched");
    expect(page.items).toEqual([]);
    expect(count).toEqual({ count: 0 });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.url).toContain(`${server.url}/trpc/projects.get,tasks.list,tasks.count?batch=1`);
    expect(requests[0]?.headers.get("x-request-source")).toBe("e2e");
  });

  it("speaks plain JSON to any HTTP client: a raw POST mutation and a GET query", async () => {
    const server = await connect();
    const created = await fetch(`${server.url}/trpc/projects.create`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Raw" }),
    });
    expect(created.status).toBe(200);
    const body = (await created.json()) as { result: { data: { id: string; name: string; createdAt: string } } };
    expect(body.result.data.name).toBe("Raw");
    expect(new Date(body.result.data.createdAt).toISOString()).toBe(body.result.data.createdAt);

    const input = encodeURIComponent(JSON.stringify({ id: body.result.data.id }));
    const fetched = await fetch(`${server.url}/trpc/projects.get?input=${input}`);
    expect(fetched.status).toBe(200);
    expect(((await fetched.json()) as typeof body).result.data.id).toBe(body.result.data.id);

    const invalid = await fetch(`${server.url}/trpc/projects.create`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "" }),
    });
    expect(invalid.status).toBe(400);
    const failure = (await invalid.json()) as { error: { data: { reason: string; issues: { path: string[] }[] } } };
    expect(failure.error.data.reason).toBe("VALIDATION");
    expect(failure.error.data.issues[0]?.path).toEqual(["name"]);
  });
});
