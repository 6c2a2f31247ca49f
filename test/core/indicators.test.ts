import { describe, expect, it } from "vitest";
import {
  type CaseFact,
  computeIndicators,
  DEFAULT_SCORE_WEIGHTS,
  gradeOf,
  INDICATOR_LABELS,
  IndicatorConfigError,
  type IndicatorCounts,
  parseGradeThresholds,
  parseScoreWeights,
  UNIT_SELECTORS,
  type UnitIndicators,
} from "../../src/core/indicators.ts";

/** Beijing time, "MM-DD HH:mm" in November 2026. */
const t = (s: string): Date => new Date(`2026-${s.slice(0, 5)}T${s.slice(6)}:00+08:00`);

let seq = 0;
function fact(over: Partial<CaseFact>): CaseFact {
  seq++;
  return {
    number: `ZM202611-${String(seq).padStart(3, "0")}`,
    state: "dispatched",
    segmentId: `seg-${seq}`,
    street: null,
    departmentCode: null,
    createdAt: t("11-02 08:00"),
    deadline: null,
    reworkCount: 0,
    extensionCount: 0,
    ...over,
  };
}

const Q = "青年路街道";
const D = "东风路街道";
const G = "广惠街街道";
const period = { from: t("11-01 00:00"), to: t("11-08 00:00") };
// now is after the period end: asOf = period.to = 11-08 00:00.
const now = t("11-10 00:00");

/*
 * Hand-computed example. Period [11-01 00:00, 11-08 00:00), now 11-10 00:00, asOf 11-08 00:00.
 *
 * 青年路街道:
 *   Q1 HW created 11-02 08:00, deadline 11-03 08:00, fixed 11-02 20:00 (12 h), closed 11-03 06:00
 *      → disposed, on time; closed, on time
 *   Q2 HW created 11-03 08:00, deadline 11-04 08:00, fixed 11-05 08:00 (48 h), closed 11-05 12:00, rework 1
 *      → disposed late; closed late; reworked
 *   Q3 SZ created 11-04 08:00, deadline 11-05 08:00, not fixed → overdue at asOf and now
 *   Q4 SZ created 11-06 08:00, deadline 11-09 08:00, not fixed, extension 1
 *      → not overdue at asOf (11-08), overdue at now (11-10); extended
 *   Q5 HW created 11-07 08:00, no deadline, not fixed → never overdue
 *   excluded: pending (11-05), voided flag (11-05), state voided (11-05), created 10-31 23:59, created 11-08 00:00
 *   counts: toDispose 5, disposed 2, onTime 1, overdueUndisposed 1, toClose 3, closed 2, closedOnTime 1,
 *           reworked 1, extended 1, overdueOpen 2
 *   rates: 处置 2/5=.4, 按期处置 1/5=.2, 返工 1/3, 结案 2/3, 按期结案 1/3, 超期待处置 2/5=.4, 延期 1/5=.2,
 *          平均时长 (12+48)/2 = 30 h
 *   score: 30×.4 + 20×.2 + 20×(2/3) + 20×.6 + 10×.8 = 12 + 4 + 13.333 + 12 + 8 = 49.33 → D
 *
 * 东风路街道:
 *   D1 HW created 11-01 00:00 (= period start, included), deadline 11-02 00:00, fixed 11-01 06:00 (6 h),
 *      closed 11-01 12:00
 *   D2 SZ created 11-02 12:00, deadline 11-03 12:00, fixed and closed exactly 11-03 12:00 (24 h) → on time
 *   D3 HW created 11-03 00:00, deadline 11-04 00:00, no fixedAt, closed 11-03 18:00 → fix time = close
 *      time (18 h), on time; extension 2
 *   counts: 3, 3, 3, 0, 3, 3, 3, 0, 1, 0
 *   rates: 1, 1, 0, 1, 1, 0, 1/3; 平均 (6+24+18)/3 = 16 h
 *   score: 30 + 20 + 20 + 20 + 10×(2/3) = 96.67 → A
 *
 * 广惠街街道:
 *   G1 SZ created 11-05 00:00, deadline 11-10 00:00 (= now: not yet past), not fixed
 *   counts: 1, 0, 0, 0, 0, 0, 0, 0, 0, 0
 *   rates: 0, 0, null, null, null, 0, 0; 平均 null
 *   score: 返工率 null → its 20 points drop out: (0 + 0 + 20×1 + 10×1) / 80 × 100 = 37.5 → E
 *
 * No street: N1 HW created 11-04 00:00, deadline 11-05 00:00, fixed 11-04 12:00 (12 h) → unattributed by street.
 *
 * Total by street (Q+D+G): toDispose 9, disposed 5, onTime 4, overdueUndisposed 1, toClose 6, closed 5,
 *   closedOnTime 4, reworked 1, extended 2, overdueOpen 2; 平均 (12+48+6+24+18)/5 = 21.6 h
 *   score: 30×5/9 + 20×4/9 + 20×5/6 + 20×7/9 + 10×7/9 = 16.667+8.889+16.667+15.556+7.778 = 65.56 → C
 *
 * By department: HW = Q1 Q2 Q5 D1 D3 N1, SZ = Q3 Q4 D2 G1.
 *   HW: 6, 5, 4 (Q1 D1 D3 N1), 0, 5, 4, 3 (Q1 D1 D3), 1, 1, 0; 平均 (12+48+6+18+12)/5 = 19.2 h
 *       score: 30×5/6 + 20×4/6 + 20×.8 + 20 + 10×5/6 = 25+13.333+16+20+8.333 = 82.67 → B
 *   SZ: 4, 1, 1, 1 (Q3), 2, 1, 1, 0, 1 (Q4), 2 (Q3 Q4); 平均 24 h
 *       rates .25, .25, 0, .5, .5, .5, .25 → 7.5 + 5 + 20 + 10 + 7.5 = 50 → D
 */
