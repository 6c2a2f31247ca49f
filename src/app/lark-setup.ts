/**
 * Wires the Lark bot to the service: the ports it needs (case views and cards, stored media, the
 * inbox and the outcome of a button press, roster lookups) implemented over the store.
 */
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { LarkBot } from "../../bots/lark/lark-bot.ts";
import type { LarkConfig } from "../../bots/lark/lark-config.ts";
import type { CaseCardView, InboundOutcome, LarkCaseSource, LarkInbox } from "../../bots/lark/lark-ports.ts";
import type { LarkRateLimiter } from "../../bots/lark/lark-rate-limiter.ts";
import { categoryText, deadlineText, placeText } from "../conversation/case-view.ts";
import { STATE_LABELS } from "../core/case-lifecycle.ts";
import { lightOf } from "../core/deadline-stages.ts";
import type { RosterIndex } from "../core/roster-index.ts";
import type { TaxonomyIndex } from "../core/taxonomy.ts";
import type { Clock, InboundMessage, OutboundMessage } from "../core/types.ts";
import type { WorkCalendar } from "../core/work-calendar.ts";
import { registerConfiguredChats } from "../schedule/digest-chats.ts";
import { type CaseRow, toCaseRecord } from "../store/case-mapper.ts";
import type { PrismaClient } from "../store/generated/client.ts";
import type { MediaStore } from "../store/media-store.ts";
import { fromDbDate, type Sql } from "../store/sql.ts";
import { mediaSource } from "./media-source.ts";

/** Cards looked at when a case changes: the assignment, notices with buttons, a few re-sends. */
const MAX_CARDS_PER_CASE = 20;
/** How often a button press looks whether its command has been processed. */
const OUTCOME_POLL_MS = 10;

export interface LarkSetupDeps {
  config: LarkConfig;
  botName: string;
  timeZone: string;
  sql: Sql;
  prisma: PrismaClient;
  media: MediaStore;
  clock: Clock;
  calendar: WorkCalendar;
  taxonomy: TaxonomyIndex;
  roster: () => RosterIndex;
  ingest: (msg: InboundMessage) => Promise<{ duplicate: boolean; inboxId?: number; dropped?: string }>;
  server: FastifyInstance;
  log: Logger;
  limiter?: LarkRateLimiter;
  autoReconnect?: boolean;
}

/** How a case looks on its card, from the store, the roster and the work calendar. */
export function caseCardSource(
  deps: Pick<LarkSetupDeps, "sql" | "roster" | "taxonomy" | "calendar" | "clock" | "timeZone">,
): LarkCaseSource {
  const { sql } = deps;
  return {
    async view(caseNumber: string): Promise<CaseCardView | null> {
      const row = sql.get<CaseRow>('SELECT * FROM "Case" WHERE number = ?', caseNumber);
      if (!row) return null;
      const c = toCaseRecord(row);
      const roster = deps.roster();
      // The same rule as the digest, the console and 我的任务 (core lightOf).
      const light = lightOf(c, deps.clock.now(), deps.calendar);
      const media = sql.all<{ mediaHash: string; kind: string }>(
        'SELECT mediaHash, kind FROM "CaseMedia" WHERE caseId = ? ORDER BY addedAt, mediaHash',
        c.id,
      );
      return {
        number: c.number,
        state: c.state,
        stateLabel: STATE_LABELS[c.state],
        category: categoryText(deps.taxonomy, c),
        place: placeText(roster, c),
        summary: c.summary,
        handlerName: (c.handlerId && roster.people.get(c.handlerId)?.name) || null,
        deadline: deadlineText(c, deps.timeZone),
        light,
        urgent: c.urgent,
        reworkCount: c.reworkCount,
        pendingExtension: Boolean(c.pendingExtension),
        beforePhotos: media.filter((m) => m.kind === "before").map((m) => m.mediaHash),
        afterPhotos: media.filter((m) => m.kind === "after").map((m) => m.mediaHash),
      };
    },

    async cards(caseNumber: string) {
      const rows = sql.all<{ platformMessageId: string; payload: string; sentAt: string }>(
        `SELECT o.platformMessageId, o.payload, o.sentAt FROM "OutboxMessage" o JOIN "Case" c ON c.id = o.caseId
         WHERE c.number = ? AND o.channel = 'lark' AND o.status = 'sent' AND o.platformMessageId IS NOT NULL
           AND o.platformMessageId NOT LIKE 'toast:%' ORDER BY o.id DESC LIMIT ?`,
        caseNumber,
        MAX_CARDS_PER_CASE * 5,
      );
      const cards: { messageId: string; mentions: OutboundMessage["mentions"]; sentAt: Date }[] = [];
      for (const r of rows) {
        const message = JSON.parse(r.payload) as OutboundMessage;
        if (!message.actions?.length) continue;
        cards.push({
          messageId: r.platformMessageId,
          mentions: message.mentions ?? [],
          sentAt: fromDbDate(r.sentAt),
        });
        if (cards.length >= MAX_CARDS_PER_CASE) break;
      }
      return cards;
    },

    async isBotMessage(messageId: string) {
      return Boolean(
        sql.get('SELECT 1 AS x FROM "OutboxMessage" WHERE platformMessageId = ? LIMIT 1', messageId),
      );
    },
  };
}

