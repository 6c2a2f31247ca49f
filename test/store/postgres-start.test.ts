/**
 * DATABASE_URL: validated at start (Chinese, naming the variable), SQLite when unset; with a postgres
 * URL the start migrates PostgreSQL and then refuses, because the hot path is SQLite SQL still. The
 * PostgreSQL Prisma client opened beside the SQLite one reads and writes the migrated tables.
 */
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app/create-app.ts";
import { PostgresBackendIncompleteError } from "../../src/app/postgres-start.ts";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { openPostgresDatabase } from "../../src/store/postgres-db.ts";
import { migratePostgres } from "../../src/store/postgres-migrate.ts";
import { POSTGRES_MIGRATIONS_DIR } from "../../src/store/postgres-schema.ts";
import { postgresServer } from "../helpers/postgres.ts";

const server = await postgresServer();
const base = { DATA_DIR: "/tmp/luzhang-pg-config-test" };

/** The PostgreSQL migration folders shipped (a start on an empty database applies them all). */
const migrationCount = () =>
  readdirSync(POSTGRES_MIGRATIONS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).length;

describe("DATABASE_URL in the configuration", () => {
  it("keeps SQLite the default when unset", () => {
    const config = loadConfig(base);
    expect(config.databaseUrl).toBeNull();
    expect(config.databaseFile).toBe("/tmp/luzhang-pg-config-test/luzhang.db");
  });

  it("takes a postgres:// or postgresql:// URL", () => {
    for (const url of ["postgres://app:pw@db.internal:5432/luzhang", "postgresql://app@10.0.0.5/luzhang"])
      expect(loadConfig({ ...base, DATABASE_URL: url }).databaseUrl).toBe(url);
  });

  it("refuses anything else in Chinese, naming the variable without echoing its value", () => {
    for (const url of ["file:./data/luzhang.db", "mysql://root:secret@localhost/luzhang", "postgres://"]) {
      let message = "";
      try {
        loadConfig({ ...base, DATABASE_URL: url });
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        message = (error as Error).message;
      }
      expect(message).toContain("DATABASE_URL: DATABASE_URL 应为 PostgreSQL 连接串");
      expect(message).toContain("DATABASE_FILE");
      expect(message).not.toContain("secret");
    }
  });
});

describe.skipIf(!server.available)("starting on PostgreSQL", () => {
  let url = "";
  beforeAll(async () => {
    url = await server.createDatabase("start");
  });

  it("migrates, then refuses to start and says why; the second start applies nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "luzhang-pg-start-"));
    const config = loadConfig({ DATA_DIR: dir, DATABASE_URL: url, LOG_LEVEL: "silent" });
    const start = () => createApp({ config, log: pino({ level: "silent" }), startOutbox: false });

    const first = await start().catch((e: unknown) => e);
    expect(first).toBeInstanceOf(PostgresBackendIncompleteError);
    expect((first as Error).message).toMatch(
      new RegExp(
        `已在 postgres://app:\\*\\*\\*@.+ 应用 ${migrationCount()} 个迁移，但路长通在 PostgreSQL 上尚不能运行`,
      ),
    );
    expect((first as Error).message).toContain("去掉 DATABASE_URL");
    // Refused before the SQLite database was made: nothing runs half on one database, half on another.
    expect(existsSync(join(dir, "luzhang.db"))).toBe(false);

    const second = await start().catch((e: unknown) => e);
    expect((second as Error).message).toContain("的表结构已是最新，但路长通在 PostgreSQL 上尚不能运行");
  });

  it("opens a Prisma client on PostgreSQL that reads, writes and rolls back", async () => {
    await migratePostgres({ url, log: () => {} });
    const db = openPostgresDatabase({ url, onIdleError: () => {} });
    try {
      const at = new Date("2026-11-26T10:00:00.123+08:00");
      await db.prisma.person.create({ data: { id: "p1", name: "黄卫东", roles: '["chief3"]' } });
      const run = await db.prisma.jobRun.create({
        data: { job: "digest", periodKey: "2026-11-26", startedAt: at },
      });
      expect((await db.prisma.jobRun.findUniqueOrThrow({ where: { id: run.id } })).startedAt).toEqual(at);
      // Stored as UTC digits in a timestamp without time zone: what db:copy writes and direct SQL reads.
      const raw = await db.pool.query(
        `SELECT to_char("startedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS t FROM "JobRun" WHERE id = $1`,
        [run.id],
      );
      expect(raw.rows[0]?.t).toBe("2026-11-26T02:00:00.123");

      await expect(
        db.prisma.$transaction(async (tx) => {
          await tx.setting.create({ data: { key: "k", value: "v" } });
          throw new Error("abort");
        }),
      ).rejects.toThrow("abort");
      expect(await db.prisma.setting.count()).toBe(0);
      expect((await db.pool.query(`SELECT name FROM "Person"`)).rows).toEqual([{ name: "黄卫东" }]);
      await expect(
        db.prisma.jobRun.create({ data: { job: "digest", periodKey: "2026-11-26", startedAt: at } }),
      ).rejects.toThrow(/Unique constraint/);
    } finally {
      await db.close();
    }
  });
});
