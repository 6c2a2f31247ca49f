// What `npm run db:copy` copies, read from both databases rather than listed by hand: the tables and
// columns of each side, the order foreign keys impose, and how each SQLite value becomes the value of
// its PostgreSQL column (SQLite keeps Prisma's DateTime as ISO text, or as epoch milliseconds with the
// adapter's "unixepoch-ms" format, and Boolean as 0/1).
import type BetterSqlite3 from "better-sqlite3";
import type pg from "pg";

/** Prisma's own bookkeeping: each side keeps its own history of its own migrations. */
const SKIPPED_TABLES = new Set(["_prisma_migrations"]);

export interface TargetColumn {
  name: string;
  /** information_schema data_type, e.g. "timestamp without time zone" */
  dataType: string;
  /** Whether the column takes its default from a sequence (a Prisma autoincrement id). */
  serial: boolean;
}

export type Converter = (value: unknown) => unknown;

/** A value that cannot become its column's type; `why` is said in Chinese to the operator. */
export class ValueConversionError extends Error {
  constructor(readonly why: string) {
    super(why);
  }
}

/** The source's tables and their columns, in the file's own order. */
export function sourceTables(db: BetterSqlite3.Database): Map<string, string[]> {
  const names = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  const tables = new Map<string, string[]>();
  for (const name of names.filter((n) => !SKIPPED_TABLES.has(n))) {
    const columns = db.prepare(`PRAGMA table_info(${quote(name)})`).all() as { name: string }[];
    tables.set(
      name,
      columns.map((c) => c.name),
    );
  }
  return tables;
}

/** The target's tables (current schema) with their columns and the foreign keys between them. */
export async function targetTables(
  client: pg.ClientBase,
): Promise<{ tables: Map<string, TargetColumn[]>; references: [from: string, to: string][] }> {
  const columns = await client.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    serial: boolean;
  }>(
    `SELECT table_name, column_name, data_type, coalesce(column_default LIKE 'nextval(%', false) AS serial
     FROM information_schema.columns c
     WHERE table_schema = current_schema()
       AND EXISTS (SELECT 1 FROM information_schema.tables t WHERE t.table_schema = c.table_schema
                   AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE')
     ORDER BY table_name, ordinal_position`,
  );
  const tables = new Map<string, TargetColumn[]>();
  for (const c of columns.rows) {
    if (SKIPPED_TABLES.has(c.table_name)) continue;
    const list = tables.get(c.table_name) ?? [];
    list.push({ name: c.column_name, dataType: c.data_type, serial: c.serial });
    tables.set(c.table_name, list);
  }
  const fks = await client.query<{ from: string; to: string }>(
    `SELECT t.relname AS from, r.relname AS to FROM pg_constraint c
     JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
     WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`,
  );
  return { tables, references: fks.rows.map((r) => [r.from, r.to]) };
}

/**
 * The tables in an order where each comes after every table it references (self-references aside),
 * alphabetical among equals so that runs repeat. A cycle cannot be copied row by row: it throws.
 */
export function dependencyOrder(tables: string[], references: [from: string, to: string][]): string[] {
  const waitsFor = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const [from, to] of references) if (from !== to && waitsFor.has(to)) waitsFor.get(from)?.add(to);
  const order: string[] = [];
  while (waitsFor.size > 0) {
    const ready = [...waitsFor].filter(([, deps]) => deps.size === 0).map(([t]) => t);
    if (ready.length === 0)
      throw new Error(`foreign keys form a cycle among ${[...waitsFor.keys()].join(", ")}`);
    for (const table of ready.sort()) {
      order.push(table);
      waitsFor.delete(table);
      for (const deps of waitsFor.values()) deps.delete(table);
    }
  }
  return order;
}

/** SQLite's own datetime() text ("2026-11-26 02:00:00") has no zone and is UTC; JavaScript would read it as local. */
const ZONELESS = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

function toTimestamp(value: unknown): string {
  const date =
    typeof value === "number" || typeof value === "bigint"
      ? new Date(Number(value))
      : typeof value === "string"
        ? new Date(ZONELESS.test(value) ? `${value.replace(" ", "T")}Z` : value)
        : null;
  if (date === null || Number.isNaN(date.getTime()))
    throw new ValueConversionError(`“${String(value)}”不是时间`);
  // Prisma keeps DateTime in UTC; a `timestamp without time zone` takes the UTC digits and drops the "Z".
  return date.toISOString();
}

function toBoolean(value: unknown): boolean {
  if (value === 0 || value === 0n) return false;
  if (value === 1 || value === 1n) return true;
  throw new ValueConversionError(`“${String(value)}”不是布尔值（应为 0 或 1）`);
}

function toText(value: unknown): string {
  if (Buffer.isBuffer(value)) throw new ValueConversionError("是二进制数据，不是文本");
  const text = String(value);
  // PostgreSQL text cannot hold U+0000; SQLite can.
  if (text.includes("\u0000")) throw new ValueConversionError("含有 NUL 字符（PostgreSQL 的文本不能含 \\0）");
  return text;
}

function toNumber(integer: boolean): Converter {
  return (value) => {
    if (typeof value === "bigint") return integer ? value.toString() : Number(value);
    if (typeof value !== "number" || (integer && !Number.isInteger(value)))
      throw new ValueConversionError(`“${String(value)}”不是${integer ? "整数" : "数字"}`);
    return value;
  };
}

const CONVERTERS: Record<string, Converter> = {
  "timestamp without time zone": toTimestamp,
  "timestamp with time zone": toTimestamp,
  date: toTimestamp,
  boolean: toBoolean,
  text: toText,
  "character varying": toText,
  character: toText,
  integer: toNumber(true),
  smallint: toNumber(true),
  bigint: toNumber(true),
  "double precision": toNumber(false),
  real: toNumber(false),
  numeric: toNumber(false),
};

/** How a SQLite value becomes a value for a PostgreSQL column of `dataType`; NULL stays NULL. */
export function converterFor(dataType: string): Converter {
  const convert = CONVERTERS[dataType];
  if (!convert) return (value) => value; // bytea takes a Buffer, json(b) takes text, as they come
  return (value) => (value === null || value === undefined ? null : convert(value));
}

/** A double-quoted identifier (both databases quote the same way). */
export function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
