import { defineConfig } from "prisma/config";

// Used by the Prisma CLI (generate). The service itself opens SQLite through the
// better-sqlite3 driver adapter (src/store/db.ts) and never needs this file.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
