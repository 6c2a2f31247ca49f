/**
 * The morning digest (每日简报): at DIGEST_TIME (default 08:30) on working days, to every chat with the
 * digest role, at most once per chat and day (key `digest:<chatId>:<day>`). Missed while the process
 * was down, it goes out once when the process is back the same day.
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

export interface DigestJobDeps {
  prisma: PrismaClient;
  reports: ReportService;
  calendar: Pick<WorkCalendar, "isWorkday">;
  timeZone: string;
  log: Logger;
  settings: { digestMinute: number; digestWorkdaysOnly: boolean };
}

/** Today's digest period once its time has come; none on non-working days (with DIGEST_WORKDAYS_ONLY). */
export function digestDuePeriod(deps: DigestJobDeps, now: Date): DuePeriod | null {
  const { date } = localParts(now, deps.timeZone);
  if (deps.settings.digestWorkdaysOnly && !deps.calendar.isWorkday(date)) return null;
  const at = localInstant(date, deps.settings.digestMinute, deps.timeZone);
  return now.getTime() >= at.getTime() ? { key: date, at } : null;
}

/** Builds the digest once and queues it for each digest chat that has not had it today. */
export function runDigest(deps: DigestJobDeps, ctx: JobRunContext): Promise<JobOutcome> {
  return broadcastReport({
    prisma: deps.prisma,
    log: deps.log,
    now: ctx.now,
    signal: ctx.signal,
    kind: "digest",
    periodKey: ctx.period.key,
    build: () => deps.reports.digest(ctx.now, "morning", { mentionChiefs: true }),
  });
}

export function digestJob(deps: DigestJobDeps): ScheduledJob {
  return {
    name: "digest",
    cron: dailyCron(deps.settings.digestMinute),
    duePeriod: (now) => digestDuePeriod(deps, now),
    run: (ctx) => runDigest(deps, ctx),
  };
}
