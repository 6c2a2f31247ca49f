/**
 * One service per SQLite database. Two instances on one data folder both sent every Lark message
 * (and WeChat has no idempotency key to hide it), so a second one refuses to start.
 *
 * The lock is SQLite's own file lock on a small side file, `<database>.lock`: an EXCLUSIVE
 * transaction opened at start and held while the process lives. SQLite takes it with POSIX advisory
 * locks, which the kernel drops when the process ends in any way (kill -9, a crash, a power cut
 * reboot), so a stale lock never blocks a restart: there is no PID file to clean up and no heartbeat
 * to time out (what proper-lockfile and friends need). It needs a local disk; network filesystems
 * may not honour the lock (docs/security.md).
 */
import BetterSqlite3 from "better-sqlite3";

export class InstanceLockedError extends Error {
  readonly code = "DB_IN_USE";
  constructor(readonly lockFile: string) {
    super(
      `另一个路长通进程正在使用同一个数据库（锁文件 ${lockFile}），本进程不启动：两个进程会把每条消息各发一遍。请先停止另一个进程；需要多个实例时请改用 PostgreSQL（见 docs/security.md）`,
    );
  }
}

export interface InstanceLock {
  release(): void;
}

/** Takes the lock of `dbFile` for this process; throws InstanceLockedError when another holds it. */
export function lockDatabaseFile(dbFile: string): InstanceLock {
  const lockFile = `${dbFile}.lock`;
  const db = new BetterSqlite3(lockFile, { timeout: 0 });
  try {
    db.exec("BEGIN EXCLUSIVE");
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code?.startsWith("SQLITE_BUSY")) throw new InstanceLockedError(lockFile);
    throw error;
  }
  return {
    release() {
      if (!db.open) return;
      db.exec("ROLLBACK");
      db.close();
    },
  };
}
