#!/usr/bin/env node
// Runs after tsup: the published declarations may import only tRPC's packages (the runtime dependency and
// its peer), never zod, drizzle, better-sqlite3 or a relative path into the server's source.
import { readFileSync } from "node:fs";

const allowed = new Set(["@trpc/client", "@trpc/server"]);
const dts = readFileSync(new URL("../dist/index.d.ts", import.meta.url), "utf8");
const js = readFileSync(new URL("../dist/index.js", import.meta.url), "utf8");
const specifiers = (text) => [...text.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((match) => match[1]);
const bad = [...specifiers(dts).map((s) => `index.d.ts: ${s}`), ...specifiers(js).map((s) => `index.js: ${s}`)].filter(
  (entry) => !allowed.has(entry.slice(entry.indexOf(": ") + 2)),
);
if (bad.length > 0 || /\bany\b.*AppRouter|AppRouter = any/.test(dts)) {
  console.error(`sdk/dist imports what a consumer does not install:\n  ${bad.join("\n  ")}`);
  process.exit(1);
}
console.info(`sdk/dist ok: index.js ${js.length} B, index.d.ts ${dts.length} B, imports only ${[...allowed].join(", ")}`);
