// Whether dist/ (the built CLI and server) can be run: in a checkout (src/ present) it must exist and be newer
// than every input of the build; in an installed package there are no sources to compare with.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const packageRoot = fileURLToPath(new URL("..", import.meta.url));
export const builtEntry = join(packageRoot, "dist", "taskrpc.js");

/** The newest modification time among the build's inputs: src/ and the files that configure the build. */
function newestInput(root) {
  const sources = readdirSync(join(root, "src"), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
  const files = [...sources, join(root, "package.json"), join(root, "tsup.config.ts")].filter((file) => existsSync(file));
  return Math.max(...files.map((file) => statSync(file).mtimeMs));
}

/** Undefined when dist/ is ready, else why not (one line). */
export function buildProblem(root = packageRoot) {
  const entry = join(root, "dist", "taskrpc.js");
  if (!existsSync(entry)) return "dist/ has no build";
  if (!existsSync(join(root, "src"))) return undefined;
  return statSync(entry).mtimeMs < newestInput(root) ? "dist/ is older than the sources" : undefined;
}
