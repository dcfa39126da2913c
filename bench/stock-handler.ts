// What src/server/http.ts gets in place of the lean handler in bench/http.ts's "stock tRPC" server.
export { createHTTPHandler as createTRPCHandler } from "@trpc/server/adapters/standalone";
