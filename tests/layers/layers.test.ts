import { cpSync, mkdtempSync, rmSync, symlinkSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { cruise, type ICruiseResult } from "dependency-cruiser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The layer rules catch a breach: plant one in a temporary copy of the tree and cruise it with the
// project's own .dependency-cruiser.cjs, as `npm run layers` does.
// Its own tier (npm run test:layers, in CI; npm run check after a change to the config): importing
// dependency-cruiser loads the TypeScript compiler, about 1.4 s of CPU, which npm test leaves out.
const root = fileURLToPath(new URL("../..", import.meta.url));
let copy = "";

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), "taskrpc-layers-"));
  for (const entry of ["src", ".dependency-cruiser.cjs", "tsconfig.json", "package.json"]) {
    cpSync(join(root, entry), join(copy, entry), { recursive: true });
  }
  symlinkSync(join(root, "node_modules"), join(copy, "node_modules"));
});

afterAll(() => rmSync(copy, { recursive: true, force: true }));

type Violation = { rule: string; from: string; to: string };

/** Cruises the copy with `lines` appended to their files (then restores them), as `npm run layers` would. */
async function violationsAfterPlanting(planted: Record<string, string>): Promise<Violation[]> {
  for (const [file, line] of Object.entries(planted)) appendFileSync(join(copy, file), `${line}\n`);
  try {
    const config = createRequire(import.meta.url)(join(copy, ".dependency-cruiser.cjs")) as { forbidden: object[]; options: object };
    // Only the planted files and what they import directly: a breach is an import of theirs.
    const options = { ...config.options, baseDir: copy, maxDepth: 1, ruleSet: { forbidden: config.forbidden }, validate: true };
    const result = await cruise(Object.keys(planted), options as never);
    return (result.output as ICruiseResult).summary.violations.map((violation) => ({
      rule: violation.rule.name,
      from: violation.from,
      to: violation.to,
    }));
  } finally {
    for (const file of Object.keys(planted)) cpSync(join(root, file), join(copy, file));
  }
}

// The breaches are planted together, in different files, and cruised once; each must still be named by its own
// rule. That the tree as it is breaks none is `npm run layers`' job (a cruise of the whole tree).
describe("layer rules", { timeout: 20_000 }, () => {
  let violations: Violation[] = [];
  beforeAll(async () => {
    violations = await violationsAfterPlanting({
      "src/api/routers/projects.ts": 'import "drizzle-orm";',
      "src/api/routers/tasks.ts": 'import "../../data/sqlite-repository";',
      "src/domain/rules.ts": 'import "../data/ids";',
    });
  }, 20_000);

  it("a router importing drizzle is caught by only-data-touches-sql", () => {
    expect(violations).toContainEqual(expect.objectContaining({ rule: "only-data-touches-sql", from: "src/api/routers/projects.ts" }));
  });

  it("a router importing the SQLite implementation is caught by api-uses-repository-interface", () => {
    expect(violations).toContainEqual(expect.objectContaining({ rule: "api-uses-repository-interface", to: "src/data/sqlite-repository.ts" }));
  });

  it("the domain importing the data layer is caught by domain-is-pure", () => {
    expect(violations).toContainEqual(expect.objectContaining({ rule: "domain-is-pure", from: "src/domain/rules.ts" }));
  });
});
