import { cpSync, mkdtempSync, rmSync, symlinkSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { cruise, type ICruiseResult } from "dependency-cruiser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The layer rules catch a breach: plant one in a temporary copy of the tree and cruise it with the
// project's own .dependency-cruiser.cjs, as `npm run layers` does.
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

async function violationsAfterPlanting(file: string, line: string) {
  const target = join(copy, file);
  const planted = `${line}\n`;
  appendFileSync(target, planted);
  try {
    const config = createRequire(import.meta.url)(join(copy, ".dependency-cruiser.cjs")) as { forbidden: object[]; options: object };
    const result = await cruise(["src"], { ...config.options, baseDir: copy, ruleSet: { forbidden: config.forbidden }, validate: true } as never);
    return (result.output as ICruiseResult).summary.violations.map((violation) => ({
      rule: violation.rule.name,
      from: violation.from,
      to: violation.to,
    }));
  } finally {
    cpSync(join(root, file), target);
  }
}

// Each case cruises the whole tree: seconds, not milliseconds, on a busy two-core machine.
describe("layer rules", { timeout: 20_000 }, () => {
  it("the tree as it is breaks none", async () => {
    expect(await violationsAfterPlanting("src/api/trpc.ts", "")).toEqual([]);
  });

  it("a router importing drizzle is caught by only-data-touches-sql", async () => {
    const violations = await violationsAfterPlanting("src/api/routers/projects.ts", 'import "drizzle-orm";');
    expect(violations).toContainEqual(expect.objectContaining({ rule: "only-data-touches-sql", from: "src/api/routers/projects.ts" }));
  });

  it("a router importing the SQLite implementation is caught by api-uses-repository-interface", async () => {
    const violations = await violationsAfterPlanting("src/api/routers/tasks.ts", 'import "../../data/sqlite-repository";');
    expect(violations).toContainEqual(expect.objectContaining({ rule: "api-uses-repository-interface", to: "src/data/sqlite-repository.ts" }));
  });

  it("the domain importing the data layer is caught by domain-is-pure", async () => {
    const violations = await violationsAfterPlanting("src/domain/rules.ts", 'import "../data/ids";');
    expect(violations).toContainEqual(expect.objectContaining({ rule: "domain-is-pure", from: "src/domain/rules.ts" }));
  });
});
