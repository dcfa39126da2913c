import { describe, expect, it, onTestFinished } from "vitest";
import { createTokenInput, type TokenInfo } from "../../src/domain";
import { openDatabase, type TokenStore } from "../../src/data";
import { openDatabaseCopy } from "../support/database";
import { implementations } from "./implementations";

async function create(tokens: TokenStore, input: { name: string; scope: "read" | "write"; expiresIn?: string }) {
  const created = await tokens.create(createTokenInput.parse(input));
  if (created === "name-taken") throw new Error(`token ${input.name} exists`);
  return created;
}

describe.each(implementations)("access tokens ($name)", ({ open }) => {
  it("gives the secret once, with the trpc_ prefix, and never shows it again", async () => {
    const { tokens } = open();
    const { token, secret } = await create(tokens, { name: "ci", scope: "read" });
    expect(secret).toMatch(/^trpc_[A-Za-z0-9_-]{43}$/u);
    expect(token).toEqual({ name: "ci", scope: "read", createdAt: expect.any(String), expiresAt: null, lastUsedAt: null } satisfies TokenInfo);
    expect(await tokens.list()).toEqual([token]);
    expect(JSON.stringify(await tokens.list())).not.toContain(secret.slice(5));
    expect((await create(tokens, { name: "other", scope: "read" })).secret).not.toBe(secret);
  });

  it("refuses a second token of the same name, keeping the first", async () => {
    const { tokens } = open();
    const { secret } = await create(tokens, { name: "ci", scope: "read" });
    expect(await tokens.create(createTokenInput.parse({ name: "ci", scope: "write" }))).toBe("name-taken");
    expect((await tokens.list()).map((token) => [token.name, token.scope])).toEqual([["ci", "read"]]);
    expect((await tokens.authenticate(secret))?.scope).toBe("read");
  });

  it("authenticates a live token's secret with its name and scope, and nothing else", async () => {
    const { tokens } = open();
    expect(await tokens.hasLiveTokens()).toBe(false);
    const reader = await create(tokens, { name: "reader", scope: "read" });
    const writer = await create(tokens, { name: "writer", scope: "write" });
    expect(await tokens.hasLiveTokens()).toBe(true);
    expect(await tokens.authenticate(reader.secret)).toEqual({ name: "reader", scope: "read" });
    expect(await tokens.authenticate(writer.secret)).toEqual({ name: "writer", scope: "write" });
    for (const wrong of ["", "trpc_", writer.secret.slice(0, -1), `${writer.secret}x`, writer.secret.toUpperCase(), "' or 1=1 --"]) {
      expect(await tokens.authenticate(wrong)).toBeUndefined();
    }
  });

  it("lists tokens by name with their expiry", async () => {
    const { tokens } = open();
    await create(tokens, { name: "b", scope: "write", expiresIn: "30d" });
    await create(tokens, { name: "a", scope: "read" });
    const [a, b] = await tokens.list();
    expect([a?.name, b?.name]).toEqual(["a", "b"]);
    expect(a?.expiresAt).toBeNull();
    expect(Date.parse(b?.expiresAt ?? "") - Date.parse(b?.createdAt ?? "")).toBe(30 * 86_400_000);
  });

  it("revokes by name: the secret stops working at once and the name is free again", async () => {
    const { tokens } = open();
    const { secret } = await create(tokens, { name: "ci", scope: "write" });
    expect(await tokens.hasLiveTokens()).toBe(true);
    expect(await tokens.revoke("ci")).toBe(true);
    expect(await tokens.authenticate(secret)).toBeUndefined();
    expect(await tokens.hasLiveTokens()).toBe(false);
    expect(await tokens.list()).toEqual([]);
    expect(await tokens.revoke("ci")).toBe(false);
    expect((await tokens.authenticate((await create(tokens, { name: "ci", scope: "read" })).secret))?.scope).toBe("read");
  });

  it("stops authenticating a token once it expires, and no longer counts it as live", async () => {
    const { tokens } = open();
    // The test clock moves one millisecond a reading: a token living 3 ms expires after a few calls.
    const { secret } = await tokens.create({ name: "short", scope: "write", expiresIn: 3 }) as { secret: string };
    expect((await tokens.authenticate(secret))?.scope).toBe("write");
    for (let reading = 0; reading < 3; reading++) await tokens.hasLiveTokens();
    expect(await tokens.hasLiveTokens()).toBe(false);
    expect(await tokens.authenticate(secret)).toBeUndefined();
    expect((await tokens.list()).map((token) => token.name)).toEqual(["short"]);
  });

  it("records the last use, but not on every call", async () => {
    const { tokens } = open();
    const { secret } = await create(tokens, { name: "ci", scope: "read" });
    await tokens.authenticate(secret);
    const first = (await tokens.list())[0]?.lastUsedAt;
    expect(first).toEqual(expect.any(String));
    await tokens.authenticate(secret);
    await tokens.authenticate(secret);
    expect((await tokens.list())[0]?.lastUsedAt).toBe(first);
  });
});

