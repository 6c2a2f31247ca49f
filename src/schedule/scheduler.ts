/**
 * Runs the scheduled jobs. node-cron (in the configured time zone, Asia/Shanghai by default) only
 * wakes the scheduler; every wake-up checks every job against the clock and the JobRun record:
 * - a job whose period is due and not finished runs (so a run missed while the process was down runs
 *   once at start, and a failed run is retried at the next wake-up);
 * - a period that finished never runs again; one that was cut off resumes (job-runs.ts).
 * Runs are serialized: one job body at a time, never two runs of the same job.
 */
import cron, { type ScheduledTask } from "node-cron";
import type { Logger } from "pino";
import type { Clock } from "../core/types.ts";
import type { PrismaClient } from "../store/generated/client.ts";
import { claimRun, finishRun } from "./job-runs.ts";
import type { ScheduledJob } from "./scheduled-job.ts";

export interface SchedulerOptions {
  jobs: readonly ScheduledJob[];
  prisma: PrismaClient;
  clock: Clock;
  log: Logger;
  timeZone: string;
}

/** What one wake-up did per job, for logs and tests. */
export interface RunReport {
  job: string;
  period: string;
  status: "done" | "skipped" | "stopped" | "failed";
  resumed: boolean;
  note: string;
}

export class Scheduler {
  private tasks: ScheduledTask[] = [];
  private controller = new AbortController();
  /** Rounds run one after another: each call to runDue queues one. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: SchedulerOptions) {}

  get jobs(): readonly ScheduledJob[] {
    return this.opts.jobs;
  }

  /** Registers the cron tasks and catches up on anything due (missed or cut off while stopped). */
  start(): Promise<RunReport[]> {
    if (this.controller.signal.aborted) this.controller = new AbortController();
    for (const job of this.opts.jobs) {
      const task = cron.createTask(job.cron, () => this.wake(), {
        timezone: this.opts.timeZone,
        name: `luzhang:${job.name}`,
        noOverlap: true,
      });
      void task.start();
      this.tasks.push(task);
    }
    this.opts.log.info({ jobs: this.opts.jobs.map((j) => `${j.name} (${j.cron})`) }, "scheduler started");
    return this.runDue();
  }

  /** Stops the cron tasks, asks a running job to stop between two units of work, and waits for it. */
  async stop(): Promise<void> {
    this.controller.abort();
    for (const task of this.tasks) await task.destroy();
    this.tasks = [];
    await this.queue;
  }

  /** Runs every job that is due now, one after another, after any round already queued. */
  runDue(): Promise<RunReport[]> {
    const round = this.queue.then(() => this.round());
    this.queue = round.catch(() => undefined);
    return round;
  }

  private wake(): void {
    this.runDue().catch((err) => this.opts.log.error({ err }, "scheduler round failed"));
  }

  private async round(): Promise<RunReport[]> {
    const reports: RunReport[] = [];
    for (const job of this.opts.jobs) {
      if (this.controller.signal.aborted) break;
      const report = await this.runJob(job);
      if (report) reports.push(report);
    }
    return reports;
  }

  /** Runs one job if its period is due and not finished; the error boundary of a job (STYLE.md §8). */
  private async runJob(job: ScheduledJob): Promise<RunReport | null> {
    const { prisma, clock, log } = this.opts;
    const now = clock.now();
    const period = job.duePeriod(now);
    if (!period) return null;
    const claimed = await claimRun(prisma, job.name, period.key, now);
    if (!claimed) return null;
    if (claimed.resumed)
      log.info({ job: job.name, period: period.key }, "resuming a run that was cut off or failed");
    try {
      const outcome = await job.run({
        now,
        period,
        signal: this.controller.signal,
        resumed: claimed.resumed,
      });
      if (outcome.status === "stopped") {
        log.warn(
          { job: job.name, period: period.key, note: outcome.note },
          "job stopped midway; it resumes at the next start",
        );
      } else {
        await finishRun(prisma, claimed, outcome.status, outcome.note, clock.now());
        log.info(
          { job: job.name, period: period.key, status: outcome.status, note: outcome.note },
          "job run finished",
        );
      }
      return {
        job: job.name,
        period: period.key,
        status: outcome.status,
        resumed: claimed.resumed,
        note: outcome.note,
      };
    } catch (err) {
      const note = err instanceof Error ? err.message : String(err);
      log.error(
        { err, job: job.name, period: period.key },
        "job run failed; it is retried at the next check",
      );
      await finishRun(prisma, claimed, "failed", note, clock.now()).catch((e) =>
        log.error({ err: e, job: job.name }, "recording a failed job run failed"),
      );
      return { job: job.name, period: period.key, status: "failed", resumed: claimed.resumed, note };
    }
  }
}
