import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  // One copy of tRPC in the bundle, the app's own (the one @trpc/tanstack-react-query pins). An app of its own
  // gets that from npm; in the taskrpc repository the SDK is linked from sdk/ and would find the root's tRPC.
  resolve: { dedupe: ["@trpc/client", "@trpc/server"] },
});
