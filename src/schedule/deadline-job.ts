/**
 * Deadline checks (every DEADLINE_CHECK_MINUTES, default 15): a reminder to the handling chief when
 * a case turns yellow (80 % of its time used) and when it turns red (overdue), and escalation up the
 * chief ladder (ESCALATION_LADDER, default: 二级路长 when overdue, 一级路长 when overdue by a further
 * full time limit). Each reminder and escalation goes out once per case and stage (key
 * `remind:<caseId>:<stage>` / `escalate:<caseId>:<role>`, with `~x<n>` after n approved extensions, so
 * a new deadline gets its own reminders) and is recorded as a case event. Non-urgent cases are not
 * reminded in quiet hours or on non-working days: their reminders wait for the next allowed check.
 */
import type { Logger } from "pino";
import { HANDLER_ACTIONS } from "../conversation/case-view.ts";
import { formatTime } from "../conversation/texts.ts";
import { overdueBy, yellowAt } from "../core/deadline-stages.ts";
import type { RosterIndex } from "../core/roster-index.ts";
import type { TaxonomyIndex } from "../core/taxonomy.ts";
import type { OutboundMessage, Person, TimeLimit } from "../core/types.ts";
import type { WorkCalendar } from "../core/work-calendar.ts";
import { parseIdList, parseTimeLimit } from "../store/case-mapper.ts";
import type { PrismaClient } from "../store/generated/client.ts";
import { fromDbDate, type Sql } from "../store/sql.ts";
import { pruneRuns } from "./job-runs.ts";
import { hhmmOf, localParts } from "./local-time.ts";
import { enqueueOnce, queuedKeys } from "./outbox-enqueue.ts";
import type { EscalationRole, EscalationStep, ScheduleConfig } from "./schedule-config.ts";
import { type CaseLine, S } from "./schedule-texts.ts";
import type { DuePeriod, JobOutcome, JobRunContext, ScheduledJob } from "./scheduled-job.ts";

/** Check records older than this are deleted: one is written per check, ~700 a week at 15 minutes. */
const KEEP_CHECK_RECORDS_MS = 7 * 86_400_000;
/** The actor of the case events the scheduler writes. */
const SCHEDULER_ACTOR = "system:scheduler";

export interface DeadlineJobDeps {
  prisma: PrismaClient;
  /** Direct SQL on the same connection, for reading the open cases. */
  sql: Sql;
  roster: () => RosterIndex;
  taxonomy: TaxonomyIndex;
  calendar: WorkCalendar;
  timeZone: string;
  log: Logger;
  settings: Pick<
    ScheduleConfig,
    "deadlineCheckMinutes" | "quietHours" | "remindersEnabled" | "reminderMaxPerRun" | "escalationLadder"
  >;
}

export type Stage = "yellow" | "red" | EscalationRole;

/** A reminder or escalation that is due and not yet sent. */
/** In the order of the check's query: the most overdue first, so the cap keeps the worst. */
interface DueNotice {
  caseId: number;
  stage: Stage;
  key: string;
}

/** Whether a local minute of the day is inside the quiet hours (which may wrap midnight). */
export function inQuietHours(minute: number, quiet: ScheduleConfig["quietHours"]): boolean {
  if (!quiet) return false;
  return quiet.start < quiet.end
    ? minute >= quiet.start && minute < quiet.end
    : minute >= quiet.start || minute < quiet.end;
}

/** The check slot `now` falls in (key like "2026-09-28T10:45"). Every slot is due: the checks run all day. */
export function deadlineDuePeriod(
  deps: Pick<DeadlineJobDeps, "timeZone" | "settings">,
  now: Date,
): DuePeriod {
  const step = deps.settings.deadlineCheckMinutes;
  const local = localParts(now, deps.timeZone);
  const slot = local.minute - (local.minute % step);
  const at = new Date(now.getTime() - (local.minute - slot) * 60_000 - (now.getTime() % 60_000));
  return { key: `${local.date}T${hhmmOf(slot)}`, at };
}

/** The key of a stage: `remind:<id>:<stage>` or `escalate:<id>:<role>`, `~x<n>` after n extensions. */
export function stageKey(caseId: number, stage: Stage, extensionCount: number): string {
  const base =
    stage === "yellow" || stage === "red" ? `remind:${caseId}:${stage}` : `escalate:${caseId}:${stage}`;
  return extensionCount > 0 ? `${base}~x${extensionCount}` : base;
}

