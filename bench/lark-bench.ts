/**
 * `npm run bench:lark`: reminders through the outbox worker and the Lark channel (real SDK) into the
 * local fake Lark Open API, which enforces Lark's limits: 100 reminders to one group, then 500 across
 * 10 groups (queued group by group, the hardest order for fairness). Prints the achieved rate as a
 * fraction of 5 msg/s per group and 50 msg/s per app, and the 230020 / 429 errors Lark returned.
 *
 * The ideal under "at most L in any second" sends L at once, then L more each second: n messages
 * span (ceil(n / L) − 1) s from first to last. Fraction = ideal span / measured span.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { createApp } from "../src/app/create-app.ts";
import { loadConfig } from "../src/config.ts";
import type { OutboundMessage } from "../src/core/types.ts";
import { toDbDate } from "../src/store/sql.ts";
import { FakeLarkOpenApi } from "../test/fakes/lark-open-api.ts";

const GROUP_LIMIT = 5;
const APP_LIMIT = 50;
const ONE_GROUP = "oc_bench_single";
const TEN_GROUPS = Array.from({ length: 10 }, (_, i) => `oc_bench_${String(i).padStart(2, "0")}`);

const fake = await new FakeLarkOpenApi({ chats: [ONE_GROUP, ...TEN_GROUPS] }).start();
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

function span(chats: string[], limit: number, from: number): Span {
  const at = fake.sends.filter((s) => s.at >= from && chats.includes(s.chatId)).map((s) => s.at);
  const n = at.length;
  const spanS = ((at.at(-1) ?? 0) - (at[0] ?? 0)) / 1000;
  const idealS = Math.ceil(n / limit) - 1;
  return { n, spanS, idealS, fraction: spanS > 0 ? idealS / spanS : 1 };
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

async function run(
  label: string,
  plan: [string, number][],
): Promise<{ errors230020: number; errors429: number; wallS: number }> {
  const before230020 = fake.errors[230020] ?? 0;
  const before429 = fake.errors[99991400] ?? 0;
  const from = performance.timeOrigin + performance.now();
  for (const [chat, n] of plan) enqueue(chat, n);
  app.outbox.poke();
  await app.outbox.idle();
  const wallS = (performance.timeOrigin + performance.now() - from) / 1000;
  const pending =
    app.sql.get<{ n: number }>("SELECT count(*) AS n FROM \"OutboxMessage\" WHERE status != 'sent'")?.n ?? -1;
  if (pending !== 0) throw new Error(`${label}: ${pending} rows not sent`);
  return {
    errors230020: (fake.errors[230020] ?? 0) - before230020,
    errors429: (fake.errors[99991400] ?? 0) - before429,
    wallS,
  };
}

console.log(
  "路长通 Lark benchmark: outbox worker → LarkChannel → @larksuiteoapi/node-sdk → fake Lark Open API (127.0.0.1)",
);

const t1 = performance.timeOrigin + performance.now();
const r1 = await run("one group", [[ONE_GROUP, 100]]);
const s1 = span([ONE_GROUP], GROUP_LIMIT, t1);
console.log(
  `1) 100 reminders → 1 group: ${s1.n} sent, first→last ${s1.spanS.toFixed(2)} s (ideal ${s1.idealS} s) → ` +
    `${pct(s1.fraction)} of ${GROUP_LIMIT}/s per group; 230020: ${r1.errors230020}, 429: ${r1.errors429}; wall ${r1.wallS.toFixed(1)} s`,
);

// Lark's windows hold the last second's sends: start the second run on empty windows, as the first did.
await new Promise((r) => setTimeout(r, 1_500));
const t2 = performance.timeOrigin + performance.now();
const r2 = await run(
  "ten groups",
  TEN_GROUPS.map((c) => [c, 50] as [string, number]),
);
const s2 = span(TEN_GROUPS, APP_LIMIT, t2);
const perGroup = TEN_GROUPS.map((c) => span([c], GROUP_LIMIT, t2));
const minGroup = Math.min(...perGroup.map((g) => g.fraction));
const meanGroup = perGroup.reduce((a, g) => a + g.fraction, 0) / perGroup.length;
console.log(
  `2) 500 reminders → 10 groups × 50: ${s2.n} sent, first→last ${s2.spanS.toFixed(2)} s (ideal ${s2.idealS} s) → ` +
    `${pct(s2.fraction)} of ${APP_LIMIT}/s per app; per group ${pct(meanGroup)} mean, ${pct(minGroup)} min of ${GROUP_LIMIT}/s; ` +
    `230020: ${r2.errors230020}, 429: ${r2.errors429}; wall ${r2.wallS.toFixed(1)} s`,
);

const duplicates = fake.sends.length - new Set(fake.sends.map((s) => s.messageId)).size;
const ok =
  s1.fraction >= 0.9 &&
  s2.fraction >= 0.9 &&
  minGroup >= 0.9 &&
  r1.errors230020 + r2.errors230020 === 0 &&
  duplicates === 0;
console.log(`target ≥ 90 % with zero 230020: ${ok ? "met" : "NOT met"} (duplicate sends: ${duplicates})`);

await app.close();
await fake.close();
process.exit(ok ? 0 : 1);
