import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm"],
  target: "es2022",
  platform: "neutral",
  clean: true,
  // @trpc/client (the one dependency) and @trpc/server (the peer, for types) stay imports.
  external: ["@trpc/client", "@trpc/server"],
  dts: {
    // tsup's declaration build sets `baseUrl`, which TypeScript 6 deprecates (an error unless acknowledged).
    compilerOptions: { ignoreDeprecations: "6.0" },
  },
});
