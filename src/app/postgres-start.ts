/**
 * Start-up with DATABASE_URL=postgres://…: the database is brought up to date (migrations under an
 * advisory lock, so several instances starting at once apply them once), then the start stops with a
 * clear message, because the message hot path (inbox, cases, outbox) is still SQLite SQL. The
 * PostgreSQL modules are loaded only here, so a SQLite deployment never loads pg or its Prisma client.
 */
import type { Logger } from "pino";
import { redactUrl } from "../store/postgres-schema.ts";
import { backendIncomplete } from "../store/postgres-texts.ts";

export class PostgresBackendIncompleteError extends Error {
  readonly code = "POSTGRES_BACKEND_INCOMPLETE";
}

/** Migrates the database at `url`, checks that Prisma can read it, and refuses to go on. */
export async function refuseUnfinishedPostgres(options: { url: string; log: Logger }): Promise<never> {
  const { url, log } = options;
  const { migratePostgres } = await import("../store/postgres-migrate.ts");
  const { openPostgresDatabase } = await import("../store/postgres-db.ts");
  const applied = await migratePostgres({ url, log: (m) => log.info(m) });
  const db = openPostgresDatabase({
    url,
    onIdleError: (err) => log.warn({ err }, "PostgreSQL connection lost"),
  });
  try {
    await db.prisma.setting.count();
  } finally {
    await db.close();
  }
  throw new PostgresBackendIncompleteError(backendIncomplete(redactUrl(url), applied));
}
