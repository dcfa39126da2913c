import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readmePath, withConfigurationTable } from "../../scripts/config-docs";
import { serverUsage, settings } from "../../src/server/config";

describe("the README's configuration table", () => {
  it("is what `npm run docs:config` writes from the settings of taskrpc serve", () => {
    const readme = readFileSync(readmePath, "utf8");
    expect(readme, "README.md's configuration table is stale: run `npm run docs:config`").toBe(withConfigurationTable(readme));
  });

  it("and --help name every setting by its flag and variable", () => {
    const readme = readFileSync(readmePath, "utf8");
    for (const setting of settings) {
      expect(readme).toContain(`| \`${setting.env}\` | \`--${setting.flag}\` |`);
      expect(serverUsage).toMatch(new RegExp(`--${setting.flag}\\b.*\\(env ${setting.env}(=1)?, default `, "u"));
    }
  });
});
