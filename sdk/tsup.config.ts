import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  // index.js and index.d.ts for `import`, index.cjs and index.d.cts for `require` (see package.json exports).
  format: ["esm", "cjs"],
  target: "es2022",
  platform: "neutral",
  clean: true,
  sourcemap: true,
  // The app's own tRPC (the peers) is used, never a bundled or nested copy.
  external: ["@trpc/client", "@trpc/server"],
  dts: {
    // tsup's declaration build sets `baseUrl`, which TypeScript 6 deprecates (an error unless acknowledged).
    compilerOptions: { ignoreDeprecations: "6.0" },
  },
});
