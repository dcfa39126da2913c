#!/usr/bin/env -S npx tsx
// Writes the README's configuration table, between its markers, from the one table of settings in
// src/server/config.ts (which also gives `taskrpc serve --help`). `npm run docs:config` rewrites it;
// tests/docs/config-docs.test.ts fails when it is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { configurationTable } from "../src/server/config";

export const readmePath = fileURLToPath(new URL("../README.md", import.meta.url));
const begin = "<!-- configuration table: written by npm run docs:config from src/server/config.ts -->";
const end = "<!-- end of configuration table -->";

/** The README with its configuration table rewritten. */
export function withConfigurationTable(readme: string): string {
  const from = readme.indexOf(begin);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no configuration table markers (${begin} ... ${end})`);
  return `${readme.slice(0, from)}${begin}\n${configurationTable()}\n${readme.slice(to)}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(readmePath, withConfigurationTable(readFileSync(readmePath, "utf8")));
  console.info(`wrote the configuration table of ${readmePath}`);
}
