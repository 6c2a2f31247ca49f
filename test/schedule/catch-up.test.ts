/**
 * Runs missed while the process was down: the latest due period of each job runs once when the
 * process is back; a restart after that sends nothing again; a day missed entirely is not sent late.
 */
import { describe, expect, it } from "vitest";
import { type ScheduleHarness, type Sent, startScheduleApp } from "./schedule-harness.ts";

const ENV = { DIGEST_CHATS: "sim:demo" };
const REPORT_KINDS = new Set(["digest", "ranking", "evening_brief"]);

async function ticksUntil(h: ScheduleHarness, untilIso: string, stepMs = 15 * 60_000) {
  const until = new Date(untilIso).getTime();
  for (let t = h.clock.now().getTime(); t <= until; t += stepMs) {
    h.clock.set(new Date(t).toISOString());
    await h.tick();
  }
}

const reports = (sent: Sent[]) => sent.filter((m) => REPORT_KINDS.has(m.kind)).map((m) => [m.at, m.key]);

describe("catching up after downtime", () => {
  it("sends the missed digest and ranking once when the process is back the same day", async () => {
    let h = await startScheduleApp({ now: "2026-10-08T07:00:00+08:00", env: ENV });
    const dir = h.dir;
    await ticksUntil(h, "2026-10-08T08:15:00+08:00");
    await h.close();
    // Down over 08:30 (digest) and 09:00 (ranking, moved from the holiday Monday to Thursday).
    h = await startScheduleApp({ dir, now: "2026-10-08T10:20:00+08:00", env: ENV });
    await h.tick();
    await ticksUntil(h, "2026-10-08T12:00:00+08:00");
    await h.close();
    h = await startScheduleApp({ dir, now: "2026-10-08T12:05:00+08:00", env: ENV });
    await h.tick();
    const back = "2026-10-08T02:20:00.000Z";
    expect(reports(await h.sent())).toEqual([
      [back, "digest:sim:demo:2026-10-08"],
      [back, "ranking:sim:demo:2026-10-05"],
    ]);
    const runs = await h.app.prisma.jobRun.findMany({ where: { job: { in: ["digest", "ranking"] } } });
    expect(runs.map((r) => [r.job, r.periodKey, r.status, r.startedAt.toISOString()])).toEqual([
      ["digest", "2026-10-08", "done", back],
      ["ranking", "2026-10-05", "done", back],
    ]);
    await h.close();
  });

  it("does not send a digest of a day the process missed entirely; the next day's covers it", async () => {
    let h = await startScheduleApp({ now: "2026-10-08T07:00:00+08:00", env: ENV });
    const dir = h.dir;
    await h.tick();
    await h.close();
    h = await startScheduleApp({ dir, now: "2026-10-09T09:00:00+08:00", env: ENV });
    await h.tick();
    const sent = (await h.sent()).filter((m) => m.kind === "digest");
    expect(sent.map((m) => m.key)).toEqual(["digest:sim:demo:2026-10-09"]);
    expect(sent[0]?.text).toContain("昨日（10月8日）");
    await h.close();
  });

  it("with DIGEST_WORKDAYS_ONLY=false the digest goes out every day and covers the day before", async () => {
    const h = await startScheduleApp({
      now: "2026-10-11T08:00:00+08:00",
      env: { ...ENV, DIGEST_WORKDAYS_ONLY: "false" },
    });
    await ticksUntil(h, "2026-10-11T09:00:00+08:00");
    const digests = (await h.sent()).filter((m) => m.kind === "digest");
    expect(digests.map((m) => [m.at, m.key])).toEqual([
      ["2026-10-11T00:30:00.000Z", "digest:sim:demo:2026-10-11"],
    ]);
    expect(digests[0]?.text).toContain("【路长通每日简报】10月11日（周日）\n昨日（10月10日）新增 0 件");
    await h.close();
  });

  it("a make-up working Saturday gets a digest; a Sunday does not", async () => {
    const h = await startScheduleApp({ now: "2026-10-10T08:00:00+08:00", env: ENV });
    await ticksUntil(h, "2026-10-11T12:00:00+08:00", 30 * 60_000);
    expect(reports(await h.sent())).toEqual([
      // A process new this week catches up on the week's ranking (due on Thursday) at its first check.
      ["2026-10-10T00:00:00.000Z", "ranking:sim:demo:2026-10-05"],
      ["2026-10-10T00:30:00.000Z", "digest:sim:demo:2026-10-10"],
    ]);
    await h.close();
  });
});
