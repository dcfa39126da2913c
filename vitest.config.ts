import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  // Tests use the SDK from its source, so `npm test` needs no build (scripts/sdk-consumer-test.mjs tests the
  // built package). tsconfig.json's `paths` says the same to the type checker.
  resolve: { alias: { "@taskrpc/sdk": fileURLToPath(new URL("./sdk/src/index.ts", import.meta.url)) } },
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/support/global-setup.ts"],
    // Browser tests need Chromium, tests/pg a PostgreSQL server; each has its own config (npm run test:browser, test:pg).
    exclude: [...configDefaults.exclude, "tests/browser/**", "tests/pg/**"],
    // Changes that affect every test although no test imports them: `vitest related` (npm run check) and watch
    // mode run everything when one of these changed.
    forceRerunTriggers: [
      ...configDefaults.forceRerunTriggers,
      // The default "**/{vitest,vite}.config.*/**" does not match this file (picomatch: a star before "/**").
      "**/vitest.config.ts/**",
      "**/tests/support/**",
      "**/drizzle/**",
      "**/package-lock.json/**",
      "**/tsconfig.json/**",
    ],
    // The tests that start a child process wait on it; on a small machine shared with other work, its start-up
    // alone can pass vitest's default of 5 s.
    testTimeout: 20_000,
    pool: "threads",
    // Test files share a worker's module cache: importing tRPC, Drizzle and zod once per worker, not once per file.
    isolate: false,
    // Transformed sources are kept on disk between runs, keyed by their content: a run transforms only what
    // changed (about 1 s of CPU less for the whole suite).
    experimental: { fsModuleCache: true },
    // At least two workers even on two cores: the default (cores - 1) is one worker there, which sits idle while
    // it waits on the CLI and server child processes; two cut the suite from about 9 s to 6 s on such a machine.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      // main.ts files only start the program; what they call is covered.
      exclude: ["src/**/main.ts"],
      reporter: ["text-summary", "html"],
      reportsDirectory: "reports/coverage",
      thresholds: { lines: 95 },
    },
  },
});
