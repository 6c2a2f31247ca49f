/**
 * The WeChat bot: a Wechaty on the configured puppet, its login lifecycle (QR code in the terminal
 * and on the status page, alerts on logout), and inbound messages from the configured groups, in
 * order per group, each handled once.
 */
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { Logger } from "pino";
import {
  type ContactSelf,
  type Message,
  ScanStatus,
  type Wechaty,
  WechatyBuilder,
  type WechatyOptions,
} from "wechaty";
import type { IngestFn } from "../../src/core/ports.ts";
import type { RosterIndex } from "../../src/core/roster-index.ts";
import type { Clock, InboundImage } from "../../src/core/types.ts";
import type { WechatConfig } from "./wechat-config.ts";
import { toInboundMessage } from "./wechat-inbound.ts";
import { WechatRooms } from "./wechat-rooms.ts";
import { WechatStatus } from "./wechat-status.ts";
import { WX_TEXT } from "./wechat-texts.ts";

/** A puppet instance (tests pass wechaty-puppet-mock); otherwise the configured puppet is loaded by name. */
export type WechatPuppetInstance = Extract<NonNullable<WechatyOptions["puppet"]>, object>;

/** What became of one inbound message. */
export type InboundOutcome =
  | "ingested"
  | "duplicate"
  | "self"
  | "not_in_room"
  | "unconfigured_room"
  | "before_start"
  | "unsupported_type"
  | "failed";

/**
 * wechat4u replays recent messages after a restart. Anything older than the start is skipped, with
 * this much slack for clock differences; the inbox deduplicates what falls in the slack.
 */
const START_SKEW_MS = 30_000;
/** Message ids remembered for cheap duplicate checks (the inbox is the durable check). */
const SEEN_IDS = 5_000;
/** The same puppet error is logged at most this often. */
const ERROR_LOG_EVERY_MS = 60_000;
/** Wait before the one retry of a photo download. */
const IMAGE_RETRY_DELAY_MS = 1_000;

export interface WechatBotOptions {
  config: WechatConfig;
  botName: string;
  puppet?: WechatPuppetInstance;
  clock: Clock;
  /** Message time stamps come from WeChat's clock, so "before the start" is judged on the system clock. */
  wallClock?: () => Date;
  sleep: (ms: number) => Promise<void>;
  log: Logger;
  roster: () => RosterIndex;
  ingest: IngestFn;
  onLogin?: () => void;
  /** Where the login QR goes; stdout by default. */
  printQr?: (ascii: string) => void;
}

export class WechatBot {
  readonly wechaty: Wechaty;
  readonly status: WechatStatus;
  readonly rooms: WechatRooms;
  private startedAt = new Date(0);
  private stopping = false;
  private selfId: string | null = null;
  private readonly errorsSeen = new Map<string, { at: number; repeated: number }>();
  private readonly seen = new Set<string>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly outcomes = new Map<string, InboundOutcome>();
  private readonly listeners = new Set<(messageId: string, outcome: InboundOutcome) => void>();
  private readonly wallClock: () => Date;

  constructor(private readonly opts: WechatBotOptions) {
    const { config, log, clock } = opts;
    this.wallClock = opts.wallClock ?? (() => new Date());
    this.wechaty = WechatyBuilder.build(buildOptions(config, opts.puppet));
    this.status = new WechatStatus({ puppet: config.puppet, rooms: config.rooms, clock, log });
    this.rooms = new WechatRooms(this.wechaty, config.rooms, this.status);
    this.listen();
  }

  async start() {
    await mkdir(dirname(this.opts.config.sessionName), { recursive: true });
    this.startedAt = this.wallClock();
    await this.wechaty.start();
  }

  async stop() {
    this.stopping = true;
    await this.wechaty.stop();
    await this.idle();
    this.status.stopped();
  }

  get loggedIn(): boolean {
    return this.wechaty.isLoggedIn;
  }

