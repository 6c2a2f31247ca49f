/**
 * A robot message (stream topic /v1.0/im/bot/messages/get) turned into the one InboundMessage shape.
 * Group messages reach the robot only when they @ it; text, picture and richText are read (DingTalk
 * delivers no voice, file or video from groups). The sender is named by the roster when their
 * `senderStaffId` is in it; a quoted message gives `replyTo` (a field DingTalk does not document).
 */
import { findCaseNumbers } from "../../src/core/case-number.ts";
import type { InboundImage, InboundMessage } from "../../src/core/types.ts";
import type { DingtalkPeople } from "./dingtalk-ports.ts";
import { DINGTALK_TEXT } from "./dingtalk-text.ts";

/** Photos taken from one message: a report needs a few, not an album. */
export const MAX_IMAGES_PER_MESSAGE = 4;

/** The fields of a robot message the bot reads (docs/dingtalk.md §8 lists their sources). */
export interface RobotMessage {
  msgId?: string;
  msgtype?: string;
  conversationId?: string;
  /** "1" one-to-one with the robot, "2" a group. */
  conversationType?: string;
  conversationTitle?: string;
  senderId?: string;
  senderNick?: string;
  /** The sender's userid in the organisation; absent for people outside it. */
  senderStaffId?: string;
  chatbotUserId?: string;
  robotCode?: string;
  isInAtList?: boolean;
  atUsers?: { dingtalkId?: string; staffId?: string }[];
  sessionWebhook?: string;
  sessionWebhookExpiredTime?: number;
  createAt?: number;
  text?: {
    content?: string;
    /** Undocumented, seen in DingTalk's payloads: the message this one quotes. */
    isReplyMsg?: boolean;
    repliedMsg?: { msgId?: string; senderId?: string; content?: { text?: string } };
  };
  content?: {
    downloadCode?: string;
    pictureDownloadCode?: string;
    richText?: { text?: string; type?: string; downloadCode?: string }[];
  };
}

export interface ReadMessage {
  text: string;
  downloadCodes: string[];
  unsupported: boolean;
}

/** What a robot message says, before any download. */
export function readRobotMessage(msg: RobotMessage): ReadMessage {
  switch (msg.msgtype) {
    case "text":
      return { text: (msg.text?.content ?? "").trim(), downloadCodes: [], unsupported: false };
    case "picture": {
      const code = msg.content?.downloadCode;
      return { text: "", downloadCodes: code ? [code] : [], unsupported: !code };
    }
    case "richText": {
      const parts = Array.isArray(msg.content?.richText) ? msg.content.richText : [];
      const text = parts
        .map((p) => (typeof p?.text === "string" ? p.text : ""))
        .join("")
        .trim();
      const downloadCodes = parts
        .filter((p) => p?.type === "picture" && typeof p.downloadCode === "string")
        .map((p) => p.downloadCode as string);
      return { text, downloadCodes, unsupported: text === "" && downloadCodes.length === 0 };
    }
    default:
      return { text: "", downloadCodes: [], unsupported: true };
  }
}

/** The sender's platform-qualified key: their userid when they have one, else DingTalk's per-app id. */
export function senderKey(msg: RobotMessage): string {
  return `dingtalk:${msg.senderStaffId || msg.senderId || "unknown"}`;
}

/**
 * A quote of one of the bot's own messages carries no id the bot knows (DingTalk returns none when
 * it sends), so the case number in the quoted text stands in: it is added to the text when the
 * sender wrote none. A quote of a person's message keeps its msgId (a report's id names its case).
 */
function quoted(msg: RobotMessage, text: string): { text: string; replyTo?: string } {
  const replied = msg.text?.isReplyMsg ? msg.text.repliedMsg : undefined;
  if (!replied) return { text };
  const fromBot = Boolean(replied.senderId) && replied.senderId === msg.chatbotUserId;
  const quotedNumbers = findCaseNumbers(replied.content?.text ?? "");
  const only = quotedNumbers.length === 1 ? quotedNumbers[0] : undefined;
  if (fromBot && only && findCaseNumbers(text).length === 0) return { text: `${text} ${only}`.trim() };
  return replied.msgId && !fromBot ? { text, replyTo: replied.msgId } : { text };
}

/** Builds the InboundMessage from a read robot message and its downloaded photos. */
export function toInboundMessage(
  msg: RobotMessage,
  read: ReadMessage,
  images: InboundImage[],
  people: DingtalkPeople,
): InboundMessage {
  const staffId = msg.senderStaffId || undefined;
  const person = staffId ? people.byUserId(staffId) : undefined;
  const { text, replyTo } = quoted(msg, read.text);
  const mentions = (msg.atUsers ?? [])
    .filter((u) => u.dingtalkId !== msg.chatbotUserId && u.staffId)
    .map((u) => ({
      key: `dingtalk:${u.staffId}`,
      name: people.byUserId(u.staffId ?? "")?.name ?? DINGTALK_TEXT.unknownUser,
    }));
  const sentMs = Number(msg.createAt);
  const inbound: InboundMessage = {
    channel: "dingtalk",
    chatId: `dingtalk:${msg.conversationId ?? ""}`,
    messageId: msg.msgId ?? "",
    sender: {
      key: senderKey(msg),
      name: person?.name ?? (msg.senderNick?.trim() || DINGTALK_TEXT.unknownUser),
      ...(staffId ? { dingtalkId: staffId } : {}),
    },
    text,
    // Groups deliver only messages that @ the robot; isInAtList says so where present.
    mentionsBot: msg.isInAtList !== false,
    mentions,
    images: images.slice(0, MAX_IMAGES_PER_MESSAGE),
    sentAt: Number.isFinite(sentMs) && sentMs > 0 ? new Date(sentMs) : new Date(),
    // The session webhook is a credential for replying: it stays out of the stored copy.
    raw: {
      msgId: msg.msgId,
      msgtype: msg.msgtype,
      conversationId: msg.conversationId,
      conversationTitle: msg.conversationTitle,
      senderStaffId: msg.senderStaffId,
      senderNick: msg.senderNick,
      createAt: msg.createAt,
    },
  };
  if (replyTo) inbound.replyTo = replyTo;
  if (read.unsupported) inbound.unsupportedContent = true;
  return inbound;
}
