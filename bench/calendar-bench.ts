/**
 * `npm run bench:calendar [-- --n 100000 --days 365]`: entering a year's holiday notice at scale. Bulk-inserts
 * N cases (synthetic county, reported over DAYS days up to 4 February 2027) into a fresh SQLite file, then
 * enters a 2027 notice as the console does (CalendarService.enter: store the entry, recompute every
 * open deadline not yet due, write the events and the summary, in one transaction) and prints how
 * long that took — the time the database writer is held, so inbound messages wait that long — with
 * how many cases were read and moved. The notice is the made-up SYNTHETIC_2027 of the tests.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pino from "pino";
import { createApp } from "../src/app/create-app.ts";
import { loadConfig } from "../src/config.ts";
import { parseHolidayNotice } from "../src/core/holiday-notice.ts";
import { SYNTHETIC_2027 } from "../test/calendar/calendar-fixtures.ts";
import { loadBenchCounty } from "./bench-county.ts";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "100000" },
    // Over how many days before NOW the cases were reported: fewer days, more of them still open.
    days: { type: "string", default: "365" },
    keep: { type: "boolean", default: false },
  },
});
const N = Number(values.n);
const DAYS = Number(values.days);
/** Thursday 4 February 2027, the day before SYNTHETIC_2027's Spring Festival: open deadlines cross it. */
const NOW = new Date("2027-02-04T10:00:00+08:00");

const dir = mkdtempSync(join(tmpdir(), "luzhang-calendar-bench-"));
console.log(
  `路长通 calendar benchmark: ${N} cases over ${DAYS} days up to ${NOW.toISOString()}, data in ${dir}`,
);
const app = await createApp({
  config: loadConfig({ DATA_DIR: join(dir, "data"), LOG_LEVEL: "silent", LOAD_DEMO_ROSTER: "false" }),
  clock: { now: () => new Date(NOW) },
  log: pino({ level: "silent" }),
  startOutbox: false,
});
const seedMs = await loadBenchCounty(app, { dir, count: N, now: NOW, days: DAYS, seed: 7 });
const roster = app.roster();
const open = app.sql.get<{ n: number }>(
  `SELECT count(*) AS n FROM "Case" WHERE state IN ('dispatched','in_progress','awaiting_check','returned','backlogged') AND deadline > ?`,
  NOW.toISOString().replace("Z", "+00:00"),
);
console.log(`seeded in ${Math.round(seedMs)} ms; ${open?.n ?? 0} open case(s) not yet due`);

let t0 = performance.now();
const parsed = parseHolidayNotice(SYNTHETIC_2027);
const parseMs = performance.now() - t0;
if (!parsed.ok) throw new Error("the notice does not parse");
const person = roster.inspectors()[0];
if (!person) throw new Error("synthetic roster without inspectors");
t0 = performance.now();
const outcome = await app.calendars.enter({ text: SYNTHETIC_2027, previewedYear: 2027, person });
const enterMs = performance.now() - t0;
if (!outcome.ok) throw new Error(`entering failed: ${JSON.stringify(outcome)}`);
const r = outcome.result;
console.log(`parse the notice:        ${parseMs.toFixed(2)} ms`);
console.log(
  `enter (one transaction): ${Math.round(enterMs)} ms — ${r.changed.length} deadline(s) moved, ${r.unchanged} unchanged, ${r.unexplained.length} left alone`,
);
await app.close();
if (!values.keep) rmSync(dir, { recursive: true, force: true });
