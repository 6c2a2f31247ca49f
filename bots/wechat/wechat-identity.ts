/**
 * Who a WeChat sender is on the roster. WeChat ids are the strong key, but wechat4u's contact ids
 * change at every login and rosters often lack them, so an unambiguous group nickname (群昵称) or
 * WeChat name is the fallback. The key used is recorded with each message.
 */
import type { Contact } from "wechaty";
import type { RosterIndex } from "../../src/core/roster-index.ts";
import type { Person, Sender } from "../../src/core/types.ts";

/** What WeChat tells about a sender. */
export interface WechatSenderFacts {
  /** The puppet's contact id (wechat4u: per login; pad/service puppets: the wxid). */
  contactId: string;
  /** The WeChat number (微信号) when the puppet knows it. */
  weixin?: string | undefined;
  /** WeChat name (昵称). */
  name: string;
  /** The sender's nickname in this group (群昵称), if set. */
  roomAlias?: string | undefined;
}

export type SenderMatchKey = "wechatId" | "weixin" | "roomAlias" | "name" | "none";

export interface SenderMatch {
  person: Person | null;
  by: SenderMatchKey;
}

/** The WeChat number (微信号) if the puppet knows it: `handle` in newer puppets, `weixin` in wechat4u. */
export function weixinOf(contact: Contact): string | undefined {
  // Not contact.weixin(): it is deprecated and prints a stack trace on every call.
  return contact.handle() || contact.payload?.weixin || undefined;
}

const clean = (s: string | undefined) => (s ?? "").normalize("NFKC").replace(/\s+/g, "");

/**
 * Matches by WeChat id, then by group nickname, then by WeChat name; names only when unambiguous and
 * only for people the roster gives no WeChat id (anyone can take an inspector's name as their group
 * nickname). A name match is a candidate, not an identity: the conversation acts on it only after
 * console staff confirm the binding (SenderBinding).
 */
export function matchSender(roster: RosterIndex, facts: WechatSenderFacts): SenderMatch {
  const byId = roster.personByWechat(facts.contactId);
  if (byId) return { person: byId, by: "wechatId" };
  if (facts.weixin) {
    const byWeixin = roster.personByWechat(facts.weixin);
    if (byWeixin) return { person: byWeixin, by: "weixin" };
  }
  // The group nickname first: in work groups people set it to their real name, while the WeChat
  // name is often a nickname.
  for (const [by, raw] of [
    ["roomAlias", facts.roomAlias],
    ["name", facts.name],
  ] as const) {
    const name = clean(raw);
    const person = name ? roster.personByName(name) : undefined;
    if (person && !person.wechatId) return { person, by };
  }
  return { person: null, by: "none" };
}

/**
 * The Sender the conversation sees. Its `identify()` tries `wechatId`, then `name`: so a match by
 * nickname or name passes the roster name, and a match by WeChat number passes that number.
 */
export function toSender(facts: WechatSenderFacts, match: SenderMatch): Sender {
  const shown = facts.roomAlias?.trim() || facts.name;
  return {
    key: `wechat:${facts.contactId}`,
    name: match.person?.name ?? shown,
    wechatId: match.by === "weixin" && facts.weixin ? facts.weixin : facts.contactId,
  };
}
