/**
 * The work calendar's daily warning (src/calendar/calendar-warning.ts): while a year's holidays are
 * unknown — the current year, or from CALENDAR_WARN_FROM the next one — at CALENDAR_WARN_TIME on
 * working days, one message to each work group @-mentioning the admins (the inspectors when the roster
 * names no admin), once per group and day (key `calendar_warning:<chatId>:<day>`). Not part of the
 * digest: it asks the office to act, not the leaders.
 */
import type { Logger } from "pino";
import { adminsOrInspectors, mentionMessage, staffChatIds } from "../calendar/calendar-chats.ts";
import { CT } from "../calendar/calendar-texts.ts";
import type { CalendarWarning } from "../calendar/calendar-warning.ts";
import type { RosterIndex } from "../core/roster-index.ts";
import type { WorkCalendar } from "../core/work-calendar.ts";
import type { PrismaClient } from "../store/generated/client.ts";
import type { Sql } from "../store/sql.ts";
import { localInstant, localParts } from "./local-time.ts";
import { enqueueOnce } from "./outbox-enqueue.ts";
import {
  type DuePeriod,
  dailyCron,
  type JobOutcome,
  type JobRunContext,
  type ScheduledJob,
} from "./scheduled-job.ts";

export interface CalendarWarningJobDeps {
  prisma: PrismaClient;
  sql: Sql;
  roster: () => RosterIndex;
  calendar: Pick<WorkCalendar, "isWorkday">;
  /** The warning due at an instant, or null (CalendarService.warning). */
  warning: (now: Date) => CalendarWarning | null;
  timeZone: string;
  log: Logger;
  settings: { calendarWarnMinute: number };
}

/** Today, once the time has come, on a working day while a warning is due; else nothing. */
export function calendarWarningDuePeriod(deps: CalendarWarningJobDeps, now: Date): DuePeriod | null {
  const { date } = localParts(now, deps.timeZone);
  if (!deps.calendar.isWorkday(date) || !deps.warning(now)) return null;
  const at = localInstant(date, deps.settings.calendarWarnMinute, deps.timeZone);
  return now.getTime() >= at.getTime() ? { key: date, at } : null;
}

export async function runCalendarWarning(
  deps: CalendarWarningJobDeps,
  ctx: JobRunContext,
): Promise<JobOutcome> {
  const warning = deps.warning(ctx.now);
  if (!warning) return { status: "skipped", note: "the calendar knows the year now" };
  const chats = staffChatIds(deps.sql);
  if (chats.length === 0) {
    deps.log.warn(CT.warningChat(warning));
    return { status: "skipped", note: "no enabled work group (Chat role report) to warn in" };
  }
  const people = adminsOrInspectors(deps.roster());
  let queued = 0;
  for (const chatId of chats) {
    if (ctx.signal.aborted) return { status: "stopped", note: `stopped after ${queued} chat(s)` };
    const message = mentionMessage(chatId, people, CT.warningChat(warning), "calendar_warning");
    const idempotencyKey = `calendar_warning:${chatId}:${ctx.period.key}`;
    if (await enqueueOnce(deps.prisma, message, { idempotencyKey, now: ctx.now })) queued++;
  }
  return { status: "done", note: `${warning.year} unknown: warned in ${queued} of ${chats.length} group(s)` };
}

export function calendarWarningJob(deps: CalendarWarningJobDeps): ScheduledJob {
  return {
    name: "calendar_warning",
    cron: dailyCron(deps.settings.calendarWarnMinute),
    duePeriod: (now) => calendarWarningDuePeriod(deps, now),
    run: (ctx) => runCalendarWarning(deps, ctx),
  };
}
