import { openMemoryRepositories, type Repositories } from "../../src/data";
import { openDatabaseCopy, openTestDatabase, tickingClock } from "../support/database";
import { deferredRepositories, pgliteRepositories } from "../support/pglite";
import { openServerStore, testDatabaseUrl } from "../support/postgres";

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
  ...(process.env.TEST_PGLITE === "off"
    ? []
    : [{ name: "pglite", open: () => pgliteRepositories({ clock: tickingClock() }), openForSuite: () => shared(pgliteRepositories({ clock: tickingClock() })) }]),
  // A real PostgreSQL server when TEST_DATABASE_URL names one (CI); tests/pg says why it is left out otherwise.
  ...(testDatabaseUrl
    ? [
        {
          name: "postgres",
          open: () => deferredRepositories(openServerStore({ clock: tickingClock() })),
          openForSuite: () => shared(deferredRepositories(openServerStore({ clock: tickingClock() }))),
        },
      ]
    : []),
];
