// Opens the SQLite database through Prisma's better-sqlite3 driver adapter (no native query engine).
// Run migrateDatabase (./migrate.ts) first: this module assumes the tables exist.

import { setFlagsFromString } from "node:v8";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type BetterSqlite3 from "better-sqlite3";
import { PrismaClient } from "./generated/client.ts";
import { TxGate } from "./tx-gate.ts";

/**
 * Prisma 7 compiles each query in a WebAssembly module (~3 MB of wasm). V8 first compiles wasm with its
 * baseline compiler (Liftoff) and then recompiles hot functions with TurboFan in the background; for
 * this module that second copy costs ~40–60 MB of RSS for the life of the process (measured: service
 * 356 → 292 MB after start). The hot paths use direct SQL (sql.ts), so Prisma's compile speed barely
 * matters: keep the baseline code only. The flag applies to wasm compiled from now on (Prisma's query
 * compiler, and the schema engine when a migration runs); this service loads no other wasm.
 */
setFlagsFromString("--liftoff-only");

/**
 * WAL lets the web UI read while a worker writes; NORMAL sync is safe with WAL and much faster;
 * busy_timeout makes a second writer wait instead of failing with SQLITE_BUSY; SQLite leaves
 * foreign keys off unless asked on every connection.
 */
const PRAGMAS = [
  "PRAGMA journal_mode = WAL;",
  "PRAGMA synchronous = NORMAL;",
  "PRAGMA busy_timeout = 5000;",
  "PRAGMA foreign_keys = ON;",
].join("\n");

export interface Database {
  prisma: PrismaClient;
  /** The better-sqlite3 connection Prisma's adapter uses (connects first if needed). */
  sqlite(): Promise<BetterSqlite3.Database>;
  /**
   * Runs `work` in one SQLite transaction on that connection (BEGIN IMMEDIATE … COMMIT, or
   * ROLLBACK if it throws), taking the same gate as Prisma's interactive transactions.
   */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * The pragmas are applied inside the adapter factory's `connect`, not through `$executeRaw` after
 * construction: they are per-connection settings, and this way a reconnect (after `$disconnect`)
 * gets them too, before the first query runs.
 */
function withPragmas(
  inner: PrismaBetterSqlite3,
  gate: TxGate,
  onConnect: (client: BetterSqlite3.Database) => void,
): SqlDriverAdapterFactory {
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    async connect(): Promise<SqlDriverAdapter> {
      const adapter = await inner.connect();
      try {
        await adapter.executeScript(PRAGMAS);
        // The adapter keeps its better-sqlite3 connection in `client`; the hot path shares it so
        // there is one writer connection and Prisma's transaction mutex covers both.
        const client = (adapter as unknown as { client?: BetterSqlite3.Database }).client;
        if (!client)
          throw new Error("better-sqlite3 adapter without a client: check @prisma/adapter-better-sqlite3");
        onConnect(client);
        gateTransactions(adapter, gate);
      } catch (error) {
        await adapter.dispose();
        throw error;
      }
      return adapter;
    },
  };
}

/** Makes Prisma's interactive transactions wait for (and hold) the shared gate. */
function gateTransactions(adapter: SqlDriverAdapter, gate: TxGate) {
  const start = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => {
    const open = await gate.acquire();
    try {
      const tx = await start(isolationLevel);
      const commit = tx.commit.bind(tx);
      const rollback = tx.rollback.bind(tx);
      tx.commit = () => commit().finally(open);
      tx.rollback = () => rollback().finally(open);
      return tx;
    } catch (error) {
      open();
      throw error;
    }
  };
}

const STATEMENTS = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

/** Transaction control statements, prepared once per connection (exec() would parse every time). */
function statement(db: BetterSqlite3.Database, sql: string): BetterSqlite3.Statement {
  let cache = STATEMENTS.get(db);
  if (!cache) {
    cache = new Map();
    STATEMENTS.set(db, cache);
  }
  let stmt = cache.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    cache.set(sql, stmt);
  }
  return stmt;
}

/** Opens `dbFile` (a path, not a URL) with the service's SQLite settings. */
export function openDatabase(options: { dbFile: string }): Database {
  let client: BetterSqlite3.Database | null = null;
  const gate = new TxGate();
  const adapter = withPragmas(new PrismaBetterSqlite3({ url: `file:${options.dbFile}` }), gate, (c) => {
    client = c;
  });
  const prisma = new PrismaClient({ adapter });
  const sqlite = async (): Promise<BetterSqlite3.Database> => {
    if (!client?.open) await prisma.$connect();
    if (!client) throw new Error("database connection not available");
    return client;
  };
  return {
    prisma,
    sqlite,
    async transaction<T>(work: () => Promise<T>): Promise<T> {
      const db = await sqlite();
      const open = await gate.acquire();
      try {
        statement(db, "BEGIN IMMEDIATE").run();
        try {
          const result = await work();
          statement(db, "COMMIT").run();
          return result;
        } catch (error) {
          if (db.inTransaction) statement(db, "ROLLBACK").run();
          throw error;
        }
      } finally {
        open();
      }
    },
    close: () => prisma.$disconnect(),
  };
}
