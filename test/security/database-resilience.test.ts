/**
 * Issue 13 §8–§11: a batch that failed on a full disk is retried without a restart; the database is
 * checked at start, `/healthz` reads it and reports the backlog; backups are taken online and
 * restored; a second instance on the same data refuses to start (and a killed one leaves no stale
 * lock); the keys platforms see carry the database's random id.
 */
import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/app/create-app.ts";
import { loadTaxonomy } from "../../src/app/taxonomy-load.ts";
import { loadConfig } from "../../src/config.ts";
import type { Extractor } from "../../src/core/ports.ts";
import { createExtractor } from "../../src/extraction/create-extractor.ts";
import { backupDatabase, restoreDatabase } from "../../src/store/db-backup.ts";
import { DATABASE_ID_KEY, DatabaseDamagedError } from "../../src/store/db-health.ts";
import { InstanceLockedError } from "../../src/store/instance-lock.ts";
import { FakeClock, startTestApp, type TestApp } from "../helpers/test-app.ts";

const log = pino({ level: "silent" });
const tmp = () => mkdtempSync(path.join(tmpdir(), "luzhang-db-"));
const open: (App | TestApp)[] = [];
afterEach(async () => {
  for (const a of open.splice(0)) await a.close().catch(() => {});
});

const REPORTS = [
  "商都大道与文明路交叉口往西50米垃圾桶满了",
  "商都大道与人文路交叉口往东30米井盖丢失",
  "商都大道与新圃街交叉口往东20米路灯不亮",
  "商都大道与泰安街交叉口往西40米有暴露垃圾",
  "商都大道与文明路交叉口往东60米道路破损",
  "商都大道与人文路交叉口往东80米占道经营",
  "商都大道与新圃街交叉口往西30米绿化带缺株",
];

async function say(app: App, id: string, text: string, clock: FakeClock) {
  return app.ingest({
    channel: "sim",
    chatId: "sim:demo",
    messageId: id,
    sender: { key: "sim:guest:巡查员", name: "巡查员" },
    // Long enough that recording it needs new pages (the full "disk" has none left).
    text: `@路长通 ${text}。${"请尽快安排人员到现场处理".repeat(120)}`,
    mentionsBot: true,
    mentions: [],
    images: [],
    sentAt: clock.now(),
  });
}

