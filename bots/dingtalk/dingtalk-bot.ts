/**
 * The DingTalk bot, assembled: the OpenAPI client, the rate limiter, the channel the outbox sends
 * through, and the intake fed by the Stream-mode connection (no public URL needed).
 */
import type { Logger } from "pino";
import { DingtalkApi } from "./dingtalk-api.ts";
import { DingtalkChannel } from "./dingtalk-channel.ts";
import type { DingtalkConfig } from "./dingtalk-config.ts";
import { DingtalkIntake } from "./dingtalk-intake.ts";
import type { DingtalkCards, DingtalkInbox, DingtalkMediaSource, DingtalkPeople } from "./dingtalk-ports.ts";
import { DingtalkRateLimiter } from "./dingtalk-rate-limiter.ts";
import { DingtalkStream } from "./dingtalk-stream.ts";
import { DINGTALK_TEXT } from "./dingtalk-text.ts";
import { SessionWebhooks } from "./dingtalk-webhooks.ts";

export interface DingtalkBotOptions {
  config: DingtalkConfig;
  log: Logger;
  inbox: DingtalkInbox;
  people: DingtalkPeople;
  media: DingtalkMediaSource;
  cards: DingtalkCards;
  limiter?: DingtalkRateLimiter;
  /** Reconnect the stream after it drops (default true). */
  autoReconnect?: boolean;
  /** Jitter source of the reconnect backoff (default Math.random). */
  random?: () => number;
}

export class DingtalkBot {
  readonly api: DingtalkApi;
  readonly channel: DingtalkChannel;
  readonly intake: DingtalkIntake;
  readonly stream: DingtalkStream;

  constructor(private readonly opts: DingtalkBotOptions) {
    const { config, log } = opts;
    this.api = new DingtalkApi({
      clientId: config.clientId,
      clientSecret: config.readClientSecret(),
      robotCode: config.robotCode,
      apiBase: config.apiBase,
      oapiBase: config.oapiBase,
      log,
    });
    const limiter = opts.limiter ?? new DingtalkRateLimiter();
    const webhooks = new SessionWebhooks();
    this.channel = new DingtalkChannel({
      api: this.api,
      limiter,
      webhooks,
      people: opts.people,
      media: opts.media,
      log,
      cardTemplateId: config.cardTemplateId,
    });
    this.stream = new DingtalkStream({
      clientId: config.clientId,
      clientSecret: config.readClientSecret(),
      apiBase: config.apiBase,
      log,
      ...(opts.autoReconnect !== undefined ? { autoReconnect: opts.autoReconnect } : {}),
      ...(opts.random ? { random: opts.random } : {}),
      onCallback: (topic, frame) =>
        topic === "robot" ? this.intake.onRobotMessage(frame) : this.intake.onCardCallback(frame),
    });
    this.intake = new DingtalkIntake({
      inbox: opts.inbox,
      people: opts.people,
      cards: opts.cards,
      webhooks,
      download: async (code) => {
        const permit = await limiter.acquire("download");
        try {
          return await this.api.download(code);
        } finally {
          permit.done();
        }
      },
      answerDirect: (url) => this.channel.replyText(url, DINGTALK_TEXT.directChat),
      ack: (frame, response) => this.stream.ack(frame, response),
      log,
      chats: new Set(config.chats.map((c) => c.id)),
    });
  }

  /** Logs which groups are served and opens the stream in the background (`stream.ready` resolves once open). */
  async start(): Promise<void> {
    const { config, log } = this.opts;
    const chats = config.chats.map((c) => `${c.id}（${DINGTALK_TEXT.roleLabels[c.role]}）`).join("、");
    if (chats) log.info({ chats: config.chats, clientId: config.clientId }, DINGTALK_TEXT.servedChats(chats));
    else log.warn({ clientId: config.clientId }, DINGTALK_TEXT.noChats);
    void this.stream.connect();
  }

  async stop(): Promise<void> {
    this.stream.stop();
  }
}
