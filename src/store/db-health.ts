/**
 * The database's health: an integrity check before the service starts (a damaged page used to go
 * unnoticed until processing failed), the backlog `/healthz` reports, and the database's own random
 * id (idempotency keys are prefixed with it, so a fresh or restored database never repeats keys a
 * platform has seen).
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import BetterSqlite3 from "better-sqlite3";
import type { Sql } from "./sql.ts";

export class DatabaseDamagedError extends Error {
  readonly code = "DB_DAMAGED";
  constructor(
    readonly dbFile: string,
    readonly findings: string[],
  ) {
    super(
      `数据库文件 ${dbFile} 已损坏（${findings.slice(0, 3).join("；")}），服务不启动，以免接收的消息无法处理。` +
        "请停止服务后用最近的备份恢复：npm run db:restore -- <备份文件>（备份用 npm run db:backup 生成，见 docs/security.md）；" +
        "没有备份时，先把损坏的文件另存一份，再用 sqlite3 的 .recover 尝试抢救。",
    );
  }
}

/** PRAGMA quick_check on `dbFile` (every page read once); throws DatabaseDamagedError when it is not "ok". */
export function checkIntegrity(dbFile: string): void {
  if (!existsSync(dbFile)) return;
  let findings: string[];
  try {
    const db = new BetterSqlite3(dbFile, { fileMustExist: true });
    try {
      findings = (db.pragma("quick_check") as { quick_check: string }[]).map((r) => r.quick_check);
    } finally {
      db.close();
    }
  } catch (error) {
    findings = [(error as Error).message];
  }
  if (findings.length === 1 && findings[0] === "ok") return;
  throw new DatabaseDamagedError(dbFile, findings);
}

/** Setting key of the database's random id. */
export const DATABASE_ID_KEY = "database.id";

/** This database's random id, made at its first start (and anew by `npm run db:restore`). */
export function databaseId(sql: Sql): string {
  const row = sql.get<{ value: string }>('SELECT value FROM "Setting" WHERE key = ?', DATABASE_ID_KEY);
  if (row) return row.value;
  return renewDatabaseId(sql);
}

/** Gives the database a new random id (after a restore: keys sent from the old copy must not repeat). */
export function renewDatabaseId(sql: Sql): string {
  const id = randomBytes(6).toString("hex");
  sql.run(
    'INSERT INTO "Setting" (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    DATABASE_ID_KEY,
    id,
  );
  return id;
}

export interface Backlog {
  /** Inbound messages stored and not yet processed. */
  inboxWaiting: number;
  /** Seconds the oldest of them has waited. */
  oldestWaitingSeconds: number;
  /** Outbound messages due or waiting for a retry. */
  outboxPending: number;
  /** Outbound messages given up after every retry. */
  outboxDead: number;
}

/** Reads the backlog (and so touches the database's inbox and outbox pages). */
export function readBacklog(sql: Sql, now: Date): Backlog {
  const inbox = sql.get<{ n: number; oldest: string | null }>(
    "SELECT count(*) AS n, min(receivedAt) AS oldest FROM \"InboxMessage\" WHERE status = 'received'",
  );
  const outbox = sql.all<{ status: string; n: number }>(
    "SELECT status, count(*) AS n FROM \"OutboxMessage\" WHERE status IN ('pending', 'dead') GROUP BY status",
  );
  const oldest = inbox?.oldest ? new Date(inbox.oldest).getTime() : now.getTime();
  return {
    inboxWaiting: inbox?.n ?? 0,
    oldestWaitingSeconds: Math.max(0, Math.round((now.getTime() - oldest) / 1000)),
    outboxPending: outbox.find((r) => r.status === "pending")?.n ?? 0,
    outboxDead: outbox.find((r) => r.status === "dead")?.n ?? 0,
  };
}
