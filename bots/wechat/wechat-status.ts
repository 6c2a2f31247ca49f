/**
 * What the operator needs to know about the WeChat connection: logged in or not, the QR code to
 * scan, and alerts (logout, scan needed, rooms not found). Each alert is logged as well.
 */
import type { Logger } from "pino";
import type { Clock } from "../../src/core/types.ts";
import { asciiToSvg, qrAscii } from "./wechat-qr.ts";

export type WechatState = "starting" | "waiting_scan" | "logged_in" | "logged_out" | "stopped";

export interface WechatAlert {
  at: string;
  level: "info" | "warn" | "error";
  text: string;
}

export interface WechatRoomStatus {
  topic: string;
  role: string;
  /** null until the bot is logged in and has looked. */
  found: boolean | null;
}

/** The JSON of GET /api/wechat/status. Never holds the puppet token. */
export interface WechatStatusView {
  puppet: string;
  state: WechatState;
  loggedIn: boolean;
  user: string | null;
  since: string;
  qr: { payload: string; status: string; svg: string; ascii: string; at: string } | null;
  rooms: WechatRoomStatus[];
  alerts: WechatAlert[];
}

/** Alerts kept for the page, newest first. */
const MAX_ALERTS = 20;

export class WechatStatus {
  private state: WechatState = "starting";
  private since: Date;
  private user: string | null = null;
  private qr: WechatStatusView["qr"] = null;
  private readonly alerts: WechatAlert[] = [];
  private readonly rooms: WechatRoomStatus[];

  constructor(
    private readonly deps: {
      puppet: string;
      rooms: { topic: string; role: string }[];
      clock: Clock;
      log: Logger;
    },
  ) {
    this.since = deps.clock.now();
    this.rooms = deps.rooms.map((r) => ({ topic: r.topic, role: r.role, found: null }));
  }

  /** Records an alert for the page and logs it at the same level. */
  alert(level: WechatAlert["level"], text: string, context: Record<string, unknown> = {}) {
    this.alerts.unshift({ at: this.deps.clock.now().toISOString(), level, text });
    this.alerts.length = Math.min(this.alerts.length, MAX_ALERTS);
    this.deps.log[level]({ ...context, channel: "wechat" }, text);
  }

  /** A new QR code to scan (or a new scan status for the current one). Returns its terminal text. */
  scan(payload: string, status: string): string {
    const same = this.qr?.payload === payload;
    const ascii = same && this.qr ? this.qr.ascii : qrAscii(payload);
    this.qr = {
      payload,
      status,
      ascii,
      svg: same && this.qr ? this.qr.svg : asciiToSvg(ascii),
      at: this.deps.clock.now().toISOString(),
    };
    this.setState("waiting_scan");
    return ascii;
  }

  login(user: string) {
    this.user = user;
    this.qr = null;
    this.setState("logged_in");
  }

  logout() {
    this.setState("logged_out");
    for (const r of this.rooms) r.found = null;
  }

  stopped() {
    this.setState("stopped");
  }

  roomFound(topic: string, found: boolean) {
    const r = this.rooms.find((x) => x.topic === topic);
    if (r) r.found = found;
  }

  get current(): WechatState {
    return this.state;
  }

  view(): WechatStatusView {
    return {
      puppet: this.deps.puppet,
      state: this.state,
      loggedIn: this.state === "logged_in",
      user: this.user,
      since: this.since.toISOString(),
      qr: this.qr,
      rooms: this.rooms.map((r) => ({ ...r })),
      alerts: [...this.alerts],
    };
  }

  private setState(s: WechatState) {
    if (s !== this.state) this.since = this.deps.clock.now();
    this.state = s;
  }
}