describe("§8 a transient disk-full", () => {
  it("leaves accepted reports received, reports the backlog, and processes them once the disk is back", async () => {
    const dir = tmp();
    const clock = new FakeClock(new Date("2026-11-26T10:00:00+08:00"));
    let real: Extractor | null = null;
    let app: App | null = null;
    // The first report's understanding waits until every report is stored; then the disk "fills".
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const extractor: Extractor = {
      extract: async (input) => {
        await gate;
        if (!real) throw new Error("extractor not ready");
        return real.extract(input);
      },
    };
    app = await createApp({
      config: loadConfig({ DATA_DIR: dir, LOG_LEVEL: "silent" }),
      clock,
      log,
      extractor,
      startOutbox: false,
    });
    open.push(app);
    real = await createExtractor({ roster: app.roster(), taxonomy: loadTaxonomy(), llm: null, log });
    for (const [i, text] of REPORTS.entries())
      expect((await say(app, `r-${i}`, text, clock)).duplicate).toBe(false);
    const pages = app.sql.get<{ page_count: number }>("PRAGMA page_count")?.page_count ?? 0;
    app.sql.db.pragma(`max_page_count = ${pages}`);
    release();
    await app.inbox.idle();
    const waiting = () => app?.prisma.inboxMessage.count({ where: { status: "received" } });
    expect(await waiting()).toBe(REPORTS.length);
    expect(await app.prisma.case.count()).toBe(0);
    // A platform's resend of a waiting report is a duplicate, and queues it again.
    expect((await say(app, "r-0", REPORTS[0] ?? "", clock)).duplicate).toBe(true);
    await app.inbox.idle();
    clock.advance(10 * 60_000);
    const health = await app.server.inject({ method: "GET", url: "/healthz" });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({
      ok: false,
      database: "ok",
      backlog: { inboxWaiting: REPORTS.length },
    });

    app.sql.db.pragma("max_page_count = 1073741823"); // the disk has room again
    const end = Date.now() + 20_000;
    while ((await waiting()) !== 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
    await app.inbox.idle();
    expect(await waiting()).toBe(0);
    expect(await app.prisma.inboxMessage.count({ where: { status: "failed" } })).toBe(0);
    expect(await app.prisma.case.count()).toBe(REPORTS.length);
    const receipts = await app.prisma.outboxMessage.count({ where: { kind: "receipt" } });
    expect(receipts).toBe(REPORTS.length);
    const ok = await app.server.inject({ method: "GET", url: "/healthz" });
    expect(ok.json()).toMatchObject({ ok: true, backlog: { inboxWaiting: 0 } });
  }, 60_000);
});

describe("§9 integrity, health, backup and restore", () => {
  it("refuses to start on a damaged page mid-file, in Chinese, saying how to restore", async () => {
    const t = await startTestApp();
    for (let i = 0; i < 30; i++) await t.say("黄卫东", `${REPORTS[i % REPORTS.length]}${i}`);
    const dbFile = t.app.config.databaseFile;
    await t.close();
    const size = statSync(dbFile).size;
    const fd = openSync(dbFile, "r+");
    writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, Math.floor(size / 4096 / 2) * 4096);
    closeSync(fd);
    const config = loadConfig({ DATA_DIR: t.dir, LOG_LEVEL: "silent" });
    const started = createApp({ config, log });
    await expect(started).rejects.toBeInstanceOf(DatabaseDamagedError);
    await expect(started).rejects.toThrow(/已损坏[\s\S]*npm run db:restore/);
  });

  it("/healthz reads the database: 503 without internals when it cannot", async () => {
    const t = await startTestApp();
    open.push(t);
    const ok = await t.app.server.inject({ method: "GET", url: "/healthz" });
    expect(ok.json()).toMatchObject({
      ok: true,
      database: "ok",
      backlog: { inboxWaiting: 0, outboxPending: 0 },
    });
    t.app.sql.db.exec('ALTER TABLE "InboxMessage" RENAME TO "InboxGone"');
    const broken = await t.app.server.inject({ method: "GET", url: "/healthz" });
    expect(broken.statusCode).toBe(503);
    expect(broken.json()).toEqual({ ok: false, database: "error" });
    t.app.sql.db.exec('ALTER TABLE "InboxGone" RENAME TO "InboxMessage"');
  });

  it("backs up while the service runs, restores into a stopped service with a new database id", async () => {
    const t = await startTestApp();
    for (const text of REPORTS.slice(0, 3)) await t.say("黄卫东", text);
    const backup = path.join(tmp(), "backup.db");
    expect(await backupDatabase(t.app.config.databaseFile, backup)).toBeGreaterThan(0);
    await t.say("黄卫东", REPORTS[3] ?? "");
    const idBefore = (await t.app.prisma.setting.findUniqueOrThrow({ where: { key: DATABASE_ID_KEY } }))
      .value;
    await expect(restoreDatabase(backup, t.app.config.databaseFile)).rejects.toBeInstanceOf(
      InstanceLockedError,
    );
    await t.close();
    const kept = await restoreDatabase(backup, t.app.config.databaseFile);
    expect(kept).toMatch(/before-restore/);
    const again = await startTestApp({ dir: t.dir });
    open.push(again);
    expect(await again.app.prisma.case.count()).toBe(3);
    const idAfter = (await again.app.prisma.setting.findUniqueOrThrow({ where: { key: DATABASE_ID_KEY } }))
      .value;
    expect(idAfter).not.toBe(idBefore);
  });
});

describe("§10 one instance per database", () => {
  it("a second instance refuses (naming PostgreSQL); a killed first one leaves no stale lock", async () => {
    const dir = tmp();
    const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/hold-child.ts"], {
      env: { ...process.env, HOLD_DATA_DIR: dir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("started")) resolve();
      });
      child.stderr.on("data", (d: Buffer) => {
        out += d.toString();
      });
      child.on("exit", () => reject(new Error(`child exited: ${out}`)));
    });
    const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: "silent" });
    const second = createApp({ config, log });
    await expect(second).rejects.toBeInstanceOf(InstanceLockedError);
    await expect(second).rejects.toThrow(/另一个路长通进程.*PostgreSQL/);
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
    const third = await createApp({ config, log, startOutbox: false });
    open.push(third);
    expect(third.roster().people.size).toBeGreaterThan(0);
  }, 60_000);
});

describe("§11 idempotency keys", () => {
  it("carry the database's own random id, different for a fresh database", async () => {
    const a = await startTestApp();
    const b = await startTestApp();
    open.push(a, b);
    for (const t of [a, b]) await t.say("黄卫东", REPORTS[0] ?? "");
    const ids = await Promise.all(
      [a, b].map(
        async (t) =>
          (await t.app.prisma.setting.findUniqueOrThrow({ where: { key: DATABASE_ID_KEY } })).value,
      ),
    );
    expect(ids[0]).not.toBe(ids[1]);
    for (const [i, t] of [a, b].entries()) {
      const rows = await t.app.prisma.simMessage.findMany({ where: { direction: "out" } });
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(r.key.startsWith(`${ids[i]}:in:`)).toBe(true);
    }
  });
});
