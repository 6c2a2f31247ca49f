/**
 * A real PostgreSQL server for tests: PG_TEST_URL (default the local server STACK.md sets up), one fresh
 * database per test file, dropped afterwards. Where no server answers, the PostgreSQL tests say so and
 * are skipped, unless PG_TEST_REQUIRED is set (CI sets it): then they fail, so a CI machine without
 * PostgreSQL cannot pass by skipping them.
 *
 *   const server = await postgresServer();
 *   describe.skipIf(!server.available)("…", () => { … await server.createDatabase() … });
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll } from "vitest";

export const PG_TEST_URL = process.env.PG_TEST_URL ?? "postgres://app:app@127.0.0.1:5432/app_test";
const REQUIRED = ["1", "true", "yes"].includes((process.env.PG_TEST_REQUIRED ?? "").toLowerCase());
const CONNECT_TIMEOUT_MS = 3000;

export interface PostgresServer {
  available: boolean;
  /** Creates an empty database owned by the test role; returns its URL. Dropped after the file's tests. */
  createDatabase(label?: string): Promise<string>;
  /** Runs one statement on the server's maintenance database (PG_TEST_URL). */
  admin(sql: string, params?: unknown[]): Promise<pg.QueryResult>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function adminQuery(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({
    connectionString: PG_TEST_URL,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

/**
 * Drops a test database. FORCE ends the test's own leftover sessions, but refuses (42501) while an
 * autovacuum worker, a superuser process, is on the database (seen under load right after the tests
 * made their tables); a plain DROP ends autovacuum workers itself, so that is the fallback.
 */
async function dropDatabase(name: string): Promise<void> {
  try {
    await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } catch (error) {
    if ((error as { code?: string }).code !== "42501") throw error;
    await adminQuery(`DROP DATABASE IF EXISTS "${name}"`);
  }
}

/** Checks the server once per test file; registers the clean-up of the databases the file creates. */
export async function postgresServer(): Promise<PostgresServer> {
  let reason = "";
  try {
    await adminQuery("SELECT 1");
  } catch (error) {
    reason = (error as Error).message || String(error);
  }
  const where = new URL(PG_TEST_URL).host;
  if (reason !== "") {
    const message = `PostgreSQL tests: no server at ${where} (${reason}). Start it (docs/postgresql.md) or set PG_TEST_URL.`;
    if (REQUIRED) throw new Error(`${message} PG_TEST_REQUIRED is set, so this fails instead of skipping.`);
    console.warn(`${message} Skipping them.`);
  }
  const created: string[] = [];
  afterAll(async () => {
    // Every database is dropped even if one fails; the first failure is then reported.
    const results = await Promise.allSettled(created.map(dropDatabase));
    const failed = results.find((r) => r.status === "rejected");
    if (failed) throw failed.reason;
  });
  return {
    available: reason === "",
    async createDatabase(label = "t") {
      const name = `luzhang_${label}_${process.pid}_${randomBytes(4).toString("hex")}`.toLowerCase();
      await adminQuery(`CREATE DATABASE "${name}"`);
      created.push(name);
      return withDatabase(PG_TEST_URL, name);
    },
    admin: adminQuery,
  };
}
