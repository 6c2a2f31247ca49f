/**
 * Backup and restore of the SQLite database (`npm run db:backup`, `npm run db:restore`). A backup is
 * SQLite's online backup (better-sqlite3's `.backup()`): a consistent copy taken while the service
 * runs and writes. A restore needs the service stopped (it takes the instance lock), checks the copy
 * first, keeps the current file aside instead of deleting it, and gives the restored database a new
 * random id, so idempotency keys sent from the old copy are not sent again (db-health.ts).
 */
import { existsSync, renameSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { checkIntegrity, renewDatabaseId } from "./db-health.ts";
import { lockDatabaseFile } from "./instance-lock.ts";
import { Sql } from "./sql.ts";

/** Copies `dbFile` to `outFile` online and checks the copy; returns its size in bytes. */
export async function backupDatabase(dbFile: string, outFile: string): Promise<number> {
  if (!existsSync(dbFile)) throw new Error(`找不到数据库文件 ${dbFile}`);
  if (existsSync(outFile)) throw new Error(`备份文件 ${outFile} 已存在，不覆盖`);
  await mkdir(path.dirname(path.resolve(outFile)), { recursive: true });
  const db = new BetterSqlite3(dbFile, { fileMustExist: true, readonly: true });
  try {
    await db.backup(outFile);
  } finally {
    db.close();
  }
  checkIntegrity(outFile);
  const copy = new BetterSqlite3(outFile, { fileMustExist: true, readonly: true });
  try {
    const { size } = copy
      .prepare("SELECT page_count * page_size AS size FROM pragma_page_count(), pragma_page_size()")
      .get() as {
      size: number;
    };
    return size;
  } finally {
    copy.close();
  }
}

/** Puts `backupFile` in place of `dbFile` (the service stopped); returns where the old file was kept. */
export async function restoreDatabase(
  backupFile: string,
  dbFile: string,
  now = new Date(),
): Promise<string | null> {
  if (!existsSync(backupFile)) throw new Error(`找不到备份文件 ${backupFile}`);
  checkIntegrity(backupFile);
  await mkdir(path.dirname(path.resolve(dbFile)), { recursive: true });
  const lock = lockDatabaseFile(dbFile);
  try {
    let keptAs: string | null = null;
    if (existsSync(dbFile)) {
      keptAs = `${dbFile}.before-restore-${now.toISOString().replace(/[-:]/g, "").slice(0, 15)}`;
      // The WAL and shared-memory files belong to the old file: they move with it.
      for (const suffix of ["", "-wal", "-shm"])
        if (existsSync(dbFile + suffix)) renameSync(dbFile + suffix, keptAs + suffix);
    }
    const source = new BetterSqlite3(backupFile, { fileMustExist: true, readonly: true });
    try {
      await source.backup(dbFile);
    } finally {
      source.close();
    }
    const restored = new BetterSqlite3(dbFile, { fileMustExist: true });
    try {
      renewDatabaseId(new Sql(restored));
    } finally {
      restored.close();
    }
    return keptAs;
  } finally {
    lock.release();
  }
}
