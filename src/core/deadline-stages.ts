/**
 * When a case reaches each stage of its time limit (DESIGN.md §2): yellow at 80 % of the time used,
 * red at the deadline, and the escalation rungs after it. Instants, not fractions, so a check only
 * compares `now` with them; computing them walks the calendar over the time limit only, never over
 * the whole (possibly long) time a case has been open. Platform-free and pure.
 */
import { type Light, YELLOW_FROM } from "./light.ts";
import { MS_PER_MINUTE } from "./time-zone.ts";
import type { CaseState, TimeLimit } from "./types.ts";
import type { WorkCalendar } from "./work-calendar.ts";

/** The facts of a case its stages depend on. */
export interface DeadlineFacts {
  startedAt: Date;
  /** Current deadline, after approved extensions. */
  deadline: Date;
  /** The taxonomy's time limit; null is read as natural time. */
  timeLimit: TimeLimit | null;
}

export type StageCalendar = Pick<WorkCalendar, "workMinutesBetween" | "addWorkMinutes" | "deadlineFor">;

/** The instant 80 % of the time from start to deadline is used (working time for work units). */
export function yellowAt(c: DeadlineFacts, calendar: StageCalendar): Date {
  const start = c.startedAt.getTime();
  const end = c.deadline.getTime();
  if (end <= start) return c.deadline;
  if (!c.timeLimit || c.timeLimit.unit === "hour") return new Date(start + YELLOW_FROM * (end - start));
  const total = calendar.workMinutesBetween(c.startedAt, c.deadline);
  if (total <= 0) return c.deadline;
  // Rounded up to the millisecond so that at this instant the fraction used is surely ≥ 80 %.
  const at = calendar.addWorkMinutes(
    c.startedAt,
    Math.ceil(YELLOW_FROM * total * MS_PER_MINUTE) / MS_PER_MINUTE,
  );
  return at.getTime() < end ? at : c.deadline;
}

/**
 * The instant a case is overdue by `afterLimits` further full time limits (0 = the deadline itself),
 * counted on the calendar like the limit itself (working time for work units).
 */
export function overdueBy(c: DeadlineFacts, afterLimits: number, calendar: StageCalendar): Date {
  if (afterLimits <= 0) return c.deadline;
  const limit: TimeLimit = c.timeLimit ?? {
    value: (c.deadline.getTime() - c.startedAt.getTime()) / 3_600_000,
    unit: "hour",
  };
  return calendar.deadlineFor(c.deadline, { value: limit.value * afterLimits, unit: limit.unit });
}

/** The light of a case at `at`. */
export function lightAt(c: DeadlineFacts, at: Date, calendar: StageCalendar): Light {
  if (at.getTime() >= c.deadline.getTime()) return "red";
  return at.getTime() >= yellowAt(c, calendar).getTime() ? "yellow" : "green";
}

/** States that have a light: open, and already a case (待立案 has none). */
export const LIT_STATES: readonly CaseState[] = [
  "dispatched",
  "in_progress",
  "awaiting_check",
  "returned",
  "backlogged",
];

/** The columns a light needs. */
export interface LightFacts {
  state: CaseState;
  startedAt: Date;
  deadline: Date | null;
  fixedAt: Date | null;
  timeLimit: TimeLimit | null;
}

/**
 * The light of a case at `now`, or null when it has none (closed, voided, 待立案). One rule for the
 * digest, the console and "我的任务": an awaiting-check case is judged at its fix time (its clock
 * stopped), a case without a deadline is green.
 */
export function lightOf(c: LightFacts, now: Date, calendar: StageCalendar): Light | null {
  if (!LIT_STATES.includes(c.state)) return null;
  if (!c.deadline) return "green";
  const at = c.state === "awaiting_check" && c.fixedAt ? c.fixedAt : now;
  return lightAt({ startedAt: c.startedAt, deadline: c.deadline, timeLimit: c.timeLimit }, at, calendar);
}
