import { createClient, errorReason, isTaskRpcError } from "@taskrpc/sdk";
import { describe, expect, it } from "vitest";
import type { TaskDatabase } from "../../src/data";
import { serveInProcess } from "../support/server";

async function secretOf(database: TaskDatabase, name: string, scope: "read" | "write"): Promise<string> {
  const created = await database.tokens.create({ name, scope });
  if (created === "name-taken") throw new Error(`token ${name} exists`);
  return created.secret;
}

/** The reason and HTTP status a call failed with, or "ok". */
async function outcome(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => "ok",
    (error: unknown) => (isTaskRpcError(error) ? `${errorReason(error)} ${error.data.httpStatus}` : String(error)),
  );
}

describe("access tokens over HTTP, through the SDK's headers option", () => {
  it("with no token the API is open (the server listens on loopback)", async () => {
    const { url } = await serveInProcess();
    expect(await outcome(createClient({ url }).projects.create.mutate({ name: "Open" }))).toBe("ok");
  });

  it("once a token exists: none or an unknown one is 401, a read token reads but a mutation is 403, a write token does all", async () => {
    const { url, database } = await serveInProcess();
    const project = await database.write.createProject({ name: "Seeded", description: "" });
    const read = await secretOf(database, "reader", "read");
    const write = await secretOf(database, "writer", "write");
    const as = (authorization?: string) => createClient({ url, ...(authorization && { headers: { authorization } }) });

    for (const client of [as(), as("Bearer trpc_unknown"), as(`Basic ${write}`), as(write)]) {
      expect(await outcome(client.projects.get.query({ id: project.id }))).toBe("UNAUTHENTICATED 401");
      expect(await outcome(client.projects.create.mutate({ name: "x" }))).toBe("UNAUTHENTICATED 401");
    }
    expect(await outcome(as(`Bearer ${read}`).projects.get.query({ id: project.id }))).toBe("ok");
    expect(await outcome(as(`Bearer ${read}`).projects.create.mutate({ name: "x" }))).toBe("FORBIDDEN 403");
    expect(await outcome(as(`bearer ${write}`).projects.create.mutate({ name: "Written" }))).toBe("ok");
    // headers may also be a function, called for every request
    const client = createClient({ url, headers: () => ({ authorization: `Bearer ${write}` }) });
    expect(await outcome(client.tasks.create.mutate({ projectId: project.id, title: "t" }))).toBe("ok");
    expect((await database.read.listProjects({ archived: false, limit: 10 })).items.map((p) => p.name)).toEqual(["Seeded", "Written"]);

    const raw = await fetch(`${url}/trpc/projects.list`);
    expect(raw.status).toBe(401);
    expect(await raw.json()).toMatchObject({ error: { data: { reason: "UNAUTHENTICATED", code: "UNAUTHORIZED", httpStatus: 401 } } });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it("a revoked token is refused at once, and last use is recorded", async () => {
    const { url, database } = await serveInProcess();
    const keep = await secretOf(database, "keep", "read");
    const gone = await secretOf(database, "gone", "write");
    const client = createClient({ url, headers: { authorization: `Bearer ${gone}` } });
    expect(await outcome(client.projects.list.query())).toBe("ok");
    expect((await database.tokens.list()).find((token) => token.name === "gone")?.lastUsedAt).toEqual(expect.any(String));
    await database.tokens.revoke("gone");
    expect(await outcome(client.projects.list.query())).toBe("UNAUTHENTICATED 401");
    expect(await outcome(createClient({ url, headers: { authorization: `Bearer ${keep}` } }).projects.list.query())).toBe("ok");
  });
});
