/** Pure text helpers for WeChat: mentions, wechat4u's quote format, and splitting long messages. */

/** WeChat separates @-mentions with U+2005 (four-per-em space); wechaty does the same when sending. */
export const AT_SEPARATOR = "\u2005";

/**
 * Longest text sent as one message. WeChat publishes no limit; long messages get folded on phones and
 * very long ones are rejected by some puppets, so STACK.md's ~1,500 characters is the ceiling.
 */
export const WECHAT_MAX_TEXT = 1500;

/** Room for the "（2/3）" marker added to each part of a split message. */
const PART_MARKER_ROOM = 8;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Whether the text @-mentions any of `names` (the fallback when the puppet gives no mention ids). */
export function mentionsAnyName(text: string, names: readonly string[]): boolean {
  return names.some((n) => n.length > 0 && new RegExp(`@${escapeRe(n)}(?:[\\s\\u2005]|$)`).test(text));
}

/** Removes "@name" mentions of the bot, so the conversation sees only what was said to it. */
export function removeMentions(text: string, names: readonly string[]): string {
  let t = text;
  for (const n of names) {
    if (n) t = t.replace(new RegExp(`@${escapeRe(n)}(?:[\\s\\u2005]+|$)`, "g"), " ");
  }
  return t.replace(/[ \u2005]{2,}/g, " ").trim();
}

/** A quoted reply as wechat4u renders it: 「名字：原文」, a dashed line, then the reply. */
export interface ParsedQuote {
  quotedName: string;
  quotedText: string;
  reply: string;
}

const QUOTE_RE = /^「([^：」]*)：([\s\S]*)」\n- - - - - - - - - - - - - - -\n([\s\S]*)$/;

/** Parses wechat4u's quote format; null when the text is not a quote. */
export function parseQuote(text: string): ParsedQuote | null {
  const m = QUOTE_RE.exec(text);
  if (!m) return null;
  return { quotedName: m[1] ?? "", quotedText: m[2] ?? "", reply: m[3] ?? "" };
}

/** The quoted message's server id and sender id from a raw wechat4u ReferMsg (XML in `Content`). */
export function referMsgIds(rawContent: string): { svrid?: string; chatusr?: string } {
  const xml = rawContent.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  const svrid = /<svrid>\s*(\d+)\s*<\/svrid>/.exec(xml)?.[1];
  const chatusr = /<chatusr>\s*([^<\s]+)\s*<\/chatusr>/.exec(xml)?.[1];
  return { ...(svrid ? { svrid } : {}), ...(chatusr ? { chatusr } : {}) };
}

/**
 * Takes the leading "@姓名 " prefixes the conversation wrote for `names` off the text, so the channel
 * can let `room.say(text, ...contacts)` write real mentions instead.
 */
export function stripMentionPrefixes(text: string, names: readonly string[]): string {
  let t = text;
  for (;;) {
    const name = names.find((n) => n && (t.startsWith(`@${n} `) || t.startsWith(`@${n}${AT_SEPARATOR}`)));
    if (!name) return t;
    t = t.slice(name.length + 2);
  }
}

function cutPoint(s: string, max: number): number {
  const window = s.slice(0, max);
  // Never cut into tiny parts: a boundary in the first half is not worth it.
  const min = Math.floor(max / 2);
  for (const sep of ["\n\n", "\n"]) {
    const i = window.lastIndexOf(sep);
    if (i >= min) return i + sep.length;
  }
  for (const marks of ["。！？；!?;", "，、,：: "]) {
    let best = -1;
    for (const ch of marks) best = Math.max(best, window.lastIndexOf(ch));
    if (best >= min) return best + 1;
  }
  // No boundary: a hard cut, but not between the two halves of a surrogate pair (emoji).
  const code = s.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
}

/**
 * Splits text into messages of at most `max` characters at paragraph, line, sentence or comma
 * boundaries; parts carry a "（1/3）" marker so readers know more follows.
 */
export function splitText(text: string, max = WECHAT_MAX_TEXT): string[] {
  const body = text.trim();
  if (body.length <= max) return body ? [body] : [];
  const limit = max - PART_MARKER_ROOM;
  const parts: string[] = [];
  let rest = body;
  while (rest.length > limit) {
    const cut = cutPoint(rest, limit);
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) parts.push(rest);
  return parts.map((p, i) => `${p}（${i + 1}/${parts.length}）`);
}
