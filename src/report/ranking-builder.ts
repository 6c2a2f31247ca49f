/**
 * The ranking (考核排名): per street and per department, for a week and a month, the indicators of
 * DESIGN.md §6 (src/core/indicators.ts) with the 100-point score and grade, as text and a chart.
 * Pure: the caller loads the cohort of cases created in the two periods.
 */
import {
  type CaseFact,
  computeIndicators,
  type GradeThresholds,
  type IndicatorReport,
  type ScoreWeights,
  UNIT_SELECTORS,
  type UnitIndicators,
} from "../core/indicators.ts";
import type { RosterIndex } from "../core/roster-index.ts";
import type { BarChartSpec, ChartPanel } from "./chart-render.ts";
import { percent, R } from "./report-texts.ts";

/** Chart colours of the two periods. */
export const RANKING_COLORS = { week: "#3b7ddd", month: "#9bbbe8" } as const;

export interface RankingPeriod {
  /** Heading of the period in the text, e.g. R.rankingLastWeek("9月21日至9月27日"). */
  label: string;
  /** Legend name in the chart. */
  seriesName: string;
  from: Date;
  to: Date;
}

export interface RankingInput {
  now: Date;
  title: string;
  week: RankingPeriod;
  month: RankingPeriod;
  /** Cases created from the earlier of the two period starts to the later end. */
  cases: readonly CaseFact[];
  roster: RosterIndex;
  weights: ScoreWeights;
  gradeThresholds: GradeThresholds;
}

export interface RankingTables {
  weekStreets: IndicatorReport;
  weekDepartments: IndicatorReport;
  monthStreets: IndicatorReport;
  monthDepartments: IndicatorReport;
}

export interface RankingReport {
  text: string;
  chart: BarChartSpec;
  tables: RankingTables;
}

function unitLine(u: UnitIndicators): string {
  if (u.score === null) return R.rankingUnrated(u.name);
  const hours = u.rates.averageDisposalHours;
  return R.rankingLine(`${u.rank}.`, u.name, u.score.toFixed(1), u.grade ?? "", {
    disposal: percent(u.rates.disposalRate),
    onTime: percent(u.rates.onTimeDisposalRate),
    rework: percent(u.rates.reworkRate),
    closure: percent(u.rates.closureRate),
    extension: percent(u.rates.extensionRate),
    hours: hours === null ? "—" : `${hours.toFixed(1)}小时`,
  });
}

function panelOf(
  title: string,
  week: IndicatorReport,
  month: IndicatorReport,
  input: RankingInput,
): ChartPanel {
  // Units in this week's ranking order; the month's score of the same unit beside it.
  const monthScore = new Map(month.units.map((u) => [u.unit, u.score]));
  return {
    title,
    max: 100,
    categories: week.units.map((u) => u.name),
    series: [
      { name: input.week.seriesName, color: RANKING_COLORS.week, values: week.units.map((u) => u.score) },
      {
        name: input.month.seriesName,
        color: RANKING_COLORS.month,
        values: week.units.map((u) => monthScore.get(u.unit) ?? null),
      },
    ],
  };
}

/** Computes the four tables and builds the ranking text and chart. */
export function buildRanking(input: RankingInput): RankingReport {
  const { roster } = input;
  const facts = input.cases;
  const streets = [...new Set([...roster.segments.values()].map((s) => s.street))];
  const departments = [...roster.departments.keys()];
  const departmentName = (code: string) => roster.departments.get(code)?.name ?? code;
  const compute = (period: RankingPeriod, unit: "street" | "department") =>
    computeIndicators({
      cases: facts,
      period: { from: period.from, to: period.to },
      now: input.now,
      unitOf: UNIT_SELECTORS[unit],
      includeUnits: unit === "street" ? streets : departments,
      ...(unit === "department" ? { unitName: departmentName } : {}),
      weights: input.weights,
      gradeThresholds: input.gradeThresholds,
    });
  const tables: RankingTables = {
    weekStreets: compute(input.week, "street"),
    weekDepartments: compute(input.week, "department"),
    monthStreets: compute(input.month, "street"),
    monthDepartments: compute(input.month, "department"),
  };
  const lines = [input.title, R.rankingLegend];
  for (const [period, s, d] of [
    [input.week, tables.weekStreets, tables.weekDepartments],
    [input.month, tables.monthStreets, tables.monthDepartments],
  ] as const) {
    lines.push(R.rankingStreets(period.label), ...s.units.map(unitLine));
    lines.push(R.rankingDepartments(period.label), ...d.units.map(unitLine));
  }
  return {
    text: lines.join("\n"),
    chart: {
      title: R.rankingChartTitle,
      subtitle: R.rankingChartSubtitle(input.week.label, input.month.label),
      panels: [
        panelOf(R.streetPanel, tables.weekStreets, tables.monthStreets, input),
        panelOf(R.departmentPanel, tables.weekDepartments, tables.monthDepartments, input),
      ],
    },
    tables,
  };
}
