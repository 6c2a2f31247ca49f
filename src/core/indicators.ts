/**
 * 考核 indicators (DESIGN.md §6), following CJ/T 292 practice. Platform-free and pure: the caller
 * loads case facts, picks a period, a clock reading and a unit selector; this file counts.
 *
 * Counting model — a cohort of the cases created in the period, judged by what is known at `now`:
 *
 * - **In scope (应处置数 `toDispose`)**: `period.from <= createdAt < period.to`, not voided (neither
 *   `voided: true` nor state `voided`), not `pending` (待立案: never became a case), and the unit
 *   selector returned a key (cases with a `null` key are counted in `unattributed` only).
 * - **Fix time**: `fixedAt` (the first 已整改 report), or `closedAt` when `fixedAt` is missing (a
 *   closed case was necessarily disposed). A case is **fixed** when its fix time is `<= now`. A case
 *   sent back by rework keeps its first fix time: it stays disposed and is counted in 返工数 instead.
 * - **Deadline** is the current one (after approved extensions, which 延期率 penalises); `null` means
 *   no time limit: such a case is never overdue and a fix of it is always on time.
 * - `asOf = min(now, period.to)`: the instant a period report is judged at.
 *
 * | field | term | definition, over the in-scope cases |
 * |---|---|---|
 * | `toDispose` | 应处置数 | all in-scope cases |
 * | `disposed` | 处置数 | fixed (fix time `<= now`) |
 * | `disposedOnTime` | 按期处置数 | fixed and fix time `<= deadline` (or no deadline) |
 * | `overdueUndisposed` | 超时未处置数 | not fixed and `deadline < asOf` |
 * | `toClose` | 应结案数 | `disposed + overdueUndisposed` (disjoint: fixed vs not fixed) |
 * | `closed` | 结案数 | `closedAt <= now` |
 * | `closedOnTime` | 按期结案数 | closed and `closedAt <= deadline` (or no deadline) |
 * | `reworked` | 返工数 | `reworkCount > 0` |
 * | `extended` | 延期数 | `extensionCount > 0` |
 * | `overdueOpen` | 超期待处置数 | not fixed and `deadline < now` (the backlog today, whatever the period end) |
 *
 * Rates are `null` when their denominator is 0. The score is 100 points: each component is a rate in
 * [0, 1] (clamped) times its weight; when a component's rate is `null` (only 返工率 can be, when nothing
 * is due yet) the remaining weights are scaled up to 100. A unit with `toDispose = 0` is not rated
 * (score and grade `null`).
 */
import { z } from "zod";
import type { CaseState } from "./types.ts";

/** The facts of one case the indicators need; timestamps are the source of truth, state only filters. */
export interface CaseFact {
  number: string;
  state: CaseState;
  /** Road segment id (路段). */
  segmentId: string | null;
  /** Sub-district (街道). */
  street: string | null;
  /** Responsible department code (责任部门). */
  departmentCode: string | null;
  createdAt: Date;
  /** Current deadline (处置时限), after extensions; null = no time limit. */
  deadline: Date | null;
  /** 签收 time. */
  acknowledgedAt?: Date | null;
  /** First report of fixed (已整改). */
  fixedAt?: Date | null;
  /** Inspector's confirmation (销号). */
  closedAt?: Date | null;
  /** 返工 count. */
  reworkCount: number;
  /** Approved 延期 count. */
  extensionCount: number;
  voided?: boolean;
}

/** Half-open period `[from, to)`. */
export interface IndicatorPeriod {
  from: Date;
  to: Date;
}

/** Maps a case to the key of the unit it is credited to, or null to leave it out. */
export type UnitSelector = (c: CaseFact) => string | null;

/** Selectors for the three kinds of unit the county ranks. */
export const UNIT_SELECTORS = {
  segment: (c: CaseFact) => c.segmentId,
  street: (c: CaseFact) => c.street,
  department: (c: CaseFact) => c.departmentCode,
} as const satisfies Record<string, UnitSelector>;

