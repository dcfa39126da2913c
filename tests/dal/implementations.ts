import { openMemoryRepositories, type Repositories } from "../../src/data";
import { openTestDatabase, tickingClock } from "../support/database";

/**
 * Every implementation of the repository the data-layer suite runs against — the same suite, unchanged,
 * as Drizzle runs one suite against every driver — so the in-memory fake cannot drift from SQLite.
 * `open` gives a fresh, empty store for one test whose clock ticks one millisecond per reading.
 */
export type Implementation = { name: string; open: () => Repositories };

export const implementations: Implementation[] = [
  { name: "sqlite", open: () => openTestDatabase() },
  { name: "memory", open: () => openMemoryRepositories({ clock: tickingClock() }) },
];
