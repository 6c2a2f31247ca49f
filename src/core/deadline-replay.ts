/**
 * A case's deadline worked out again from what set it: the time limit counted from the start (a
 * report, or the last reassignment), then each approved extension (延时) counted from the deadline
 * before it — exactly as the conversation computed it. On another calendar this gives the deadline
 * that calendar would have set. Pure.
 */
import type { TimeLimit } from "./types.ts";
import type { WorkCalendar } from "./work-calendar.ts";

/** An approved extension as the case events record it. */
export interface ApprovedExtension {
  value: number;
  /** Natural hours, or working days (the only units 延时 takes). */
  unit: "hour" | "work_day";
}

/** The deadline `calendar` gives a case started at `startedAt` with its limit and approved extensions. */
export function replayDeadline(
  c: { startedAt: Date; timeLimit: TimeLimit },
  extensions: readonly ApprovedExtension[],
  calendar: Pick<WorkCalendar, "deadlineFor">,
): Date {
  let deadline = calendar.deadlineFor(c.startedAt, c.timeLimit);
  for (const e of extensions) deadline = calendar.deadlineFor(deadline, e);
  return deadline;
}
