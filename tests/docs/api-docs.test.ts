import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { errorReasons } from "@taskrpc/sdk";
import { describe, expect, it } from "vitest";
import { docsPath, renderApiDocs } from "../../scripts/api-docs";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("docs/api.md", () => {
  it("is what `npm run docs:api` writes from the current schemas", () => {
    expect(readFileSync(docsPath, "utf8"), "docs/api.md is stale: run `npm run docs:api`").toBe(renderApiDocs());
  });

  it("documents every error reason the SDK knows, with its HTTP status", () => {
    const docs = renderApiDocs();
    for (const reason of errorReasons) expect(docs).toMatch(new RegExp(`^\\| ${reason} \\| [A-Z_]+ \\| \\d{3}`, "mu"));
  });
});

describe("the repository's documents", () => {
  it("stand alone: none points at a product contract outside the repository", () => {
    const rules = join(root, ".cursor", "rules");
    const docs = join(root, "docs");
    const files = [
      "README.md",
      "AGENTS.md",
      "sdk/README.md",
      ...readdirSync(rules).map((file) => join(".cursor", "rules", file)),
      ...readdirSync(docs).filter((file) => file.endsWith(".md")).map((file) => join("docs", file)),
    ];
    for (const file of files) expect(readFileSync(join(root, file), "utf8"), file).not.toMatch(/\.\.\/shared|SPEC\.md/u);
  });
});
