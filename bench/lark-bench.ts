/**
 * `npm run bench:lark`: reminders through the outbox worker and the Lark channel (real SDK) into the
 * local fake Lark Open API, which enforces Lark's limits: 100 reminders to one group, then 500 across
 * 10 groups (queued group by group, the hardest order for fairness). Prints the achieved rate as a
 * fraction of 5 msg/s per group and 50 msg/s per app, and the 230020 / 429 errors Lark returned.
 *
 * The fake runs in its own process (Lark is another machine: its work must not share the bot's event
 * loop); send times are its arrival times.
 *
 * The ideal under "at most L in any second" sends L at once, then L more each second: n messages
 * span (ceil(n / L) − 1) s from first to last. Fraction = ideal span / measured span.
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { createApp } from "../src/app/create-app.ts";
import { loadConfig } from "../src/config.ts";
import type { OutboundMessage } from "../src/core/types.ts";
import { toDbDate } from "../src/store/sql.ts";

const GROUP_LIMIT = 5;
const APP_LIMIT = 50;
const ONE_GROUP = "oc_bench_single";
const TEN_GROUPS = Array.from({ length: 10 }, (_, i) => `oc_bench_${String(i).padStart(2, "0")}`);

interface FakeStats {
  sends: { chatId: string; messageId: string; at: number }[];
  errors: Record<number, number>;
}

/** Starts the fake in a child process; `stats()` asks it what it saw. */
async function startFake(chats: string[]) {
  const child: ChildProcess = fork(fileURLToPath(new URL("./lark-fake-worker.ts", import.meta.url)), chats, {
    execArgv: ["--import", "tsx"],
  });
  const next = <T>(type: string) =>
    new Promise<T>((resolve) => {
      const on = (m: { type: string }) => {
        if (m.type !== type) return;
        child.off("message", on);
        resolve(m as T);
      };
      child.on("message", on);
    });
  const ready = await next<{ url: string; appId: string; appSecret: string }>("ready");
  return {
    ...ready,
    async stats(): Promise<FakeStats> {
      const reply = next<FakeStats>("stats");
      child.send({ type: "stats" });
      return reply;
    },
    close: () => child.send({ type: "close" }),
  };
}

const fake = await startFake([ONE_GROUP, ...TEN_GROUPS]);
const dir = mkdtempSync(join(tmpdir(), "luzhang-lark-bench-"));
const app = await createApp({
  config: loadConfig({
    DATA_DIR: dir,
    LOG_LEVEL: "warn",
    SIMULATOR: "false",
    LARK_APP_ID: fake.appId,
    LARK_APP_SECRET: fake.appSecret,
    LARK_DOMAIN: fake.url,
  }),
  log: pino({ level: "warn" }),
});
await app.lark?.ready;

let seq = 0;
function enqueue(chatId: string, n: number): void {
  const now = toDbDate(new Date());
  for (let i = 0; i < n; i++) {
    seq += 1;
    const message: OutboundMessage = {
      chatId: `lark:${chatId}`,
      text: `@黄卫东 【提醒】案件 ZM20261126-${String(seq).padStart(3, "0")} 将于 11月26日 12:00 到期，请尽快处置。`,
      mentions: [{ personId: "p6", name: "黄卫东", larkOpenId: "ou_zm0006" }],
      kind: "reminder",
    };
    app.sql.run(
      'INSERT INTO "OutboxMessage" (idempotencyKey, channel, chatId, payload, kind, nextAttemptAt, createdAt) VALUES (?, ?, ?, ?, ?, ?, ?)',
      `bench:${seq}`,
      "lark",
      `lark:${chatId}`,
      JSON.stringify(message),
      "reminder",
      toDbDate(new Date(0)),
      now,
    );
  }
}

interface Span {
  n: number;
  spanS: number;
  idealS: number;
  fraction: number;
}

