/**
 * Keeps the bot inside DingTalk's limits (docs/dingtalk.md §9): every call takes a slot in its API's
 * window, and every message into a group a slot in that group's window. Windows count from the
 * answer (src/notify/rate-windows.ts), so the rate holds on DingTalk's side.
 */
import {
  type LimiterClock,
  type Permit,
  realLimiterClock,
  WindowGate,
  WindowMap,
} from "../../src/notify/rate-windows.ts";

/** 调用频次与限流: a standard-edition organisation's app may call each API at most 20 times a second. */
export const DINGTALK_API_PER_SECOND = 20;
/**
 * DingTalk's robot guide: a (custom) robot sends at most 20 messages a minute into a group and is
 * throttled for 10 minutes beyond. Not verified for an app's robot; kept as the bound for every
 * message into one group, because being throttled for 10 minutes costs more than pacing.
 */
export const DINGTALK_GROUP_PER_MINUTE = 20;
/** After a QPS answer: the limit is per second, so the docs advise waiting a second. */
export const QPS_PAUSE_MS = 1_000;

/** The API families the bot calls, each with its own per-second budget. */
export type DingtalkApiName = "group" | "oto" | "session" | "card" | "upload" | "download";

export interface DingtalkRateLimiterOptions {
  apiPerSecond?: number;
  groupPerMinute?: number;
  clock?: LimiterClock;
}

export class DingtalkRateLimiter {
  private readonly gate: WindowGate;
  private readonly apis: WindowMap;
  private readonly groups: WindowMap;

  constructor(options: DingtalkRateLimiterOptions = {}) {
    this.apis = new WindowMap(options.apiPerSecond ?? DINGTALK_API_PER_SECOND, 1_000);
    this.groups = new WindowMap(options.groupPerMinute ?? DINGTALK_GROUP_PER_MINUTE, 60_000);
    this.gate = new WindowGate(options.clock ?? realLimiterClock, (now) => {
      this.apis.sweep(now);
      this.groups.sweep(now);
    });
  }

  /** A slot for a message into group `conversationId` through `api`. */
  acquireGroupSend(api: DingtalkApiName, conversationId: string): Promise<Permit> {
    return this.gate.acquire([this.apis.get(api), this.groups.get(conversationId)], [`api:${api}`]);
  }

  /** A slot for any other call of `api` (one-to-one messages, uploads, downloads). */
  acquire(api: DingtalkApiName): Promise<Permit> {
    return this.gate.acquire([this.apis.get(api)], [`api:${api}`]);
  }

  /** DingTalk answered with a rate limit for `api`: nothing more through it for `ms`. */
  pause(api: DingtalkApiName, ms = QPS_PAUSE_MS): void {
    this.gate.pause(`api:${api}`, ms);
  }
}