  /** Resolves when every message received so far is handled. */
  async idle() {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  /** Hears what became of each inbound message as it is handled. Returns the unsubscribe function. */
  onSettled(listener: (messageId: string, outcome: InboundOutcome) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What became of a message: at once if it was handled, else when it is. */
  settled(messageId: string): Promise<InboundOutcome> {
    const done = this.outcomes.get(messageId);
    if (done) return Promise.resolve(done);
    return new Promise((resolve) => {
      const off = this.onSettled((id, outcome) => {
        if (id !== messageId) return;
        off();
        resolve(outcome);
      });
    });
  }

  private listen() {
    const { log } = this.opts;
    const bot = this.wechaty;
    bot.on("scan", (qrcode: string, status: ScanStatus) => this.onScan(qrcode, status));
    bot.on("login", (user: ContactSelf) => {
      this.selfId = user.id;
      this.rooms.reset();
      this.status.login(user.name());
      this.status.alert("info", WX_TEXT.loggedIn(user.name()));
      // The room list may still be loading: look silently now, with alerts on "ready".
      this.rooms.checkAll({ alert: false }).catch((err) => log.warn({ err }, "wechat room check failed"));
      this.opts.onLogin?.();
    });
    bot.on("ready", () => {
      this.rooms.checkAll({ alert: true }).catch((err) => log.warn({ err }, "wechat room check failed"));
    });
    bot.on("logout", (_user: ContactSelf, reason?: string) => {
      this.rooms.reset();
      this.status.logout();
      // Stopping the service logs the puppet out too: that is no alert.
      if (this.stopping) log.info({ channel: "wechat" }, "wechat bot stopped");
      else this.status.alert("error", WX_TEXT.loggedOut(reason ?? ""));
    });
    // Without an "error" listener an emitted error would throw and end the process.
    bot.on("error", (err: Error) => this.onError(err));
    bot.on("message", (msg: Message) => this.enqueue(msg));
  }

  /** Puppets retry in bursts (wechat4u without network: several a second): log each kind once a minute. */
  private onError(err: Error) {
    const text = err?.message ?? String(err);
    const now = this.wallClock().getTime();
    const last = this.errorsSeen.get(text);
    if (last && now - last.at < ERROR_LOG_EVERY_MS) {
      last.repeated += 1;
      return;
    }
    if (this.errorsSeen.size > 100) this.errorsSeen.clear();
    this.errorsSeen.set(text, { at: now, repeated: 0 });
    this.opts.log.warn({ err, channel: "wechat", repeatedSinceLast: last?.repeated ?? 0 }, "wechaty error");
    // Never logged in yet and failing: the page must say why there is no QR code.
    if (this.status.current === "starting") this.status.alert("error", WX_TEXT.puppetError(text));
  }

  private onScan(qrcode: string, status: ScanStatus) {
    if (status === ScanStatus.Waiting || status === ScanStatus.Timeout) {
      if (!qrcode) return;
      const first = this.status.current !== "waiting_scan";
      const ascii = this.status.scan(qrcode, "waiting");
      (this.opts.printQr ?? ((s: string) => process.stdout.write(`${s}\n`)))(ascii);
      if (first) this.status.alert("warn", WX_TEXT.scanNeeded);
    } else if (status === ScanStatus.Scanned) {
      this.status.scan(qrcode || "", "scanned");
      this.status.alert("info", WX_TEXT.scanned);
    }
  }

  /** Handles messages of one room in the order they came; rooms do not wait for each other. */
  private enqueue(msg: Message) {
    const key = msg.room()?.id ?? "direct";
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(async () => {
      let outcome: InboundOutcome;
      try {
        outcome = await this.handle(msg);
      } catch (err) {
        outcome = "failed";
        this.opts.log.error(
          { err, channel: "wechat", messageId: msg.id },
          "handling a wechat message failed",
        );
      }
      this.settle(msg.id, outcome);
    });
    this.chains.set(key, next);
    void next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  private async handle(msg: Message): Promise<InboundOutcome> {
    if (this.seen.has(msg.id)) return "duplicate";
    this.remember(msg.id);
    // self() is false once logged out: also compare with the account last logged in.
    if (msg.self() || msg.talker().id === this.selfId) return "self";
    const room = msg.room();
    if (!room) return "not_in_room";
    const topic = (await room.topic()).trim();
    const configured = this.rooms.configured(topic);
    if (!configured) return "unconfigured_room";
    this.rooms.remember(topic, room);
    if (msg.date().getTime() < this.startedAt.getTime() - START_SKEW_MS) return "before_start";
    const type = msg.type();
    if (type !== this.wechaty.Message.Type.Text && type !== this.wechaty.Message.Type.Image)
      return "unsupported_type";
    const { message, match } = await toInboundMessage(
      {
        bot: this.wechaty,
        botName: this.opts.botName,
        roster: this.opts.roster,
        downloadImage: (m) => this.download(m, talkerName(msg)),
      },
      msg,
      room,
      configured,
    );
    this.opts.log.debug(
      { channel: "wechat", messageId: msg.id, matchedBy: match.by, personId: match.person?.id ?? null },
      "wechat sender matched",
    );
    const result = await this.opts.ingest(message);
    return result.duplicate ? "duplicate" : "ingested";
  }

  /** Fetches a photo right away (wechat4u keeps raw messages about an hour), with one retry. */
  private async download(msg: Message, who: string): Promise<InboundImage> {
    for (let attempt = 1; ; attempt++) {
      try {
        const box = await msg.toFileBox();
        const data = await box.toBuffer();
        if (data.byteLength === 0) throw new Error("empty photo");
        return { data, ...(box.mediaType ? { mime: box.mediaType } : {}), fileName: box.name };
      } catch (err) {
        if (attempt >= 2) {
          this.status.alert("error", WX_TEXT.imageFailed(who), { err, messageId: msg.id });
          throw err;
        }
        await this.opts.sleep(IMAGE_RETRY_DELAY_MS);
      }
    }
  }

  private remember(id: string) {
    this.seen.add(id);
    if (this.seen.size > SEEN_IDS) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }

  private settle(id: string, outcome: InboundOutcome) {
    this.outcomes.set(id, outcome);
    if (this.outcomes.size > SEEN_IDS) {
      const oldest = this.outcomes.keys().next().value;
      if (oldest !== undefined) this.outcomes.delete(oldest);
    }
    for (const listener of [...this.listeners]) listener(id, outcome);
  }
}

function talkerName(msg: Message): string {
  try {
    return msg.talker().name() || msg.talker().id;
  } catch {
    return "";
  }
}

/** Wechaty options: the session (memory card) under the data folder, the puppet by configuration. */
function buildOptions(config: WechatConfig, puppet: WechatPuppetInstance | undefined): WechatyOptions {
  const name = config.sessionName;
  if (puppet) return { name, puppet };
  switch (config.puppet) {
    case "wechat4u":
      return { name, puppet: "wechaty-puppet-wechat4u" };
    case "service":
      return { name, puppet: "wechaty-puppet-service", puppetOptions: { token: config.readToken() ?? "" } };
    case "mock":
      return { name, puppet: "wechaty-puppet-mock" };
  }
}
