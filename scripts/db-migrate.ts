// `npm run db:migrate -- --name <name> [--postgres <url>] [--apply]`
// Stand-in for `prisma migrate dev`, which needs a native engine binary that cannot be downloaded here.
// From the schema changes since the last migration, writes the next migration for both databases:
// prisma/migrations/<YYYYMMDDHHMMSS>_<name>/migration.sql (SQLite) and the same folder under
// prisma/migrations-postgresql (Prisma's folder format, so `prisma migrate deploy` still works elsewhere).
// The PostgreSQL half needs a reachable PostgreSQL server (the engine reads its version, nothing else):
// --postgres, else PG_TEST_URL, else the local test server (docs/postgresql.md).
// With --apply, also applies pending migrations to the configured database: DATABASE_URL when it is a
// postgres:// URL, else DATABASE_FILE (default ./data/luzhang.db).
// The generated clients are not touched: run `npm run db:generate` after editing the schema.
import { parseArgs } from "node:util";
import { MIGRATIONS_DIR, migrateDatabase, SCHEMA_PATH } from "../src/store/migrate.ts";
import { createMigrations } from "../src/store/migration-create.ts";
import { migratePostgres } from "../src/store/postgres-migrate.ts";
import { isPostgresUrl, POSTGRES_MIGRATIONS_DIR } from "../src/store/postgres-schema.ts";

const USAGE =
  "usage: npm run db:migrate -- --name <migration_name> [--postgres <url>] [--apply]\n       npm run db:migrate -- --apply";
const LOCAL_TEST_SERVER = "postgres://app:app@127.0.0.1:5432/app_test";

function fail(message: string): never {
  console.error(`db:migrate: ${message}\n${USAGE}`);
  process.exit(1);
}

async function create(name: string, postgresUrl: string): Promise<void> {
  const created = await createMigrations({
    name,
    schemaPath: SCHEMA_PATH,
    sqliteDir: MIGRATIONS_DIR,
    postgresDir: POSTGRES_MIGRATIONS_DIR,
    postgresUrl,
  });
  if (created.folder === null) {
    console.log("No schema changes: prisma/schema.prisma matches both migration histories, nothing created.");
    return;
  }
  for (const [dir, sql] of [
    ["prisma/migrations", created.sqlite],
    ["prisma/migrations-postgresql", created.postgres],
  ] as const) {
    if (sql === "") console.log(`No change for ${dir}.\n`);
    else console.log(`Created ${dir}/${created.folder}/migration.sql:\n\n${sql}`);
  }
}

async function main(): Promise<void> {
  let values: { name?: string | undefined; postgres?: string | undefined; apply?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      options: {
        name: { type: "string", short: "n" },
        postgres: { type: "string" },
        apply: { type: "boolean", default: false },
      },
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
    const postgresUrl = values.postgres ?? process.env.PG_TEST_URL ?? LOCAL_TEST_SERVER;
    if (!isPostgresUrl(postgresUrl)) fail(`--postgres must be a postgres:// URL`);
    await create(name, postgresUrl);
  }
  if (values.apply) {
    const log = (msg: string) => console.log(msg);
    const url = process.env.DATABASE_URL;
    if (url && isPostgresUrl(url)) await migratePostgres({ url, log });
    else await migrateDatabase({ dbFile: process.env.DATABASE_FILE ?? "./data/luzhang.db", log });
  }
}

main().catch((error: unknown) => {
  console.error(`db:migrate failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
