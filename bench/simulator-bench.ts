/**
 * `npm run bench [-- --n 5000]`: N reports through the simulator channel in-process (rules extractor,
 * SQLite on disk). Prints reports/s and p50/p95/p99 latency from inbound message to outbox row, and,
 * in the same run, the raw rate of inserting the same rows with plain better-sqlite3 transactions.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import pino from "pino";
import { createApp } from "../src/app/create-app.ts";
import { SHIPPED_TAXONOMY } from "../src/app/taxonomy-load.ts";
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
const codes = await readTaxonomyCodes(SHIPPED_TAXONOMY);
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

// The limit: exactly the rows the pipeline wrote for each report — its inbox row and the status
// update, the case and its dispatch update, the events, the outbox rows and their "sent" updates,
// the messages shown in the simulator — read back from the pipeline's database and written again
// with prepared better-sqlite3 statements, one transaction per report, same schema and pragmas.
type Row = Record<string, string | number | null>;
const source = new Database(join(dir, "data", "luzhang.db"), { readonly: true });
const inboxRows = source
  .prepare("SELECT * FROM InboxMessage WHERE platformMessageId LIKE 'bench-%' ORDER BY id")
  .all() as Row[];
const caseOf = source.prepare('SELECT * FROM "Case" WHERE sourceMessageId = ?');
const eventsOf = source.prepare("SELECT * FROM CaseEvent WHERE caseId = ? ORDER BY id");
const outboxOf = source.prepare("SELECT * FROM OutboxMessage WHERE idempotencyKey LIKE ? ORDER BY id");
const simOf = source.prepare("SELECT * FROM SimMessage WHERE key = ?");
const perReport = inboxRows.map((inbox) => {
  const c = caseOf.get(inbox.platformMessageId) as Row | undefined;
  const outbox = outboxOf.all(`in:${inbox.id}:%`) as Row[];
  return {
    inbox,
    case: c,
    events: c ? (eventsOf.all(c.id) as Row[]) : [],
    outbox,
    sim: outbox
      .map((o) => simOf.get(o.idempotencyKey) as Row | undefined)
      .filter((x): x is Row => Boolean(x)),
  };
});
source.close();

const rawFile = join(dir, "raw.db");
await migrateDatabase({ dbFile: rawFile, log: () => {} });
const db = new Database(rawFile);
// Same pragmas as src/store/db.ts.
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.pragma("foreign_keys = ON");
const inserts = new Map<string, Database.Statement>();
const insert = (table: string, row: Row, override: Row = {}) => {
  const cols = Object.keys(row).filter((k) => k !== "id");
  const sqlText = `INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(",")}) VALUES (${cols.map(() => "?").join(",")})`;
  let st = inserts.get(sqlText);
  if (!st) {
    st = db.prepare(sqlText);
    inserts.set(sqlText, st);
  }
  return Number(st.run(...cols.map((c) => (c in override ? override[c] : row[c]) ?? null)).lastInsertRowid);
};
const updInbox = db.prepare(
  "UPDATE InboxMessage SET status = ?, note = ?, processedAt = ?, attempts = attempts + 1 WHERE id = ?",
);
const updCase = db.prepare(
  'UPDATE "Case" SET state = ?, segmentId = ?, handlerId = ?, deadline = ?, timeLimit = ?, updatedAt = ? WHERE id = ?',
);
const updOut = db.prepare(
  "UPDATE OutboxMessage SET status = 'sent', sentAt = ?, attempts = attempts + 1, platformMessageId = ? WHERE id = ?",
);
const one = db.transaction((r: (typeof perReport)[number]) => {
  const inboxId = insert("InboxMessage", r.inbox, {
    status: "received",
    note: "",
    processedAt: null,
    attempts: 0,
  });
  let caseId: number | null = null;
  if (r.case) {
    const c = r.case;
    caseId = insert("Case", c, { state: "pending", segmentId: null, handlerId: null, deadline: null });
    for (const e of r.events) insert("CaseEvent", e, { caseId });
    updCase.run(c.state, c.segmentId, c.handlerId, c.deadline, c.timeLimit, c.updatedAt, caseId);
  }
  const outIds = r.outbox.map((o) =>
    insert("OutboxMessage", o, {
      caseId,
      status: "pending",
      sentAt: null,
      platformMessageId: null,
      attempts: 0,
    }),
  );
  updInbox.run(r.inbox.status, r.inbox.note, r.inbox.processedAt, inboxId);
  r.sim.forEach((m, k) => {
    const simId = insert("SimMessage", m);
    const outId = outIds[k];
    if (outId !== undefined) updOut.run(m.at, `sim-out-${simId}`, outId);
  });
});
const rawStart = performance.now();
for (const r of perReport) one(r);
const rawRate = perReport.length / ((performance.now() - rawStart) / 1000);
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
