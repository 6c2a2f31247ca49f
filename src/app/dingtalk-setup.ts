/**
 * Wires the DingTalk bot to the service: its ports (roster lookups by 钉钉ID, stored media, the
 * chats its cards went to, the inbox) over the store, and DINGTALK_CHATS as Chat rows with roles.
 */
import type { Logger } from "pino";
import { DingtalkBot } from "../../bots/dingtalk/dingtalk-bot.ts";
import type { DingtalkConfig } from "../../bots/dingtalk/dingtalk-config.ts";
import type { DingtalkRateLimiter } from "../../bots/dingtalk/dingtalk-rate-limiter.ts";
import type { IngestFn } from "../core/ports.ts";
import type { RosterIndex } from "../core/roster-index.ts";
import { registerConfiguredChats } from "../schedule/digest-chats.ts";
import type { PrismaClient } from "../store/generated/client.ts";
import type { MediaStore } from "../store/media-store.ts";
import type { Sql } from "../store/sql.ts";
import { mediaSource } from "./media-source.ts";

export interface DingtalkSetupDeps {
  config: DingtalkConfig;
  sql: Sql;
  prisma: PrismaClient;
  media: MediaStore;
  roster: () => RosterIndex;
  ingest: IngestFn;
  log: Logger;
  limiter?: DingtalkRateLimiter;
  autoReconnect?: boolean;
}

/** The DingTalk bot over this service's store; `start()` it once the app is set up. */
export async function setupDingtalk(deps: DingtalkSetupDeps): Promise<DingtalkBot> {
  // The digest and ranking jobs look for the "leadership" role among the Chat rows.
  await registerConfiguredChats(
    deps.prisma,
    "dingtalk",
    deps.config.chats.map((c) => ({ id: `dingtalk:${c.id}`, role: c.role })),
  );
  const { sql } = deps;
  return new DingtalkBot({
    config: deps.config,
    log: deps.log.child({ channel: "dingtalk" }),
    inbox: { ingest: deps.ingest },
    people: {
      byUserId: (userId) => deps.roster().personByDingtalk(userId),
      userIdOf: (personId) => deps.roster().people.get(personId)?.dingtalkId ?? null,
    },
    media: mediaSource(sql, deps.media),
    cards: {
      async chatOfCard(outTrackId) {
        const row = sql.get<{ chatId: string }>(
          `SELECT chatId FROM "OutboxMessage" WHERE platformMessageId = ? AND channel = 'dingtalk' LIMIT 1`,
          outTrackId,
        );
        return row?.chatId ?? null;
      },
    },
    ...(deps.limiter ? { limiter: deps.limiter } : {}),
    ...(deps.autoReconnect !== undefined ? { autoReconnect: deps.autoReconnect } : {}),
  });
}
