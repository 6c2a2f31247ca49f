/**
 * A received Lark message (event im.message.receive_v1, as the SDK's EventDispatcher flattens it)
 * turned into the one InboundMessage shape: @_user_N placeholders become roster names, the bot's own
 * mention becomes "@<bot name>", the replied-to message becomes `replyTo`, photos are downloaded.
 */
import type { Logger } from "pino";
import type { InboundImage, InboundMessage } from "../../src/core/types.ts";
import { type LarkMention, parseContent } from "./lark-content.ts";
import { LarkApiError, OPERATOR_FIXES } from "./lark-errors.ts";
import type { LarkPeople } from "./lark-ports.ts";
import { LARK_TEXT } from "./lark-text.ts";

/** Photos taken from one message: a report needs a few, not an album. */
export const MAX_IMAGES_PER_MESSAGE = 4;
/** Download tries per photo before telling the sender to send it again. */
const DOWNLOAD_TRIES = 3;
const DOWNLOAD_RETRY_MS = 300;

/** The fields of im.message.receive_v1 the bot reads. */
export interface LarkMessageEvent {
  event_id?: string;
  sender?: { sender_id?: { open_id?: string }; sender_type?: string };
  message?: {
    message_id?: string;
    root_id?: string;
    parent_id?: string;
    create_time?: string;
    chat_id?: string;
    chat_type?: string;
    message_type?: string;
    content?: string;
    mentions?: LarkMention[];
  };
}

export interface InboundContext {
  /** The bot's open_id; null until bot info was read (then its mention is matched by name). */
  botOpenId: string | null;
  botName: string;
  people: LarkPeople;
  download(messageId: string, fileKey: string): Promise<Uint8Array>;
  log: Logger;
}

/** A sender's display name: the roster's, else a neutral label (events carry no names). */
export function senderName(people: LarkPeople, openId: string): string {
  return people.byOpenId(openId)?.name ?? LARK_TEXT.unknownUser;
}

function isBotMention(m: LarkMention, ctx: InboundContext): boolean {
  if (ctx.botOpenId) return m.id?.open_id === ctx.botOpenId;
  return Boolean(m.name) && m.name === ctx.botName;
}

/** What the message says and whether it is addressed to the bot, before any download. */
export function readMessage(event: LarkMessageEvent, ctx: InboundContext) {
  const msg = event.message ?? {};
  const mentions = (msg.mentions ?? []).filter((m): m is LarkMention => typeof m?.key === "string");
  const nameOf = (m: LarkMention) => {
    if (isBotMention(m, ctx)) return ctx.botName;
    const openId = m.id?.open_id;
    return (openId && ctx.people.byOpenId(openId)?.name) || m.name || LARK_TEXT.unknownUser;
  };
  const parsed = parseContent(msg.message_type ?? "", msg.content ?? "{}", mentions, nameOf);
  const mentionsBot = msg.chat_type === "p2p" || mentions.some((m) => isBotMention(m, ctx));
  const people = mentions
    .filter((m) => !isBotMention(m, ctx) && m.id?.open_id)
    .map((m) => ({ key: `lark:${m.id?.open_id}`, name: nameOf(m) }));
  return { parsed, mentionsBot, people };
}

/** Builds the InboundMessage, downloading the message's photos. */
export async function toInboundMessage(
  event: LarkMessageEvent,
  ctx: InboundContext,
): Promise<InboundMessage> {
  const msg = event.message ?? {};
  const messageId = msg.message_id ?? "";
  const openId = event.sender?.sender_id?.open_id ?? "";
  const { parsed, mentionsBot, people } = readMessage(event, ctx);
  const images: InboundImage[] = [];
  for (const key of parsed.imageKeys.slice(0, MAX_IMAGES_PER_MESSAGE))
    images.push(await downloadImage(messageId, key, ctx));
  const replyTo = msg.parent_id || msg.root_id || undefined;
  const sentMs = Number(msg.create_time);
  const inbound: InboundMessage = {
    channel: "lark",
    chatId: `lark:${msg.chat_id ?? ""}`,
    messageId,
    sender: { key: `lark:${openId}`, name: senderName(ctx.people, openId), larkOpenId: openId },
    text: parsed.text,
    mentionsBot,
    mentions: people,
    images,
    sentAt: Number.isFinite(sentMs) && sentMs > 0 ? new Date(sentMs) : new Date(),
    raw: { event_id: event.event_id, message: { ...msg, content: undefined }, sender: event.sender },
  };
  if (replyTo) inbound.replyTo = replyTo;
  if (parsed.unsupported) inbound.unsupportedContent = true;
  return inbound;
}

/**
 * Downloads one photo with a few tries. If it cannot be had, an empty image stands in: the inbox
 * counts it as not an image and the bot asks the sender to send the photo again.
 */
async function downloadImage(messageId: string, key: string, ctx: InboundContext): Promise<InboundImage> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { data: await ctx.download(messageId, key), fileName: key };
    } catch (err) {
      // A missing scope does not come back by trying again; it is said with its fix.
      const permanent = err instanceof LarkApiError && err.permanent;
      if (attempt >= DOWNLOAD_TRIES || permanent) {
        const fix = err instanceof LarkApiError ? OPERATOR_FIXES.get(err.code) : undefined;
        ctx.log.error(
          { err, messageId, imageKey: key },
          fix ? `下载飞书照片失败：${fix}` : "downloading a Lark photo failed",
        );
        return { data: new Uint8Array(0), fileName: key };
      }
      await new Promise((r) => setTimeout(r, DOWNLOAD_RETRY_MS * attempt));
    }
  }
}
