/**
 * The Lark (Feishu) bot, assembled: the API client, the rate limiter, the channel the outbox sends
 * through, and the intake, fed by the long connection (WSClient, the default: no public URL needed)
 * or by the webhook on the service's HTTP server.
 */
import * as lark from "@larksuiteoapi/node-sdk";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { httpWithTimeout, LARK_HTTP_TIMEOUT_MS, LarkApi, sdkLogger } from "./lark-api.ts";
import { LarkChannel } from "./lark-channel.ts";
import type { LarkConfig } from "./lark-config.ts";
import type { LarkMessageEvent } from "./lark-inbound.ts";
import { type CardActionResponse, type LarkCardActionEvent, LarkIntake } from "./lark-intake.ts";
import type { LarkCaseSource, LarkInbox, LarkMediaSource, LarkPeople } from "./lark-ports.ts";
import { PressRegistry } from "./lark-presses.ts";
import { LarkRateLimiter } from "./lark-rate-limiter.ts";
import { LARK_TEXT } from "./lark-text.ts";
import { registerLarkWebhook } from "./lark-webhook.ts";

/** Where Lark posts events and card callbacks in webhook mode (both may use this one URL). */
export const LARK_WEBHOOK_PATH = "/lark/events";
/** No frame within this many seconds after a ping means the connection is dead: reconnect. */
const WS_PING_TIMEOUT_S = 30;
const WS_HANDSHAKE_TIMEOUT_MS = 15_000;
/** How often bot info is asked again when Lark could not be reached at start. */
const BOT_INFO_RETRY_MS = 30_000;
/** Start does not wait longer than this for bot info: the service comes up even if Lark is slow. */
const BOT_INFO_WAIT_MS = 5_000;

export interface LarkBotOptions {
  config: LarkConfig;
  botName: string;
  log: Logger;
  inbox: LarkInbox;
  people: LarkPeople;
  cases: LarkCaseSource;
  media: LarkMediaSource;
  /** The service's HTTP server; the webhook route is added to it (before it listens). */
  server: FastifyInstance;
  limiter?: LarkRateLimiter;
  /** Reconnect the long connection after it drops (default true; tests turn it off). */
  autoReconnect?: boolean;
}

export class LarkBot {
  readonly api: LarkApi;
  readonly channel: LarkChannel;
  readonly intake: LarkIntake;
  readonly dispatcher: lark.EventDispatcher;
  private ws: lark.WSClient | null = null;
  private botInfoTimer: NodeJS.Timeout | null = null;
  private readyResolve: () => void = () => {};
  /** Resolves when the long connection is up (at once in webhook mode). */
  readonly ready: Promise<void>;

  constructor(private readonly opts: LarkBotOptions) {
    const { config, log } = opts;
    const secrets = [
      config.readAppSecret(),
      config.readEncryptKey() ?? "",
      config.readVerificationToken() ?? "",
    ];
    this.ready = new Promise((resolve) => {
      this.readyResolve = resolve;
    });
    this.api = new LarkApi({
      appId: config.appId,
      appSecret: config.readAppSecret(),
      domain: config.domain,
      log,
      secrets,
    });
    const presses = new PressRegistry();
    const limiter = opts.limiter ?? new LarkRateLimiter();
    this.channel = new LarkChannel({
      api: this.api,
      limiter,
      cases: opts.cases,
      media: opts.media,
      presses,
      log,
      urgentOverdue: config.urgentOverdue,
    });
    this.intake = new LarkIntake({
      inbox: opts.inbox,
      people: opts.people,
      cases: opts.cases,
      presses,
      download: (messageId, key) => this.api.downloadResource(messageId, key, "image"),
      answerDirect: async (chatId, messageId) => {
        await this.channel.sendText(chatId, LARK_TEXT.directChat, `p2p:${messageId}`, messageId);
      },
      log,
      botName: opts.botName,
      chats: config.chats.length > 0 ? new Set(config.chats.map((c) => c.id)) : null,
      pressedCard: (caseNumber, cardId) => this.channel.pressedCard(caseNumber, cardId),
      refreshCase: (caseNumber) => void this.channel.refreshCase(caseNumber),
    });
    const guard =
      <A, R>(what: string, fn: (a: A) => Promise<R>) =>
      async (a: A): Promise<R | undefined> => {
        try {
          return await fn(a);
        } catch (err) {
          log.error({ err, event: what }, "Lark event handler failed");
          throw err;
        }
      };
    this.dispatcher = new lark.EventDispatcher({
      logger: sdkLogger(log, secrets),
      loggerLevel: lark.LoggerLevel.warn,
    }).register<{
      "card.action.trigger": (data: LarkCardActionEvent) => Promise<CardActionResponse | undefined>;
      "im.chat.member.bot.added_v1": (data: { chat_id?: string; name?: string }) => void;
    }>({
      "im.message.receive_v1": guard("im.message.receive_v1", (data: LarkMessageEvent) =>
        this.intake.onMessage(data),
      ),
      "card.action.trigger": guard("card.action.trigger", (data: LarkCardActionEvent) =>
        this.intake.onCardAction(data),
      ),
      "im.chat.member.bot.added_v1": (data) => {
        const chatId = data.chat_id ?? "";
        const served = this.intake.serves(chatId);
        log.info(
          { chatId, name: data.name },
          served ? "机器人已加入飞书群" : "机器人被加入飞书群，但该群不在 LARK_CHATS 中，消息将被忽略",
        );
      },
    });
    if (config.mode === "webhook") {
      registerLarkWebhook(opts.server, {
        path: LARK_WEBHOOK_PATH,
        encryptKey: config.readEncryptKey(),
        verificationToken: config.readVerificationToken(),
        dispatcher: this.dispatcher,
        log,
      });
    }
  }

