import { configDefaults, defineConfig } from "vitest/config";
import base from "./vitest.config.js";

/**
 * `npm run test:pg`, the PostgreSQL tier: the tests that need a real PostgreSQL server (TEST_DATABASE_URL;
 * scripts/postgres-test-server.sh starts one): the data-layer contract suite, the HTTP suite on a PostgreSQL-backed
 * server (serveInProcess() serves a fresh database of that server here), and two server processes sharing one
 * database (tests/pg). Without a server they skip, saying why; in CI they fail. Beside them, with or without a
 * server, the PostgreSQL half that needs none (embedded PGlite; `npm test` leaves it out with TEST_PGLITE=off):
 * the contract suite (tests/dal), export and import, and the model-based property test (tests/property).
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["tests/pg/**/*.test.ts", "tests/dal/**/*.test.ts", "tests/property/**/*.test.ts", "tests/e2e/**/*.test.ts", "tests/cli/copy.test.ts"],
    // process.test.ts is about the SQLite process (its file, signals); the fuzz test's long run has its own tier.
    exclude: [...configDefaults.exclude, "tests/e2e/process.test.ts", "tests/e2e/fuzz.test.ts"],
    globalSetup: ["tests/support/global-setup.ts", "tests/support/postgres-setup.ts"],
  },
});
