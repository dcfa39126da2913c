#!/usr/bin/env node
// The `taskrpc` bin: runs the built CLI and server (dist/taskrpc.js, made by `npm run build`, which `npm install`
// runs). From a checkout whose build is missing or older than its sources it says so in one line rather than
// run stale code or fail with a stack.
import { pathToFileURL } from "node:url";
import { buildProblem, builtEntry } from "./build-state.mjs";

const problem = buildProblem();
if (problem) {
  process.stderr.write(`taskrpc: ${problem}: run npm run build\n`);
  process.exit(1);
}
await import(pathToFileURL(builtEntry).href);
