import { initTRPC } from "@trpc/server";
import { DomainError } from "../domain";
import type { Access, Context } from "./context";
import { formatError, toTRPCError } from "./errors";

const t = initTRPC.context<Context>().create({ errorFormatter: formatError });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

const unauthenticated = () =>
  new DomainError("UNAUTHENTICATED", "This service requires an access token: send Authorization: Bearer <token>");

/** Queries take any token; mutations a write token. */
function assertAllowed(access: Access, kind: "query" | "mutation"): void {
  const refusal =
    access === "none"
      ? unauthenticated()
      : kind === "mutation" && access !== "write"
        ? new DomainError("FORBIDDEN", "This token may only read: a mutation needs a write token")
        : undefined;
  if (refusal) throw toTRPCError(refusal);
}

/** A refusal of the domain's rules, wherever the procedure threw it, leaves as the matching tRPC error. */
function withDomainErrors<TResult extends { ok: boolean; error?: { cause?: unknown } }>(result: TResult): TResult {
  // Stryker disable next-line OptionalChaining: a failed result always holds its error
  const domainError = result.ok ? undefined : toTRPCError(result.error?.cause);
  if (domainError) throw domainError;
  return result;
}

/**
 * Every procedure is built by one of these two, so its access check cannot be forgotten.
 * Queries see only the read-only repository (over a read-only connection), mutations only the writing
 * one; neither sees the other, so a query cannot write and a new procedure gets this by choosing its builder.
 * One middleware each (every middleware costs tRPC a few object copies per call).
 */
export const queryProcedure = t.procedure.use(async ({ ctx, next }) => {
  // Stryker disable next-line StringLiteral: only "mutation" is told apart
  assertAllowed(ctx.access, "query");
  return withDomainErrors(await next({ ctx: { repo: ctx.repositories.read, repositories: undefined } }));
});

export const mutationProcedure = t.procedure.use(async ({ ctx, next }) => {
  assertAllowed(ctx.access, "mutation");
  return withDomainErrors(await next({ ctx: { repo: ctx.repositories.write, repositories: undefined } }));
});