  /** Reads the bot's identity, opens the long connection (ws mode) and logs which groups are served. */
  async start(): Promise<void> {
    const { config, log } = this.opts;
    await Promise.race([this.loadBotInfo(), new Promise((r) => setTimeout(r, BOT_INFO_WAIT_MS).unref())]);
    const chats =
      config.chats.length > 0
        ? config.chats.map((c) => `${c.id}（${LARK_TEXT.roleLabels[c.role]}）`).join("、")
        : LARK_TEXT.allChats;
    const mode =
      config.mode === "ws"
        ? LARK_TEXT.modeLabels.ws
        : `${LARK_TEXT.modeLabels.webhook} POST ${LARK_WEBHOOK_PATH}`;
    log.info(
      { chats: config.chats, mode: config.mode, appId: config.appId },
      LARK_TEXT.servedChats(mode, chats),
    );
    if (config.mode === "webhook") {
      this.readyResolve();
      return;
    }
    this.ws = new lark.WSClient({
      appId: config.appId,
      appSecret: config.readAppSecret(),
      domain: config.domain,
      logger: sdkLogger(log, [config.readAppSecret()]),
      loggerLevel: lark.LoggerLevel.warn,
      httpInstance: httpWithTimeout(lark.defaultHttpInstance, LARK_HTTP_TIMEOUT_MS),
      autoReconnect: this.opts.autoReconnect ?? true,
      handshakeTimeoutMs: WS_HANDSHAKE_TIMEOUT_MS,
      wsConfig: { pingTimeout: WS_PING_TIMEOUT_S },
      onReady: () => {
        log.info("飞书长连接已建立");
        this.readyResolve();
      },
      onReconnecting: () => log.warn("飞书长连接断开，正在重连"),
      onReconnected: () => log.info("飞书长连接已恢复"),
      onError: (err) =>
        log.error(
          { err: new Error(err.message) },
          "飞书长连接失败，请检查 LARK_APP_ID / LARK_APP_SECRET 和网络",
        ),
    });
    await this.ws.start({ eventDispatcher: this.dispatcher });
  }

  async stop(): Promise<void> {
    if (this.botInfoTimer) clearTimeout(this.botInfoTimer);
    this.botInfoTimer = null;
    this.ws?.close({ force: true });
    this.ws = null;
    await this.intake.settle();
  }

  private async loadBotInfo(): Promise<void> {
    const { log } = this.opts;
    try {
      const info = await this.api.botInfo();
      this.intake.botOpenId = info.openId;
      log.info({ botOpenId: info.openId, appName: info.name }, "飞书机器人身份已读取");
    } catch (err) {
      log.warn({ err }, "读取飞书机器人信息失败，稍后重试；在此之前按名称识别 @机器人");
      this.botInfoTimer = setTimeout(() => void this.loadBotInfo(), BOT_INFO_RETRY_MS);
      this.botInfoTimer.unref();
    }
  }
}
