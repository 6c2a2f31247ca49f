// Prisma's WebAssembly schema engine on PostgreSQL, through the pg driver adapter (the same engine the
// SQLite path drives in schema-engine.ts). What works and what does not is in docs/postgresql.md.
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory, type SqlDriverAdapter } from "@prisma/driver-adapter-utils";
import type * as WasmBindings from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { Pool } from "pg";
import {
  isEmptyScript,
  loadBindings,
  type MigrationList,
  NO_FILTERS,
  trackConnections,
  wrapEngineError,
} from "./schema-engine.ts";

const SCHEMA_NAME = "schema.prisma";

/**
 * Runs `fn` with an engine connected to `url`, then frees the engine and ends every pool it opened.
 * The engine takes Prisma's advisory lock (72707369) to apply migrations and does not release it while
 * its connection lives: freeing the engine alone left the lock held until pg's idle timeout (10 s), and
 * the next engine on that database waited that long or failed with "Timed out trying to acquire a
 * postgres advisory lock" (checked). The engine connects as soon as it is created, even for a diff of
 * two schemas: it reads the server's version to choose between PostgreSQL and CockroachDB.
 */
async function withPostgresEngine<T>(
  action: string,
  url: string,
  schemaText: string,
  fn: (engine: WasmBindings.SchemaEngine) => Promise<T>,
): Promise<T> {
  const bindings = await loadBindings();
  const inner = new PrismaPg({ connectionString: url });
  const tracking = trackConnections({
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => wholeScripts(await inner.connect()),
    // The adapter's own shadow database cannot work (docs/postgresql.md); nothing here needs one.
    connectToShadowDb: () => Promise.reject(new Error("no shadow database: diff two schemas instead")),
  });
  const engineLogs: string[] = [];
  try {
    const engine = await bindings.SchemaEngine.new(
      { datamodels: [[SCHEMA_NAME, schemaText]] },
      (line: string) => engineLogs.push(line),
      bindMigrationAwareSqlAdapterFactory(tracking.factory),
    );
    try {
      return await fn(engine);
    } finally {
      engine.free();
    }
  } catch (error) {
    throw wrapEngineError(action, error, engineLogs);
  } finally {
    await tracking.disposeAll();
  }
}

/**
 * adapter-pg's executeScript splits a script on every ";" and runs the pieces one by one, so a ";" in a
 * string literal or a comment breaks a migration (checked: `DEFAULT 'a;b'` failed with "unterminated
 * quoted string"), and a failure half-way leaves the statements before it applied. Prisma's native
 * engine sends the script whole; so does this: one simple-protocol query, which PostgreSQL runs as one
 * implicit transaction, so a migration applies entirely or not at all. Errors go through the adapter's
 * own conversion, so the engine reports them as it does any database error.
 */
function wholeScripts(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const pg = adapter as SqlDriverAdapter & { underlyingDriver(): Pool; onError(error: unknown): never };
  if (typeof pg.underlyingDriver !== "function" || typeof pg.onError !== "function")
    throw new Error("@prisma/adapter-pg without underlyingDriver/onError: check its version");
  adapter.executeScript = async (script: string) => {
    try {
      await pg.underlyingDriver().query(script);
    } catch (error) {
      pg.onError(error);
    }
  };
  return adapter;
}

/** Applies the pending migrations of `migrationsList` to the database at `url`; returns the names applied. */
export async function applyPostgresMigrations(options: {
  url: string;
  migrationsList: MigrationList;
  schemaText: string;
}): Promise<string[]> {
  const action = `applying ${options.migrationsList.baseDir} to PostgreSQL`;
  return withPostgresEngine(action, options.url, options.schemaText, async (engine) => {
    const result = await engine.applyMigrations({
      migrationsList: options.migrationsList,
      filters: NO_FILTERS,
    });
    return result.appliedMigrationNames;
  });
}

/**
 * The PostgreSQL SQL that takes a database made for schema `from` (null: an empty database) to schema
 * `to`, both PostgreSQL schema texts; "" when nothing changes. Reads no table: `url` only has to reach a
 * PostgreSQL server (see withPostgresEngine).
 */
export async function diffPostgresSchemas(options: {
  url: string;
  from: string | null;
  to: string;
}): Promise<string> {
  const { url, from, to } = options;
  return withPostgresEngine("diffing PostgreSQL schemas", url, to, async (engine) => {
    const result = await engine.diff({
      from: from === null ? { tag: "empty" } : { tag: "schemaDatamodel", files: [file(from)] },
      to: { tag: "schemaDatamodel", files: [file(to)] },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    });
    const sql = result.stdout ?? "";
    return isEmptyScript(sql) ? "" : sql;
  });
}

function file(content: string) {
  return { path: SCHEMA_NAME, content };
}
