/**
 * Builds the digest, the brief and the ranking for a clock reading: picks the periods, loads the
 * cases, builds text and chart, renders the chart to PNG and stores it as media. Used by the
 * scheduled jobs and by the on-demand commands ("@bot 今日简报", "@bot 排名").
 */
import type { Logger } from "pino";
import type { StageCalendar } from "../core/deadline-stages.ts";
import type { GradeThresholds, ScoreWeights } from "../core/indicators.ts";
import type { RosterIndex } from "../core/roster-index.ts";
import type { TaxonomyIndex } from "../core/taxonomy.ts";
import type { WorkCalendar } from "../core/work-calendar.ts";
import {
  addDays,
  dayLabel,
  dayLabelWithWeekday,
  hhmmOf,
  localInstant,
  localParts,
  mondayOf,
  monthStartOf,
  rangeLabel,
} from "../schedule/local-time.ts";
import type { PrismaClient } from "../store/generated/client.ts";
import type { MediaStore } from "../store/media-store.ts";
import type { Sql } from "../store/sql.ts";
import { saveChart } from "./chart-media.ts";
import { type BarChartSpec, renderBarChart } from "./chart-render.ts";
import { buildDigest, type DigestStats, type Mention } from "./digest-builder.ts";
import { buildRanking, type RankingTables } from "./ranking-builder.ts";
import { loadCohortFacts, loadOpenCases, loadPeriodCases } from "./report-data.ts";
import { R } from "./report-texts.ts";

/** A report ready to send: text, the people it @-mentions, its chart by media hash. */
export interface ReportMessage {
  text: string;
  mentions: Mention[];
  imageHashes: string[];
}

export interface DigestMessage extends ReportMessage {
  stats: DigestStats;
}

export interface RankingMessage extends ReportMessage {
  tables: RankingTables;
}

/** morning = the scheduled digest (the previous day or days); evening and today = today so far. */
export type DigestKind = "morning" | "evening" | "today";
/** weekly = the scheduled ranking of the last full week; current = this week and month so far. */
export type RankingKind = "weekly" | "current";

export interface ReportServiceDeps {
  prisma: PrismaClient;
  /** Direct SQL on the same connection, for reading the cases (report-data.ts). */
  sql: Sql;
  media: MediaStore;
  roster: () => RosterIndex;
  taxonomy: TaxonomyIndex;
  calendar: StageCalendar & Pick<WorkCalendar, "isWorkday">;
  timeZone: string;
  log: Logger;
  settings: {
    /** Morning digests go out on working days only: the period then reaches back to the previous working day. */
    digestWorkdaysOnly: boolean;
    scoreWeights: ScoreWeights;
    gradeThresholds: GradeThresholds;
  };
}

/** How far back the morning digest looks for the previous working day before giving up (long holidays are 9 days). */
const MAX_LOOKBACK_DAYS = 31;

export class ReportService {
  constructor(private readonly deps: ReportServiceDeps) {}

  /** The digest or brief as of `now`. */
  async digest(now: Date, kind: DigestKind, options: { mentionChiefs: boolean }): Promise<DigestMessage> {
    const { sql, timeZone, calendar } = this.deps;
    const local = localParts(now, timeZone);
    const today = local.date;
    const todayStart = localInstant(today, 0, timeZone);
    let from = todayStart;
    let to = now;
    let periodLabel: string = R.today;
    let title = R.todayTitle(dayLabelWithWeekday(today), hhmmOf(local.minute));
    if (kind === "evening") title = R.eveningTitle(dayLabelWithWeekday(today));
    if (kind === "morning") {
      const first = this.previousDigestDay(today);
      from = localInstant(first, 0, timeZone);
      to = todayStart;
      const last = addDays(today, -1);
      periodLabel = first === last ? R.yesterday(dayLabel(last)) : rangeLabel(first, last);
      title = R.digestTitle(dayLabelWithWeekday(today));
    }
    const open = loadOpenCases(sql);
    const periodCases = loadPeriodCases(sql, from, to);
    const report = buildDigest({
      now,
      title,
      periodLabel,
      period: { from, to },
      open,
      periodCases,
      roster: this.deps.roster(),
      taxonomy: this.deps.taxonomy,
      calendar,
      chartTime: `${dayLabel(today)} ${hhmmOf(local.minute)}`,
      mentionChiefs: options.mentionChiefs,
    });
    const imageHashes = await this.chartHashes(report.chart, now, kind);
    return { text: report.text, mentions: report.mentions, imageHashes, stats: report.stats };
  }

