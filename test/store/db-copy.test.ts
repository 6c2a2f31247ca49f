/**
 * `npm run db:copy`: a SQLite database made by the service's own flow (cases, events, photos, inbox,
 * outbox, simulator transcript) copied to a real PostgreSQL server: every row of every table equal when
 * read back through each database's Prisma client, ids continuing past the copied ones, a non-empty
 * target refused, and a failure mid-copy leaving the target without a row.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/store/db.ts";
import { Prisma } from "../../src/store/generated/client.ts";
import { copySqliteToPostgres, DbCopyError } from "../../src/store/postgres-copy.ts";
import { openPostgresDatabase } from "../../src/store/postgres-db.ts";
import { postgresServer } from "../helpers/postgres.ts";
import { PNG_1PX, startTestApp } from "../helpers/test-app.ts";

const server = await postgresServer();
const dir = mkdtempSync(join(tmpdir(), "luzhang-db-copy-"));
const sourceFile = join(dir, "luzhang.db");
const quiet = () => {};

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every row of every model through a Prisma client, each table sorted the same way. */
async function allRows(prisma: object): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const model of Object.values(Prisma.ModelName)) {
    const delegate = (prisma as Record<string, { findMany(): Promise<unknown[]> }>)[
      model.charAt(0).toLowerCase() + model.slice(1)
    ];
    const rows = (await delegate?.findMany()) ?? [];
    out[model] = rows.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  return out;
}

async function targetCounts(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const counts: Record<string, number> = {};
    for (const model of Object.values(Prisma.ModelName))
      counts[model] = Number((await client.query(`SELECT count(*) AS n FROM "${model}"`)).rows[0]?.n);
    return counts;
  } finally {
    await client.end();
  }
}

