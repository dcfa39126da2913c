import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config";

// Stryker mutates src/data but not src/data/pg (see the README's "Mutation testing"): the PGlite half of the
// contract and property suites (about four times SQLite's time a test) would run for every mutant they cover
// and kill nothing the SQLite half and the fake do not. Set here, before the workers start, so they inherit it.
process.env.TEST_PGLITE = "off";

// Mutation testing runs the in-process suites: a mutant in src/ is loaded only by tests in this process.
// The few tests that start the server or the CLI as a child process cannot be instrumented or attributed by
// Stryker, so tests/process is left out; tests/e2e (the HTTP server and the panel, served in-process)
// and of tests/cli (runCli in-process) do run. The layers tests only run dependency-cruiser over a copy.
export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [
        "tests/process/**",
        "tests/browser/**",
        "tests/layers/**",
        // Only PostgreSQL's own code, which is not mutated (above).
        "tests/dal/pg-portability.test.ts",
        "tests/schema/pg-migrations.test.ts",
        "node_modules/**",
      ],
      // Stryker's sandbox runs instrumented copies of the sources: keep them out of the on-disk module cache
      // the other runs share, as before that cache existed.
      experimental: { fsModuleCache: false },
      // Generated files are compared with what the sources render now; Stryker's instrumented sources render
      // differently, so those staleness checks would fail the initial run. npm test keeps them.
      testNamePattern: /^(?!.*(rendered it from the current router|is what `npm run docs:api` writes|npm run docs:config)).*$/u,
    },
  }),
);
