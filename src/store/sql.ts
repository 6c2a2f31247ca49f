/**
 * Direct SQL on the very better-sqlite3 connection Prisma's adapter uses. The message hot path
 * (inbox, cases, outbox) runs here: Prisma's per-query overhead (~150–300 µs measured by
 * `npm run bench`) is 30–60× the statement itself. Prisma stays the schema owner, the migration
 * path and the API for everything else.
 */
import type BetterSqlite3 from "better-sqlite3";

type Param = string | number | bigint | null | Buffer;

/** Prisma stores DateTime in SQLite as ISO-8601 text with an explicit offset. */
export function toDbDate(d: Date): string {
  return d.toISOString().replace("Z", "+00:00");
}

export function fromDbDate(v: unknown): Date {
  return new Date(String(v));
}

export function fromDbDateOrNull(v: unknown): Date | null {
  return v === null || v === undefined ? null : new Date(String(v));
}

/**
 * Returns each distinct text once: rows read in bulk repeat short texts (state, category, segment,
 * department, chief), and SQLite hands every row its own copies. Keeping one copy per text keeps
 * what a bulk read holds on to small.
 */
export function textInterner(): <T extends string | null>(v: T) => T {
  const texts = new Map<string, string>();
  return <T extends string | null>(v: T): T => {
    if (v === null) return v;
    const seen = texts.get(v);
    if (seen !== undefined) return seen as T;
    texts.set(v, v);
    return v;
  };
}

/** Prepared statements cached per SQL text, with plain numbers (the adapter turns BigInt on). */
export class Sql {
  private readonly cache = new Map<string, BetterSqlite3.Statement>();

  constructor(readonly db: BetterSqlite3.Database) {}

  private stmt(sql: string): BetterSqlite3.Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      if (s.reader) s.safeIntegers(false);
      this.cache.set(sql, s);
    }
    return s;
  }

  get<T>(sql: string, ...params: Param[]): T | undefined {
    return this.stmt(sql).get(...params) as T | undefined;
  }

  all<T>(sql: string, ...params: Param[]): T[] {
    return this.stmt(sql).all(...params) as T[];
  }

  /**
   * The rows one at a time: each row object can die young instead of being held (and promoted to the
   * old generation) with the whole result, as `all` does.
   */
  iterate<T>(sql: string, ...params: Param[]): IterableIterator<T> {
    return this.stmt(sql).iterate(...params) as IterableIterator<T>;
  }

  run(sql: string, ...params: Param[]): { changes: number; lastInsertRowid: number } {
    const r = this.stmt(sql).run(...params);
    return { changes: r.changes, lastInsertRowid: Number(r.lastInsertRowid) };
  }
}
