import { defineConfig } from "tsup";

export default defineConfig({
  entry: { taskrpc: "src/cli/main.ts" },
  format: ["esm"],
  target: "node20",
  platform: "node",
  outDir: "dist",
  clean: true,
  noExternal: [/^(?!better-sqlite3$|trpc-ui-zod4$)/u],
  banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
});
