import type { TestProject } from "vitest/node";
import { migratePostgres } from "../../src/data/pg/open";
import { administer, databaseUrl, dropDatabase, skipReason, testDatabaseUrl } from "./postgres";

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * `npm run test:pg`: migrates one template database on the test server for the run, which every test clones.
 * With no server configured the tests skip, saying why; in CI (CI set) that is a failure: they must run there.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const url = testDatabaseUrl;
  if (!url) {
    if (process.env.CI) throw new Error(`npm run test:pg in CI: ${skipReason}`);
    console.warn(`npm run test:pg: the real-server tests are skipped: ${skipReason}`);
    project.provide("postgresTemplate", undefined);
    return undefined;
  }
  const base = new URL(url).pathname.slice(1);
  // Databases of runs killed before their teardown (named after their process) are removed first.
  const leftovers = await administer(url, async (client) => {
    const { rows } = await client.query<{ datname: string }>("select datname from pg_database where datname like $1", [`${base}\\_%`]);
    return rows.map((row) => row.datname).filter((name) => {
      const pid = Number(/^_(\d+)_/u.exec(name.slice(base.length))?.[1]);
      return Number.isInteger(pid) && !isRunning(pid);
    });
  });
  for (const name of leftovers) await dropDatabase(url, name);
  const template = `${base}_${process.pid}_template`;
  await dropDatabase(url, template);
  await administer(url, (client) => client.query(`create database "${template}"`));
  await migratePostgres(databaseUrl(url, template));
  project.provide("postgresTemplate", databaseUrl(url, template));
  return () => dropDatabase(url, template);
}
