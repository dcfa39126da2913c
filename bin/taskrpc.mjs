#!/usr/bin/env node
// The `taskrpc` bin: runs the TypeScript CLI (src/cli/main.ts) through tsx's loader, in this process.
//
// Start-up time: every module imported after `register()` makes a round trip to tsx's loader thread, and the
// plain-JavaScript dependencies are most of them (zod alone is ~100 files, drizzle-orm ~110). So they are
// imported first, before the loader exists, and the sources' own imports of them find them already loaded;
// only our TypeScript goes through tsx. This cuts the CPU of a command by about a third. The list need not be
// complete: a package missing from it is loaded through tsx (slower, same result), and one that fails to load
// here is left for the command itself to report.
const dependencies = [
  "zod",
  "@trpc/server",
  "@trpc/server/shared",
  "trpc-cli",
  "better-sqlite3",
  "drizzle-orm",
  "drizzle-orm/sqlite-core",
  "drizzle-orm/better-sqlite3",
  "drizzle-orm/better-sqlite3/migrator",
  "uuid",
];
await Promise.allSettled(dependencies.map((name) => import(name)));

const { register } = await import("tsx/esm/api");
register();
await import("../src/cli/main.ts");