/** An open case as the check reads it (dates as stored: ISO text). */
interface CheckRow {
  id: number;
  number: string;
  categoryCode: string | null;
  summary: string;
  segmentId: string | null;
  handlerId: string | null;
  coHandlers: string;
  urgent: number;
  timeLimit: string;
  startedAt: string;
  deadline: string;
  extensionCount: number;
  chatId: string;
  channel: string;
}

interface CheckedCase {
  id: number;
  startedAt: Date;
  deadline: Date;
  timeLimit: TimeLimit | null;
}

/** The stages a case has reached at `now`: yellow (until red), red, and each ladder rung passed. */
export function reachedStages(
  c: CheckedCase,
  now: Date,
  calendar: WorkCalendar,
  ladder: readonly EscalationStep[],
): Stage[] {
  const t = now.getTime();
  if (t < c.deadline.getTime()) return t >= yellowAt(c, calendar).getTime() ? ["yellow"] : [];
  // Already red: a yellow reminder that never went out (holiday, quiet hours) is stale, so it is dropped.
  const stages: Stage[] = ["red"];
  for (const step of ladder)
    if (t >= overdueBy(c, step.afterLimits, calendar).getTime()) stages.push(step.role);
  return stages;
}

/** Runs one deadline check at `ctx.now`. */
export async function runDeadlineChecks(deps: DeadlineJobDeps, ctx: JobRunContext): Promise<JobOutcome> {
  const { prisma, calendar, settings, log } = deps;
  const { now } = ctx;
  await pruneRuns(prisma, "deadline", new Date(now.getTime() - KEEP_CHECK_RECORDS_MS));
  if (!settings.remindersEnabled)
    return { status: "skipped", note: "reminders are off (REMINDERS_ENABLED=false)" };
  const local = localParts(now, deps.timeZone);
  const quiet = !calendar.isWorkday(local.date) || inQuietHours(local.minute, settings.quietHours);
  // Direct SQL: every open case is read at every check; Prisma took about twice as long (report-data.ts).
  const rows = deps.sql
    .all<CheckRow>(
      `SELECT id, number, categoryCode, summary, segmentId, handlerId, coHandlers, urgent, timeLimit, startedAt,
              deadline, extensionCount, chatId, channel
         FROM "Case"
        WHERE state IN ('dispatched', 'in_progress') AND deadline IS NOT NULL${quiet ? " AND urgent = 1" : ""}
        ORDER BY deadline, id`,
    )
    .map((r) => ({
      ...r,
      urgent: Boolean(r.urgent),
      startedAt: fromDbDate(r.startedAt),
      deadline: fromDbDate(r.deadline),
    }));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const due: DueNotice[] = [];
  for (const r of rows) {
    const c = {
      id: r.id,
      startedAt: r.startedAt,
      deadline: r.deadline,
      timeLimit: parseTimeLimit(r.timeLimit),
    };
    for (const stage of reachedStages(c, now, calendar, settings.escalationLadder)) {
      due.push({ caseId: r.id, stage, key: stageKey(r.id, stage, r.extensionCount) });
    }
  }
  const already = queuedKeys(
    deps.sql,
    due.map((d) => d.key),
  );
  const roster = deps.roster();
  const person = (id: string | null | undefined): Person | undefined =>
    id ? roster.people.get(id) : undefined;
  /** Who a notice goes to: the chief and co-handlers for yellow and red, the rung's chief for an escalation. */
  const recipientsOf = (row: (typeof rows)[number], stage: Stage): Person[] => {
    if (stage === "yellow" || stage === "red") {
      // The handling chief and the co-handlers a whistle summoned: their answers count alike.
      return [person(row.handlerId), ...parseIdList(row.coHandlers).map(person)].filter((p): p is Person =>
        Boolean(p),
      );
    }
    const seg = row.segmentId ? roster.segments.get(row.segmentId) : undefined;
    const target =
      stage === "chief2" ? seg?.level2ChiefId : seg ? roster.roads.get(seg.roadName)?.level1ChiefId : null;
    const p = person(target);
    return p ? [p] : [];
  };
  // Recipients before the cap: notices nobody can receive (a road without its 一级路长, a case without a
  // segment) would otherwise come first at every check and use up the cap, so no reminder went out.
  const sendable: { notice: DueNotice; row: (typeof rows)[number]; to: Person[] }[] = [];
  const unreachable: string[] = [];
  for (const notice of due) {
    const row = byId.get(notice.caseId);
    if (!row || already.has(notice.key)) continue;
    const to = recipientsOf(row, notice.stage);
    if (to.length === 0) unreachable.push(`${row.number}:${notice.stage}`);
    else sendable.push({ notice, row, to });
  }
  const skipped = unreachable.length;
  if (skipped > 0) {
    log.warn(
      { count: skipped, first: unreachable.slice(0, 10) },
      "no one in the roster to remind or escalate to (check the roster's chiefs); skipped",
    );
  }
  if (sendable.length > settings.reminderMaxPerRun) {
    log.warn(
      { due: sendable.length, cap: settings.reminderMaxPerRun },
      "more reminders are due than REMINDER_MAX_PER_RUN allows; the rest wait for the next check",
    );
  }
  let sent = 0;
  for (const { notice, row, to } of sendable.slice(0, settings.reminderMaxPerRun)) {
    if (ctx.signal.aborted) return { status: "stopped", note: `stopped after ${sent} notice(s)` };
    const seg = row.segmentId ? roster.segments.get(row.segmentId) : undefined;
    const handler = person(row.handlerId);
    let text: string;
    const line: CaseLine = {
      number: row.number,
      what:
        (row.categoryCode && deps.taxonomy.get(row.categoryCode)?.name) || row.summary || S.unknownCategory,
      where: seg ? `${seg.roadName}${seg.from}至${seg.to}段` : S.unlocated,
      deadline: formatTime(row.deadline, deps.timeZone),
      urgent: row.urgent,
    };
    if (notice.stage === "yellow" || notice.stage === "red") {
      text = notice.stage === "yellow" ? S.yellow(line) : S.red(line);
    } else {
      const role = notice.stage;
      const step = settings.escalationLadder.find((s) => s.role === role);
      const overdue = step && step.afterLimits > 0 ? S.overdueLimits(step.afterLimits) : S.overdueOneLimit;
      text = S.escalation(role, line, handler?.name ?? "", overdue);
    }
    const assignment = deps.sql.get<{ platformMessageId: string }>(
      `SELECT platformMessageId FROM "OutboxMessage" WHERE caseId = ? AND kind = 'assignment' AND platformMessageId IS NOT NULL LIMIT 1`,
      row.id,
    );
    const message: OutboundMessage = {
      chatId: row.chatId,
      text: to.map((p) => `@${p.name} `).join("") + text,
      mentions: to.map((p) => ({
        personId: p.id,
        name: p.name,
        larkOpenId: p.larkOpenId,
        wechatId: p.wechatId,
      })),
      caseNumber: row.number,
      kind: notice.stage === "yellow" || notice.stage === "red" ? "reminder" : "escalation",
      ...(assignment?.platformMessageId ? { replyTo: assignment.platformMessageId } : {}),
      ...(notice.stage === "yellow" || notice.stage === "red" ? { actions: HANDLER_ACTIONS } : {}),
    };
    const queued = await prisma.$transaction(async (tx) => {
      const added = await enqueueOnce(tx, message, { idempotencyKey: notice.key, caseId: row.id, now });
      if (added) {
        await tx.caseEvent.create({
          data: {
            caseId: row.id,
            type: message.kind === "reminder" ? "reminded" : "escalated",
            actorKey: SCHEDULER_ACTOR,
            actorName: "路长通",
            actorRole: "system",
            channel: row.channel,
            at: now,
            data: JSON.stringify({ stage: notice.stage, key: notice.key, to: to.map((p) => p.id) }),
          },
        });
      }
      return added;
    });
    if (queued) {
      sent++;
      log.info(
        { case: row.number, stage: notice.stage, key: notice.key, chatId: row.chatId },
        "reminder or escalation queued",
      );
    }
  }
  const waiting = Math.max(0, sendable.length - settings.reminderMaxPerRun);
  return {
    status: "done",
    note: `${rows.length} case(s) checked${quiet ? " (quiet: urgent only)" : ""}, ${sent} notice(s) queued${skipped ? `, ${skipped} without recipient` : ""}${waiting ? `, ${waiting} waiting` : ""}`,
  };
}

export function deadlineJob(deps: DeadlineJobDeps): ScheduledJob {
  const step = deps.settings.deadlineCheckMinutes;
  return {
    name: "deadline",
    cron: step === 60 ? "0 * * * *" : `*/${step} * * * *`,
    duePeriod: (now) => deadlineDuePeriod(deps, now),
    run: (ctx) => runDeadlineChecks(deps, ctx),
  };
}
