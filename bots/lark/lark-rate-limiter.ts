/**
 * Keeps the bot inside Lark's sending limits. A send takes a slot in every window it belongs to (its
 * group, the app per second, the app per minute) and the slot counts from the moment Lark's answer
 * arrives: Lark received the request before it answered, and the next request leaves after that, so
 * "N per window" holds on Lark's side however long the network takes.
 */

/** Lark: at most 5 messages/s in one group, shared by all bots in it (code 230020 beyond). */
export const LARK_GROUP_PER_SECOND = 5;
/** Lark: at most 50 messages/s per app (HTTP 429 / code 99991400 beyond). */
export const LARK_APP_PER_SECOND = 50;
/** Lark: at most 1000 messages/min per app. */
export const LARK_APP_PER_MINUTE = 1_000;
/** Lark: one message can be updated (im.message.patch) at most 5 times/s. */
export const LARK_PATCH_PER_MESSAGE_PER_SECOND = 5;
/** Other API calls (patch, image upload, urgent) share an app-wide 50/s budget of their own. */
export const LARK_OTHER_API_PER_SECOND = 50;
/**
 * Added to every window. Counting from the answer already leaves a round trip of slack against Lark
 * counting arrivals; these few milliseconds more cover gateways whose clocks differ slightly. 10 ms
 * costs 1 % of the rate.
 */
export const WINDOW_SAFETY_MS = 10;
/** First wait after a 230020 (frequency limit) in a group; doubles on each repeat, up to the cap. */
export const FREQUENCY_BACKOFF_MS = 1_000;
export const FREQUENCY_BACKOFF_MAX_MS = 30_000;

/** Time source of the limiter; real time in production, a manual clock in unit tests. */
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

/** A taken slot: call `done()` when Lark's answer (or error) has arrived. */
export interface Permit {
  done(): void;
}

export interface LarkRateLimiterOptions {
  groupPerSecond?: number;
  appPerSecond?: number;
  appPerMinute?: number;
  patchPerMessagePerSecond?: number;
  otherApiPerSecond?: number;
  clock?: LimiterClock;
}

/** Per-group and per-app windows for messages, plus the budget for patches and uploads. */
export class LarkRateLimiter {
  private readonly clock: LimiterClock;
  private readonly groupPerSecond: number;
  private readonly patchPerMessage: number;
  private readonly appSecond: SlidingWindow;
  private readonly appMinute: SlidingWindow;
  private readonly otherApi: SlidingWindow;
  private readonly groups = new Map<string, SlidingWindow>();
  private readonly patches = new Map<string, SlidingWindow>();
  private readonly pausedUntil = new Map<string, number>();
  private readonly frequencyStrikes = new Map<string, number>();
  private releaseWaiters: (() => void)[] = [];
  private sinceSweep = 0;

  constructor(options: LarkRateLimiterOptions = {}) {
    this.clock = options.clock ?? realLimiterClock;
    this.groupPerSecond = options.groupPerSecond ?? LARK_GROUP_PER_SECOND;
    this.patchPerMessage = options.patchPerMessagePerSecond ?? LARK_PATCH_PER_MESSAGE_PER_SECOND;
    this.appSecond = new SlidingWindow(options.appPerSecond ?? LARK_APP_PER_SECOND, 1_000);
    this.appMinute = new SlidingWindow(options.appPerMinute ?? LARK_APP_PER_MINUTE, 60_000);
    this.otherApi = new SlidingWindow(options.otherApiPerSecond ?? LARK_OTHER_API_PER_SECOND, 1_000);
  }

  /** Waits for a message slot in group `chatId` and in the app's windows. */
  acquireSend(chatId: string): Promise<Permit> {
    const group = this.window(this.groups, chatId, this.groupPerSecond);
    return this.acquire([group, this.appSecond, this.appMinute], ["app", `chat:${chatId}`]);
  }

  /** Waits for a slot to update message `messageId`. */
  acquirePatch(messageId: string): Promise<Permit> {
    const perMessage = this.window(this.patches, messageId, this.patchPerMessage);
    return this.acquire([perMessage, this.otherApi], ["app"]);
  }

  /** Waits for a slot for another API call (image upload, urgent). */
  acquireApi(): Promise<Permit> {
    return this.acquire([this.otherApi], ["app"]);
  }

  /** Lark said the app is over its limit: nothing is sent before `ms` from now. */
  pauseApp(ms: number): void {
    this.pause("app", ms);
  }

  /** Lark answered 230020 in this group: waits there, longer each time in a row. Returns the wait. */
  frequencyLimited(chatId: string): number {
    const strikes = (this.frequencyStrikes.get(chatId) ?? 0) + 1;
    this.frequencyStrikes.set(chatId, strikes);
    const ms = Math.min(FREQUENCY_BACKOFF_MAX_MS, FREQUENCY_BACKOFF_MS * 2 ** (strikes - 1));
    this.pause(`chat:${chatId}`, ms);
    return ms;
  }

  /** A send to this group went through: the 230020 backoff starts over. */
  sent(chatId: string): void {
    this.frequencyStrikes.delete(chatId);
  }

  private pause(key: string, ms: number): void {
    const until = this.clock.now() + ms;
    if (until > (this.pausedUntil.get(key) ?? 0)) this.pausedUntil.set(key, until);
  }

  private window(map: Map<string, SlidingWindow>, key: string, limit: number): SlidingWindow {
    let w = map.get(key);
    if (!w) {
      w = new SlidingWindow(limit, 1_000);
      map.set(key, w);
    }
    return w;
  }

  private async acquire(windows: SlidingWindow[], pauseKeys: string[]): Promise<Permit> {
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

  private permit(windows: SlidingWindow[]): Permit {
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

  /** Forgets idle per-group and per-message windows now and then, so the maps stay small. */
  private sweep(now: number): void {
    this.sinceSweep += 1;
    if (this.sinceSweep < 500) return;
    this.sinceSweep = 0;
    for (const map of [this.groups, this.patches]) {
      for (const [key, w] of map) if (w.idle(now)) map.delete(key);
    }
    for (const [key, until] of this.pausedUntil) if (until <= now) this.pausedUntil.delete(key);
  }
}
