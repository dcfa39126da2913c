/**
 * The layer rules: domain → data → api → server (and cli). Each rule's comment says what to do instead,
 * and is printed when the rule breaks (npm run layers).
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: "domain-is-pure",
      severity: "error",
      comment:
        "src/domain holds the zod schemas and pure rules; it may import only zod and itself. Move code that needs storage, tRPC or I/O into src/data, src/api or src/server, and pass plain values into the domain.",
      from: { path: "^src/domain/" },
      to: { pathNot: ["^src/domain/", "(^|/)node_modules/zod/"] },
    },
    {
      name: "only-data-touches-sql",
      severity: "error",
      comment:
        "Only src/data may import drizzle-orm, drizzle-kit, better-sqlite3, pg or PGlite (tests/schema checks migrations and query plans, bench/ compares with raw SQL, and tests/support/postgres.ts makes the real-server tests' databases and tests/support/database.ts empties SQLite's between tests, so they may too). Call a Repository method instead, and add one in src/data/repository.ts if none fits.",
      from: { pathNot: ["^src/data/", "^tests/schema/", "^tests/support/(postgres|database)\\.ts$", "^bench/", "^drizzle(\\.pg)?\\.config\\.ts$"] },
      to: { path: "(^|/)node_modules/(drizzle-orm|drizzle-kit|better-sqlite3|pg|@electric-sql/pglite)/" },
    },
    {
      name: "data-below-api",
      severity: "error",
      comment:
        "src/data must not know about tRPC, HTTP or the CLI. Return plain domain values or throw DomainError (src/domain/errors.ts); the API maps reasons to tRPC codes.",
      from: { path: "^src/data/" },
      to: { path: ["^src/(api|server|cli)/", "(^|/)node_modules/@trpc/"] },
    },
    {
      name: "api-uses-repository-interface",
      severity: "error",
      comment:
        "src/api sees storage only through the Repository interface: import types from src/data/repository.ts. The implementation is chosen where the context is built (src/server, src/cli, tests).",
      from: { path: "^src/api/" },
      to: { path: "^src/data/", pathNot: "^src/data/repository\\.ts$" },
    },
    {
      name: "api-below-server",
      severity: "error",
      comment: "src/api must not depend on the HTTP server or the CLI; they depend on it.",
      from: { path: "^src/api/" },
      to: { path: "^src/(server|cli)/" },
    },
    {
      name: "sdk-imports-only-types",
      severity: "error",
      comment:
        "The SDK ships to apps that must not install the server: import from src/ only with `import type`, and write runtime code against @trpc/client alone.",
      from: { path: "^sdk/src/" },
      to: { path: "^src/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "no-circular",
      severity: "error",
      comment: "A cycle ties modules together so neither can change alone; move the shared part into a module both import.",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(dist|coverage|reports|\\.stryker-tmp)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
  },
};
