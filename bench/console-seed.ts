/**
 * Bulk-inserts made-up cases straight into the Case table (no chat round trip), spread over a period
 * with realistic states for their age: old cases mostly closed, recent ones in every open state. For
 * the console benchmark (100,000 cases) and for console tests that need a populated county.
 */
import { dayKey, formatCaseNumber } from "../src/core/case-number.ts";
import type { RosterIndex } from "../src/core/roster-index.ts";
import type { TaxonomyIndex } from "../src/core/taxonomy.ts";
import type { CaseState } from "../src/core/types.ts";
import type { WorkCalendar } from "../src/core/work-calendar.ts";
import { type Sql, toDbDate } from "../src/store/sql.ts";

/** Categories the seeded cases use (each with its department in the synthetic roster). */
const CATEGORIES = [
  "06042",
  "06010",
  "03001",
  "06013",
  "01023",
  "09006",
  "07001",
  "09009",
  "02014",
  "09010",
  "08004",
  "04002",
];
const PROBLEMS: Record<string, string[]> = {
  "06042": ["垃圾桶满了", "垃圾箱满溢", "垃圾站外溢"],
  "06010": ["路边有暴露垃圾", "绿化带里堆着垃圾"],
  "03001": ["公厕没水", "公厕门坏了"],
  "06013": ["路面塌陷一个坑", "人行道砖松动"],
  "01023": ["井盖缺失", "井盖松动响声大"],
  "09006": ["有人占道卖水果", "早市占道经营"],
  "07001": ["电线杆上贴满小广告"],
  "09009": ["机动车乱停占盲道", "车辆违停堵路口"],
  "02014": ["红绿灯不亮", "信号灯倒计时坏了"],
  "09010": ["电动车乱停", "共享单车堆在路口"],
  "08004": ["工地扬尘严重"],
  "04002": ["行道树倒伏", "树枝挡住路灯"],
};
const OPEN_RECENT: readonly CaseState[] = [
  "dispatched",
  "in_progress",
  "in_progress",
  "awaiting_check",
  "returned",
];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A small deterministic PRNG (mulberry32), so two runs seed the same county. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeedOptions {
  sql: Sql;
  roster: RosterIndex;
  taxonomy: TaxonomyIndex;
  calendar: WorkCalendar;
  count: number;
  now: Date;
  /** Cases are created over this many days before `now`. */
  days: number;
  timeZone?: string;
  prefix?: string;
  chatId?: string;
  seed?: number;
}

/** Inserts `count` cases in transactions of 5,000 rows; returns how long it took in ms. */
export function seedCases(o: SeedOptions): number {
  const started = performance.now();
  const tz = o.timeZone ?? "Asia/Shanghai";
  const random = seededRandom(o.seed ?? 7);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const segments = [...o.roster.segments.values()];
  if (segments.length === 0) throw new Error("seedCases needs a roster with segments");
  const seqs = new Map<string, number>();
  for (const r of o.sql.all<{ day: string; seq: number }>(
    'SELECT day, max(seq) AS seq FROM "Case" GROUP BY day',
  )) {
    seqs.set(r.day, r.seq);
  }
  const insert = o.sql.db.prepare(
    'INSERT INTO "Case" (number, day, seq, state, categoryCode, summary, locationText, segmentId, departmentCode, chatId, channel, reporterKey, reporterName, handlerId, urgent, timeLimit, startedAt, deadline, acknowledgedAt, fixedAt, closedAt, reworkCount, extensionCount, sourceMessageId, createdAt, updatedAt) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)',
  );
  // Creation times in order, so ids follow time as they do in a real database.
  const times = Array.from({ length: o.count }, () => o.now.getTime() - random() * o.days * DAY).sort(
    (a, b) => a - b,
  );
  const chatId = o.chatId ?? "sim:demo";
  const write = o.sql.db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const createdMs = times[i] as number;
      const created = new Date(createdMs);
      const code = pick(CATEGORIES);
      const item = o.taxonomy.get(code);
      const limit = item?.time_limit ?? { value: 2, unit: "work_hour" as const };
      const seg = pick(segments);
      const deadline = o.calendar.deadlineFor(created, limit);
      const age = o.now.getTime() - createdMs;
      const r = random();
      let state: CaseState;
      if (age > 10 * DAY)
        state = r < 0.88 ? "closed" : r < 0.92 ? "voided" : r < 0.95 ? "backlogged" : pick(OPEN_RECENT);
      else if (age > 2 * DAY) state = r < 0.6 ? "closed" : r < 0.63 ? "voided" : pick(OPEN_RECENT);
      else state = r < 0.15 ? "closed" : pick(["dispatched", "dispatched", ...OPEN_RECENT]);
      const span = Math.max(HOUR, deadline.getTime() - createdMs);
      // Most fixes land before the deadline; some after (the ranking then has something to say).
      const fixMs = createdMs + span * (random() < 0.8 ? 0.2 + random() * 0.7 : 1.05 + random() * 2);
      const fixed =
        ["awaiting_check", "closed"].includes(state) && fixMs < o.now.getTime() ? new Date(fixMs) : null;
      const closed =
        state === "closed"
          ? new Date(Math.min(o.now.getTime(), (fixed?.getTime() ?? fixMs) + random() * 4 * HOUR))
          : null;
      const acknowledged =
        state === "dispatched" || state === "returned"
          ? null
          : new Date(createdMs + Math.min(span * 0.1, HOUR));
      const day = dayKey(created, tz);
      const seq = (seqs.get(day) ?? 0) + 1;
      seqs.set(day, seq);
      const place = seg.from;
      const problem = pick(PROBLEMS[code] ?? ["问题"]);
      const department = o.roster.departmentFor(code, item?.department ?? "")?.code ?? null;
      insert.run(
        formatCaseNumber(o.prefix ?? "ZM", day, seq),
        day,
        seq,
        state,
        code,
        `${seg.roadName}${place}附近${problem}`,
        `${seg.roadName}${place}路口`,
        seg.id,
        department,
        chatId,
        chatId.split(":")[0] ?? "sim",
        `sim:seed-${i % 500}`,
        `群众${i % 500}`,
        seg.level3ChiefId,
        code === "01023" ? 1 : 0,
        JSON.stringify(limit),
        toDbDate(created),
        toDbDate(deadline),
        acknowledged ? toDbDate(acknowledged) : null,
        fixed ? toDbDate(fixed) : null,
        closed ? toDbDate(closed) : null,
        random() < 0.05 ? 1 : 0,
        random() < 0.04 ? 1 : 0,
        `seed-${day}-${seq}`,
        toDbDate(created),
        toDbDate(created),
      );
    }
  });
  const BATCH = 5_000;
  for (let i = 0; i < o.count; i += BATCH) write(i, Math.min(o.count, i + BATCH));
  return performance.now() - started;
}
