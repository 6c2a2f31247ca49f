/** The scheduler's run record: failures retried a bounded number of times, cut-off runs resumed, cron in Asia/Shanghai. */
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { MAX_ATTEMPTS } from "../../src/schedule/job-runs.ts";
import type { JobOutcome, JobRunContext, ScheduledJob } from "../../src/schedule/scheduled-job.ts";
import { Scheduler } from "../../src/schedule/scheduler.ts";
import { type ScheduleHarness, startScheduleApp } from "./schedule-harness.ts";

let h: ScheduleHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

function fakeJob(
  name: string,
  body: (ctx: JobRunContext) => Promise<JobOutcome>,
): ScheduledJob & { calls: JobRunContext[] } {
  const calls: JobRunContext[] = [];
  return {
    name,
    cron: "30 8 * * *",
    calls,
    duePeriod: (now) => ({ key: now.toISOString().slice(0, 10), at: now }),
    run: (ctx) => {
      calls.push(ctx);
      return body(ctx);
    },
  };
}

describe("scheduler", () => {
  it("records a failing run, retries it at each wake-up, and gives up after MAX_ATTEMPTS", async () => {
    h = await startScheduleApp({ now: "2026-10-08T09:00:00+08:00" });
    const job = fakeJob("flaky", async () => {
      throw new Error("boom");
    });
    const s = new Scheduler({
      jobs: [job],
      prisma: h.app.prisma,
      clock: h.clock,
      log: pino({ level: "silent" }),
      timeZone: "Asia/Shanghai",
    });
    for (let i = 0; i < MAX_ATTEMPTS + 2; i++) {
      const [report] = await s.runDue();
      if (i < MAX_ATTEMPTS) expect(report?.status).toBe("failed");
      else expect(report).toBeUndefined();
    }
    expect(job.calls.length).toBe(MAX_ATTEMPTS);
    const run = await h.app.prisma.jobRun.findFirstOrThrow({ where: { job: "flaky" } });
    expect(run.status).toBe("failed");
    expect(run.note).toBe(`attempt ${MAX_ATTEMPTS}: boom`);
  });

  it("leaves a stopped run open and resumes it once; a finished period never runs again", async () => {
    h = await startScheduleApp({ now: "2026-10-08T09:00:00+08:00" });
    let stop = true;
    const job = fakeJob("resumable", async () =>
      stop ? { status: "stopped", note: "cut" } : { status: "done", note: "ok" },
    );
    const s = new Scheduler({
      jobs: [job],
      prisma: h.app.prisma,
      clock: h.clock,
      log: pino({ level: "silent" }),
      timeZone: "Asia/Shanghai",
    });
    await s.runDue();
    expect((await h.app.prisma.jobRun.findFirstOrThrow({ where: { job: "resumable" } })).status).toBe(
      "running",
    );
    stop = false;
    await s.runDue();
    await s.runDue();
    expect(job.calls.map((c) => c.resumed)).toEqual([false, true]);
    const run = await h.app.prisma.jobRun.findFirstOrThrow({ where: { job: "resumable" } });
    expect([run.status, run.note]).toEqual(["done", "attempt 2: ok"]);
  });

  it("registers its cron tasks in Asia/Shanghai", async () => {
    h = await startScheduleApp({
      now: "2026-10-08T09:00:00+08:00",
      env: { DIGEST_TIME: "08:30", DEADLINE_CHECK_MINUTES: "15" },
    });
    const cron = (await import("node-cron")).default;
    const s = h.app.scheduler;
    await s.start();
    try {
      const tasks = [...cron.getTasks().values()].filter((t) => t.name?.startsWith("luzhang:"));
      expect(tasks.map((t) => t.name).sort()).toEqual([
        "luzhang:calendar_warning",
        "luzhang:deadline",
        "luzhang:digest",
        "luzhang:ranking",
      ]);
      const digest = tasks.find((t) => t.name === "luzhang:digest");
      const next = digest?.getNextRun();
      const local = new Intl.DateTimeFormat("en-GB", {
        timeZone: "Asia/Shanghai",
        hour: "2-digit",
        minute: "2-digit",
      }).format(next ?? new Date(0));
      expect(local).toBe("08:30");
    } finally {
      await s.stop();
    }
    expect([...cron.getTasks().values()].filter((t) => t.name?.startsWith("luzhang:"))).toEqual([]);
  });
});
