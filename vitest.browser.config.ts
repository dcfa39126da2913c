import { defineConfig } from "vitest/config";

/** Tests that drive a real browser (headless Chromium): `npm run test:browser`. `npm test` leaves them out. */
export default defineConfig({
  test: {
    include: ["tests/browser/**/*.test.ts"],
    // Builds dist/ when stale: the panel test starts the server as users do, from the build.
    globalSetup: ["tests/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
