/**
 * The optional evening brief (晚间简报): at EVENING_BRIEF_TIME on working days, today's counts and the
 * open cases as they stand, to every digest chat, once per chat and day (key
 * `evening_brief:<chatId>:<day>`). Off unless EVENING_BRIEF_TIME is set.
 */
import type { Logger } from "pino";
import type { WorkCalendar } from "../core/work-calendar.ts";
import type { ReportService } from "../report/report-service.ts";
import type { PrismaClient } from "../store/generated/client.ts";
import { broadcastReport } from "./broadcast.ts";
import { localInstant, localParts } from "./local-time.ts";
import {
  type DuePeriod,
  dailyCron,
  type JobOutcome,
  type JobRunContext,
  type ScheduledJob,
} from "./scheduled-job.ts";

export interface EveningBriefJobDeps {
  prisma: PrismaClient;
  reports: ReportService;
  calendar: Pick<WorkCalendar, "isWorkday">;
  timeZone: string;
  log: Logger;
  settings: { eveningBriefMinute: number };
}

/** Today's brief once its time has come, on working days only (nobody reads a brief on a holiday evening). */
export function eveningBriefDuePeriod(deps: EveningBriefJobDeps, now: Date): DuePeriod | null {
  const { date } = localParts(now, deps.timeZone);
  if (!deps.calendar.isWorkday(date)) return null;
  const at = localInstant(date, deps.settings.eveningBriefMinute, deps.timeZone);
  return now.getTime() >= at.getTime() ? { key: date, at } : null;
}

export function runEveningBrief(deps: EveningBriefJobDeps, ctx: JobRunContext): Promise<JobOutcome> {
  return broadcastReport({
    prisma: deps.prisma,
    log: deps.log,
    now: ctx.now,
    signal: ctx.signal,
    kind: "evening_brief",
    periodKey: ctx.period.key,
    // The evening brief names the chiefs without @-ing them: the morning digest is where they are chased.
    build: () => deps.reports.digest(ctx.now, "evening", { mentionChiefs: false }),
  });
}

export function eveningBriefJob(deps: EveningBriefJobDeps): ScheduledJob {
  return {
    name: "evening_brief",
    cron: dailyCron(deps.settings.eveningBriefMinute),
    duePeriod: (now) => eveningBriefDuePeriod(deps, now),
    run: (ctx) => runEveningBrief(deps, ctx),
  };
}
