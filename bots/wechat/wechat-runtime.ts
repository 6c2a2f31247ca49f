/**
 * Wires WeChat into the app when WECHAT_PUPPET is set: the bot, its channel with the pacing queue,
 * the configured groups as chats, the status routes, and a prompt send of waiting messages at login.
 */
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { Channel, IngestFn } from "../../src/core/ports.ts";
import type { RosterIndex } from "../../src/core/roster-index.ts";
import type { Clock } from "../../src/core/types.ts";
import { registerConfiguredChats } from "../../src/schedule/digest-chats.ts";
import type { PrismaClient } from "../../src/store/generated/client.ts";
import { MediaStore } from "../../src/store/media-store.ts";
import { WechatBot, type WechatPuppetInstance } from "./wechat-bot.ts";
import { WechatChannel } from "./wechat-channel.ts";
import type { WechatConfig } from "./wechat-config.ts";
import { SendPacer } from "./wechat-pacer.ts";
import { WECHAT_CHANNEL, wechatChatId } from "./wechat-rooms.ts";
import { registerWechatRoutes } from "./wechat-routes.ts";
import type { WechatStatusView } from "./wechat-status.ts";
import { WX_TEXT } from "./wechat-texts.ts";

export type { WechatPuppetInstance } from "./wechat-bot.ts";

/** Below this pace the account risks being flagged; allowed, but warned about. */
const SAFE_MIN_INTERVAL_MS = 1_000;

export interface WechatRuntimeDeps {
  config: WechatConfig;
  botName: string;
  mediaDir: string;
  prisma: PrismaClient;
  clock: Clock;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  log: Logger;
  roster: () => RosterIndex;
  ingest: IngestFn;
  /** Wakes the outbox sender. */
  pokeOutbox: () => void;
  /** A puppet instance instead of the configured one (tests: wechaty-puppet-mock). */
  puppet?: WechatPuppetInstance;
  printQr?: (ascii: string) => void;
}

export interface WechatRuntime {
  channel: Channel;
  bot: WechatBot;
  pacer: SendPacer;
  status(): WechatStatusView;
  registerRoutes(server: FastifyInstance): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function createWechatRuntime(deps: WechatRuntimeDeps): Promise<WechatRuntime> {
  const { config, prisma, clock, log } = deps;
  const sleep = deps.sleep ?? realSleep;
  const media = new MediaStore(deps.mediaDir);

  // The configured groups are chats with a role (the digest jobs look for "leadership"); other roles stay.
  await registerConfiguredChats(
    prisma,
    WECHAT_CHANNEL,
    config.rooms.map((room) => ({ id: wechatChatId(room.topic), name: room.topic, role: room.role })),
  );

  const bot = new WechatBot({
    config,
    botName: deps.botName,
    ...(deps.puppet ? { puppet: deps.puppet } : {}),
    clock,
    sleep,
    log,
    roster: deps.roster,
    ingest: deps.ingest,
    ...(deps.printQr ? { printQr: deps.printQr } : {}),
    onLogin: () => {
      // Messages that waited during the logout leave now, in order, instead of at their next retry.
      prisma.outboxMessage
        .updateMany({
          where: { channel: WECHAT_CHANNEL, status: "pending", nextAttemptAt: { gt: clock.now() } },
          data: { nextAttemptAt: clock.now() },
        })
        .then(() => deps.pokeOutbox())
        .catch((err) => log.error({ err, channel: "wechat" }, "could not release waiting wechat messages"));
    },
  });
  if (config.minSendIntervalMs < SAFE_MIN_INTERVAL_MS)
    bot.status.alert("warn", WX_TEXT.fastPace(config.minSendIntervalMs));

  const pacer = new SendPacer({
    minIntervalMs: config.minSendIntervalMs,
    jitterMs: config.sendJitterMs,
    clock,
    sleep,
    ...(deps.random ? { random: deps.random } : {}),
  });
  const channel = new WechatChannel({
    bot: bot.wechaty,
    rooms: bot.rooms,
    pacer,
    status: bot.status,
    log,
    loadImage: async (hash) => {
      const row = await prisma.media.findUnique({ where: { hash } });
      if (!row) return null;
      return { data: await media.read(row.path), mime: row.mime };
    },
  });

  return {
    channel,
    bot,
    pacer,
    status: () => bot.status.view(),
    registerRoutes(server) {
      registerWechatRoutes(server, {
        status: () => bot.status.view(),
        pendingOutbound: () =>
          prisma.outboxMessage.count({ where: { channel: WECHAT_CHANNEL, status: "pending" } }),
      });
    },
    async start() {
      await bot.start();
      log.info(
        { channel: "wechat", puppet: config.puppet, rooms: config.rooms.map((r) => r.topic) },
        "wechat bot started; login status at /wechat",
      );
    },
    async stop() {
      await bot.stop();
    },
  };
}
