import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config";

// Mutation testing runs the in-process suites: a mutant in src/ is loaded only by tests in this process.
// The e2e, CLI and consumer tests start child processes, which Stryker cannot instrument or attribute.
export default mergeConfig(
  base,
  defineConfig({
    test: { exclude: ["tests/e2e/**", "tests/cli/**", "tests/browser/**", "tests/layers/**", "node_modules/**"] },
  }),
);
