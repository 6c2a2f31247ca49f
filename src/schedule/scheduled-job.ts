/** What the scheduler knows of a job: when it is due, and the body to run for a period. */

/** A period a job is due for: its key in JobRun (a day, a week, a check slot) and when it was due. */
export interface DuePeriod {
  key: string;
  at: Date;
}

export interface JobRunContext {
  /** The clock reading the run works with (STYLE.md §4: job bodies take the time, never read it). */
  now: Date;
  period: DuePeriod;
  /** Aborted when the scheduler stops: the job returns "stopped" between two units of work. */
  signal: AbortSignal;
  /** This period was started before and is being resumed. */
  resumed: boolean;
}

/**
 * How a run ended. "stopped" leaves the period open to be resumed (the run was cut off);
 * "done" and "skipped" close it.
 */
export type JobOutcome = { status: "done" | "skipped"; note: string } | { status: "stopped"; note: string };

export interface ScheduledJob {
  readonly name: string;
  /** node-cron expression (in the configured time zone) of the moments the job may become due. */
  readonly cron: string;
  /** The period due at `now` (the latest one only: older missed periods are not worth sending), or null. */
  duePeriod(now: Date): DuePeriod | null;
  run(ctx: JobRunContext): Promise<JobOutcome>;
}

/** A cron expression firing daily at a local minute of the day. */
export function dailyCron(minute: number): string {
  return `${minute % 60} ${Math.floor(minute / 60)} * * *`;
}