function runCli(args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/db-copy.ts", ...args], {
    encoding: "utf8",
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe.skipIf(!server.available)("db:copy from SQLite to PostgreSQL", () => {
  beforeAll(async () => {
    // The service's own flow writes the source: two cases, one closed with photos, a duplicate report.
    const t = await startTestApp({ dir });
    await t.say("张三", "商都大道民康路口东北角垃圾桶满了", {
      images: [{ data: PNG_1PX, mime: "image/png" }],
    });
    t.clock.advance(5 * 60_000);
    await t.say("李四", "商都大道民康路口垃圾箱满溢了");
    await t.say("黄卫东", "收到");
    t.clock.advance(30 * 60_000);
    await t.say("黄卫东", "已整改", { images: [{ data: Buffer.concat([PNG_1PX, Buffer.from([0])]) }] });
    const notice = (await t.botMessages()).find((m) => m.kind === "fix_notice");
    await t.say("廖红梅", "核查通过", { replyTo: notice?.platformId ?? "" });
    await t.say("张三", "郑州大道与商都大道交叉口路灯不亮");
    await t.close();
  }, 60_000);

  it("copies every row of every table, converting dates and booleans, and ids go on past the copy", async () => {
    const url = await server.createDatabase("copy");
    const cli = runCli(["--from", sourceFile, "--to", url]);
    expect(cli.out).toContain("完成");
    expect(cli.code).toBe(0);
    expect(cli.out).toMatch(/ {2}Case：2 行/);
    expect(cli.out).toMatch(/ {2}CaseMedia：2 行/);
    expect(cli.out).not.toContain(":app@"); // no password in the output

    const sqlite = openDatabase({ dbFile: sourceFile });
    const target = openPostgresDatabase({ url, onIdleError: quiet });
    try {
      const before = await allRows(sqlite.prisma);
      const after = await allRows(target.prisma);
      expect(before.Case).toHaveLength(2);
      expect((before.CaseEvent?.length ?? 0) > 5 && (before.InboxMessage?.length ?? 0) >= 6).toBe(true);
      expect(before.OutboxMessage?.length).toBeGreaterThan(4);
      expect(before.Media).toHaveLength(2);
      expect(before.Person?.length).toBeGreaterThan(10);
      expect(after).toEqual(before);
      const closed = await target.prisma.case.findFirstOrThrow({ where: { state: "closed" } });
      expect(closed.closedAt).toBeInstanceOf(Date);
      expect(closed.urgent).toBe(false);

      // The sequences were moved past the copied ids.
      const maxEvent = Math.max(...(before.CaseEvent as { id: number }[]).map((e) => e.id));
      const next = await target.prisma.caseEvent.create({
        data: { caseId: closed.id, type: "note", actorKey: "test", channel: "sim", at: new Date() },
      });
      expect(next.id).toBe(maxEvent + 1);
    } finally {
      await sqlite.close();
      await target.close();
    }
  });

  it("refuses a target that already has rows, and leaves it as it was", async () => {
    const url = await server.createDatabase("full");
    await copySqliteToPostgres({ from: sourceFile, to: url, log: quiet });
    const before = await targetCounts(url);
    const cli = runCli(["--from", sourceFile, "--to", url]);
    expect(cli.code).toBe(1);
    expect(cli.out).toContain("目标数据库不是空的");
    expect(cli.out).toContain("Case");
    expect(await targetCounts(url)).toEqual(before);

    // Another application's table: refused before any migration touches the database.
    const other = await server.createDatabase("other");
    const client = new pg.Client({ connectionString: other });
    await client.connect();
    await client.query("CREATE TABLE invoices (id int)");
    await expect(copySqliteToPostgres({ from: sourceFile, to: other, log: quiet })).rejects.toThrow(
      /invoices/,
    );
    expect((await client.query("SELECT to_regclass('_prisma_migrations') AS t")).rows[0]?.t).toBeNull();
    await client.end();
  });

  it("leaves the target without a row when a table fails part-way", async () => {
    // A copy of the source with an event whose case does not exist (SQLite let it in with foreign keys
    // off): Case and the tables before CaseEvent are copied first, then PostgreSQL refuses the event.
    const broken = join(dir, "broken.db");
    copyFileSync(sourceFile, broken);
    const db = new BetterSqlite3(broken);
    db.pragma("foreign_keys = OFF");
    db.prepare(
      `INSERT INTO CaseEvent (caseId, type, actorKey, channel, at) VALUES (999999, 'note', 'x', 'sim', '2026-11-26T02:00:00.000+00:00')`,
    ).run();
    db.close();
    const url = await server.createDatabase("broken");
    const lines: string[] = [];
    const failure = await copySqliteToPostgres({ from: broken, to: url, log: (l) => lines.push(l) }).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(DbCopyError);
    expect((failure as DbCopyError).code).toBe("COPY_FAILED");
    expect((failure as Error).message).toMatch(/复制表 CaseEvent 时失败.*CaseEvent_caseId_fkey.*已回滚/);
    expect(lines.join("\n")).toMatch(/ {2}Case：2 行/); // Case had been copied before the failure
    const counts = await targetCounts(url);
    expect(Object.values(counts).every((n) => n === 0)).toBe(true);

    // The migrated, empty target takes the corrected copy.
    const report = await copySqliteToPostgres({ from: sourceFile, to: url, log: quiet });
    expect(report.tables.find((t) => t.name === "Case")?.rows).toBe(2);
  });

  it("refuses a source without this version's migrations, and a missing file", async () => {
    const url = await server.createDatabase("unmigrated");
    const empty = join(dir, "empty.db");
    new BetterSqlite3(empty).close();
    await expect(copySqliteToPostgres({ from: empty, to: url, log: quiet })).rejects.toMatchObject({
      code: "SOURCE_NOT_MIGRATED",
    });
    await expect(
      copySqliteToPostgres({ from: join(dir, "nowhere.db"), to: url, log: quiet }),
    ).rejects.toMatchObject({
      code: "SOURCE_MISSING",
    });
  });
});
