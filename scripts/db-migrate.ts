// `npm run db:migrate -- --name <name> [--apply]`
// Stand-in for `prisma migrate dev`, which needs a native engine binary that cannot be downloaded here.
// Writes prisma/migrations/<YYYYMMDDHHMMSS>_<name>/migration.sql from the schema changes since the last
// migration (same folder format as Prisma, so `prisma migrate deploy` still works elsewhere).
// With --apply, also applies pending migrations to DATABASE_FILE (default ./data/luzhang.db).
// The generated client is not touched: run `npm run db:generate` after editing the schema.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { MIGRATIONS_DIR, migrateDatabase, SCHEMA_PATH } from "../src/store/migrate.ts";
import {
  diffSchemaAgainstMigrations,
  MIGRATION_LOCK_CONTENT,
  MIGRATION_LOCK_FILE,
} from "../src/store/schema-engine.ts";

const USAGE =
  "usage: npm run db:migrate -- --name <migration_name> [--apply]\n       npm run db:migrate -- --apply";

function fail(message: string): never {
  console.error(`db:migrate: ${message}\n${USAGE}`);
  process.exit(1);
}

/** Local time, like the Prisma CLI's folder names: 20261126153000. */
function timestamp(date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}` +
    `${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`
  );
}

async function createMigration(name: string): Promise<void> {
  const scratchDir = await mkdtemp(path.join(os.tmpdir(), "luzhang-db-migrate-"));
  const sql = await diffSchemaAgainstMigrations({
    migrationsDir: MIGRATIONS_DIR,
    schemaPath: SCHEMA_PATH,
    scratchDir,
  }).finally(() => rm(scratchDir, { recursive: true, force: true }));
  if (sql === "") {
    console.log("No schema changes: prisma/schema.prisma matches prisma/migrations, nothing created.");
    return;
  }
  await mkdir(MIGRATIONS_DIR, { recursive: true });
  const lockPath = path.join(MIGRATIONS_DIR, MIGRATION_LOCK_FILE);
  if (!existsSync(lockPath)) await writeFile(lockPath, MIGRATION_LOCK_CONTENT);
  const folder = `${timestamp()}_${name}`;
  const dir = path.join(MIGRATIONS_DIR, folder);
  if (existsSync(dir)) fail(`${dir} already exists`);
  await mkdir(dir);
  await writeFile(path.join(dir, "migration.sql"), sql);
  console.log(`Created prisma/migrations/${folder}/migration.sql:\n\n${sql}`);
}

async function main(): Promise<void> {
  let values: { name?: string | undefined; apply?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      options: { name: { type: "string", short: "n" }, apply: { type: "boolean", default: false } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.name === undefined && !values.apply) fail("--name is required to create a migration");
  if (values.name !== undefined) {
    // Folder names stay portable and match what the Prisma CLI produces ("add photo-kind" -> "add_photo_kind").
    const name = values.name
      .trim()
      .replace(/[^A-Za-z0-9_]+/g, "_")
      .replace(/^_+|_+$/g, "");
    if (name === "") fail(`--name must contain letters or digits (got "${values.name}")`);
    await createMigration(name);
  }
  if (values.apply) {
    const dbFile = process.env.DATABASE_FILE ?? "./data/luzhang.db";
    await migrateDatabase({ dbFile, log: (msg) => console.log(msg) });
  }
}

main().catch((error: unknown) => {
  console.error(`db:migrate failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
