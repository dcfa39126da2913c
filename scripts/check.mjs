#!/usr/bin/env node
// One command for the whole loop: every step runs at once (they are independent); on success it prints
// one line of timings, on failure only the output of the first failing step, in the order listed.
import { spawn } from "node:child_process";

const steps = [
  { name: "typecheck", command: "tsgo", args: ["--noEmit"] },
  { name: "lint", command: "eslint", args: ["--cache", "--max-warnings=0", "."] },
  { name: "layers", command: "depcruise", args: ["src", "tests", "sdk", "scripts", "--output-type", "err-long"] },
  { name: "test", command: "vitest", args: ["run", "--reporter=dot"] },
];

const started = performance.now();
const children = [];
const results = steps.map(
  (step) =>
    new Promise((resolve) => {
      const child = spawn(step.command, step.args, { env: { ...process.env, FORCE_COLOR: "1" } });
      children.push(child);
      let output = "";
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
      child.on("error", (error) => resolve({ step, code: 1, output: String(error), seconds: 0 }));
      child.on("close", (code) => resolve({ step, code, output, seconds: (performance.now() - started) / 1000 }));
    }),
);

const timings = [];
for (const pending of results) {
  const { step, code, output, seconds } = await pending;
  if (code !== 0) {
    for (const child of children) child.kill();
    process.stderr.write(`${output.trimEnd()}\n\ncheck failed at step "${step.name}" (npm run ${step.name} re-runs it alone)\n`);
    process.exit(1);
  }
  timings.push(`${step.name} ${seconds.toFixed(1)}s`);
}
console.info(`check passed in ${((performance.now() - started) / 1000).toFixed(1)}s (${timings.join(", ")})`);
