import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config";

// Mutation testing runs the in-process suites: a mutant in src/ is loaded only by tests in this process.
// The few tests that start the server or the CLI as a child process cannot be instrumented or attributed by
// Stryker, so tests/process is left out; tests/e2e (the HTTP server and the panel, served in-process)
// and of tests/cli (runCli in-process) do run. The layers tests only run dependency-cruiser over a copy.
export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: ["tests/process/**", "tests/browser/**", "tests/layers/**", "node_modules/**"],
      // Stryker's sandbox runs instrumented copies of the sources: keep them out of the on-disk module cache
      // the other runs share, as before that cache existed.
      experimental: { fsModuleCache: false },
      // Generated files are compared with what the sources render now; Stryker's instrumented sources render
      // differently, so those staleness checks would fail the initial run. npm test keeps them.
      testNamePattern: /^(?!.*(rendered it from the current router|is what `npm run docs:api` writes|npm run docs:config)).*$/u,
    },
  }),
);