const cases: CaseFact[] = [
  fact({
    number: "Q1",
    street: Q,
    departmentCode: "HW",
    state: "closed",
    createdAt: t("11-02 08:00"),
    deadline: t("11-03 08:00"),
    acknowledgedAt: t("11-02 09:00"),
    fixedAt: t("11-02 20:00"),
    closedAt: t("11-03 06:00"),
  }),
  fact({
    number: "Q2",
    street: Q,
    departmentCode: "HW",
    state: "closed",
    createdAt: t("11-03 08:00"),
    deadline: t("11-04 08:00"),
    fixedAt: t("11-05 08:00"),
    closedAt: t("11-05 12:00"),
    reworkCount: 1,
  }),
  fact({
    number: "Q3",
    street: Q,
    departmentCode: "SZ",
    state: "in_progress",
    createdAt: t("11-04 08:00"),
    deadline: t("11-05 08:00"),
  }),
  fact({
    number: "Q4",
    street: Q,
    departmentCode: "SZ",
    createdAt: t("11-06 08:00"),
    deadline: t("11-09 08:00"),
    extensionCount: 1,
  }),
  fact({ number: "Q5", street: Q, departmentCode: "HW", state: "backlogged", createdAt: t("11-07 08:00") }),
  fact({ number: "Qp", street: Q, departmentCode: "HW", state: "pending", createdAt: t("11-05 00:00") }),
  fact({ number: "Qv", street: Q, departmentCode: "HW", voided: true, createdAt: t("11-05 00:00") }),
  fact({ number: "Qs", street: Q, departmentCode: "HW", state: "voided", createdAt: t("11-05 00:00") }),
  fact({ number: "Qb", street: Q, departmentCode: "HW", createdAt: t("10-31 23:59") }),
  fact({ number: "Qa", street: Q, departmentCode: "HW", createdAt: t("11-08 00:00") }),
  fact({
    number: "D1",
    street: D,
    departmentCode: "HW",
    state: "closed",
    createdAt: t("11-01 00:00"),
    deadline: t("11-02 00:00"),
    fixedAt: t("11-01 06:00"),
    closedAt: t("11-01 12:00"),
  }),
  fact({
    number: "D2",
    street: D,
    departmentCode: "SZ",
    state: "closed",
    createdAt: t("11-02 12:00"),
    deadline: t("11-03 12:00"),
    fixedAt: t("11-03 12:00"),
    closedAt: t("11-03 12:00"),
  }),
  fact({
    number: "D3",
    street: D,
    departmentCode: "HW",
    state: "closed",
    createdAt: t("11-03 00:00"),
    deadline: t("11-04 00:00"),
    closedAt: t("11-03 18:00"),
    extensionCount: 2,
  }),
  fact({
    number: "G1",
    street: G,
    departmentCode: "SZ",
    createdAt: t("11-05 00:00"),
    deadline: t("11-10 00:00"),
  }),
  fact({
    number: "N1",
    street: null,
    departmentCode: "HW",
    state: "awaiting_check",
    createdAt: t("11-04 00:00"),
    deadline: t("11-05 00:00"),
    fixedAt: t("11-04 12:00"),
  }),
];

