import { initTRPC } from "@trpc/server";
import { DomainError } from "../domain";
import type { Access, Context } from "./context";
import { formatError, toTRPCError } from "./errors";

const t = initTRPC.context<Context>().create({ errorFormatter: formatError });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

const procedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  const domainError = result.ok ? undefined : toTRPCError(result.error.cause);
  if (domainError) throw domainError;
  return result;
});

const unauthenticated = () =>
  new DomainError("UNAUTHENTICATED", "This service requires an access token: send Authorization: Bearer <token>");

/** Queries take any token; mutations a write token. */
function assertAllowed(access: Access, kind: "query" | "mutation"): void {
  if (access === "none") throw unauthenticated();
  if (kind === "mutation" && access !== "write") throw new DomainError("FORBIDDEN", "This token may only read: a mutation needs a write token");
}

/**
 * Every procedure is built by one of these two, so its access check cannot be forgotten.
 * Queries see only the read-only repository (over a read-only connection), mutations only the writing
 * one; neither sees the other, so a query cannot write and a new procedure gets this by choosing its builder.
 */
export const queryProcedure = procedure.use(({ ctx, next }) => {
  assertAllowed(ctx.access, "query");
  return next({ ctx: { repo: ctx.repositories.read, repositories: undefined } });
});

export const mutationProcedure = procedure.use(({ ctx, next }) => {
  assertAllowed(ctx.access, "mutation");
  return next({ ctx: { repo: ctx.repositories.write, repositories: undefined } });
});
