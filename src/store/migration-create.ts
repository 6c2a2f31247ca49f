// Creates the next migration for both databases from one edit of prisma/schema.prisma (`npm run
// db:migrate -- --name …`): the SQLite one as before (the history replayed into a scratch file and
// diffed against the schema), the PostgreSQL one as the diff from the schema as of the last PostgreSQL
// migration (kept beside it) to the new one. Both folders get the same `<timestamp>_<name>`.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { POSTGRES_LOCK_CONTENT, POSTGRES_SNAPSHOT_FILE, toPostgresSchema } from "./postgres-schema.ts";
import { diffPostgresSchemas } from "./postgres-schema-engine.ts";
import {
  diffSchemaAgainstMigrations,
  MIGRATION_LOCK_CONTENT,
  MIGRATION_LOCK_FILE,
  readMigrationList,
} from "./schema-engine.ts";

export interface CreatedMigrations {
  /** `<timestamp>_<name>`, or null when the schema matches both histories. */
  folder: string | null;
  /** The SQL written for each database ("" when that database needed none). */
  sqlite: string;
  postgres: string;
}

/** Local time, like the Prisma CLI's folder names: 20261126153000. */
export function migrationTimestamp(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}` +
    `${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`
  );
}

/**
 * The schema the PostgreSQL history was made from: the snapshot kept beside it, or null for a history
 * that is still empty. A history without its snapshot cannot be diffed against, and says so.
 */
async function postgresBaseSchema(postgresDir: string): Promise<string | null> {
  const snapshot = path.join(postgresDir, POSTGRES_SNAPSHOT_FILE);
  if (existsSync(snapshot)) return toPostgresSchema(await readFile(snapshot, "utf8"));
  const history = await readMigrationList(postgresDir, POSTGRES_LOCK_CONTENT);
  if (history.migrationDirectories.length === 0) return null;
  throw new Error(
    `${snapshot} is missing: it is the schema as of the last PostgreSQL migration, and the next one is diffed from it`,
  );
}

async function writeMigration(dir: string, folder: string, lock: string, sql: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const lockPath = path.join(dir, MIGRATION_LOCK_FILE);
  if (!existsSync(lockPath)) await writeFile(lockPath, lock);
  const target = path.join(dir, folder);
  await mkdir(target);
  await writeFile(path.join(target, "migration.sql"), sql);
}

/**
 * Writes `<timestamp>_<name>/migration.sql` into each migrations folder whose database the schema
 * changes, and the new PostgreSQL snapshot. `postgresUrl` must reach a PostgreSQL server (the engine
 * reads its version; no table is read or written).
 */
export async function createMigrations(options: {
  name: string;
  schemaPath: string;
  sqliteDir: string;
  postgresDir: string;
  postgresUrl: string;
  now?: Date;
}): Promise<CreatedMigrations> {
  const { schemaPath, sqliteDir, postgresDir } = options;
  const schemaText = await readFile(schemaPath, "utf8");
  const scratchDir = await mkdtemp(path.join(os.tmpdir(), "luzhang-db-migrate-"));
  const sqlite = await diffSchemaAgainstMigrations({
    migrationsDir: sqliteDir,
    schemaPath,
    scratchDir,
  }).finally(() => rm(scratchDir, { recursive: true, force: true }));
  const postgres = await diffPostgresSchemas({
    url: options.postgresUrl,
    from: await postgresBaseSchema(postgresDir),
    to: toPostgresSchema(schemaText),
  });
  if (sqlite === "" && postgres === "") return { folder: null, sqlite, postgres };
  const folder = `${migrationTimestamp(options.now ?? new Date())}_${options.name}`;
  // Checked for both before writing either, so a clash leaves neither folder half-done.
  for (const dir of [sqliteDir, postgresDir])
    if (existsSync(path.join(dir, folder))) throw new Error(`${path.join(dir, folder)} already exists`);
  if (sqlite !== "") await writeMigration(sqliteDir, folder, MIGRATION_LOCK_CONTENT, sqlite);
  if (postgres !== "") await writeMigration(postgresDir, folder, POSTGRES_LOCK_CONTENT, postgres);
  await writeFile(path.join(postgresDir, POSTGRES_SNAPSHOT_FILE), schemaText);
  return { folder, sqlite, postgres };
}