function counts(...v: number[]): IndicatorCounts {
  const [
    toDispose,
    disposed,
    disposedOnTime,
    overdueUndisposed,
    toClose,
    closed,
    closedOnTime,
    reworked,
    extended,
    overdueOpen,
  ] = v as [number, number, number, number, number, number, number, number, number, number];
  return {
    toDispose,
    disposed,
    disposedOnTime,
    overdueUndisposed,
    toClose,
    closed,
    closedOnTime,
    reworked,
    extended,
    overdueOpen,
  };
}

function row(rows: UnitIndicators[], unit: string): UnitIndicators {
  const r = rows.find((u) => u.unit === unit);
  if (!r) throw new Error(`no row ${unit}`);
  return r;
}

describe("computeIndicators — hand-computed example by street", () => {
  const report = computeIndicators({ cases, period, now, unitOf: UNIT_SELECTORS.street });

  it("judges at min(now, period end) and leaves null keys out", () => {
    expect(report.asOf).toEqual(period.to);
    expect(report.unattributed).toBe(1);
    expect(report.units.map((u) => u.unit)).toEqual([D, Q, G]);
    expect(report.units.map((u) => u.rank)).toEqual([1, 2, 3]);
  });

  it("青年路街道", () => {
    const q = row(report.units, Q);
    expect(q.counts).toEqual(counts(5, 2, 1, 1, 3, 2, 1, 1, 1, 2));
    expect(q.rates.disposalRate).toBeCloseTo(0.4, 12);
    expect(q.rates.onTimeDisposalRate).toBeCloseTo(0.2, 12);
    expect(q.rates.reworkRate).toBeCloseTo(1 / 3, 12);
    expect(q.rates.closureRate).toBeCloseTo(2 / 3, 12);
    expect(q.rates.onTimeClosureRate).toBeCloseTo(1 / 3, 12);
    expect(q.rates.overdueOpenRate).toBeCloseTo(0.4, 12);
    expect(q.rates.extensionRate).toBeCloseTo(0.2, 12);
    expect(q.rates.averageDisposalHours).toBeCloseTo(30, 12);
    expect(q.points.disposalRate).toBeCloseTo(12, 12);
    expect(q.points.onTimeDisposalRate).toBeCloseTo(4, 12);
    expect(q.points.reworkRate).toBeCloseTo(40 / 3, 12);
    expect(q.points.overdueOpenRate).toBeCloseTo(12, 12);
    expect(q.points.extensionRate).toBeCloseTo(8, 12);
    expect(q.score).toBe(49.33);
    expect(q.grade).toBe("D");
  });

  it("东风路街道: period start included, fix = deadline on time, close without fix report", () => {
    const d = row(report.units, D);
    expect(d.counts).toEqual(counts(3, 3, 3, 0, 3, 3, 3, 0, 1, 0));
    expect(d.rates).toEqual({
      disposalRate: 1,
      onTimeDisposalRate: 1,
      reworkRate: 0,
      closureRate: 1,
      onTimeClosureRate: 1,
      overdueOpenRate: 0,
      extensionRate: 1 / 3,
      averageDisposalHours: 16,
    });
    expect(d.score).toBe(96.67);
    expect(d.grade).toBe("A");
  });

  it("广惠街街道: nothing due yet, 返工率 null and its weight redistributed", () => {
    const g = row(report.units, G);
    expect(g.counts).toEqual(counts(1, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    expect(g.rates).toEqual({
      disposalRate: 0,
      onTimeDisposalRate: 0,
      reworkRate: null,
      closureRate: null,
      onTimeClosureRate: null,
      overdueOpenRate: 0,
      extensionRate: 0,
      averageDisposalHours: null,
    });
    expect(g.points.reworkRate).toBeNull();
    expect(g.score).toBe(37.5);
    expect(g.grade).toBe("E");
  });

  it("total row", () => {
    const tot = report.total;
    expect(tot.unit).toBe("total");
    expect(tot.name).toBe("合计");
    expect(tot.rank).toBeNull();
    expect(tot.counts).toEqual(counts(9, 5, 4, 1, 6, 5, 4, 1, 2, 2));
    expect(tot.rates.disposalRate).toBeCloseTo(5 / 9, 12);
    expect(tot.rates.onTimeDisposalRate).toBeCloseTo(4 / 9, 12);
    expect(tot.rates.reworkRate).toBeCloseTo(1 / 6, 12);
    expect(tot.rates.closureRate).toBeCloseTo(5 / 6, 12);
    expect(tot.rates.onTimeClosureRate).toBeCloseTo(4 / 6, 12);
    expect(tot.rates.overdueOpenRate).toBeCloseTo(2 / 9, 12);
    expect(tot.rates.extensionRate).toBeCloseTo(2 / 9, 12);
    expect(tot.rates.averageDisposalHours).toBeCloseTo(21.6, 12);
    expect(tot.score).toBe(65.56);
    expect(tot.grade).toBe("C");
  });
});

describe("computeIndicators — grouping", () => {
  it("by department", () => {
    const r = computeIndicators({ cases, period, now, unitOf: UNIT_SELECTORS.department });
    expect(r.unattributed).toBe(0);
    expect(r.units.map((u) => u.unit)).toEqual(["HW", "SZ"]);
    const hw = row(r.units, "HW");
    expect(hw.counts).toEqual(counts(6, 5, 4, 0, 5, 4, 3, 1, 1, 0));
    expect(hw.rates.averageDisposalHours).toBeCloseTo(19.2, 12);
    expect(hw.score).toBe(82.67);
    expect(hw.grade).toBe("B");
    const sz = row(r.units, "SZ");
    expect(sz.counts).toEqual(counts(4, 1, 1, 1, 2, 1, 1, 0, 1, 2));
    expect(sz.rates.averageDisposalHours).toBeCloseTo(24, 12);
    expect(sz.score).toBe(50);
    expect(sz.grade).toBe("D");
    expect(r.total.counts).toEqual(counts(10, 6, 5, 1, 7, 5, 4, 1, 2, 2));
  });

  it("by segment, with display names", () => {
    const r = computeIndicators({
      cases,
      period,
      now,
      unitOf: UNIT_SELECTORS.segment,
      unitName: (id) => `路段 ${id}`,
    });
    expect(r.units).toHaveLength(10);
    expect(r.units.every((u) => u.counts.toDispose === 1 && u.name === `路段 ${u.unit}`)).toBe(true);
  });

  it("ties share a rank and are ordered by pinyin name; included units without cases come last, unrated", () => {
    const r = computeIndicators({
      cases: [
        fact({ street: "城关镇", createdAt: t("11-02 00:00"), fixedAt: t("11-02 01:00") }),
        fact({ street: "白沙镇", createdAt: t("11-02 00:00"), fixedAt: t("11-02 02:00") }),
        fact({ street: "韩寺镇", createdAt: t("11-02 00:00"), deadline: t("11-02 01:00") }),
      ],
      period,
      now,
      unitOf: UNIT_SELECTORS.street,
      includeUnits: ["白沙镇", "张庄镇", "刘集镇"],
    });
    expect(r.units.map((u) => [u.unit, u.score, u.rank])).toEqual([
      ["白沙镇", 100, 1],
      ["城关镇", 100, 1],
      ["韩寺镇", 30, 3],
      ["刘集镇", null, null],
      ["张庄镇", null, null],
    ]);
    expect(row(r.units, "张庄镇").grade).toBeNull();
    expect(row(r.units, "张庄镇").rates.disposalRate).toBeNull();
  });
});

describe("computeIndicators — period and clock", () => {
  it("counts only cases created in [from, to)", () => {
    const r = computeIndicators({
      cases: [
        fact({ street: Q, createdAt: t("10-31 23:59") }),
        fact({ street: Q, createdAt: t("11-01 00:00") }),
        fact({ street: Q, createdAt: t("11-07 23:59") }),
        fact({ street: Q, createdAt: t("11-08 00:00") }),
      ],
      period,
      now,
      unitOf: UNIT_SELECTORS.street,
    });
    expect(r.total.counts.toDispose).toBe(2);
  });

  it("before the period ends, judges overdue at now and ignores fixes reported after now", () => {
    const midweek = t("11-04 12:00");
    const r = computeIndicators({
      cases: [
        // overdue since 11-03, fixed only on 11-05 (after now) → not yet disposed, overdue now
        fact({
          street: Q,
          createdAt: t("11-02 00:00"),
          deadline: t("11-03 00:00"),
          fixedAt: t("11-05 00:00"),
        }),
        // deadline 11-06: not overdue yet
        fact({ street: Q, createdAt: t("11-03 00:00"), deadline: t("11-06 00:00") }),
      ],
      period,
      now: midweek,
      unitOf: UNIT_SELECTORS.street,
    });
    expect(r.asOf).toEqual(midweek);
    expect(r.total.counts).toEqual(counts(2, 0, 0, 1, 1, 0, 0, 0, 0, 1));
  });

  it("a period ending after a deadline passed later: 超时未处置 no, 超期待处置 yes", () => {
    const q4 = cases.find((c) => c.number === "Q4") as CaseFact;
    const r = computeIndicators({ cases: [q4], period, now, unitOf: UNIT_SELECTORS.street });
    expect(r.total.counts.overdueUndisposed).toBe(0);
    expect(r.total.counts.overdueOpen).toBe(1);
  });

  it("rejects an inverted period", () => {
    expect(() =>
      computeIndicators({
        cases,
        period: { from: period.to, to: period.from },
        now,
        unitOf: UNIT_SELECTORS.street,
      }),
    ).toThrow(IndicatorConfigError);
  });
});

describe("division by zero", () => {
  it("no cases: null rates, not rated", () => {
    const r = computeIndicators({ cases: [], period, now, unitOf: UNIT_SELECTORS.street });
    expect(r.units).toEqual([]);
    expect(r.total.counts).toEqual(counts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    expect(Object.values(r.total.rates).every((v) => v === null)).toBe(true);
    expect(Object.values(r.total.points).every((v) => v === null)).toBe(true);
    expect(r.total.score).toBeNull();
    expect(r.total.grade).toBeNull();
  });

  it("only pending and voided cases: not rated", () => {
    const r = computeIndicators({
      cases: [fact({ street: Q, state: "pending" }), fact({ street: Q, voided: true })],
      period,
      now,
      unitOf: UNIT_SELECTORS.street,
    });
    expect(r.units).toEqual([]);
    expect(r.total.score).toBeNull();
  });
});

describe("grades", () => {
  it("boundaries of gradeOf", () => {
    const cases: [number, string][] = [
      [100, "A"],
      [90, "A"],
      [89.99, "B"],
      [75, "B"],
      [74.99, "C"],
      [60, "C"],
      [59.99, "D"],
      [40, "D"],
      [39.99, "E"],
      [0, "E"],
    ];
    for (const [score, grade] of cases) expect(gradeOf(score), String(score)).toBe(grade);
  });

  it("a unit scoring exactly 90 is A; custom thresholds move it", () => {
    // all fixed on time, never reworked or overdue, every case extended: 30 + 20 + 20 + 20 + 0 = 90
    const cs = [1, 2, 3].map(() =>
      fact({ street: Q, deadline: t("11-03 00:00"), fixedAt: t("11-02 09:00"), extensionCount: 1 }),
    );
    const base = { cases: cs, period, now, unitOf: UNIT_SELECTORS.street };
    expect(computeIndicators(base).total.score).toBe(90);
    expect(computeIndicators(base).total.grade).toBe("A");
    const strict = computeIndicators({ ...base, gradeThresholds: { A: 95, B: 90, C: 80, D: 70 } });
    expect(strict.total.grade).toBe("B");
    expect(computeIndicators({ ...base, gradeThresholds: { A: 95, B: 91, C: 80, D: 70 } }).total.grade).toBe(
      "C",
    );
  });

  it("float noise does not drop a grade (rounded before grading)", () => {
    // weights of thirds: 100/3 × 3 components at 1 = 99.99999… before rounding
    const cs = [fact({ street: Q, deadline: t("11-03 00:00"), fixedAt: t("11-02 09:00") })];
    const r = computeIndicators({
      cases: cs,
      period,
      now,
      unitOf: UNIT_SELECTORS.street,
      weights: {
        disposalRate: 100 / 3,
        onTimeDisposalRate: 100 / 3,
        reworkRate: 100 / 3,
        overdueOpenRate: 0,
        extensionRate: 0,
      },
    });
    expect(r.total.score).toBe(100);
  });

  it("rejects bad thresholds", () => {
    expect(() => parseGradeThresholds({ A: 60, B: 75, C: 50, D: 40 })).toThrow(/A ≥ B ≥ C ≥ D/);
    expect(() => parseGradeThresholds({ A: 120, B: 75, C: 60, D: 40 })).toThrow(IndicatorConfigError);
  });
});

describe("weights", () => {
  it("custom weights re-rank the units", () => {
    // disposal only: 东风路 100, 青年路 40, 广惠街 0
    const r = computeIndicators({
      cases,
      period,
      now,
      unitOf: UNIT_SELECTORS.street,
      weights: {
        disposalRate: 100,
        onTimeDisposalRate: 0,
        reworkRate: 0,
        overdueOpenRate: 0,
        extensionRate: 0,
      },
    });
    expect(r.units.map((u) => [u.unit, u.score, u.grade])).toEqual([
      [D, 100, "A"],
      [Q, 40, "D"],
      [G, 0, "E"],
    ]);
    // overdue only: 广惠街 and 东风路 tie at 100 (by name: 东 dong < 广 guang), 青年路 60
    const o = computeIndicators({
      cases,
      period,
      now,
      unitOf: UNIT_SELECTORS.street,
      weights: {
        disposalRate: 0,
        onTimeDisposalRate: 0,
        reworkRate: 0,
        overdueOpenRate: 100,
        extensionRate: 0,
      },
    });
    expect(o.units.map((u) => [u.unit, u.score, u.rank])).toEqual([
      [D, 100, 1],
      [G, 100, 1],
      [Q, 60, 3],
    ]);
  });

  it("accepts the defaults and float sums close to 100", () => {
    expect(parseScoreWeights({ ...DEFAULT_SCORE_WEIGHTS })).toEqual(DEFAULT_SCORE_WEIGHTS);
    expect(() =>
      parseScoreWeights({
        disposalRate: 33.3,
        onTimeDisposalRate: 33.3,
        reworkRate: 33.4,
        overdueOpenRate: 0,
        extensionRate: 0,
      }),
    ).not.toThrow();
  });

  it("rejects invalid weights with a clear error", () => {
    const ok = { ...DEFAULT_SCORE_WEIGHTS };
    expect(() => parseScoreWeights({ ...ok, extensionRate: 9 })).toThrow(/sum to 100, got 99/);
    expect(() => parseScoreWeights({ ...ok, disposalRate: 40, extensionRate: -10 })).toThrow(/extensionRate/);
    expect(() => parseScoreWeights({ ...ok, disposalRate: "30" })).toThrow(/disposalRate/);
    expect(() => parseScoreWeights({ ...ok, disposalRate: Number.NaN })).toThrow(IndicatorConfigError);
    const { extensionRate: _, ...missing } = ok;
    expect(() => parseScoreWeights(missing)).toThrow(/extensionRate/);
    expect(() => parseScoreWeights({ ...ok, disposal: 0 })).toThrow(/disposal/);
    expect(() => parseScoreWeights(null)).toThrow(IndicatorConfigError);
    try {
      parseScoreWeights({ ...ok, extensionRate: 9 });
    } catch (e) {
      expect(e).toBeInstanceOf(IndicatorConfigError);
      expect((e as IndicatorConfigError).code).toBe("INDICATOR_CONFIG_INVALID");
      expect((e as Error).message).toMatch(/^invalid score weights/);
    }
    expect(() =>
      computeIndicators({
        cases,
        period,
        now,
        unitOf: UNIT_SELECTORS.street,
        weights: { ...ok, reworkRate: 0 },
      }),
    ).toThrow(IndicatorConfigError);
  });
});

describe("labels", () => {
  it("has a Chinese label for every count and rate", () => {
    const r = computeIndicators({ cases, period, now, unitOf: UNIT_SELECTORS.street });
    const labels: Record<string, string> = INDICATOR_LABELS;
    for (const key of [...Object.keys(r.total.counts), ...Object.keys(r.total.rates), "score", "grade"]) {
      expect(labels[key], key).toMatch(/\p{Script=Han}/u);
    }
  });
});

describe("performance", () => {
  it("100,000 cases", () => {
    const streets = Array.from({ length: 12 }, (_, i) => `街道${i}`);
    const base = t("11-01 00:00").getTime();
    const hour = 3_600_000;
    const big: CaseFact[] = [];
    for (let i = 0; i < 100_000; i++) {
      const created = base + (i % (24 * 9)) * hour; // spills past the period end
      const fixed = i % 3 !== 0;
      big.push({
        number: `ZM-${i}`,
        state: i % 50 === 0 ? "pending" : fixed ? "closed" : "in_progress",
        segmentId: `seg-${i % 400}`,
        street: streets[i % streets.length] ?? null,
        departmentCode: `D${i % 7}`,
        createdAt: new Date(created),
        deadline: i % 11 === 0 ? null : new Date(created + 24 * hour),
        fixedAt: fixed ? new Date(created + (i % 40) * hour) : null,
        closedAt: fixed && i % 2 === 0 ? new Date(created + (i % 40) * hour + 2 * hour) : null,
        reworkCount: i % 17 === 0 ? 1 : 0,
        extensionCount: i % 13 === 0 ? 1 : 0,
        voided: i % 97 === 0,
      });
    }
    computeIndicators({ cases: big, period, now, unitOf: UNIT_SELECTORS.segment }); // warm-up
    const runs: [string, (c: CaseFact) => string | null][] = [
      ["street", UNIT_SELECTORS.street],
      ["department", UNIT_SELECTORS.department],
      ["segment", UNIT_SELECTORS.segment],
    ];
    for (const [name, unitOf] of runs) {
      const start = performance.now();
      const r = computeIndicators({ cases: big, period, now, unitOf });
      const ms = performance.now() - start;
      console.log(`indicators: 100,000 cases by ${name} (${r.units.length} units) in ${ms.toFixed(1)} ms`);
      expect(ms).toBeLessThan(2000);
      expect(r.total.counts.toDispose).toBeGreaterThan(50_000);
    }
  });
});