export interface IndicatorCounts {
  /** 应处置数 */
  toDispose: number;
  /** 处置数 */
  disposed: number;
  /** 按期处置数 */
  disposedOnTime: number;
  /** 超时未处置数 */
  overdueUndisposed: number;
  /** 应结案数 */
  toClose: number;
  /** 结案数 */
  closed: number;
  /** 按期结案数 */
  closedOnTime: number;
  /** 返工数 */
  reworked: number;
  /** 延期数 */
  extended: number;
  /** 超期待处置数 */
  overdueOpen: number;
}

export interface IndicatorRates {
  /** 处置率 = 处置数 / 应处置数 */
  disposalRate: number | null;
  /** 按期处置率 = 按期处置数 / 应处置数 */
  onTimeDisposalRate: number | null;
  /** 返工率 = 返工数 / 应结案数 */
  reworkRate: number | null;
  /** 结案率 = 结案数 / 应结案数 */
  closureRate: number | null;
  /** 按期结案率 = 按期结案数 / 应结案数 */
  onTimeClosureRate: number | null;
  /** 超期待处置率 = 超期待处置数 / 应处置数 */
  overdueOpenRate: number | null;
  /** 延期率 = 延期数 / 应处置数 */
  extensionRate: number | null;
  /** 平均处置时长, hours from createdAt to fix time, mean over disposed cases */
  averageDisposalHours: number | null;
}

/**
 * Points per score component, summing to 100. `disposalRate` and `onTimeDisposalRate` score the rate
 * itself; `reworkRate`, `overdueOpenRate` and `extensionRate` score (1 − rate).
 */
export interface ScoreWeights {
  disposalRate: number;
  onTimeDisposalRate: number;
  reworkRate: number;
  overdueOpenRate: number;
  extensionRate: number;
}

export type Grade = "A" | "B" | "C" | "D" | "E";

/** Lowest score of each grade; below `D` is E. */
export interface GradeThresholds {
  A: number;
  B: number;
  C: number;
  D: number;
}

/** DESIGN.md §6 defaults. */
export const DEFAULT_SCORE_WEIGHTS: Readonly<ScoreWeights> = Object.freeze({
  disposalRate: 30,
  onTimeDisposalRate: 20,
  reworkRate: 20,
  overdueOpenRate: 20,
  extensionRate: 10,
});

/** DESIGN.md §6 defaults. */
export const DEFAULT_GRADE_THRESHOLDS: Readonly<GradeThresholds> = Object.freeze({
  A: 90,
  B: 75,
  C: 60,
  D: 40,
});

export interface UnitIndicators {
  /** Unit key as returned by the selector; "total" for the total row. */
  unit: string;
  /** Display name (from `unitName`, else the key; "合计" for the total row). */
  name: string;
  counts: IndicatorCounts;
  rates: IndicatorRates;
  /** Points earned per component (weight × component), null where the rate is null. */
  points: Record<keyof ScoreWeights, number | null>;
  /** 0–100, rounded to 2 decimals; null when not rated. */
  score: number | null;
  grade: Grade | null;
  /** 1-based, equal scores share a rank; null for unrated units and the total row. */
  rank: number | null;
}

export interface IndicatorReport {
  period: IndicatorPeriod;
  now: Date;
  /** min(now, period.to): the instant 超时未处置数 is judged at. */
  asOf: Date;
  /** Rated units by score desc then name, then unrated units by name. */
  units: UnitIndicators[];
  /** All attributed cases together (the sum of the unit rows). */
  total: UnitIndicators;
  /** In-scope cases the selector returned null for; in no row. */
  unattributed: number;
}

export interface ComputeIndicatorsOptions {
  cases: Iterable<CaseFact>;
  period: IndicatorPeriod;
  now: Date;
  unitOf: UnitSelector;
  /** Unit keys listed even without cases (e.g. every street of the roster); they come out unrated. */
  includeUnits?: Iterable<string>;
  /** Display name of a unit key (e.g. segment id → road name); ties are broken by it. */
  unitName?: (unit: string) => string;
  /** Validated with `parseScoreWeights`. */
  weights?: ScoreWeights;
  /** Validated with `parseGradeThresholds`. */
  gradeThresholds?: GradeThresholds;
}

