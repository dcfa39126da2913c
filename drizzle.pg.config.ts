import { defineConfig } from "drizzle-kit";

// The PostgreSQL store's migrations (npm run db:generate:pg); drizzle.config.ts has SQLite's.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/data/pg/schema.ts",
  out: "./drizzle/pg",
});
