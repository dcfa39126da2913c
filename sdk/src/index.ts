/**
 * @taskrpc/sdk: the typed client of the taskrpc API.
 *
 *   const client = createClient({ url: "http://127.0.0.1:3000" });
 *   const page = await client.tasks.list.query({ status: "open" });
 */
import { createTRPCClient, httpBatchLink, type HTTPBatchLinkOptions, type TRPCClient, type TRPCClientError } from "@trpc/client";
import type { AnyTRPCProcedure, inferRouterInputs, inferRouterOutputs, TRPCBuiltRouter } from "@trpc/server";
// Types only: nothing of the server is bundled into the SDK's JavaScript.
import type { AppRouter as ServerRouter } from "../../src/api/router";

/**
 * Why the router type goes through a function: the published `dist/index.d.ts` must not need the server's
 * source or its dependencies. tsup bundles declarations, and TypeScript writes a *named* type it can reach
 * (an alias, an interface) by name, so `export type AppRouter = typeof appRouter` would carry along the
 * server's `Context` (its repositories, typed from the zod schemas of src/domain) and with it an import of
 * zod. The procedures' inputs and outputs are already plain structural types; only the router's `ctx` (and
 * its sub-routers', before tRPC's decorator resolves them) names server internals, and a client never sees
 * a context.
 *
 * So the public router is the server's router with `ctx` replaced by `object`, computed in type aliases local
 * to a function: a local alias has no name outside its block, so the declaration emitter must write the
 * function's return type out in full (plain object types, tRPC's generic types, and the SPEC's `ErrorReason`
 * union). The function is never called, and esbuild drops it from the JavaScript. Two checks keep it so:
 * scripts/check-dist.mjs (part of `npm run build`) fails when the bundled declarations import anything but
 * @trpc/*, and scripts/sdk-consumer-test.mjs (the root's `npm run test:sdk`) type-checks a consumer
 * project that has no server package installed.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- only its return type is used, see above
function publicRouter() {
  type Root = ServerRouter["_def"]["_config"]["$types"];
  // Mapping the record makes TypeScript resolve it: left as `ServerRouter["_def"]["record"]` it would be
  // written as tRPC's decorator applied to the sub-routers, each of which names the server's context.
  type PublicRecord<T> = { [K in keyof T]: T[K] extends AnyTRPCProcedure ? T[K] : PublicRecord<T[K]> };
  type PublicRouter = TRPCBuiltRouter<
    { ctx: object; meta: Root["meta"]; errorShape: Root["errorShape"]; transformer: Root["transformer"] },
    PublicRecord<ServerRouter["_def"]["record"]>
  >;
  return null as unknown as PublicRouter;
}

/** The API's router type, for `createTRPCClient<AppRouter>` and tRPC's type helpers. */
export type AppRouter = ReturnType<typeof publicRouter>;
/** Every procedure's input, as a caller writes it: `RouterInputs["tasks"]["create"]`. */
export type RouterInputs = inferRouterInputs<AppRouter>;
/** Every procedure's output, as it arrives (plain JSON: timestamps are ISO-8601 strings). */
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type Project = RouterOutputs["projects"]["get"];
export type Task = RouterOutputs["tasks"]["get"];
/** The input of `tasks.list` (every field optional). tRPC types an input that may be left out as `T | void`. */
export type TaskQuery = Exclude<RouterInputs["tasks"]["list"], void | undefined>;
export type Priority = Task["priority"];

type LinkOptions = HTTPBatchLinkOptions<AppRouter["_def"]["_config"]["$types"]>;

export type ClientOptions = {
  /** The service's base URL, e.g. `http://127.0.0.1:3000`; the API is called at `${url}/trpc`. */
  url: string;
  /** Headers sent with every request, or a function returning them (called once per request). */
  headers?: LinkOptions["headers"];
  /** A fetch implementation to use instead of the global one (tests, proxies, instrumentation). */
  fetch?: LinkOptions["fetch"];
};

export type TaskRpcClient = TRPCClient<AppRouter>;

/**
 * A client typed from the server's router. Calls made in the same tick travel as one batched HTTP
 * request (tRPC's httpBatchLink); the wire format is plain JSON, with no transformer.
 */
export function createClient(options: ClientOptions): TaskRpcClient {
  const base = options.url.replace(/\/+$/, "");
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${base}/trpc`,
        ...(options.headers !== undefined && { headers: options.headers }),
        ...(options.fetch !== undefined && { fetch: options.fetch }),
      }),
    ],
  });
}

/** A failure reported by the API (a TRPCClientError whose `data` carries the SPEC's `reason`). */
export type TaskRpcError = TRPCClientError<AppRouter> & { data: NonNullable<TRPCClientError<AppRouter>["data"]> };
/** The stable failure reasons of SPEC: VALIDATION, PROJECT_NOT_FOUND, TASK_NOT_FOUND, ... INTERNAL. */
export type ErrorReason = TaskRpcError["data"]["reason"];

/**
 * Every reason the API documents (docs/api.md), access tokens' included. A copy of src/domain/errors.ts's list, as
 * this package may take only types from the server: `satisfies` refuses a reason the server lacks, and tests/sdk
 * checks that the server gives no reason this list lacks.
 */
export const errorReasons = [
  "VALIDATION",
  "PROJECT_NOT_FOUND",
  "TASK_NOT_FOUND",
  "PROJECT_ARCHIVED",
  "PROJECT_NOT_EMPTY",
  "VERSION_MISMATCH",
  "INVALID_CURSOR",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "INTERNAL",
] as const satisfies readonly ErrorReason[];
const reasons: ReadonlySet<string> = new Set(errorReasons);

/**
 * Whether `error` is an error of this API, with a readable `data.reason` (and `data.code`, `data.issues`).
 * Recognised by its shape, not by `instanceof`: an app may hold its own copy of `@trpc/client` beside the one
 * this package resolves, and an error made by that copy is an instance of its class only.
 */
export function isTaskRpcError(error: unknown): error is TaskRpcError {
  if (typeof error !== "object" || error === null || (error as { name?: unknown }).name !== "TRPCClientError") return false;
  const data: unknown = (error as { data?: unknown }).data;
  if (typeof data !== "object" || data === null) return false;
  const reason: unknown = (data as { reason?: unknown }).reason;
  return typeof reason === "string" && reasons.has(reason);
}

/** The `data.reason` of an API error, or undefined for anything else (a network failure, a bug). */
export function errorReason(error: unknown): ErrorReason | undefined {
  return isTaskRpcError(error) ? error.data.reason : undefined;
}
