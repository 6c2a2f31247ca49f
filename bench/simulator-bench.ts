/**
 * `npm run bench [-- --n 5000]`: N reports through the simulator channel in-process (rules extractor,
 * SQLite on disk). Prints reports/s and p50/p95/p99 latency from inbound message to outbox row, and,
 * in the same run, the raw rate of inserting the same rows with plain better-sqlite3 transactions.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import pino from "pino";
import { createApp } from "../src/app/create-app.ts";
import { loadConfig } from "../src/config.ts";
import { applyRoster } from "../src/roster/roster-apply.ts";
import { loadRosterFile, readTaxonomyCodes } from "../src/roster/roster-load.ts";
import { migrateDatabase } from "../src/store/migrate.ts";
import { distinctReports } from "../test/helpers/report-generator.ts";
import { syntheticRoster } from "./synthetic-roster.ts";

const { values } = parseArgs({
  options: { n: { type: "string", default: "5000" }, senders: { type: "string", default: "8" } },
});
const N = Number(values.n);
/** Concurrent senders (think: active groups); each sends its next report once the last is processed. */
const SENDERS = Number(values.senders);
const dir = mkdtempSync(join(tmpdir(), "luzhang-bench-"));
const pct = (xs: number[], p: number) =>
  xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? Number.NaN;

console.log(`路长通 benchmark: ${N} reports from ${SENDERS} concurrent senders, data in ${dir}`);
const rosterFile = join(dir, "roster.json");
writeFileSync(rosterFile, JSON.stringify(syntheticRoster(130, 4)));

const waiters = new Map<number, () => void>();
const processedAt = new Map<number, number>();
const app = await createApp({
  config: loadConfig({ DATA_DIR: join(dir, "data"), LOG_LEVEL: "silent", LOAD_DEMO_ROSTER: "false" }),
  log: pino({ level: "silent" }),
  startOutbox: process.env.BENCH_NO_OUTBOX !== "1",
  onProcessed: (id) => {
    processedAt.set(id, performance.now());
    waiters.get(id)?.();
    waiters.delete(id);
  },
});
const codes = await readTaxonomyCodes(fileURLToPath(new URL("../src/data/taxonomy.json", import.meta.url)));
const loaded = await loadRosterFile(rosterFile, codes);
if (!loaded.ok) throw new Error(`synthetic roster invalid: ${JSON.stringify(loaded.problems.slice(0, 3))}`);
await applyRoster(app.prisma, loaded.roster);
await app.reloadRoster();
const reports = distinctReports(app.roster(), N);
console.log(`roster: ${app.roster().segments.size} segments; ${reports.length} distinct reports`);

const latencies: number[] = [];
let next = 0;
const started = performance.now();
async function sender(worker: number) {
  for (;;) {
    const i = next++;
    const r = reports[i];
    if (!r) return;
    const t0 = performance.now();
    const res = await app.ingest({
      channel: "sim",
      chatId: "sim:demo",
      messageId: `bench-${i}`,
      sender: { key: `sim:guest:${worker}-${i % 50}`, name: "巡查员" },
      text: `@路长通 ${r.text}`,
      mentionsBot: true,
      mentions: [],
      images: [],
      sentAt: new Date(),
    });
    const id = res.inboxId;
    if (id === undefined) throw new Error("not stored");
    if (!processedAt.has(id)) await new Promise<void>((resolve) => waiters.set(id, resolve));
    latencies.push((processedAt.get(id) ?? performance.now()) - t0);
    if ((i + 1) % 1000 === 0) console.log(`  … ${i + 1}/${reports.length}`);
  }
}
await Promise.all(Array.from({ length: SENDERS }, (_, w) => sender(w)));
const elapsed = (performance.now() - started) / 1000;
await app.idle();
const cases = await app.prisma.case.count();
const outRows = await app.prisma.outboxMessage.count();
await app.close();
latencies.sort((a, b) => a - b);
const rate = reports.length / elapsed;

