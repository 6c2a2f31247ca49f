/**
 * Wires the reports and the scheduled jobs from the configuration: the report service (also used by
 * the on-demand commands), the digest chats, and the scheduler with its jobs. The caller starts the
 * scheduler (create-app.ts does when SCHEDULER is on and the app is asked to).
 */
import type { Logger } from "pino";
import type { CalendarWarning } from "../calendar/calendar-warning.ts";
import type { ReportPort } from "../conversation/report-commands.ts";
import type { RosterIndex } from "../core/roster-index.ts";
import type { TaxonomyIndex } from "../core/taxonomy.ts";
import type { Clock } from "../core/types.ts";
import type { WorkCalendar } from "../core/work-calendar.ts";
import { warmUpChartRenderer } from "../report/chart-render.ts";
import { ReportService } from "../report/report-service.ts";
import type { PrismaClient } from "../store/generated/client.ts";
import type { MediaStore } from "../store/media-store.ts";
import type { Sql } from "../store/sql.ts";
import { calendarWarningJob } from "./calendar-warning-job.ts";
import { deadlineJob } from "./deadline-job.ts";
import { ensureDigestChats } from "./digest-chats.ts";
import { digestJob } from "./digest-job.ts";
import { eveningBriefJob } from "./evening-brief-job.ts";
import { rankingJob } from "./ranking-job.ts";
import { type ScheduleConfig, SIMULATOR_CHAT_ID } from "./schedule-config.ts";
import type { ScheduledJob } from "./scheduled-job.ts";
import { Scheduler } from "./scheduler.ts";

export interface ScheduleSetupDeps {
  prisma: PrismaClient;
  sql: Sql;
  media: MediaStore;
  roster: () => RosterIndex;
  taxonomy: TaxonomyIndex;
  calendar: WorkCalendar;
  clock: Clock;
  log: Logger;
  timeZone: string;
  /** Whether the simulator channel is on: its chat is then the report and the digest group. */
  simulator: boolean;
  settings: ScheduleConfig;
  /** The work calendar's daily warning to the admins (calendar-warning-job.ts). */
  calendarWarning: { warning: (now: Date) => CalendarWarning | null; minute: number };
}

export interface ScheduleSetup {
  reports: ReportService;
  scheduler: Scheduler;
}

/** Builds the report service and the scheduler (not started) and gives DIGEST_CHATS the digest role. */
export async function setupSchedule(deps: ScheduleSetupDeps): Promise<ScheduleSetup> {
  const { prisma, calendar, timeZone, settings } = deps;
  const log = deps.log.child({ component: "schedule" });
  await ensureDigestChats(
    prisma,
    settings.digestChats,
    deps.simulator ? { simulatorChatId: SIMULATOR_CHAT_ID } : {},
  );
  // At start rather than at the first digest (see warmUpChartRenderer).
  warmUpChartRenderer();
  const reports = new ReportService({
    prisma,
    sql: deps.sql,
    media: deps.media,
    roster: deps.roster,
    taxonomy: deps.taxonomy,
    calendar,
    timeZone,
    log,
    settings: {
      digestWorkdaysOnly: settings.digestWorkdaysOnly,
      scoreWeights: settings.scoreWeights,
      gradeThresholds: settings.gradeThresholds,
    },
  });
  const common = { prisma, reports, calendar, timeZone, log };
  const jobs: ScheduledJob[] = [
    digestJob({ ...common, settings }),
    rankingJob({ ...common, settings }),
    deadlineJob({
      prisma,
      sql: deps.sql,
      roster: deps.roster,
      taxonomy: deps.taxonomy,
      calendar,
      timeZone,
      log,
      settings,
    }),
    calendarWarningJob({
      prisma,
      sql: deps.sql,
      roster: deps.roster,
      calendar,
      warning: deps.calendarWarning.warning,
      timeZone,
      log,
      settings: { calendarWarnMinute: deps.calendarWarning.minute },
    }),
  ];
  if (settings.eveningBriefMinute !== null) {
    jobs.push(eveningBriefJob({ ...common, settings: { eveningBriefMinute: settings.eveningBriefMinute } }));
  }
  return { reports, scheduler: new Scheduler({ jobs, prisma, clock: deps.clock, log, timeZone }) };
}

/**
 * The on-demand report port of the conversation, bound late: the conversation is built before the
 * report service exists (create-app.ts), and only calls it once messages flow.
 */
export function lazyReportPort(reports: () => ReportService): ReportPort {
  return {
    brief: (now) => reports().digest(now, "today", { mentionChiefs: false }),
    ranking: (now) => reports().ranking(now, "current"),
  };
}
