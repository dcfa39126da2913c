import { initTRPC } from "@trpc/server";
import type { Context } from "./context";
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

/**
 * Queries see only the read-only repository (over a read-only connection), mutations only the writing
 * one; neither sees the other, so a query cannot write and a new procedure gets this by choosing its builder.
 */
export const queryProcedure = procedure.use(({ ctx, next }) =>
  next({ ctx: { repo: ctx.repositories.read, repositories: undefined } }),
);

export const mutationProcedure = procedure.use(({ ctx, next }) =>
  next({ ctx: { repo: ctx.repositories.write, repositories: undefined } }),
);
