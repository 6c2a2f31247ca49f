/**
 * `npm run bench:console [-- --n 100000 --runs 40]`: the console's case list at scale. Bulk-inserts N
 * cases (synthetic county: 1,000 segments, 20 streets, 7 departments, a year of history) into a fresh
 * SQLite file, signs in, and times `GET /console/api/cases` through fastify (in-process inject, the
 * whole route: session lookup, filters, count and page) for several filter combinations.
 * Prints p50/p95/max per combination; the target is p95 ≤ 200 ms.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pino from "pino";
import { createApp } from "../src/app/create-app.ts";
import { loadConfig } from "../src/config.ts";
import { loadBenchCounty } from "./bench-county.ts";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "100000" },
    runs: { type: "string", default: "40" },
    keep: { type: "boolean", default: false },
  },
});
const N = Number(values.n);
const RUNS = Number(values.runs);
const TARGET_MS = 200;
const PASSWORD = "bench-console-password";
const NOW = new Date("2026-11-26T10:00:00+08:00");

const dir = mkdtempSync(join(tmpdir(), "luzhang-console-bench-"));
console.log(`路长通 console benchmark: ${N} cases, ${RUNS} runs per query, data in ${dir}`);
const app = await createApp({
  config: loadConfig({
    DATA_DIR: join(dir, "data"),
    LOG_LEVEL: "silent",
    LOAD_DEMO_ROSTER: "false",
    SIMULATOR: "false",
    CONSOLE_PASSWORD: PASSWORD,
  }),
  clock: { now: () => new Date(NOW) },
  log: pino({ level: "silent" }),
  startOutbox: false,
});
const seedMs = await loadBenchCounty(app, { dir, count: N, now: NOW, days: 365 });
const roster = app.roster();
app.sql.db.exec("ANALYZE");
const states = app.sql.all<{ state: string; n: number }>(
  'SELECT state, count(*) AS n FROM "Case" GROUP BY state ORDER BY n DESC',
);
console.log(
  `seeded ${N} cases in ${(seedMs / 1000).toFixed(1)} s: ${states.map((s) => `${s.state} ${s.n}`).join(", ")}`,
);

// Sign in as the synthetic county's inspector, as a browser would.
const inspector = [...roster.people.values()].find((p) => p.roles.includes("inspector"));
if (!inspector) throw new Error("no inspector in the synthetic roster");
const cookieOf = (res: { cookies: { name: string; value: string }[] }) =>
  res.cookies.map((c) => `${c.name}=${c.value}`);
const pre = await app.server.inject({ method: "GET", url: "/console/api/login" });
const login = await app.server.inject({
  method: "POST",
  url: "/console/api/login",
  headers: {
    "x-csrf-token": (pre.json() as { csrfToken: string }).csrfToken,
    cookie: cookieOf(pre).join("; "),
  },
  payload: { name: inspector.name, password: PASSWORD },
});
if (login.statusCode !== 200) throw new Error(`sign-in failed: ${login.statusCode} ${login.body}`);
const session = cookieOf(login).find((c) => c.startsWith("luzhang_session=")) ?? "";

const street = [...roster.segments.values()][0]?.street ?? "";
const t0 = performance.now();
const warm = await app.server.inject({
  method: "GET",
  url: "/console/api/cases?light=red",
  headers: { cookie: session },
});
console.log(
  `first light query (computes yellowAt for every open case once): ${(performance.now() - t0).toFixed(0)} ms, status ${warm.statusCode}`,
);

const q = (o: Record<string, string>) => new URLSearchParams(o).toString();
const COMBOS: [string, string][] = [
  ["无筛选，第 1 页", q({})],
  ["无筛选，第 500 页（深翻页）", q({ page: "500" })],
  ["状态=处置中", q({ state: "in_progress" })],
  ["状态=未结（全部在办）", q({ state: "open" })],
  ["灯色=红灯", q({ light: "red" })],
  ["灯色=黄灯", q({ light: "yellow" })],
  ["街道+本月", q({ street, from: "2026-11-01", to: "2026-11-30" })],
  ["部门=环卫+类别=垃圾满溢", q({ department: "HW", category: "06042" })],
  ["近 7 天", q({ from: "2026-11-20", to: "2026-11-26" })],
  ["文本搜索“井盖”", q({ q: "井盖" })],
  ["文本搜索+街道+状态=已结案", q({ q: "垃圾", street, state: "closed" })],
  ["组合：在办+红灯+街道+部门", q({ state: "open", light: "red", street, department: "HW" })],
];

const pct = (xs: number[], p: number) =>
  xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] ?? Number.NaN;
const results: { name: string; total: number; p50: number; p95: number; max: number }[] = [];
for (const [name, query] of COMBOS) {
  const times: number[] = [];
  let total = 0;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const res = await app.server.inject({
      method: "GET",
      url: `/console/api/cases?${query}`,
      headers: { cookie: session },
    });
    times.push(performance.now() - start);
    if (res.statusCode !== 200) throw new Error(`${name}: ${res.statusCode} ${res.body}`);
    total = (res.json() as { total: number }).total;
  }
  times.sort((a, b) => a - b);
  results.push({ name, total, p50: pct(times, 50), p95: pct(times, 95), max: times.at(-1) ?? 0 });
}

console.log(`\nGET /console/api/cases (50 rows per page), ${N} cases, ${RUNS} runs each:`);
console.log("  p50 ms   p95 ms   max ms   matches   filters");
for (const r of results) {
  console.log(
    `  ${r.p50.toFixed(1).padStart(6)}   ${r.p95.toFixed(1).padStart(6)}   ${r.max.toFixed(1).padStart(6)}   ${String(r.total).padStart(7)}   ${r.name}`,
  );
}
const worst = Math.max(...results.map((r) => r.p95));
console.log(
  `\nworst p95 ${worst.toFixed(1)} ms — target ≤ ${TARGET_MS} ms: ${worst <= TARGET_MS ? "met" : "NOT met"}`,
);

await app.close();
if (!values.keep) rmSync(dir, { recursive: true, force: true });
process.exit(worst <= TARGET_MS ? 0 : 1);
