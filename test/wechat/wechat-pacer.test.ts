import { describe, expect, it } from "vitest";
import { SendPacer } from "../../bots/wechat/wechat-pacer.ts";
import { FakeClock } from "../helpers/test-app.ts";

describe("the pacing queue", () => {
  it("spaces jobs by the interval plus jitter, one at a time, in order, and keeps going after a failure", async () => {
    const clock = new FakeClock(new Date("2026-11-26T10:00:00+08:00"));
    const randoms = [0, 0.5, 0.999];
    let r = 0;
    const pacer = new SendPacer({
      minIntervalMs: 1500,
      jitterMs: 1000,
      clock,
      sleep: async (ms) => clock.advance(ms),
      random: () => randoms[r++ % randoms.length] ?? 0,
    });
    const started: number[] = [];
    let running = 0;
    const jobs = Array.from({ length: 6 }, (_, i) =>
      pacer.run(async () => {
        running += 1;
        expect(running).toBe(1);
        started.push(clock.now().getTime());
        await Promise.resolve();
        running -= 1;
        if (i === 2) throw new Error("boom");
        return i;
      }),
    );
    const results = await Promise.allSettled(jobs);
    expect(results.map((x) => x.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "rejected",
      "fulfilled",
      "fulfilled",
      "fulfilled",
    ]);
    const gaps = started.slice(1).map((t, i) => t - (started[i] ?? 0));
    // Jitter is floor(random × (jitter + 1)): 0 → 0, 0.5 → 500, 0.999 → 999.
    expect(gaps).toEqual([1500, 2000, 2499, 1500, 2000]);
  });

  it("does not wait when the last send is long past", async () => {
    const clock = new FakeClock(new Date("2026-11-26T10:00:00+08:00"));
    const waits: number[] = [];
    const pacer = new SendPacer({
      minIntervalMs: 1500,
      jitterMs: 0,
      clock,
      sleep: async (ms) => void waits.push(ms),
    });
    await pacer.run(async () => 1);
    clock.advance(60_000);
    await pacer.run(async () => 2);
    expect(waits).toEqual([]);
  });
});
