// Brings a PostgreSQL database up to date with prisma/migrations-postgresql, as migrate.ts does for
// SQLite: through the wasm schema engine and Prisma's own `_prisma_migrations` table. Several instances
// may start at once against one database, so the whole step runs under an advisory lock of ours.
import { readFile } from "node:fs/promises";
import pg from "pg";
import { SCHEMA_PATH } from "./migrate.ts";
import {
  POSTGRES_LOCK_CONTENT,
  POSTGRES_MIGRATIONS_DIR,
  redactUrl,
  toPostgresSchema,
} from "./postgres-schema.ts";
import { applyPostgresMigrations } from "./postgres-schema-engine.ts";
import {
  type AppliedMigrationRow,
  historyIsCurrent,
  type MigrationList,
  readMigrationList,
} from "./schema-engine.ts";

/**
 * Session-level advisory lock held by the instance that migrates ("luzhang" in ASCII, 0x6c757a68616e67).
 * It must differ from the key the engine takes itself (72707369), which it holds on its own connection.
 */
export const MIGRATION_LOCK_KEY = 30_528_466_082_426_471n;

/**
 * How long a starting instance waits for another one's migration before giving up. The engine gives up
 * on its own lock after 10 s; ours waits for the whole run of a long migration (an index on a big table).
 */
const MIGRATION_LOCK_WAIT_MS = 10 * 60_000;

export class PostgresMigrationError extends Error {
  readonly code = "POSTGRES_MIGRATION_FAILED";
}

/** Whether the database at the other end of `client` has every migration of `list` (see historyIsCurrent). */
async function upToDate(client: pg.Client, list: MigrationList): Promise<boolean> {
  const table = await client.query("SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present");
  if (!table.rows[0]?.present) return false;
  const { rows } = await client.query<AppliedMigrationRow>(
    "SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations",
  );
  return historyIsCurrent(rows, list);
}

/**
 * Applies the pending PostgreSQL migrations to the database at `url`; returns the names applied (none
 * when another instance applied them first: it holds the lock, this one waits, then finds nothing to do).
 */
export async function migratePostgres(options: {
  url: string;
  log: (msg: string) => void;
  /** Defaults to the project's prisma/migrations-postgresql. */
  migrationsDir?: string;
  /** Defaults to the project's prisma/schema.prisma (its PostgreSQL twin is derived). */
  schemaPath?: string;
}): Promise<string[]> {
  const { url, log } = options;
  const migrationsDir = options.migrationsDir ?? POSTGRES_MIGRATIONS_DIR;
  const where = redactUrl(url);
  const started = performance.now();
  const list = await readMigrationList(migrationsDir, POSTGRES_LOCK_CONTENT);
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    throw new PostgresMigrationError(`cannot connect to ${where}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  // A dropped connection also fails the query in flight; the event must be listened to or pg throws it.
  client.on("error", (error) => log(`connection to ${where} failed: ${error.message}`));
  try {
    if (await upToDate(client, list)) {
      log(`database ${where} is up to date (${Math.round(performance.now() - started)} ms)`);
      return [];
    }
    await client.query(`SET lock_timeout = ${MIGRATION_LOCK_WAIT_MS}`);
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY.toString()]);
    try {
      // Another instance may have finished while this one waited.
      if (await upToDate(client, list)) {
        log(
          `database ${where} was migrated by another instance (${Math.round(performance.now() - started)} ms)`,
        );
        return [];
      }
      const schemaText = toPostgresSchema(await readFile(options.schemaPath ?? SCHEMA_PATH, "utf8"));
      const applied = await applyPostgresMigrations({ url, migrationsList: list, schemaText });
      const ms = Math.round(performance.now() - started);
      if (applied.length === 0) log(`database ${where} is up to date (${ms} ms)`);
      else log(`applied ${applied.length} migration(s) to ${where} in ${ms} ms: ${applied.join(", ")}`);
      return applied;
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY.toString()]);
    }
  } finally {
    await client.end();
  }
}
