#!/usr/bin/env node
// Runs after tsup: the published files (ESM and CommonJS, code and declarations) may import only tRPC's packages
// (the peers), never zod, drizzle, better-sqlite3 or a relative path into the server's source.
import { readFileSync } from "node:fs";

const allowed = new Set(["@trpc/client", "@trpc/server"]);
const files = ["index.js", "index.cjs", "index.d.ts", "index.d.cts"];
const read = (file) => readFileSync(new URL(`../dist/${file}`, import.meta.url), "utf8");
const specifiers = (text) => [...text.matchAll(/(?:from|import|require)\s*\(?\s*["']([^"']+)["']/g)].map((match) => match[1]);
const bad = files.flatMap((file) => specifiers(read(file)).filter((specifier) => !allowed.has(specifier)).map((specifier) => `${file}: ${specifier}`));
const anyRouter = files.filter((file) => file.includes(".d.") && /\bany\b.*AppRouter|AppRouter = any/.test(read(file)));
if (bad.length > 0 || anyRouter.length > 0) {
  console.error(`sdk/dist imports what a consumer does not install, or types AppRouter as any:\n  ${[...bad, ...anyRouter].join("\n  ")}`);
  process.exit(1);
}
console.info(`sdk/dist ok: ${files.map((file) => `${file} ${read(file).length} B`).join(", ")}; imports only ${[...allowed].join(", ")}`);
