// Loaded with `node --import tsx --import ./bench/stock-adapter.mjs`: the server then answers /trpc with tRPC's
// stock Node adapter instead of src/server/trpc-handler.ts, so that bench/http.ts measures both in one run.
import { register } from "node:module";
import { isMainThread } from "node:worker_threads";

if (isMainThread) register(import.meta.url);

export async function resolve(specifier, context, next) {
  if (specifier === "./trpc-handler" && context.parentURL?.endsWith("/src/server/http.ts")) {
    return next(new URL("./stock-handler.ts", import.meta.url).href, context);
  }
  return next(specifier, context);
}