describe("access tokens made by another process (sqlite)", () => {
  function twoProcesses() {
    let now = Date.parse("2026-01-01T00:00:00.000Z");
    const clock = () => new Date(now).toISOString();
    const server = openDatabaseCopy({ clock });
    onTestFinished(() => server.close());
    // `taskrpc token create` on the same file: a connection of its own.
    const cli = openDatabase(server.path, { clock });
    onTestFinished(() => cli.close());
    return { server: server.tokens, cli: cli.tokens, wait: (ms: number) => (now += ms) };
  }

  it("count as live within a second, and stop counting within a second of being revoked there", async () => {
    const { server, cli, wait } = twoProcesses();
    expect(await server.hasLiveTokens()).toBe(false);
    await create(cli, { name: "ci", scope: "read" });
    wait(1_000);
    expect(await server.hasLiveTokens()).toBe(true);
    await create(cli, { name: "later", scope: "read", expiresIn: "1d" });
    await cli.revoke("ci");
    wait(1_000);
    expect(await server.hasLiveTokens()).toBe(true);
    await cli.revoke("later");
    wait(1_000);
    expect(await server.hasLiveTokens()).toBe(false);
  });

  it("stop counting once the last of them expires, with no write in between", async () => {
    const { server, cli, wait } = twoProcesses();
    await create(cli, { name: "short", scope: "read", expiresIn: "1m" });
    await create(cli, { name: "longer", scope: "read", expiresIn: "1h" });
    expect(await server.hasLiveTokens()).toBe(true);
    wait(30 * 60_000);
    expect(await server.hasLiveTokens()).toBe(true);
    wait(30 * 60_000);
    expect(await server.hasLiveTokens()).toBe(false);
  });
});

describe("access tokens by the clock (sqlite)", () => {
  function atTime() {
    let now = Date.parse("2026-01-01T00:00:00.000Z");
    const database = openDatabaseCopy({ clock: () => new Date(now).toISOString() });
    onTestFinished(() => database.close());
    return { tokens: database.tokens, wait: (ms: number) => (now += ms) };
  }

  it("works until the instant it expires, not at that instant", async () => {
    const { tokens, wait } = atTime();
    const { secret } = await create(tokens, { name: "short", scope: "read", expiresIn: "1m" });
    wait(60_000 - 1);
    expect((await tokens.authenticate(secret))?.name).toBe("short");
    wait(1);
    expect(await tokens.authenticate(secret)).toBeUndefined();
  });

  it("records a use again once a full minute has passed since the recorded one", async () => {
    const { tokens, wait } = atTime();
    const { secret } = await create(tokens, { name: "ci", scope: "read" });
    const lastUsed = async () => (await tokens.list())[0]?.lastUsedAt;
    await tokens.authenticate(secret);
    expect(await lastUsed()).toBe("2026-01-01T00:00:00.000Z");
    wait(60_000 - 1);
    await tokens.authenticate(secret);
    expect(await lastUsed()).toBe("2026-01-01T00:00:00.000Z");
    wait(1);
    await tokens.authenticate(secret);
    expect(await lastUsed()).toBe("2026-01-01T00:01:00.000Z");
  });
});