// The limit: the same rows the pipeline writes per report (inbox row and its update, the case and
// its dispatch update, 2 events, 2 outbox rows, their 2 "sent" updates, the 2 messages shown in the
// simulator) with prepared better-sqlite3 statements, one transaction per report, same schema.
const rawFile = join(dir, "raw.db");
await migrateDatabase({ dbFile: rawFile, log: () => {} });
const db = new Database(rawFile);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.pragma("foreign_keys = ON");
// same pragmas as src/store/db.ts
const insInbox = db.prepare(
  "INSERT INTO InboxMessage (channel, platformMessageId, chatId, senderKey, raw, receivedAt, status) VALUES (?, ?, ?, ?, ?, ?, 'received')",
);
const insCase = db.prepare(
  "INSERT INTO \"Case\" (number, day, seq, state, categoryCode, summary, locationText, segmentId, departmentCode, chatId, channel, reporterKey, handlerId, timeLimit, startedAt, deadline, sourceMessageId, createdAt, updatedAt) VALUES (?, '20261126', ?, 'dispatched', ?, '', '{}', ?, 'HW', 'sim:demo', 'sim', ?, 'p1', '{}', ?, ?, ?, ?, ?)",
);
const insEvent = db.prepare(
  "INSERT INTO CaseEvent (caseId, type, actorKey, channel, messageId, at, data) VALUES (?, ?, ?, 'sim', ?, ?, '{}')",
);
const insOut = db.prepare(
  "INSERT INTO OutboxMessage (idempotencyKey, channel, chatId, payload, caseId, kind, nextAttemptAt, createdAt) VALUES (?, 'sim', 'sim:demo', ?, ?, ?, ?, ?)",
);
const updInbox = db.prepare("UPDATE InboxMessage SET status = 'processed', processedAt = ? WHERE id = ?");
const updCase = db.prepare(
  "UPDATE \"Case\" SET state = 'dispatched', deadline = ?, updatedAt = ? WHERE id = ?",
);
const updOut = db.prepare(
  "UPDATE OutboxMessage SET status = 'sent', sentAt = ?, attempts = attempts + 1, platformMessageId = ? WHERE id = ?",
);
const insSim = db.prepare(
  "INSERT INTO SimMessage (key, chatId, direction, payload, at) VALUES (?, 'sim:demo', 'out', ?, ?)",
);
const one = db.transaction((i: number, text: string, seg: string, code: string) => {
  const now = Date.now();
  const inboxId = Number(
    insInbox.run("sim", `raw-${i}`, "sim:demo", "k", JSON.stringify({ text }), now).lastInsertRowid,
  );
  const caseId = Number(
    insCase.run(`ZM20261126-${i}`, i + 1, code, seg, "k", now, now, `raw-${i}`, now, now).lastInsertRowid,
  );
  insEvent.run(caseId, "reported", "k", `raw-${i}`, now);
  insEvent.run(caseId, "dispatched", "k", `raw-${i}`, now);
  updCase.run(now, now, caseId);
  const receipt = JSON.stringify({ text: `已受理 ${text}` });
  const task = JSON.stringify({ text: `请处置 ${text}` });
  const o1 = Number(insOut.run(`in:${inboxId}:1`, receipt, caseId, "receipt", now, now).lastInsertRowid);
  const o2 = Number(insOut.run(`in:${inboxId}:2`, task, caseId, "assignment", now, now).lastInsertRowid);
  updInbox.run(now, inboxId);
  const s1 = insSim.run(`in:${inboxId}:1`, receipt, now).lastInsertRowid;
  const s2 = insSim.run(`in:${inboxId}:2`, task, now).lastInsertRowid;
  updOut.run(now, `sim-out-${s1}`, o1);
  updOut.run(now, `sim-out-${s2}`, o2);
});
const rawStart = performance.now();
reports.forEach((r, i) => {
  one(i, r.text, r.segmentId, r.code);
});
const rawRate = reports.length / ((performance.now() - rawStart) / 1000);
db.close();

const f = (x: number) => x.toFixed(2);
console.log("");
console.log(`cases created: ${cases}, outbox rows: ${outRows}`);
console.log(
  `luzhang pipeline : ${rate.toFixed(0)} reports/s   latency p50 ${f(pct(latencies, 50))} ms  p95 ${f(pct(latencies, 95))} ms  p99 ${f(pct(latencies, 99))} ms`,
);
console.log(`raw better-sqlite3: ${rawRate.toFixed(0)} reports/s (same rows, one transaction per report)`);
console.log(`ratio            : ${((rate / rawRate) * 100).toFixed(1)} % of the raw rate`);
const ok = (b: boolean) => (b ? "ok" : "MISSED");
console.log(
  `targets          : ≥300 reports/s ${ok(rate >= 300)}; p99 ≤ 50 ms ${ok(pct(latencies, 99) <= 50)}; ≥30 % of raw ${ok(rate / rawRate >= 0.3)}`,
);
