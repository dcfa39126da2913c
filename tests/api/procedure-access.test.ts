import type { inferProcedureBuilderResolverOptions, TRPCError } from "@trpc/server";
import { describe, expect, expectTypeOf, it } from "vitest";
import { appRouter, createCallerFactory, createContext } from "../../src/api";
import type { mutationProcedure, queryProcedure } from "../../src/api/trpc";
import type { ReadRepository, Repository, TaskDatabase, TokenStore } from "../../src/data";
import { createProjectInput, createTaskInput } from "../../src/domain";
import { openDatabaseCopy, openTestDatabase, sharedStore } from "../support/database";

function secretOf(created: Awaited<ReturnType<TokenStore["create"]>>): string {
  if (created === "name-taken") throw new Error("token names in this test are distinct");
  return created.secret;
}

// Read-only queries by construction: every query procedure is handed the read-only repository, whose
// connection refuses writes, and never the writing one; every mutation makes exactly one call on the
// writing repository (each of its methods is one transaction). New procedures are covered automatically.

type Procedures = Record<string, { _def: { type: string; inputs: { parse?: (value: unknown) => unknown }[] } }>;
const procedures = Object.entries(appRouter._def.procedures as unknown as Procedures);

/**
 * The first of a few generic inputs that the procedure's schema accepts. Their ids name a project and a task
 * that exist, so the procedure really reaches storage: a write slipped into a query is attempted, and refused.
 */
function acceptedInput(path: string, inputs: Procedures[string]["_def"]["inputs"], ids: { projectId: string; taskId: string }): unknown {
  const id = path.startsWith("projects.") ? ids.projectId : ids.taskId;
  const candidates = [{}, { id }, { name: "probe" }, { projectId: ids.projectId, title: "probe" }];
  const input = candidates.find((candidate) =>
    inputs.every((parser) => {
      try {
        parser.parse?.(candidate);
        return true;
      } catch {
        return false;
      }
    }),
  );
  if (!input) throw new Error("add an input for this procedure to `candidates`");
  return input;
}

