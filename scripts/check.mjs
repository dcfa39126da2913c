#!/usr/bin/env node
// One command for the whole loop: the package.json scripts typecheck, lint, layers and test run at once (they
// are independent); on success it prints one line of timings, on failure only the output of the first failing
// step, in the order listed. The scripts are run straight from package.json (not through `npm run`, whose
// start-up would add about 0.3 s per step), so each step is defined once, there.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { delimiter, join } from "node:path";

const { scripts } = JSON.parse(readFileSync("package.json", "utf8"));
const steps = [
  { name: "typecheck" },
  { name: "lint" },
  { name: "layers" },
  { name: "test", extra: " --reporter=dot" },
];
const env = { ...process.env, FORCE_COLOR: "1", PATH: [join(process.cwd(), "node_modules", ".bin"), process.env.PATH].join(delimiter) };

const started = performance.now();
const children = [];
const results = steps.map(
  (step) =>
    new Promise((resolve) => {
      const child = spawn(scripts[step.name] + (step.extra ?? ""), { shell: true, env });
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
