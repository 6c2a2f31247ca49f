/** The console's map, rankings-and-trends and rankings export. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { INDICATOR_LABELS } from "../../core/indicators.ts";
import { loadCohortFacts } from "../../report/report-data.ts";
import { addDays, localInstant } from "../../schedule/local-time.ts";
import { localDay } from "./case-filters.ts";
import { badRequest, type ConsoleContext } from "./console-context.ts";
import { attachmentHeader, exportRankings, localStamp } from "./console-export.ts";
import { C } from "./console-texts.ts";
import { mapData } from "./map-data.ts";
import {
  RANKING_UNITS,
  type RankingOptions,
  type RankingUnit,
  rankingReport,
  trendOf,
  UNIT_LABELS,
} from "./rankings-data.ts";

/** Longest period a ranking covers (a few years of cases is still one query). */
const MAX_PERIOD_DAYS = 3 * 366;

const rankingQuery = z.object({
  unit: z.enum(RANKING_UNITS as [RankingUnit, ...RankingUnit[]]).default("street"),
  from: localDay,
  to: localDay,
});

/** Registers the map and ranking routes under the console prefix. */
export function registerReportRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const { deps } = ctx;

  app.get("/api/map", async () => {
    await ctx.lights.refresh();
    return mapData(deps.sql, deps.roster(), deps.taxonomy, deps.clock.now());
  });

  /** Reads and checks a period; null with the reason when it is not usable. */
  const periodOf = (query: unknown): { opts: Omit<RankingOptions, "unit">; unit: RankingUnit } | string => {
    const q = rankingQuery.safeParse(query ?? {});
    if (!q.success) return C.badRequest;
    const { from, to, unit } = q.data;
    const days = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
    if (days < 1) return C.badRequest;
    if (days > MAX_PERIOD_DAYS) return C.periodTooLong;
    const { scoreWeights, gradeThresholds } = deps.config.schedule;
    return {
      unit,
      opts: {
        sql: deps.sql,
        roster: deps.roster(),
        now: deps.clock.now(),
        timeZone: deps.config.timeZone,
        firstDay: from,
        lastDay: to,
        weights: scoreWeights,
        gradeThresholds,
      },
    };
  };

  const factsOf = (o: Omit<RankingOptions, "unit">) =>
    loadCohortFacts(
      o.sql,
      o.roster,
      localInstant(o.firstDay, 0, o.timeZone),
      localInstant(addDays(o.lastDay, 1), 0, o.timeZone),
    );

  app.get("/api/rankings", async (req, reply) => {
    const p = periodOf(req.query);
    if (typeof p === "string") return badRequest(reply, p);
    const facts = factsOf(p.opts);
    const options = { ...p.opts, unit: p.unit };
    const report = rankingReport(options, facts);
    return {
      unit: p.unit,
      unitLabel: UNIT_LABELS[p.unit],
      labels: INDICATOR_LABELS,
      units: report.units,
      total: report.total,
      unattributed: report.unattributed,
      asOf: report.asOf.toISOString(),
      trend: trendOf(options, facts),
    };
  });

  app.get("/export/rankings.xlsx", async (req, reply) => {
    const p = periodOf(req.query);
    if (typeof p === "string") return badRequest(reply, p);
    const facts = factsOf(p.opts);
    const { firstDay, lastDay, weights } = p.opts;
    const buffer = await exportRankings({
      periodLabel: `${firstDay} 至 ${lastDay}（按上报时间统计）`,
      generatedAt: localStamp(deps.clock.now(), deps.config.timeZone),
      sheets: RANKING_UNITS.map((unit) => ({
        title: `${UNIT_LABELS[unit]}排名`,
        unitLabel: UNIT_LABELS[unit],
        report: rankingReport({ ...p.opts, unit }, facts),
      })),
      trend: trendOf({ ...p.opts, unit: p.unit }, facts).buckets,
      notes: [
        `考核得分满分 100：${Object.entries(weights)
          .map(([k, v]) => `${INDICATOR_LABELS[k as keyof typeof weights]} ${v} 分`)
          .join("，")}（返工率、超期待处置率、延期率按 1 − 比率计分）`,
        "应处置数为统计区间内上报并立案的案件（不含作废、待立案）；各项定义见 CJ/T 292 与 docs/console.md。",
      ],
    });
    return reply
      .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
      .header(
        "content-disposition",
        attachmentHeader(`rankings-${firstDay}-${lastDay}.xlsx`, `考核排名-${firstDay}至${lastDay}.xlsx`),
      )
      .header("cache-control", "no-store")
      .send(buffer);
  });
}
