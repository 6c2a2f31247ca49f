/**
 * Shared domain types of the case engine. Platform-free: no SDK, no Prisma, no environment reads.
 * Domain words: segment = 路段, chief = 路长, whistle = 吹哨, rework = 返工, inspector = 督查员 (精细办).
 */

/** Case states (DESIGN.md §2). */
export type CaseState =
  | "pending" // 待立案
  | "dispatched" // 已派遣
  | "in_progress" // 处置中
  | "awaiting_check" // 待核查
  | "closed" // 已结案
  | "returned" // 已回退
  | "backlogged" // 已挂账
  | "voided"; // 已作废

export const OPEN_STATES: readonly CaseState[] = [
  "pending",
  "dispatched",
  "in_progress",
  "awaiting_check",
  "returned",
  "backlogged",
];

/** Roster roles a person may hold. */
export type PersonRole = "chief1" | "chief2" | "chief3" | "department" | "inspector" | "admin";

/** A person of the roster. */
export interface Person {
  id: string;
  name: string;
  title: string;
  phone: string;
  larkOpenId: string | null;
  wechatId: string | null;
  /** DingTalk userid (员工 UserID, the `senderStaffId` of robot messages); the only key that gives rights there. */
  dingtalkId?: string | null;
  roles: PersonRole[];
}

/** Taxonomy time limit (luzhang-taxonomy/v1). */
export interface TimeLimit {
  value: number;
  unit: "work_hour" | "work_day" | "hour";
}

export interface TaxonomyItem {
  code: string;
  name: string;
  class: string;
  kind: string;
  area: string;
  focus: string;
  department: string;
  time_limit: TimeLimit;
  urgent_by_default: boolean;
}

export interface Taxonomy {
  format: "luzhang-taxonomy/v1";
  disambiguation: string[];
  items: TaxonomyItem[];
}

/** A platform-qualified chat id, e.g. "sim:demo", "lark:oc_x", "wechat:1@chatroom". */
export type ChatId = string;

/** Who sent an inbound message, as the platform tells it. */
export interface Sender {
  /** Platform-qualified stable key, e.g. "lark:ou_x", "wechat:wxid_x", "sim:p_0006". */
  key: string;
  name: string;
  larkOpenId?: string;
  wechatId?: string;
  /** DingTalk userid (senderStaffId), when the sender belongs to the organisation. */
  dingtalkId?: string;
}

/** An image attached to an inbound message: raw bytes as received. */
export interface InboundImage {
  data: Uint8Array;
  /** Declared mime type, if any; the media store checks the bytes anyway. */
  mime?: string;
  fileName?: string;
}

/** The one shape every channel turns its platform events into (STYLE.md §2). */
export interface InboundMessage {
  channel: string;
  chatId: ChatId;
  /** Platform message id, unique per channel: the inbox deduplicates on it. */
  messageId: string;
  sender: Sender;
  text: string;
  /** Whether the bot was @-mentioned (or the chat is a direct chat with the bot). */
  mentionsBot: boolean;
  /** Other people mentioned, by platform-qualified key. */
  mentions: { key: string; name: string }[];
  images: InboundImage[];
  /** The message held something the bot cannot read (voice, file, sticker …) instead of text or photos. */
  unsupportedContent?: boolean;
  /** Platform id of the message this one replies to or quotes. */
  replyTo?: string;
  /** Time the platform says it was sent. */
  sentAt: Date;
  raw?: unknown;
}

/** A button under a bot message; pressing it sends `command` as if typed, as a reply. */
export interface OutboundAction {
  label: string;
  command: string;
  /** Roles shown the button: "handler" (chief, co-handlers) or "inspector". */
  for: "handler" | "inspector";
}

/** One outgoing message. Channels render it their own way (text, card, room.say …). */
export interface OutboundMessage {
  chatId: ChatId;
  text: string;
  /** People to @-mention, with the platform ids a channel needs. */
  mentions: { personId: string; name: string; larkOpenId?: string | null; wechatId?: string | null }[];
  /** Platform message id this replies to (thread), if any. */
  replyTo?: string;
  /** Case this message is about (for reply-to-case resolution and card updates). */
  caseNumber?: string;
  /** Photos by media hash. */
  imageHashes?: string[];
  actions?: OutboundAction[];
  /** A short label of the kind of message: receipt, assignment, reply, reminder … */
  kind: string;
}

/** Injected clock (STYLE.md §4). */
export interface Clock {
  now(): Date;
}