/** The inbox, plus a wait for what the conversation answered to one message. */
export function larkInbox(sql: Sql, ingest: LarkSetupDeps["ingest"]): LarkInbox {
  return {
    ingest,
    async outcome(inboxId: number, timeoutMs: number): Promise<InboundOutcome | null> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const row = sql.get<{ status: string; note: string }>(
          'SELECT status, note FROM "InboxMessage" WHERE id = ?',
          inboxId,
        );
        if (row && row.status !== "received") {
          // Replies of one message carry keys "in:<inboxId>:<n>" (src/conversation/turn.ts).
          const out = sql.all<{ idempotencyKey: string; payload: string }>(
            // A key range rather than LIKE (case-insensitive in SQLite, so it cannot use the unique index).
            'SELECT idempotencyKey, payload FROM "OutboxMessage" WHERE idempotencyKey >= ? AND idempotencyKey < ? ORDER BY id',
            `in:${inboxId}:`,
            `in:${inboxId};`,
          );
          return {
            status: row.status,
            note: row.note,
            replies: out.map((o) => ({
              ...(JSON.parse(o.payload) as OutboundMessage),
              idempotencyKey: o.idempotencyKey,
            })),
          };
        }
        if (Date.now() >= deadline) return null;
        await new Promise((r) => setTimeout(r, OUTCOME_POLL_MS));
      }
    },
  };
}

/**
 * Records LARK_CHATS as Chat rows with their role (the digest and ranking jobs look for "leadership"),
 * keeping any other role an admin gave the chat.
 */
export async function registerLarkChats(prisma: PrismaClient, chats: LarkConfig["chats"]): Promise<void> {
  await registerConfiguredChats(
    prisma,
    "lark",
    chats.map((c) => ({ id: `lark:${c.id}`, role: c.role })),
  );
}

/** The Lark bot over this service's store; `start()` it once the server is set up. */
export async function setupLark(deps: LarkSetupDeps): Promise<LarkBot> {
  await registerLarkChats(deps.prisma, deps.config.chats);
  return new LarkBot({
    config: deps.config,
    botName: deps.botName,
    log: deps.log.child({ channel: "lark" }),
    inbox: larkInbox(deps.sql, deps.ingest),
    people: { byOpenId: (openId) => deps.roster().personByLark(openId) },
    cases: caseCardSource(deps),
    media: mediaSource(deps.sql, deps.media),
    server: deps.server,
    ...(deps.limiter ? { limiter: deps.limiter } : {}),
    ...(deps.autoReconnect !== undefined ? { autoReconnect: deps.autoReconnect } : {}),
  });
}
