/**
 * One wechaty message from a configured group → the InboundMessage the inbox takes: mentions of the
 * bot (mention ids, else "@名字" in the text), the photo's bytes, a quoted bot message turned into
 * a reply to its case, and the sender matched to the roster (the match is recorded in `raw`).
 */
import type { Message, Room, Wechaty } from "wechaty";
import { findCaseNumbers } from "../../src/core/case-number.ts";
import type { RosterIndex } from "../../src/core/roster-index.ts";
import type { InboundImage, InboundMessage } from "../../src/core/types.ts";
import {
  matchSender,
  type SenderMatch,
  toSender,
  type WechatSenderFacts,
  weixinOf,
} from "./wechat-identity.ts";
import { type ConfiguredRoom, WECHAT_CHANNEL, wechatChatId } from "./wechat-rooms.ts";
import { mentionsAnyName, parseQuote, referMsgIds, removeMentions } from "./wechat-text.ts";

export interface InboundDeps {
  bot: Wechaty;
  /** The bot's configured name (BOT_NAME): people may write "@路长通" even if the account is named otherwise. */
  botName: string;
  roster: () => RosterIndex;
  /** Downloads a photo message's bytes (with its retry). */
  downloadImage: (msg: Message) => Promise<InboundImage>;
}

export interface Converted {
  message: InboundMessage;
  match: SenderMatch;
}

/** The names the bot goes by in this room: account name, its group nickname, BOT_NAME. */
async function selfNames(deps: InboundDeps, room: Room): Promise<string[]> {
  const self = deps.bot.currentUser;
  const alias = await room.alias(self).catch(() => undefined);
  return [...new Set([self.name(), alias ?? "", deps.botName].map((n) => n.trim()).filter(Boolean))];
}

/** The ids wechat4u keeps in a quote's raw XML; other puppets have none, and that is fine. */
async function quoteIds(bot: Wechaty, messageId: string): Promise<{ svrid?: string; chatusr?: string }> {
  try {
    // Every puppet has messageRawPayload(); wechaty's PuppetInterface type just does not list it.
    const puppet = bot.puppet as unknown as { messageRawPayload?: (id: string) => Promise<unknown> };
    const raw = (await puppet.messageRawPayload?.(messageId)) as { Content?: unknown } | undefined;
    return typeof raw?.Content === "string" ? referMsgIds(raw.Content) : {};
  } catch {
    // Best effort: the quote still maps through the case number in the quoted text.
    return {};
  }
}

/** Converts a text or photo message from a configured room. */
export async function toInboundMessage(
  deps: InboundDeps,
  msg: Message,
  room: Room,
  configured: ConfiguredRoom,
): Promise<Converted> {
  const { bot } = deps;
  const isImage = msg.type() === bot.Message.Type.Image;
  const selfId = bot.currentUser.id;
  const names = await selfNames(deps, room);
  const original = isImage ? "" : (msg.text() ?? "");
  let text = original;
  let mentionsBot = false;
  let replyTo: string | undefined;
  let quote: Record<string, unknown> | undefined;

  const parsedQuote = isImage ? null : parseQuote(text);
  if (parsedQuote) {
    const ids = await quoteIds(bot, msg.id);
    const fromBot = ids.chatusr ? ids.chatusr === selfId : names.includes(parsedQuote.quotedName.trim());
    text = parsedQuote.reply;
    quote = { name: parsedQuote.quotedName, text: parsedQuote.quotedText.slice(0, 500), ...ids, fromBot };
    if (fromBot) {
      // Replying to the bot's message is talking to the bot, about the case that message named.
      mentionsBot = true;
      if (ids.svrid) replyTo = ids.svrid;
      const quoted = findCaseNumbers(parsedQuote.quotedText);
      if (quoted.length === 1 && findCaseNumbers(text).length === 0) text = `${text} ${quoted[0]}`;
    }
  }

  const mentioned = isImage ? [] : await msg.mentionList().catch(() => []);
  if (!isImage) {
    mentionsBot ||= (await msg.mentionSelf().catch(() => false)) || mentionsAnyName(text, names);
    text = removeMentions(text, names);
  }

  const talker = msg.talker();
  const facts: WechatSenderFacts = {
    contactId: talker.id,
    weixin: weixinOf(talker),
    name: talker.name(),
    roomAlias: await room.alias(talker).catch(() => undefined),
  };
  const match = matchSender(deps.roster(), facts);
  const images = isImage ? [await deps.downloadImage(msg)] : [];

  const message: InboundMessage = {
    channel: WECHAT_CHANNEL,
    chatId: wechatChatId(configured.topic),
    messageId: msg.id,
    sender: toSender(facts, match),
    text,
    mentionsBot,
    mentions: mentioned
      .filter((c) => c.id !== selfId)
      .map((c) => ({ key: `${WECHAT_CHANNEL}:${c.id}`, name: c.name() })),
    images,
    ...(replyTo ? { replyTo } : {}),
    sentAt: msg.date(),
    raw: {
      wechat: {
        messageId: msg.id,
        type: isImage ? "image" : "text",
        text: original.slice(0, 4000),
        room: { id: room.id, topic: configured.topic, role: configured.role },
        talker: facts,
        // Which roster key matched this sender (STYLE.md: the chosen match is recorded).
        match: { by: match.by, personId: match.person?.id ?? null },
        ...(quote ? { quote } : {}),
      },
    },
  };
  return { message, match };
}
