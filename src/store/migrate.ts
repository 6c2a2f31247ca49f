// Brings the SQLite file up to date with prisma/migrations when the service starts, so a deployment
// is one `npm start` with no separate migrate step (the native `prisma migrate` cannot run offline).
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { projectPath } from "../project-root.ts";
import { applyMigrations, historyIsCurrent, readMigrationList } from "./schema-engine.ts";

// Resolved from the project folder rather than cwd: the service may be started from any folder.
export const MIGRATIONS_DIR = projectPath("prisma", "migrations");
export const SCHEMA_PATH = projectPath("prisma", "schema.prisma");

type MigrationList = Awaited<ReturnType<typeof readMigrationList>>;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: string | null;
  rolled_back_at: string | null;
}

/**
 * Whether `dbFile` already has every migration of `list`, applied and unchanged, by reading Prisma's
 * own `_prisma_migrations` table (checksum = SHA-256 of migration.sql, as Prisma records it). A start
 * with nothing to do then never loads the wasm schema engine, which keeps ~50 MB resident for the rest
 * of the process. Anything else (a new, failed, rolled-back or edited migration, no table, no file)
 * goes to the engine, which applies or reports it exactly as before.
 */
function upToDate(dbFile: string, list: MigrationList): boolean {
  if (!existsSync(dbFile)) return false;
  const db = new BetterSqlite3(dbFile, { fileMustExist: true });
  try {
    const table = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'")
      .get();
    if (!table) return false;
    const rows = db
      .prepare("SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations")
      .all() as AppliedRow[];
    return historyIsCurrent(rows, list);
  } finally {
    db.close();
  }
}

/** Applies pending migrations to `dbFile` (creating its folder if needed); returns the names applied. */
export async function migrateDatabase(options: {
  dbFile: string;
  log: (msg: string) => void;
  /** Defaults to the project's prisma/migrations. */
  migrationsDir?: string;
}): Promise<string[]> {
  const { dbFile, log } = options;
  const migrationsDir = options.migrationsDir ?? MIGRATIONS_DIR;
  await mkdir(path.dirname(path.resolve(dbFile)), { recursive: true });
  const started = performance.now();
  const list = await readMigrationList(migrationsDir);
  if (upToDate(dbFile, list)) {
    log(`database ${dbFile} is up to date (${Math.round(performance.now() - started)} ms)`);
    return [];
  }
  const applied = await applyMigrations({
    dbFile,
    migrationsDir,
    schemaPath: SCHEMA_PATH,
    migrationsList: list,
  });
  const ms = Math.round(performance.now() - started);
  if (applied.length === 0) log(`database ${dbFile} is up to date (${ms} ms)`);
  else log(`applied ${applied.length} migration(s) to ${dbFile} in ${ms} ms: ${applied.join(", ")}`);
  return applied;
}
