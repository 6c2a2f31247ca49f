// `npm run db:copy`: moves a county's SQLite database to an empty PostgreSQL database. The target is
// migrated first; then every table is copied in foreign-key order inside ONE transaction on the target,
// the sequences are moved past the copied ids, and each table's row count is checked, so a failure at
// any point leaves the target without a single copied row. The source is read in one read transaction
// (a consistent snapshot even if a service is writing to it) and never written.
import { existsSync } from "node:fs";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { MIGRATIONS_DIR } from "./migrate.ts";
import {
  type Converter,
  converterFor,
  dependencyOrder,
  quote,
  sourceTables,
  type TargetColumn,
  targetTables,
  ValueConversionError,
} from "./postgres-copy-plan.ts";
import { migratePostgres } from "./postgres-migrate.ts";
import { redactUrl } from "./postgres-schema.ts";
import { COPY_TEXTS } from "./postgres-texts.ts";
import { readMigrationList } from "./schema-engine.ts";

export type DbCopyErrorCode =
  | "SOURCE_MISSING"
  | "SOURCE_NOT_MIGRATED"
  | "SCHEMA_MISMATCH"
  | "TARGET_NOT_EMPTY"
  | "COUNT_MISMATCH"
  | "COPY_FAILED";

export class DbCopyError extends Error {
  constructor(
    readonly code: DbCopyErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface CopyReport {
  /** Rows copied per table, in the order copied. */
  tables: { name: string; rows: number }[];
  sequencesReset: number;
}

/** PostgreSQL accepts at most 65,535 parameters in one statement; a batch stays below that. */
const MAX_PARAMETERS = 65_000;
/** Rows per INSERT: large enough that round trips do not dominate, small enough to keep memory flat. */
const MAX_BATCH_ROWS = 500;

/** The source must have exactly the SQLite migrations this version ships, or the columns will not match. */
async function checkSourceMigrations(db: BetterSqlite3.Database): Promise<void> {
  const expected = (await readMigrationList(MIGRATIONS_DIR)).migrationDirectories.map((d) => d.path);
  const hasTable = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'")
    .get();
  const applied = hasTable
    ? (db
        .prepare(
          "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
        )
        .pluck()
        .all() as string[])
    : [];
  const missing = expected.filter((m) => !applied.includes(m));
  const unknown = applied.filter((m) => !expected.includes(m));
  if (missing.length > 0 || unknown.length > 0)
    throw new DbCopyError("SOURCE_NOT_MIGRATED", COPY_TEXTS.sourceNotMigrated(missing, unknown));
}

/** Both sides must hold the same tables with the same columns (the order of columns may differ). */
function checkSameShape(source: Map<string, string[]>, target: Map<string, TargetColumn[]>): void {
  const problems: string[] = [];
  for (const name of source.keys()) if (!target.has(name)) problems.push(`目标缺少表 ${name}`);
  for (const [name, columns] of target) {
    const sourceColumns = source.get(name);
    if (!sourceColumns) {
      problems.push(`源缺少表 ${name}`);
      continue;
    }
    const theirs = new Set(columns.map((c) => c.name));
    for (const c of sourceColumns) if (!theirs.has(c)) problems.push(`目标表 ${name} 缺少列 ${c}`);
    for (const c of theirs) if (!sourceColumns.includes(c)) problems.push(`源表 ${name} 缺少列 ${c}`);
  }
  if (problems.length > 0)
    throw new DbCopyError("SCHEMA_MISMATCH", COPY_TEXTS.schemaMismatch(problems.join("；")));
}

async function insertBatch(client: pg.ClientBase, table: string, columns: string[], rows: unknown[][]) {
  const params: unknown[] = [];
  const tuples = rows.map((row) => `(${row.map((v) => `$${params.push(v)}`).join(", ")})`);
  await client.query(
    `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) VALUES ${tuples.join(", ")}`,
    params,
  );
}

/** Copies one table's rows; returns how many. Conversion errors name the table, row and column. */
async function copyTable(
  source: BetterSqlite3.Database,
  client: pg.ClientBase,
  table: string,
  columns: TargetColumn[],
): Promise<number> {
  const names = columns.map((c) => c.name);
  const converters: Converter[] = columns.map((c) => converterFor(c.dataType));
  const batchRows = Math.max(1, Math.min(MAX_BATCH_ROWS, Math.floor(MAX_PARAMETERS / names.length)));
  const select = source
    .prepare(`SELECT ${names.map(quote).join(", ")} FROM ${quote(table)} ORDER BY rowid`)
    .raw();
  let batch: unknown[][] = [];
  let count = 0;
  for (const raw of select.iterate() as IterableIterator<unknown[]>) {
    count += 1;
    batch.push(
      raw.map((value, i) => {
        try {
          return (converters[i] as Converter)(value);
        } catch (error) {
          if (!(error instanceof ValueConversionError)) throw error;
          throw new DbCopyError(
            "COPY_FAILED",
            COPY_TEXTS.rowInvalid(table, count, names[i] ?? "?", error.why),
          );
        }
      }),
    );
    if (batch.length === batchRows) {
      await insertBatch(client, table, names, batch);
      batch = [];
    }
  }
  if (batch.length > 0) await insertBatch(client, table, names, batch);
  return count;
}

function pgErrorText(error: unknown): string {
  const e = error as { message?: string; detail?: string };
  return [e.message ?? String(error), e.detail].filter(Boolean).join(" — ");
}

async function countRows(client: pg.ClientBase, table: string): Promise<number> {
  const result = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quote(table)}`);
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * Before anything is written to it: the target may hold nothing but this schema's tables, and those
 * empty (a database a start with DATABASE_URL already migrated, or an earlier copy that failed).
 * Another application's tables, or any row, and the target is refused before migrations touch it.
 */
async function checkTargetEmpty(url: string, ours: Set<string>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    const taken: string[] = [];
    for (const { name } of tables.rows) {
      if (name === "_prisma_migrations") continue;
      if (!ours.has(name) || (await client.query(`SELECT 1 FROM ${quote(name)} LIMIT 1`)).rowCount)
        taken.push(name);
    }
    if (taken.length > 0) throw new DbCopyError("TARGET_NOT_EMPTY", COPY_TEXTS.targetNotEmpty(taken));
  } finally {
    await client.end();
  }
}

/** Copies the SQLite database `from` into the empty PostgreSQL database `to`; see the file comment. */
export async function copySqliteToPostgres(options: {
  from: string;
  to: string;
  log: (line: string) => void;
}): Promise<CopyReport> {
  const { from, to, log } = options;
  const started = performance.now();
  if (!existsSync(from)) throw new DbCopyError("SOURCE_MISSING", COPY_TEXTS.sourceMissing(from));
  const source = new BetterSqlite3(from, { readonly: true, fileMustExist: true });
  try {
    await checkSourceMigrations(source);
    await checkTargetEmpty(to, new Set(sourceTables(source).keys()));
    log(COPY_TEXTS.migrating(redactUrl(to)));
    await migratePostgres({ url: to, log: (m) => log(`  ${m}`) });
    const client = new pg.Client({ connectionString: to });
    await client.connect();
    try {
      return await copyInTransaction(source, client, log, started);
    } finally {
      await client.end();
    }
  } finally {
    source.close();
  }
}

async function copyInTransaction(
  source: BetterSqlite3.Database,
  client: pg.Client,
  log: (line: string) => void,
  started: number,
): Promise<CopyReport> {
  let current = "";
  await client.query("BEGIN");
  source.prepare("BEGIN").run();
  try {
    const { tables, references } = await targetTables(client);
    checkSameShape(sourceTables(source), tables);
    const order = dependencyOrder([...tables.keys()], references);
    // No one else writes (or reads half a copy) until the transaction ends.
    await client.query(`LOCK TABLE ${order.map(quote).join(", ")} IN ACCESS EXCLUSIVE MODE`);
    const filled: string[] = [];
    for (const table of order)
      if ((await client.query(`SELECT 1 FROM ${quote(table)} LIMIT 1`)).rowCount) filled.push(table);
    if (filled.length > 0) throw new DbCopyError("TARGET_NOT_EMPTY", COPY_TEXTS.targetNotEmpty(filled));

    const report: CopyReport = { tables: [], sequencesReset: 0 };
    for (const table of order) {
      current = table;
      const t = performance.now();
      const columns = tables.get(table) ?? [];
      const expected =
        (source
          .prepare(`SELECT count(*) FROM ${quote(table)}`)
          .pluck()
          .get() as number) ?? 0;
      const copied = await copyTable(source, client, table, columns);
      const landed = await countRows(client, table);
      if (copied !== expected || landed !== expected)
        throw new DbCopyError("COUNT_MISMATCH", COPY_TEXTS.countMismatch(table, expected, landed));
      report.tables.push({ name: table, rows: landed });
      log(COPY_TEXTS.table(table, landed, Math.round(performance.now() - t)));
    }
    current = "（自增序列）";
    for (const [table, columns] of tables)
      for (const column of columns.filter((c) => c.serial)) {
        // The next id is one past the largest copied (or 1 in an empty table).
        await client.query(
          `SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(${quote(column.name)}) FROM ${quote(table)}), 0) + 1, false)`,
          [quote(table), column.name],
        );
        report.sequencesReset += 1;
      }
    log(COPY_TEXTS.sequences(report.sequencesReset));
    await client.query("COMMIT");
    current = "";
    const rows = report.tables.reduce((n, t) => n + t.rows, 0);
    log(COPY_TEXTS.done(report.tables.length, rows, Math.round(performance.now() - started)));
    return report;
  } catch (error) {
    // If the connection itself is gone, the server has already rolled back; report the first error.
    await client.query("ROLLBACK").catch((rollbackError: Error) => log(`ROLLBACK: ${rollbackError.message}`));
    if (error instanceof DbCopyError && current === "") throw error;
    if (error instanceof DbCopyError) throw new DbCopyError(error.code, COPY_TEXTS.rolledBack(error.message));
    throw new DbCopyError(
      "COPY_FAILED",
      COPY_TEXTS.rolledBack(COPY_TEXTS.failed(current, pgErrorText(error))),
      {
        cause: error,
      },
    );
  } finally {
    source.prepare("ROLLBACK").run();
  }
}
