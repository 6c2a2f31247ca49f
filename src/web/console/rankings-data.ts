/**
 * Rankings and trends for any period: the indicators of DESIGN.md §6 (src/core/indicators.ts) per
 * street, department or segment over the cases created in the period, and a trend per day, week or
 * month (new cases, closures, on-time disposal rate).
 */
import {
  type CaseFact,
  computeIndicators,
  type GradeThresholds,
  type IndicatorReport,
  type ScoreWeights,
  UNIT_SELECTORS,
} from "../../core/indicators.ts";
import type { RosterIndex } from "../../core/roster-index.ts";
import { addDays, dayLabel, localInstant, mondayOf, monthStartOf } from "../../schedule/local-time.ts";
import { type Sql, toDbDate } from "../../store/sql.ts";

export type RankingUnit = "street" | "department" | "segment";
export const RANKING_UNITS: readonly RankingUnit[] = ["street", "department", "segment"];
export const UNIT_LABELS: Record<RankingUnit, string> = {
  street: "街道",
  department: "责任部门",
  segment: "路段",
};

/** Trends use days up to this many days, weeks up to MAX_WEEKLY_DAYS, months beyond. */
const MAX_DAILY_DAYS = 62;
const MAX_WEEKLY_DAYS = 366;

export interface RankingOptions {
  sql: Sql;
  roster: RosterIndex;
  now: Date;
  timeZone: string;
  unit: RankingUnit;
  /** Local dates, both inclusive. */
  firstDay: string;
  lastDay: string;
  weights: ScoreWeights;
  gradeThresholds: GradeThresholds;
}

/** Display name of a unit key. */
export function unitNamer(roster: RosterIndex, unit: RankingUnit): (key: string) => string {
  if (unit === "department") return (code) => roster.departments.get(code)?.name ?? code;
  if (unit === "segment") {
    return (id) => {
      const s = roster.segments.get(id);
      return s ? `${s.roadName} ${s.from}至${s.to}段（${s.id}）` : id;
    };
  }
  return (name) => name;
}

/** Every unit of the roster of a kind, listed even without cases. */
function unitsOf(roster: RosterIndex, unit: RankingUnit): string[] {
  if (unit === "department") return [...roster.departments.keys()];
  if (unit === "segment") return [...roster.segments.keys()];
  return [...new Set([...roster.segments.values()].map((s) => s.street))];
}

/** The ranking table of a period. */
export function rankingReport(o: RankingOptions, facts: readonly CaseFact[]): IndicatorReport {
  return computeIndicators({
    cases: facts,
    period: {
      from: localInstant(o.firstDay, 0, o.timeZone),
      to: localInstant(addDays(o.lastDay, 1), 0, o.timeZone),
    },
    now: o.now,
    unitOf: UNIT_SELECTORS[o.unit],
    includeUnits: unitsOf(o.roster, o.unit),
    unitName: unitNamer(o.roster, o.unit),
    weights: o.weights,
    gradeThresholds: o.gradeThresholds,
  });
}

export interface TrendBucket {
  label: string;
  firstDay: string;
  created: number;
  closed: number;
  /** 按期处置率 of the cases created in the bucket, 0–1, or null without cases. */
  onTimeDisposalRate: number | null;
}

/** Bucket start days over [firstDay, lastDay]: days, Mondays or month starts. */
function bucketStarts(
  firstDay: string,
  lastDay: string,
): { starts: string[]; grain: "day" | "week" | "month" } {
  const span = Math.round((Date.parse(lastDay) - Date.parse(firstDay)) / 86_400_000) + 1;
  const grain = span <= MAX_DAILY_DAYS ? "day" : span <= MAX_WEEKLY_DAYS ? "week" : "month";
  const starts: string[] = [firstDay];
  let d = firstDay;
  for (;;) {
    d =
      grain === "day"
        ? addDays(d, 1)
        : grain === "week"
          ? addDays(mondayOf(d), 7)
          : monthStartOf(addDays(monthStartOf(d), 31));
    if (d > lastDay) break;
    starts.push(d);
  }
  return { starts, grain };
}

/** The trend of a period: per bucket, cases created, cases closed and the on-time disposal rate. */
export function trendOf(o: RankingOptions, facts: readonly CaseFact[]) {
  const { starts, grain } = bucketStarts(o.firstDay, o.lastDay);
  const bounds = [...starts, addDays(o.lastDay, 1)].map((d) => localInstant(d, 0, o.timeZone).getTime());
  const bucketOf = (ms: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    if (ms < (bounds[0] ?? 0) || ms >= (bounds[starts.length] ?? 0)) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((bounds[mid] ?? 0) <= ms) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const groups: CaseFact[][] = starts.map(() => []);
  for (const f of facts) groups[bucketOf(f.createdAt.getTime())]?.push(f);
  const closed = starts.map(() => 0);
  const closures = o.sql.all<{ closedAt: string }>(
    'SELECT closedAt FROM "Case" WHERE "closedAt" >= ? AND "closedAt" < ?',
    toDbDate(new Date(bounds[0] ?? 0)),
    toDbDate(new Date(bounds[starts.length] ?? 0)),
  );
  for (const c of closures) {
    const i = bucketOf(new Date(c.closedAt).getTime());
    if (i >= 0) closed[i] = (closed[i] ?? 0) + 1;
  }
  const buckets: TrendBucket[] = starts.map((first, i) => {
    const total = computeIndicators({
      cases: groups[i] ?? [],
      period: { from: new Date(bounds[i] ?? 0), to: new Date(bounds[i + 1] ?? 0) },
      now: o.now,
      unitOf: () => "all",
      weights: o.weights,
      gradeThresholds: o.gradeThresholds,
    }).total;
    const label =
      grain === "day"
        ? dayLabel(first)
        : grain === "week"
          ? `${dayLabel(first)}起`
          : `${first.slice(0, 4)}年${Number(first.slice(5, 7))}月`;
    return {
      label,
      firstDay: first,
      created: total.counts.toDispose,
      closed: closed[i] ?? 0,
      onTimeDisposalRate: total.rates.onTimeDisposalRate,
    };
  });
  return { grain, buckets };
}
