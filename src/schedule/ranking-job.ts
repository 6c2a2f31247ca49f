/**
 * The weekly ranking (周考核排名): at RANKING_TIME (default 09:00) on the first working day from
 * RANKING_WEEKDAY (default Monday) on, the last full week's and its month's indicators per street and
 * department with a chart, to every digest chat, once per chat and week (key
 * `ranking:<chatId>:<monday>`). A Monday off (国庆) moves it to the first working day of that week.
 */
import type { Logger } from "pino";
import type { WorkCalendar } from "../core/work-calendar.ts";
import type { ReportService } from "../report/report-service.ts";
import type { PrismaClient } from "../store/generated/client.ts";
import { broadcastReport } from "./broadcast.ts";
import { addDays, localInstant, localParts, mondayOf } from "./local-time.ts";
import {
  type DuePeriod,
  dailyCron,
  type JobOutcome,
  type JobRunContext,
  type ScheduledJob,
} from "./scheduled-job.ts";

export interface RankingJobDeps {
  prisma: PrismaClient;
  reports: ReportService;
  calendar: Pick<WorkCalendar, "isWorkday">;
  timeZone: string;
  log: Logger;
  settings: { rankingMinute: number; rankingWeekday: number };
}

/** The day of the week `monday` begins on which the ranking goes out, or null if none is a working day. */
export function rankingDay(
  deps: Pick<RankingJobDeps, "calendar" | "settings">,
  monday: string,
): string | null {
  for (let d = deps.settings.rankingWeekday; d <= 7; d++) {
    const day = addDays(monday, d - 1);
    if (deps.calendar.isWorkday(day)) return day;
  }
  return null;
}

/** This week's ranking once its day and time have come (key: the week's Monday). */
export function rankingDuePeriod(deps: RankingJobDeps, now: Date): DuePeriod | null {
  const monday = mondayOf(localParts(now, deps.timeZone).date);
  const day = rankingDay(deps, monday);
  if (!day) return null;
  const at = localInstant(day, deps.settings.rankingMinute, deps.timeZone);
  return now.getTime() >= at.getTime() ? { key: monday, at } : null;
}

export function runRanking(deps: RankingJobDeps, ctx: JobRunContext): Promise<JobOutcome> {
  return broadcastReport({
    prisma: deps.prisma,
    log: deps.log,
    now: ctx.now,
    signal: ctx.signal,
    kind: "ranking",
    periodKey: ctx.period.key,
    build: () => deps.reports.ranking(ctx.now, "weekly"),
  });
}

export function rankingJob(deps: RankingJobDeps): ScheduledJob {
  return {
    name: "ranking",
    // Daily at the ranking time: the due check picks the day, so a holiday Monday moves it.
    cron: dailyCron(deps.settings.rankingMinute),
    duePeriod: (now) => rankingDuePeriod(deps, now),
    run: (ctx) => runRanking(deps, ctx),
  };
}
