// Brings the SQLite file up to date with prisma/migrations when the service starts, so a deployment
// is one `npm start` with no separate migrate step (the native `prisma migrate` cannot run offline).
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { applyMigrations } from "./schema-engine.ts";

// Resolved from this file rather than cwd: the service may be started from any folder.
const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, "prisma", "migrations");
export const SCHEMA_PATH = path.join(PROJECT_ROOT, "prisma", "schema.prisma");

/** Applies pending migrations to `dbFile` (creating its folder if needed); returns the names applied. */
export async function migrateDatabase(options: {
  dbFile: string;
  log: (msg: string) => void;
}): Promise<string[]> {
  const { dbFile, log } = options;
  await mkdir(path.dirname(path.resolve(dbFile)), { recursive: true });
  const started = performance.now();
  const applied = await applyMigrations({ dbFile, migrationsDir: MIGRATIONS_DIR, schemaPath: SCHEMA_PATH });
  const ms = Math.round(performance.now() - started);
  if (applied.length === 0) log(`database ${dbFile} is up to date (${ms} ms)`);
  else log(`applied ${applied.length} migration(s) to ${dbFile} in ${ms} ms: ${applied.join(", ")}`);
  return applied;
}
