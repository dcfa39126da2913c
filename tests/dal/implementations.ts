import { openMemoryRepositories, type Repositories } from "../../src/data";
import { openDatabaseCopy, openTestDatabase, tickingClock } from "../support/database";

// PostgreSQL's test support (PGlite, node-postgres, their Drizzle drivers) is loaded only when a PostgreSQL store
// is tested: `npm test` and the inner loop test none, and loading it cost each test worker about 0.2 s of CPU.
const pglite = process.env.TEST_PGLITE === "off" && !process.env.TEST_DATABASE_URL ? undefined : await import("../support/pglite");
const postgres = process.env.TEST_DATABASE_URL ? await import("../support/postgres") : undefined;

/**
 * Every implementation of the repository the data-layer suite runs against — the same suite, unchanged,
 * as Drizzle runs one suite against every driver — so neither PostgreSQL (embedded: PGlite) nor the in-memory
 * fake can drift from SQLite.
 * `open` gives a fresh, empty store for one test whose clock ticks one millisecond per reading. `openForSuite` gives
 * one for a describe block whose tests only read what its beforeAll wrote (seeding once instead of once a test),
 * closed by the caller in afterAll; a test that writes takes its own from `open`.
 */
export type Implementation = { name: string; open: () => Repositories; openForSuite: () => SuiteStore };
type SuiteStore = Repositories & { close(): Promise<void> };

/** PostgreSQL's stores share the worker's database, emptied by the next open: nothing to close. */
const shared = (repositories: Repositories): SuiteStore => ({ ...repositories, close: async () => {} });

export const implementations: Implementation[] = [
  { name: "sqlite", open: () => openTestDatabase(), openForSuite: () => openDatabaseCopy() },
  { name: "memory", open: () => openMemoryRepositories({ clock: tickingClock() }), openForSuite: () => shared(openMemoryRepositories({ clock: tickingClock() })) },
  // `npm test` sets TEST_PGLITE=off, and so does `npm run check` unless PostgreSQL's own code changed: PGlite is the
  // PostgreSQL tier's (npm run test:pg), which coverage and CI run too.
  ...(process.env.TEST_PGLITE === "off" || !pglite
    ? []
    : [{ name: "pglite", open: () => pglite.pgliteRepositories({ clock: tickingClock() }), openForSuite: () => shared(pglite.pgliteRepositories({ clock: tickingClock() })) }]),
  // A real PostgreSQL server when TEST_DATABASE_URL names one (CI); tests/pg says why it is left out otherwise.
  ...(pglite && postgres
    ? [
        {
          name: "postgres",
          open: () => pglite.deferredRepositories(postgres.openServerStore({ clock: tickingClock() })),
          openForSuite: () => shared(pglite.deferredRepositories(postgres.openServerStore({ clock: tickingClock() }))),
        },
      ]
    : []),
];
