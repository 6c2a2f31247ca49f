/**
 * Keeps the bot inside Lark's sending limits. A send takes a slot in every window it belongs to (its
 * group, the app per second, the app per minute) and the slot counts from the moment Lark's answer
 * arrives: Lark received the request before it answered, and the next request leaves after that, so
 * "N per window" holds on Lark's side however long the network takes.
 */

import {
  type LimiterClock,
  type Permit,
  realLimiterClock,
  SlidingWindow,
  WindowGate,
  WindowMap,
} from "../../src/notify/rate-windows.ts";

export { type LimiterClock, type Permit, WINDOW_SAFETY_MS } from "../../src/notify/rate-windows.ts";

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
/** First wait after a 230020 (frequency limit) in a group; doubles on each repeat, up to the cap. */
export const FREQUENCY_BACKOFF_MS = 1_000;
export const FREQUENCY_BACKOFF_MAX_MS = 30_000;

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
  private readonly gate: WindowGate;
  private readonly appSecond: SlidingWindow;
  private readonly appMinute: SlidingWindow;
  private readonly otherApi: SlidingWindow;
  private readonly groups: WindowMap;
  private readonly patches: WindowMap;
  private readonly frequencyStrikes = new Map<string, number>();

  constructor(options: LarkRateLimiterOptions = {}) {
    this.groups = new WindowMap(options.groupPerSecond ?? LARK_GROUP_PER_SECOND, 1_000);
    this.patches = new WindowMap(
      options.patchPerMessagePerSecond ?? LARK_PATCH_PER_MESSAGE_PER_SECOND,
      1_000,
    );
    this.gate = new WindowGate(options.clock ?? realLimiterClock, (now) => {
      this.groups.sweep(now);
      this.patches.sweep(now);
    });
    this.appSecond = new SlidingWindow(options.appPerSecond ?? LARK_APP_PER_SECOND, 1_000);
    this.appMinute = new SlidingWindow(options.appPerMinute ?? LARK_APP_PER_MINUTE, 60_000);
    this.otherApi = new SlidingWindow(options.otherApiPerSecond ?? LARK_OTHER_API_PER_SECOND, 1_000);
  }

  /** Waits for a message slot in group `chatId` and in the app's windows. */
  acquireSend(chatId: string): Promise<Permit> {
    return this.gate.acquire(
      [this.groups.get(chatId), this.appSecond, this.appMinute],
      ["app", `chat:${chatId}`],
    );
  }

  /** Waits for a slot to update message `messageId`. */
  acquirePatch(messageId: string): Promise<Permit> {
    return this.gate.acquire([this.patches.get(messageId), this.otherApi], ["app"]);
  }

  /** Waits for a slot for another API call (image upload, urgent). */
  acquireApi(): Promise<Permit> {
    return this.gate.acquire([this.otherApi], ["app"]);
  }

  /** Lark said the app is over its limit: nothing is sent before `ms` from now. */
  pauseApp(ms: number): void {
    this.gate.pause("app", ms);
  }

  /** Lark answered 230020 in this group: waits there, longer each time in a row. Returns the wait. */
  frequencyLimited(chatId: string): number {
    const strikes = (this.frequencyStrikes.get(chatId) ?? 0) + 1;
    this.frequencyStrikes.set(chatId, strikes);
    const ms = Math.min(FREQUENCY_BACKOFF_MAX_MS, FREQUENCY_BACKOFF_MS * 2 ** (strikes - 1));
    this.gate.pause(`chat:${chatId}`, ms);
    return ms;
  }

  /** A send to this group went through: the 230020 backoff starts over. */
  sent(chatId: string): void {
    this.frequencyStrikes.delete(chatId);
  }
}
