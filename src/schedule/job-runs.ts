/**
 * The record of scheduled runs (JobRun, unique per job and period). A run is claimed before it
 * starts and finished when it ends, so:
 * - a period that already finished is never run again (a digest at most once per day);
 * - a run cut off midway (crash, stop) is still "running" and is resumed by the next process; the
 *   job's deterministic outbox keys make the resumed run skip what the first one already queued;
 * - a failed run is retried at the next check, up to MAX_ATTEMPTS times.
 * One process runs the jobs of a database (SCHEDULER=true on one instance only; docs/schedule.md).
 */
import type { PrismaClient } from "../store/generated/client.ts";

export type JobRunStatus = "running" | "done" | "skipped" | "failed";

/** A run that failed this many times for one period is not tried again (the error is logged each time). */
export const MAX_ATTEMPTS = 5;

export interface ClaimedRun {
  id: number;
  /** The period was started before (by a process that stopped or failed): this run resumes it. */
  resumed: boolean;
  attempt: number;
}

function isUniqueViolation(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: string }).code === "P2002";
}

function attemptsOf(note: string): number {
  const m = /^attempt (\d+)/.exec(note);
  return m ? Number(m[1]) : 1;
}

/** Claims the run of `job` for `periodKey`, or returns null when it is finished or has failed too often. */
export async function claimRun(
  prisma: PrismaClient,
  job: string,
  periodKey: string,
  now: Date,
): Promise<ClaimedRun | null> {
  const existing = await prisma.jobRun.findUnique({ where: { job_periodKey: { job, periodKey } } });
  if (!existing) {
    try {
      const row = await prisma.jobRun.create({
        data: { job, periodKey, startedAt: now, status: "running", note: "attempt 1" },
      });
      return { id: row.id, resumed: false, attempt: 1 };
    } catch (e) {
      if (isUniqueViolation(e)) return null;
      throw e;
    }
  }
  if (existing.status === "done" || existing.status === "skipped") return null;
  const attempt = attemptsOf(existing.note) + 1;
  if (existing.status === "failed" && attempt > MAX_ATTEMPTS) return null;
  await prisma.jobRun.update({
    where: { id: existing.id },
    data: { status: "running", note: `attempt ${attempt} (resumed)` },
  });
  return { id: existing.id, resumed: true, attempt };
}

/** Records how a claimed run ended. A run left "running" (stopped midway) is resumed later. */
export async function finishRun(
  prisma: PrismaClient,
  run: ClaimedRun,
  status: Exclude<JobRunStatus, "running">,
  note: string,
  now: Date,
): Promise<void> {
  await prisma.jobRun.update({
    where: { id: run.id },
    data: { status, finishedAt: now, note: `attempt ${run.attempt}: ${note}`.slice(0, 500) },
  });
}

/** Deletes the records of frequent jobs older than `before` (deadline checks write one per check). */
export async function pruneRuns(prisma: PrismaClient, job: string, before: Date): Promise<number> {
  const { count } = await prisma.jobRun.deleteMany({
    where: { job, startedAt: { lt: before }, status: { not: "running" } },
  });
  return count;
}