/** Chinese labels of every output field, for UIs and exports. */
export const INDICATOR_LABELS = {
  toDispose: "应处置数",
  disposed: "处置数",
  disposedOnTime: "按期处置数",
  overdueUndisposed: "超时未处置数",
  toClose: "应结案数",
  closed: "结案数",
  closedOnTime: "按期结案数",
  reworked: "返工数",
  extended: "延期数",
  overdueOpen: "超期待处置数",
  disposalRate: "处置率",
  onTimeDisposalRate: "按期处置率",
  reworkRate: "返工率",
  closureRate: "结案率",
  onTimeClosureRate: "按期结案率",
  overdueOpenRate: "超期待处置率",
  extensionRate: "延期率",
  averageDisposalHours: "平均处置时长（小时）",
  score: "考核得分",
  grade: "等级",
  rank: "排名",
  total: "合计",
  unattributed: "未归属",
} as const satisfies Record<
  keyof IndicatorCounts | keyof IndicatorRates | "score" | "grade" | "rank" | "total" | "unattributed",
  string
>;

/** Bad weights, thresholds or period. */
export class IndicatorConfigError extends Error {
  readonly code = "INDICATOR_CONFIG_INVALID";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "IndicatorConfigError";
  }
}

// Float sums such as 33.3 + 33.3 + 33.4 miss 100 by ~1e-14.
const WEIGHT_SUM_TOLERANCE = 1e-6;
const weight = z.number().nonnegative();

/** Score weights: five non-negative numbers summing to 100; unknown keys are refused (typos). */
export const scoreWeightsSchema = z
  .strictObject({
    disposalRate: weight,
    onTimeDisposalRate: weight,
    reworkRate: weight,
    overdueOpenRate: weight,
    extensionRate: weight,
  })
  .superRefine((w, ctx) => {
    const sum = sumWeights(w);
    if (Math.abs(sum - 100) > WEIGHT_SUM_TOLERANCE) {
      ctx.addIssue({ code: "custom", message: `weights must sum to 100, got ${sum}` });
    }
  });

const threshold = z.number().min(0).max(100);

/** Grade thresholds: numbers in 0–100 with A ≥ B ≥ C ≥ D. */
export const gradeThresholdsSchema = z
  .strictObject({ A: threshold, B: threshold, C: threshold, D: threshold })
  .refine((t) => t.A >= t.B && t.B >= t.C && t.C >= t.D, {
    error: "grade thresholds must satisfy A ≥ B ≥ C ≥ D",
  });

function sumWeights(w: ScoreWeights): number {
  return w.disposalRate + w.onTimeDisposalRate + w.reworkRate + w.overdueOpenRate + w.extensionRate;
}

/** Validates score weights (e.g. from configuration); throws IndicatorConfigError naming the problem. */
export function parseScoreWeights(input: unknown): ScoreWeights {
  const r = scoreWeightsSchema.safeParse(input);
  if (!r.success)
    throw new IndicatorConfigError(`invalid score weights: ${z.prettifyError(r.error)}`, { cause: r.error });
  return r.data;
}

/** Validates grade thresholds; throws IndicatorConfigError naming the problem. */
export function parseGradeThresholds(input: unknown): GradeThresholds {
  const r = gradeThresholdsSchema.safeParse(input);
  if (!r.success) {
    throw new IndicatorConfigError(`invalid grade thresholds: ${z.prettifyError(r.error)}`, {
      cause: r.error,
    });
  }
  return r.data;
}