  /** The ranking as of `now`. */
  async ranking(now: Date, kind: RankingKind): Promise<RankingMessage> {
    const { sql, timeZone, settings } = this.deps;
    const today = localParts(now, timeZone).date;
    const at = (date: string) => localInstant(date, 0, timeZone);
    let week: { label: string; seriesName: string; from: Date; to: Date };
    let month: typeof week;
    let title: string;
    if (kind === "weekly") {
      // The last full week (Monday to Sunday), and the month that week began in, up to the week's end.
      const monday = addDays(mondayOf(today), -7);
      const sunday = addDays(monday, 6);
      const monthStart = monthStartOf(monday);
      const nextMonth = monthStartOf(addDays(monthStart, 31));
      const monthEnd = nextMonth < addDays(sunday, 1) ? addDays(nextMonth, -1) : sunday;
      week = {
        label: R.rankingLastWeek(rangeLabel(monday, sunday)),
        seriesName: R.rankingLastWeekSeries,
        from: at(monday),
        to: at(addDays(sunday, 1)),
      };
      month = {
        label: R.rankingMonth(rangeLabel(monthStart, monthEnd)),
        seriesName: R.rankingMonthSeries,
        from: at(monthStart),
        to: at(addDays(monthEnd, 1)),
      };
      title = R.rankingTitle(rangeLabel(monday, sunday));
    } else {
      const monday = mondayOf(today);
      const monthStart = monthStartOf(today);
      week = {
        label: R.rankingWeek(rangeLabel(monday, today)),
        seriesName: R.rankingWeekSeries,
        from: at(monday),
        to: now,
      };
      month = {
        label: R.rankingMonth(rangeLabel(monthStart, today)),
        seriesName: R.rankingMonthSeries,
        from: at(monthStart),
        to: now,
      };
      title = R.rankingCurrentTitle(`${dayLabel(today)} ${hhmmOf(localParts(now, timeZone).minute)}`);
    }
    const from = new Date(Math.min(week.from.getTime(), month.from.getTime()));
    const to = new Date(Math.max(week.to.getTime(), month.to.getTime()));
    const cases = loadCohortFacts(sql, this.deps.roster(), from, to);
    const report = buildRanking({
      now,
      title,
      week,
      month,
      cases,
      roster: this.deps.roster(),
      weights: settings.scoreWeights,
      gradeThresholds: settings.gradeThresholds,
    });
    const imageHashes = await this.chartHashes(report.chart, now, kind);
    return { text: report.text, mentions: [], imageHashes, tables: report.tables };
  }

  /** The first day the morning digest of `today` covers: the day after the previous digest day. */
  private previousDigestDay(today: string): string {
    if (!this.deps.settings.digestWorkdaysOnly) return addDays(today, -1);
    for (let back = 1; back <= MAX_LOOKBACK_DAYS; back++) {
      const day = addDays(today, -back);
      if (this.deps.calendar.isWorkday(day)) return day;
    }
    return addDays(today, -1);
  }

  /** Renders and stores the chart. A chart that fails is logged and left out: the text still goes. */
  private async chartHashes(chart: BarChartSpec, now: Date, kind: string): Promise<string[]> {
    try {
      const { png } = renderBarChart(chart);
      return [await saveChart(this.deps, png, now)];
    } catch (err) {
      this.deps.log.error(
        { err, kind },
        "rendering or storing a report chart failed; sending the text alone",
      );
      return [];
    }
  }
}
