// Opens PostgreSQL through Prisma's pg driver adapter, beside the SQLite database of db.ts.
// Run migratePostgres (./postgres-migrate.ts) first: this module assumes the tables exist.
// The client is the one generated for PostgreSQL (src/store/generated-postgresql): a client generated
// for SQLite refuses the pg adapter ("not compatible with the provider `sqlite`", checked).
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated-postgresql/client.ts";

export type PostgresPrismaClient = PrismaClient;

export interface PostgresDatabase {
  prisma: PrismaClient;
  /**
   * The pg pool Prisma's adapter runs on, for direct SQL where Prisma's per-query overhead matters
   * (as sql.ts does on SQLite). One pool: Prisma and direct SQL share its connection limit.
   */
  pool: pg.Pool;
  close(): Promise<void>;
}

/** pg's default pool size; several instances on one server each hold up to this many connections. */
const DEFAULT_POOL_SIZE = 10;

/** Opens the database at `url` (a postgres:// connection string). */
export function openPostgresDatabase(options: {
  url: string;
  /** An idle connection that lost its server (restart, network): logged, the pool opens a new one. */
  onIdleError: (error: Error) => void;
  poolSize?: number;
}): PostgresDatabase {
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? DEFAULT_POOL_SIZE });
  // Without a listener, pg's "error" event on an idle client would end the process.
  pool.on("error", options.onIdleError);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    pool,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