/** Grade of a 0–100 score: A ≥ thresholds.A, …, E below thresholds.D. */
export function gradeOf(score: number, thresholds: GradeThresholds = DEFAULT_GRADE_THRESHOLDS): Grade {
  if (score >= thresholds.A) return "A";
  if (score >= thresholds.B) return "B";
  if (score >= thresholds.C) return "C";
  if (score >= thresholds.D) return "D";
  return "E";
}

/** Mutable per-unit tally; one per unit, never per case. */
interface Tally extends IndicatorCounts {
  disposalMsSum: number;
}

function newTally(): Tally {
  return {
    toDispose: 0,
    disposed: 0,
    disposedOnTime: 0,
    overdueUndisposed: 0,
    toClose: 0,
    closed: 0,
    closedOnTime: 0,
    reworked: 0,
    extended: 0,
    overdueOpen: 0,
    disposalMsSum: 0,
  };
}

const MS_PER_HOUR = 3_600_000;

function ratio(n: number, d: number): number | null {
  return d === 0 ? null : n / d;
}

function clamp01(x: number): number {
  return Math.max(0, Math.min(1, x));
}

/** Rates of a tally; `toClose` must already be filled in. */
function ratesOf(t: IndicatorCounts & { disposalMsSum: number }): IndicatorRates {
  return {
    disposalRate: ratio(t.disposed, t.toDispose),
    onTimeDisposalRate: ratio(t.disposedOnTime, t.toDispose),
    reworkRate: ratio(t.reworked, t.toClose),
    closureRate: ratio(t.closed, t.toClose),
    onTimeClosureRate: ratio(t.closedOnTime, t.toClose),
    overdueOpenRate: ratio(t.overdueOpen, t.toDispose),
    extensionRate: ratio(t.extended, t.toDispose),
    averageDisposalHours: t.disposed === 0 ? null : t.disposalMsSum / t.disposed / MS_PER_HOUR,
  };
}

/** 100-point score of a unit's rates; null when the unit has no cases or no weighted component is available. */
export function scoreRates(
  rates: IndicatorRates,
  toDispose: number,
  weights: ScoreWeights = DEFAULT_SCORE_WEIGHTS,
): { score: number | null; points: Record<keyof ScoreWeights, number | null> } {
  const comp: Record<keyof ScoreWeights, number | null> = {
    disposalRate: rates.disposalRate === null ? null : clamp01(rates.disposalRate),
    onTimeDisposalRate: rates.onTimeDisposalRate === null ? null : clamp01(rates.onTimeDisposalRate),
    reworkRate: rates.reworkRate === null ? null : 1 - clamp01(rates.reworkRate),
    overdueOpenRate: rates.overdueOpenRate === null ? null : 1 - clamp01(rates.overdueOpenRate),
    extensionRate: rates.extensionRate === null ? null : 1 - clamp01(rates.extensionRate),
  };
  const points = { ...comp };
  let earned = 0;
  let available = 0;
  for (const key of Object.keys(comp) as (keyof ScoreWeights)[]) {
    const c = comp[key];
    if (c === null) continue;
    points[key] = c * weights[key];
    earned += c * weights[key];
    available += weights[key];
  }
  if (toDispose === 0 || available === 0) return { score: null, points };
  // Rounded before grading so that float noise (89.999999…) cannot drop a unit a grade.
  return { score: Math.round((earned / available) * 100 * 100) / 100, points };
}

/** Instants of one computation, in epoch ms. */
interface TallyClock {
  from: number;
  to: number;
  nowMs: number;
  asOfMs: number;
}

/**
 * The single pass over the cases. Kept apart from setup and ranking so the JIT optimises this small
 * hot loop quickly and stably; it allocates only one tally per new unit.
 */