function span(sends: FakeStats["sends"], chats: string[], limit: number): Span {
  const at = sends.filter((s) => chats.includes(s.chatId)).map((s) => s.at);
  const n = at.length;
  const spanS = ((at.at(-1) ?? 0) - (at[0] ?? 0)) / 1000;
  const idealS = Math.ceil(n / limit) - 1;
  return { n, spanS, idealS, fraction: spanS > 0 ? idealS / spanS : 1 };
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/** Queues the plan, waits until all is sent; returns the sends of this run and the errors Lark gave. */
async function run(label: string, plan: [string, number][]) {
  const before = await fake.stats();
  const started = performance.now();
  for (const [chat, n] of plan) enqueue(chat, n);
  app.outbox.poke();
  await app.outbox.idle();
  const wallS = (performance.now() - started) / 1000;
  const pending =
    app.sql.get<{ n: number }>("SELECT count(*) AS n FROM \"OutboxMessage\" WHERE status != 'sent'")?.n ?? -1;
  if (pending !== 0) throw new Error(`${label}: ${pending} rows not sent`);
  const after = await fake.stats();
  const count = (s: FakeStats, code: number) => s.errors[code] ?? 0;
  return {
    sends: after.sends.slice(before.sends.length),
    all: after.sends,
    errors230020: count(after, 230020) - count(before, 230020),
    errors429: count(after, 99991400) - count(before, 99991400),
    wallS,
  };
}

console.log(
  "路长通 Lark benchmark: outbox worker → LarkChannel → @larksuiteoapi/node-sdk → fake Lark Open API (127.0.0.1, own process)",
);

const r1 = await run("one group", [[ONE_GROUP, 100]]);
const s1 = span(r1.sends, [ONE_GROUP], GROUP_LIMIT);
console.log(
  `1) 100 reminders → 1 group: ${s1.n} sent, first→last ${s1.spanS.toFixed(2)} s (ideal ${s1.idealS} s) → ` +
    `${pct(s1.fraction)} of ${GROUP_LIMIT}/s per group; 230020: ${r1.errors230020}, 429: ${r1.errors429}; wall ${r1.wallS.toFixed(1)} s`,
);

// Lark's windows hold the last second's sends: start the second run on empty windows, as the first did.
await new Promise((r) => setTimeout(r, 1_500));
const r2 = await run(
  "ten groups",
  TEN_GROUPS.map((c) => [c, 50] as [string, number]),
);
const s2 = span(r2.sends, TEN_GROUPS, APP_LIMIT);
const perGroup = TEN_GROUPS.map((c) => span(r2.sends, [c], GROUP_LIMIT));
const minGroup = Math.min(...perGroup.map((g) => g.fraction));
const meanGroup = perGroup.reduce((a, g) => a + g.fraction, 0) / perGroup.length;
console.log(
  `2) 500 reminders → 10 groups × 50: ${s2.n} sent, first→last ${s2.spanS.toFixed(2)} s (ideal ${s2.idealS} s) → ` +
    `${pct(s2.fraction)} of ${APP_LIMIT}/s per app; per group ${pct(meanGroup)} mean, ${pct(minGroup)} min of ${GROUP_LIMIT}/s; ` +
    `230020: ${r2.errors230020}, 429: ${r2.errors429}; wall ${r2.wallS.toFixed(1)} s`,
);

const duplicates = r2.all.length - new Set(r2.all.map((s) => s.messageId)).size;
const ok =
  s1.fraction >= 0.9 &&
  s2.fraction >= 0.9 &&
  minGroup >= 0.9 &&
  r1.errors230020 + r2.errors230020 === 0 &&
  duplicates === 0 &&
  s1.n === 100 &&
  s2.n === 500;
console.log(`target ≥ 90 % with zero 230020: ${ok ? "met" : "NOT met"} (duplicate sends: ${duplicates})`);

await app.close();
fake.close();
process.exit(ok ? 0 : 1);
