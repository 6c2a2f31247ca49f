/** The rate limiter on a manual clock: windows count from Lark's answer, pauses hold everyone. */
import { describe, expect, it } from "vitest";
import { LarkRateLimiter, type LimiterClock, WINDOW_SAFETY_MS } from "../../bots/lark/lark-rate-limiter.ts";

/** A clock that only moves when sleeping: each sleep jumps to its wake-up time. */
function manualClock(): LimiterClock & { t: number } {
  const c = {
    t: 0,
    now: () => c.t,
    sleep: async (ms: number) => {
      c.t += Math.max(ms, 0);
    },
  };
  return c;
}

describe("LarkRateLimiter", () => {
  it("lets 5 messages a second into one group, counted from each answer", async () => {
    const clock = manualClock();
    const limiter = new LarkRateLimiter({ clock });
    const starts: number[] = [];
    for (let i = 0; i < 12; i++) {
      const permit = await limiter.acquireSend("oc_a");
      starts.push(clock.t);
      clock.t += 10; // Lark answers after 10 ms
      permit.done();
    }
    // Any 5 consecutive sends after the first five start ≥ 1 s (+ safety) after the answer 5 earlier.
    for (let i = 5; i < starts.length; i++) {
      expect((starts[i] ?? 0) - ((starts[i - 5] ?? 0) + 10)).toBeGreaterThanOrEqual(1_000 + WINDOW_SAFETY_MS);
    }
    expect(starts.slice(0, 5)).toEqual([0, 10, 20, 30, 40]);
  });

  it("shares 50/s across groups and keeps each group at 5/s", async () => {
    const clock = manualClock();
    const limiter = new LarkRateLimiter({ clock });
    const starts: number[] = [];
    for (let g = 0; g < 12; g++) {
      for (let i = 0; i < 5; i++) {
        const permit = await limiter.acquireSend(`oc_${g}`);
        starts.push(clock.t);
        clock.t += 1;
        permit.done();
      }
    }
    // Five per group fit each group's window; the app's 50/s makes the 51st wait a second.
    expect(starts[49]).toBe(49);
    expect((starts[50] ?? 0) - ((starts[0] ?? 0) + 1)).toBeGreaterThanOrEqual(1_000 + WINDOW_SAFETY_MS);
  });

  it("waits for an answer when calls in flight fill the window", async () => {
    const clock = manualClock();
    const limiter = new LarkRateLimiter({ clock, groupPerSecond: 2 });
    const a = await limiter.acquireSend("oc_a");
    await limiter.acquireSend("oc_a");
    let third = false;
    const waiting = limiter.acquireSend("oc_a").then((p) => {
      third = true;
      return p;
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(third).toBe(false);
    a.done();
    (await waiting).done();
    expect(third).toBe(true);
    expect(clock.t).toBeGreaterThanOrEqual(1_000);
  });

  it("holds every group after a 429 until the reset, and backs off a group after 230020", async () => {
    const clock = manualClock();
    const limiter = new LarkRateLimiter({ clock });
    limiter.pauseApp(3_000);
    (await limiter.acquireSend("oc_a")).done();
    expect(clock.t).toBe(3_000);
    expect(limiter.frequencyLimited("oc_b")).toBe(1_000);
    expect(limiter.frequencyLimited("oc_b")).toBe(2_000);
    const t0 = clock.t;
    (await limiter.acquireSend("oc_b")).done();
    expect(clock.t - t0).toBe(2_000);
    limiter.sent("oc_b");
    expect(limiter.frequencyLimited("oc_b")).toBe(1_000);
  });

  it("limits updates of one message to 5 a second", async () => {
    const clock = manualClock();
    const limiter = new LarkRateLimiter({ clock });
    for (let i = 0; i < 6; i++) (await limiter.acquirePatch("om_1")).done();
    expect(clock.t).toBeGreaterThanOrEqual(1_000);
  });
});
