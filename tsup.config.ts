import { copyFileSync } from "node:fs";
import { defineConfig } from "tsup";

export default defineConfig({
  entry: { taskrpc: "src/cli/main.ts" },
  format: ["esm"],
  target: "node20",
  platform: "node",
  outDir: "dist",
  clean: true,
  noExternal: [/^(?!better-sqlite3$|pino-pretty$)/u],
  // pino-pretty (a development dependency, for a terminal) is loaded by name when present: a production install logs JSON.
  external: ["pino-pretty"],
  banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
  // The panel's page is read at run time from beside the code (src/server/panel.ts): ship it beside the bundle.
  onSuccess: async () => copyFileSync("src/server/panel.html", "dist/panel.html"),
});
