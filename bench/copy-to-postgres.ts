import { openDatabase } from "../src/data";
import { openPostgres } from "../src/data/pg/open";

/** Copies a seeded SQLite file into an empty PostgreSQL database (as `taskrpc copy` does), so both stores serve the same rows. */
export async function copyToPostgres(databasePath: string, databaseUrl: string): Promise<void> {
  const database = openDatabase(databasePath);
  const postgres = await openPostgres(databaseUrl);
  try {
    const snapshot = await database.portability.exportSnapshot();
    const session = await postgres.portability.beginImport();
    for await (const project of snapshot.projects()) await session.addProject(project);
    for await (const task of snapshot.tasks()) await session.addTask(task);
    await session.commit();
    await snapshot.close();
  } finally {
    await postgres.close();
    await database.close();
  }
}
