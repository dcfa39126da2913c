import { describe, expect, it } from "vitest";
import { readPoolSettings, skipReason, testDatabaseUrl, workerDatabaseUrl } from "../support/postgres";

/** The pool reads go through (openPostgres): read-only sessions, whatever settings the URL brings of its own. */
describe.skipIf(!testDatabaseUrl)(`the read pool on a PostgreSQL server${testDatabaseUrl ? "" : ` (skipped: ${skipReason})`}`, () => {
  it("keeps its sessions read-only when the URL sets options of its own, and applies those too", async () => {
    const url = new URL(await workerDatabaseUrl());
    url.searchParams.set("options", "-c statement_timeout=4321");
    expect(await readPoolSettings(url.toString())).toEqual({ readOnly: "on", timeout: "4321ms" });
  });

  it("has read-only sessions from a URL without options", async () => {
    expect((await readPoolSettings(await workerDatabaseUrl())).readOnly).toBe("on");
  });
});
