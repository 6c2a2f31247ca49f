/**
 * When the work calendar changes, the open cases not yet due get the deadline the new calendar gives
 * them (DESIGN.md §2: deadlines are counted on the calendar), each with a case event saying the old and
 * the new deadline in local time. Nothing else changes: no state, no reminder, no message to the chief.
 * A deadline is only moved when the old calendar reproduces it from the case's record (start, limit,
 * approved extensions); one that does not (set by hand, or under other working hours) is left alone
 * and counted, for an inspector to look at. Runs inside the caller's transaction.
 */

import { type ApprovedExtension, replayDeadline } from "../core/deadline-replay.ts";
import { LIT_STATES } from "../core/deadline-stages.ts";
import type { WorkCalendar } from "../core/work-calendar.ts";
import { hhmmOf, localParts } from "../schedule/local-time.ts";
import { parseTimeLimit } from "../store/case-mapper.ts";
import { fromDbDate, type Sql, toDbDate } from "../store/sql.ts";
import { SqliteConversationStore } from "../store/sqlite-conversation-store.ts";
import { CT } from "./calendar-texts.ts";

const LIT_LIST = LIT_STATES.map((s) => `'${s}'`).join(",");

/** The case event type of a recomputed deadline. */
export const DEADLINE_RECOMPUTED = "deadline_recomputed";

export interface RecomputeInput {
  sql: Sql;
  now: Date;
  before: WorkCalendar;
  after: WorkCalendar;
  timeZone: string;
  /** The year whose entry changed the calendar (for the event's reason). */
  year: number;
  /** Who changed the calendar: the events are theirs. */
  actor: { key: string; name: string; role: string };
}

export interface RecomputedCase {
  id: number;
  number: string;
  from: Date;
  to: Date;
}

export interface RecomputeResult {
  changed: RecomputedCase[];
  unchanged: number;
  /** Numbers of cases whose deadline the old calendar does not reproduce (left as they were). */
  unexplained: string[];
}

interface OpenRow {
  id: number;
  number: string;
  channel: string;
  timeLimit: string;
  startedAt: string;
  deadline: string;
  extensionCount: number;
}

/** "2027-02-15 10:00" in the service's time zone. */
export function localMinute(d: Date, timeZone: string): string {
  const p = localParts(d, timeZone);
  return `${p.date} ${hhmmOf(p.minute)}`;
}

/**
 * The extensions approved since the case started (a reassignment restarts it), in order. The approval
 * records what it approved; older approvals did not, and then the request before them says.
 */
function approvedExtensions(sql: Sql, caseId: number, since: string): ApprovedExtension[] {
  const rows = sql.all<{ type: string; data: string }>(
    `SELECT type, data FROM "CaseEvent" WHERE caseId = ? AND type IN ('request_extension', 'approve_extension') AND at >= ? ORDER BY id`,
    caseId,
    since,
  );
  const out: ApprovedExtension[] = [];
  let requested: { amount?: unknown; unit?: unknown } = {};
  for (const r of rows) {
    const data = JSON.parse(r.data) as { amount?: unknown; unit?: unknown };
    if (r.type === "request_extension") {
      requested = data;
      continue;
    }
    const amount = typeof data.amount === "number" ? data.amount : requested.amount;
    const unit = data.unit ?? requested.unit;
    if (typeof amount !== "number") return [];
    out.push({ value: amount, unit: unit === "hour" ? "hour" : "work_day" });
  }
  return out;
}

/** Moves the deadlines of the open cases not yet due at `now` to what `after` gives them. */
export async function recomputeOpenDeadlines(input: RecomputeInput): Promise<RecomputeResult> {
  const { sql, now, before, after, timeZone, actor } = input;
  const rows = sql.all<OpenRow>(
    `SELECT id, number, channel, timeLimit, startedAt, deadline, extensionCount FROM "Case"
      WHERE state IN (${LIT_LIST}) AND deadline IS NOT NULL AND deadline > ? ORDER BY id`,
    toDbDate(now),
  );
  const store = new SqliteConversationStore(sql, now);
  const result: RecomputeResult = { changed: [], unchanged: 0, unexplained: [] };
  for (const r of rows) {
    const timeLimit = parseTimeLimit(r.timeLimit);
    const stored = fromDbDate(r.deadline);
    const extensions = r.extensionCount > 0 ? approvedExtensions(sql, r.id, r.startedAt) : [];
    const facts = timeLimit ? { startedAt: fromDbDate(r.startedAt), timeLimit } : null;
    if (!facts || extensions.length !== r.extensionCount) {
      result.unexplained.push(r.number);
      continue;
    }
    if (replayDeadline(facts, extensions, before).getTime() !== stored.getTime()) {
      result.unexplained.push(r.number);
      continue;
    }
    const next = replayDeadline(facts, extensions, after);
    if (next.getTime() === stored.getTime()) {
      result.unchanged++;
      continue;
    }
    await store.updateCase(r.id, { deadline: next });
    const [from, to] = [localMinute(stored, timeZone), localMinute(next, timeZone)];
    await store.appendEvent({
      caseId: r.id,
      type: DEADLINE_RECOMPUTED,
      actorKey: actor.key,
      actorName: actor.name,
      actorRole: actor.role,
      channel: "console",
      at: now,
      data: {
        from: stored.toISOString(),
        to: next.toISOString(),
        fromLocal: from,
        toLocal: to,
        year: input.year,
        reason: CT.recomputeReason(input.year, from, to),
      },
    });
    result.changed.push({ id: r.id, number: r.number, from: stored, to: next });
  }
  return result;
}