function tallyCases(
  cases: Iterable<CaseFact>,
  tallies: Map<string, Tally>,
  unitOf: UnitSelector,
  { from, to, nowMs, asOfMs }: TallyClock,
): number {
  let unattributed = 0;
  for (const c of cases) {
    const created = c.createdAt.getTime();
    if (!(created >= from && created < to)) continue;
    if (c.voided === true || c.state === "voided" || c.state === "pending") continue;
    const key = unitOf(c);
    if (key === null) {
      unattributed++;
      continue;
    }
    let t = tallies.get(key);
    if (t === undefined) {
      t = newTally();
      tallies.set(key, t);
    }
    const deadline = c.deadline ? c.deadline.getTime() : Number.POSITIVE_INFINITY;
    const fixedMs = (c.fixedAt ?? c.closedAt)?.getTime() ?? Number.POSITIVE_INFINITY;
    const closedMs = c.closedAt?.getTime() ?? Number.POSITIVE_INFINITY;
    const fixed = fixedMs <= nowMs;

    t.toDispose++;
    if (fixed) {
      t.disposed++;
      t.disposalMsSum += Math.max(0, fixedMs - created);
      if (fixedMs <= deadline) t.disposedOnTime++;
    } else {
      if (deadline < asOfMs) t.overdueUndisposed++;
      if (deadline < nowMs) t.overdueOpen++;
    }
    if (closedMs <= nowMs) {
      t.closed++;
      if (closedMs <= deadline) t.closedOnTime++;
    }
    if (c.reworkCount > 0) t.reworked++;
    if (c.extensionCount > 0) t.extended++;
  }
  return unattributed;
}

/** Computes the 考核 indicators of every unit for a period, ranked, plus a total row. */
export function computeIndicators(options: ComputeIndicatorsOptions): IndicatorReport {
  const { period, now, unitOf } = options;
  const weights = options.weights ? parseScoreWeights(options.weights) : DEFAULT_SCORE_WEIGHTS;
  const thresholds = options.gradeThresholds
    ? parseGradeThresholds(options.gradeThresholds)
    : DEFAULT_GRADE_THRESHOLDS;
  const from = period.from.getTime();
  const to = period.to.getTime();
  const nowMs = now.getTime();
  if (Number.isNaN(from) || Number.isNaN(to) || Number.isNaN(nowMs)) {
    throw new IndicatorConfigError("period and now must be valid dates");
  }
  if (from > to) throw new IndicatorConfigError("period.from must not be after period.to");
  const asOfMs = Math.min(nowMs, to);

  const tallies = new Map<string, Tally>();
  for (const key of options.includeUnits ?? []) if (!tallies.has(key)) tallies.set(key, newTally());
  const unattributed = tallyCases(options.cases, tallies, unitOf, { from, to, nowMs, asOfMs });

  const finish = (unit: string, name: string, t: Tally): UnitIndicators => {
    t.toClose = t.disposed + t.overdueUndisposed;
    const rates = ratesOf(t);
    const { score, points } = scoreRates(rates, t.toDispose, weights);
    const { disposalMsSum: _, ...counts } = t;
    return {
      unit,
      name,
      counts,
      rates,
      points,
      score,
      grade: score === null ? null : gradeOf(score, thresholds),
      rank: null,
    };
  };

  // The total row is the sum of the unit rows, so it is summed once here rather than per case.
  const total = newTally();
  const units: UnitIndicators[] = [];
  for (const [key, t] of tallies) {
    for (const k of Object.keys(total) as (keyof Tally)[]) total[k] += t[k];
    units.push(finish(key, options.unitName?.(key) ?? key, t));
  }
  const collator = new Intl.Collator("zh-Hans-CN");
  units.sort((a, b) => {
    if (a.score !== b.score) {
      if (a.score === null) return 1;
      if (b.score === null) return -1;
      return b.score - a.score;
    }
    return collator.compare(a.name, b.name) || (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0);
  });
  let rank = 0;
  for (let i = 0; i < units.length; i++) {
    const u = units[i] as UnitIndicators;
    if (u.score === null) break;
    rank = i > 0 && units[i - 1]?.score === u.score ? rank : i + 1;
    u.rank = rank;
  }

  return {
    period,
    now,
    asOf: new Date(asOfMs),
    units,
    total: finish("total", INDICATOR_LABELS.total, total),
    unattributed,
  };
}
