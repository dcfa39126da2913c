// What src/server/http.ts gets in place of the lean handler under bench/stock-adapter.mjs.
export { createHTTPHandler as createTRPCHandler } from "@trpc/server/adapters/standalone";
