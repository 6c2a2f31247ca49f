/**
 * Sliding windows that keep a channel inside a platform's sending limits, shared by the chat
 * bots (bots/lark, bots/dingtalk). A call takes a slot in every window it belongs to, and the slot
 * counts from the moment the platform's answer arrives: the platform received the request before
 * it answered, and the next request leaves after that, so "N per window" holds on the platform's
 * side however long the network takes.
 */

/**
 * Added to every window. Counting from the answer already leaves a round trip of slack against a
 * platform counting arrivals; these few milliseconds more cover gateways whose clocks differ
 * slightly. 10 ms costs 1 % of a per-second rate.
 */
export const WINDOW_SAFETY_MS = 10;

/** Time source of a limiter; real time in production, a manual clock in unit tests. */
export interface LimiterClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realLimiterClock: LimiterClock = {
  now: () => performance.timeOrigin + performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/** At most `limit` calls whose answers arrived within the last `windowMs`, counting calls in flight. */
export class SlidingWindow {
  private inFlight = 0;
  /** Answer times of finished calls, oldest first. */
  private readonly finished: number[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** 0 when a call may start now; ms to wait; or Infinity when only a call in flight can free a slot. */
  waitMs(now: number): number {
    this.prune(now);
    if (this.inFlight + this.finished.length < this.limit) return 0;
    const oldest = this.finished[0];
    return oldest === undefined ? Number.POSITIVE_INFINITY : oldest + this.windowMs + WINDOW_SAFETY_MS - now;
  }

  take(): void {
    this.inFlight += 1;
  }

  finish(now: number): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.finished.push(now);
  }

  /** True when the window holds nothing, so it can be dropped from a map. */
  idle(now: number): boolean {
    this.prune(now);
    return this.inFlight === 0 && this.finished.length === 0;
  }

  private prune(now: number): void {
    const horizon = now - this.windowMs - WINDOW_SAFETY_MS;
    let drop = 0;
    while (drop < this.finished.length && (this.finished[drop] ?? 0) <= horizon) drop += 1;
    if (drop > 0) this.finished.splice(0, drop);
  }
}

/** A taken slot: call `done()` when the platform's answer (or error) has arrived. */
export interface Permit {
  done(): void;
}

/** Windows of one key each (a group, a message, an API), created on first use, forgotten when idle. */
export class WindowMap {
  private readonly windows = new Map<string, SlidingWindow>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  get(key: string): SlidingWindow {
    let w = this.windows.get(key);
    if (!w) {
      w = new SlidingWindow(this.limit, this.windowMs);
      this.windows.set(key, w);
    }
    return w;
  }

  sweep(now: number): void {
    for (const [key, w] of this.windows) if (w.idle(now)) this.windows.delete(key);
  }
}

/**
 * Hands out slots across several windows at once, and holds named pauses ("app", "chat:x") a
 * platform asked for (a rate-limit answer with a reset time).
 */
export class WindowGate {
  private readonly pausedUntil = new Map<string, number>();
  private releaseWaiters: (() => void)[] = [];
  private sinceSweep = 0;

  constructor(
    readonly clock: LimiterClock = realLimiterClock,
    /** Called now and then after a release, to forget idle windows. */
    private readonly onSweep: (now: number) => void = () => {},
  ) {}

  /** Nothing under `key` starts before `ms` from now. */
  pause(key: string, ms: number): void {
    const until = this.clock.now() + ms;
    if (until > (this.pausedUntil.get(key) ?? 0)) this.pausedUntil.set(key, until);
  }

  /** Waits until every window has room and no pause applies, then takes a slot in each. */
  async acquire(windows: readonly SlidingWindow[], pauseKeys: readonly string[]): Promise<Permit> {
    for (;;) {
      const now = this.clock.now();
      let wait = 0;
      let needRelease = false;
      for (const key of pauseKeys) wait = Math.max(wait, (this.pausedUntil.get(key) ?? 0) - now);
      for (const w of windows) {
        const ms = w.waitMs(now);
        if (ms === Number.POSITIVE_INFINITY) needRelease = true;
        else wait = Math.max(wait, ms);
      }
      if (wait <= 0 && !needRelease) {
        for (const w of windows) w.take();
        return this.permit(windows);
      }
      if (needRelease)
        await Promise.race([this.nextRelease(), ...(wait > 0 ? [this.clock.sleep(wait)] : [])]);
      else await this.clock.sleep(wait);
    }
  }

  private permit(windows: readonly SlidingWindow[]): Permit {
    let finished = false;
    return {
      done: () => {
        if (finished) return;
        finished = true;
        const now = this.clock.now();
        for (const w of windows) w.finish(now);
        const waiters = this.releaseWaiters;
        this.releaseWaiters = [];
        for (const wake of waiters) wake();
        this.sweep(now);
      },
    };
  }

  private nextRelease(): Promise<void> {
    return new Promise((resolve) => this.releaseWaiters.push(resolve));
  }

  private sweep(now: number): void {
    this.sinceSweep += 1;
    if (this.sinceSweep < 500) return;
    this.sinceSweep = 0;
    this.onSweep(now);
    for (const [key, until] of this.pausedUntil) if (until <= now) this.pausedUntil.delete(key);
  }
}