function recording<T extends object>(target: T, calls: string[]): T {
  return new Proxy(target, {
    get(object, property) {
      const value = Reflect.get(object, property) as unknown;
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls.push(String(property));
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}

type Token = "read" | "write" | "none" | "unknown" | "expired";

/**
 * A store holding one project and one task; with `tokens`, also a read, a write and an expired token, whose
 * secrets it keeps for `callAndRecord`. The test's own (`openTestDatabase`) unless `open` gives another.
 */
async function seededStore(tokens: boolean, open: (clock: () => string) => TaskDatabase = openTestDatabase) {
  let now = Date.parse("2026-01-01T00:00:00.000Z");
  const database = open(() => new Date(now++).toISOString());
  const project = await database.write.createProject(createProjectInput.parse({ name: "Seeded" }));
  const task = await database.write.createTask(createTaskInput.parse({ projectId: project.id, title: "Seeded" }));
  const secrets: Record<string, string | undefined> = { unknown: "trpc_not-a-token" };
  if (tokens) {
    for (const scope of ["read", "write"] as const) secrets[scope] = secretOf(await database.tokens.create({ name: scope, scope }));
    secrets.expired = secretOf(await database.tokens.create({ name: "expired", scope: "write", expiresIn: 60_000 }));
    now += 60_000; // the expiring token's minute is up; the others never expire
  }
  return { database, ids: { projectId: project.id, taskId: task.id }, secrets };
}

type Store = Awaited<ReturnType<typeof seededStore>>;

/**
 * One seeded store for the query procedures' tests of a describe block: a query cannot change it (its connection is
 * read-only, and each test checks it made no write). A mutation's test takes a fresh store.
 */
const storeForQueries = (tokens: boolean) => sharedStore(() => seededStore(tokens, (clock) => openDatabaseCopy({ clock })));

/**
 * Calls the procedure on a seeded store (a fresh one unless given); records which repository it used. With
 * `token`, the store holds tokens and the call presents the one named (or none).
 */
async function callAndRecord(path: string, inputs: Procedures[string]["_def"]["inputs"], token?: Token, store?: Store) {
  const { database, ids, secrets } = store ?? (await seededStore(token !== undefined));
  const input = acceptedInput(path, inputs, ids);
  const reads: string[] = [];
  const writes: string[] = [];
  const repositories = { read: recording(database.read, reads), write: recording(database.write, writes), tokens: database.tokens };
  const caller = createCallerFactory(appRouter)(
    await createContext(repositories, token ? { authorization: token === "none" ? undefined : `Bearer ${secrets[token]}` } : "trusted-local"),
  );
  const call = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (
    input: unknown,
  ) => Promise<unknown>;
  const failure = await call(input).then(
    () => undefined,
    (error: unknown) => error as TRPCError,
  );
  return { reads, writes, database, failure };
}

describe("every procedure gets only the access its kind allows", () => {
  it("the router has queries and mutations to check", () => {
    const kinds = new Set(procedures.map(([, procedure]) => procedure._def.type));
    expect(kinds).toEqual(new Set(["query", "mutation"]));
  });

  const queryStore = storeForQueries(false);
  for (const [path, procedure] of procedures) {
    if (procedure._def.type === "query") {
      it(`query ${path} reads through the read-only repository and never touches the writing one`, async () => {
        const { reads, writes, database, failure } = await callAndRecord(path, procedure._def.inputs, undefined, await queryStore());
        expect(reads.length).toBeGreaterThan(0);
        expect(writes).toEqual([]);
        // A write attempted through the read-only connection would surface here as an internal error.
        expect(failure?.code).not.toBe("INTERNAL_SERVER_ERROR");
        // The repository it was handed cannot write, even when forced past the type system.
        const forced = database.read as unknown as Repository;
        await expect(forced.createProject(createProjectInput.parse({ name: "sneaky" }))).rejects.toThrow(/readonly/i);
      });
    } else {
      it(`mutation ${path} makes exactly one call, one transaction, on the writing repository`, async () => {
        const { reads, writes } = await callAndRecord(path, procedure._def.inputs);
        expect(writes).toHaveLength(1);
        expect(reads).toEqual([]);
      });
    }
  }
});

/** The SPEC reason a failed call carries (the DomainError behind the tRPC error), or undefined for success. */
const reasonOf = (failure: TRPCError | undefined) => (failure?.cause as { reason?: string } | undefined)?.reason;

describe("while a live token exists, every procedure checks the caller's token", () => {
  const queryStore = storeForQueries(true);
  for (const [path, procedure] of procedures) {
    const kind = procedure._def.type;
    const storeFor = async () => (kind === "query" ? await queryStore() : undefined);
    it(`${kind} ${path}: none, unknown or expired is UNAUTHENTICATED, before touching storage`, async () => {
      // One store for the three: each call must leave it untouched, which the test checks.
      const store = (await storeFor()) ?? (await seededStore(true));
      for (const token of ["none", "unknown", "expired"] as const) {
        const { reads, writes, failure } = await callAndRecord(path, procedure._def.inputs, token, store);
        expect({ token, reason: reasonOf(failure), code: failure?.code }).toEqual({ token, reason: "UNAUTHENTICATED", code: "UNAUTHORIZED" });
        expect([...reads, ...writes]).toEqual([]);
      }
    });

    it(`${kind} ${path}: a read token ${kind === "query" ? "may call it" : "is FORBIDDEN, changing nothing"}`, async () => {
      const { reads, writes, failure } = await callAndRecord(path, procedure._def.inputs, "read", await storeFor());
      if (kind === "query") {
        expect(failure).toBeUndefined();
        expect(reads.length).toBeGreaterThan(0);
      } else {
        expect({ reason: reasonOf(failure), code: failure?.code }).toEqual({ reason: "FORBIDDEN", code: "FORBIDDEN" });
        expect(writes).toEqual([]);
      }
    });

    it(`${kind} ${path}: a write token may call it`, async () => {
      const { reads, writes, failure } = await callAndRecord(path, procedure._def.inputs, "write", await storeFor());
      expect(["UNAUTHENTICATED", "FORBIDDEN"]).not.toContain(reasonOf(failure));
      expect([...reads, ...writes].length).toBeGreaterThan(0);
    });
  }
});

describe("at compile time", () => {
  type QueryContext = inferProcedureBuilderResolverOptions<typeof queryProcedure>["ctx"];
  type MutationContext = inferProcedureBuilderResolverOptions<typeof mutationProcedure>["ctx"];
  type WritingMethods = Exclude<keyof Repository, keyof ReadRepository>;

  it("a query's context has no writing method and no way to the writing repository", () => {
    expectTypeOf<Extract<keyof QueryContext["repo"], WritingMethods>>().toEqualTypeOf<never>();
    expectTypeOf<QueryContext["repo"]>().toEqualTypeOf<ReadRepository>();
    expectTypeOf<QueryContext["repositories"]>().toEqualTypeOf<undefined>();
  });

  it("a mutation's context has the writing repository", () => {
    expectTypeOf<MutationContext["repo"]>().toEqualTypeOf<Repository>();
    expectTypeOf<MutationContext["repositories"]>().toEqualTypeOf<undefined>();
  });
});

describe("a refused caller is told what would be accepted", () => {
  it("no valid token: send one as a Bearer token; a read token on a mutation: use a write token", async () => {
    const mutation = procedures.find(([, procedure]) => procedure._def.type === "mutation");
    if (!mutation) throw new Error("the router has no mutation");
    const [path, procedure] = mutation;
    expect((await callAndRecord(path, procedure._def.inputs, "none")).failure?.message).toMatch(/Authorization: Bearer <token>/u);
    expect((await callAndRecord(path, procedure._def.inputs, "read")).failure?.message).toMatch(/needs a write token/u);
  });
});
