/**
 * The shape of a migrated database read back from its own catalog, in terms both providers share:
 * tables, columns (Prisma type, nullability, default, primary key), indexes and foreign keys. Two
 * databases made from the two migration folders must have equal shapes.
 */
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";

export interface Column {
  name: string;
  type: string;
  notNull: boolean;
  default: string | null;
}

export interface TableShape {
  columns: Column[];
  primaryKey: string[];
  /** "unique? name(col, col)" */
  indexes: string[];
  /** "cols -> Table(cols) on delete …" */
  foreignKeys: string[];
}

export type SchemaShape = Record<string, TableShape>;

const SQLITE_TYPES: Record<string, string> = {
  TEXT: "String",
  INTEGER: "Int",
  REAL: "Float",
  BOOLEAN: "Boolean",
  DATETIME: "DateTime",
};
const POSTGRES_TYPES: Record<string, string> = {
  text: "String",
  integer: "Int",
  "double precision": "Float",
  boolean: "Boolean",
  "timestamp without time zone": "DateTime",
};

/** Defaults as written by each dialect, in one spelling: 'x'::text → 'x'; a sequence → autoincrement. */
function normalizeDefault(value: string | null): string | null {
  if (value === null) return null;
  if (value.startsWith("nextval(")) return "autoincrement";
  return value.replace(/::[a-z ]+$/, "");
}

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

export function sqliteShape(dbFile: string): SchemaShape {
  const db = new BetterSqlite3(dbFile, { readonly: true });
  try {
    const tables = db
      .prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations'",
      )
      .all() as { name: string; sql: string }[];
    const shape: SchemaShape = {};
    for (const t of tables) {
      const cols = db.prepare(`PRAGMA table_info("${t.name}")`).all() as {
        name: string;
        type: string;
        notnull: number;
        dflt_value: string | null;
        pk: number;
      }[];
      const autoincrement = (c: string) =>
        new RegExp(`"${c}" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT`).test(t.sql);
      const indexes = (
        db.prepare(`PRAGMA index_list("${t.name}")`).all() as {
          name: string;
          unique: number;
          origin: string;
        }[]
      )
        .filter((i) => i.origin === "c")
        .map((i) => {
          const on = (db.prepare(`PRAGMA index_info("${i.name}")`).all() as { seqno: number; name: string }[])
            .sort((a, b) => a.seqno - b.seqno)
            .map((c) => c.name);
          return `${i.unique ? "unique " : ""}${i.name}(${on.join(", ")})`;
        });
      const fks = db.prepare(`PRAGMA foreign_key_list("${t.name}")`).all() as {
        id: number;
        seq: number;
        table: string;
        from: string;
        to: string;
        on_delete: string;
        on_update: string;
      }[];
      const fkIds = [...new Set(fks.map((f) => f.id))];
      shape[t.name] = {
        columns: cols
          .map((c) => ({
            name: c.name,
            type: SQLITE_TYPES[c.type] ?? `?${c.type}`,
            notNull: c.notnull === 1 || c.pk > 0,
            default: autoincrement(c.name) ? "autoincrement" : normalizeDefault(c.dflt_value),
          }))
          .sort(byName),
        primaryKey: cols
          .filter((c) => c.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((c) => c.name),
        indexes: indexes.sort(),
        foreignKeys: fkIds
          .map((id) => {
            const parts = fks.filter((f) => f.id === id).sort((a, b) => a.seq - b.seq);
            const first = parts[0];
            return `${parts.map((p) => p.from).join(", ")} -> ${first?.table}(${parts.map((p) => p.to).join(", ")}) on delete ${first?.on_delete} on update ${first?.on_update}`;
          })
          .sort(),
      };
    }
    return shape;
  } finally {
    db.close();
  }
}

const FK_ACTIONS: Record<string, string> = {
  a: "NO ACTION",
  r: "RESTRICT",
  c: "CASCADE",
  n: "SET NULL",
  d: "SET DEFAULT",
};

export async function postgresShape(url: string): Promise<SchemaShape> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const q = async <T extends pg.QueryResultRow>(sql: string) => (await client.query<T>(sql)).rows;
    const columns = await q<{
      table_name: string;
      column_name: string;
      data_type: string;
      is_nullable: string;
      column_default: string | null;
    }>(
      `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations'`,
    );
    // Index, primary key and foreign key columns in key order, through the catalog (attnum order of the key).
    const indexes = await q<{
      table: string;
      name: string;
      unique: boolean;
      primary: boolean;
      cols: string[];
    }>(
      `SELECT t.relname AS table, i.relname AS name, x.indisunique AS unique, x.indisprimary AS primary,
              array(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(attnum, n)
                    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS cols
       FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
       WHERE t.relnamespace = current_schema()::regnamespace AND t.relname <> '_prisma_migrations'`,
    );
    const fks = await q<{
      table: string;
      cols: string[];
      ref: string;
      refcols: string[];
      del: string;
      upd: string;
    }>(
      `SELECT t.relname AS table, r.relname AS ref, c.confdeltype AS del, c.confupdtype AS upd,
              array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
                    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS cols,
              array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(attnum, n)
                    JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS refcols
       FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
       WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`,
    );
    const shape: SchemaShape = {};
    for (const table of [...new Set(columns.map((c) => c.table_name))]) {
      shape[table] = {
        columns: columns
          .filter((c) => c.table_name === table)
          .map((c) => ({
            name: c.column_name,
            type: POSTGRES_TYPES[c.data_type] ?? `?${c.data_type}`,
            notNull: c.is_nullable === "NO",
            default: normalizeDefault(c.column_default),
          }))
          .sort(byName),
        primaryKey: indexes.find((i) => i.table === table && i.primary)?.cols ?? [],
        indexes: indexes
          .filter((i) => i.table === table && !i.primary)
          .map((i) => `${i.unique ? "unique " : ""}${i.name}(${i.cols.join(", ")})`)
          .sort(),
        foreignKeys: fks
          .filter((f) => f.table === table)
          .map(
            (f) =>
              `${f.cols.join(", ")} -> ${f.ref}(${f.refcols.join(", ")}) on delete ${FK_ACTIONS[f.del]} on update ${FK_ACTIONS[f.upd]}`,
          )
          .sort(),
      };
    }
    return shape;
  } finally {
    await client.end();
  }
}
