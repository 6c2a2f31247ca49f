/**
 * Message content both ways: the `content` JSON of text, post and image messages Lark delivers, and
 * the text or post (rich text with photos) the bot sends, with @-mentions as Lark writes them.
 */
import type { OutboundMessage } from "../../src/core/types.ts";
import { LARK_TEXT } from "./lark-text.ts";

type Mention = OutboundMessage["mentions"][number];

/** A mention as Lark delivers it with a received message. */
export interface LarkMention {
  key: string;
  id?: { open_id?: string; user_id?: string; union_id?: string };
  name?: string;
}

/** What a received message says, with `@_user_N` placeholders replaced by names. */
export interface ParsedContent {
  text: string;
  imageKeys: string[];
  /** The message type is one the bot does not read (file, audio, sticker …). */
  unsupported: boolean;
}

/** How each placeholder reads in text: the bot as "@<bot name>", people by their roster name. */
export type MentionNamer = (mention: LarkMention) => string;

function replacePlaceholders(text: string, mentions: readonly LarkMention[], nameOf: MentionNamer): string {
  // Longest keys first: "@_user_1" is a prefix of "@_user_10".
  const sorted = [...mentions].filter((m) => m.key).sort((a, b) => b.key.length - a.key.length);
  let out = text;
  for (const m of sorted) out = out.split(m.key).join(`@${nameOf(m)}`);
  return out.replace(/@_all\b/g, `@${LARK_TEXT.mentionAll}`);
}

interface PostElement {
  tag?: string;
  text?: string;
  href?: string;
  user_id?: string;
  user_name?: string;
  image_key?: string;
  emoji_type?: string;
}

interface PostBody {
  title?: string;
  content?: PostElement[][];
}

/** Received posts come as `{title, content}`; sent ones (and some clients) wrap them by locale. */
function unwrapPost(raw: unknown): PostBody {
  if (typeof raw !== "object" || raw === null) return {};
  const o = raw as Record<string, unknown>;
  if (Array.isArray(o.content)) return o as PostBody;
  for (const locale of ["zh_cn", "en_us", "ja_jp", ...Object.keys(o)]) {
    const inner = o[locale];
    if (typeof inner === "object" && inner !== null && Array.isArray((inner as PostBody).content))
      return inner as PostBody;
  }
  return {};
}

function postText(
  post: PostBody,
  mentions: readonly LarkMention[],
  nameOf: MentionNamer,
  imageKeys: string[],
): string {
  const lines: string[] = [];
  if (post.title?.trim()) lines.push(post.title.trim());
  for (const paragraph of post.content ?? []) {
    if (!Array.isArray(paragraph)) continue;
    let line = "";
    for (const el of paragraph) {
      switch (el?.tag) {
        case "text":
        case "md":
        case "code_block":
          line += el.text ?? "";
          break;
        case "a":
          line += el.text ?? el.href ?? "";
          break;
        case "at": {
          const m = mentions.find((x) => x.key === el.user_id || x.id?.open_id === el.user_id);
          line +=
            el.user_id === "all" || el.user_id === "@_all"
              ? `@${LARK_TEXT.mentionAll}`
              : `@${m ? nameOf(m) : (el.user_name ?? "")}`;
          break;
        }
        case "img":
        case "media":
          if (el.image_key) imageKeys.push(el.image_key);
          break;
        default:
          break;
      }
    }
    if (line.trim()) lines.push(line);
  }
  return replacePlaceholders(lines.join("\n"), mentions, nameOf);
}

/** Reads a received message's content. Never throws: unreadable content is empty and unsupported. */
export function parseContent(
  messageType: string,
  content: string,
  mentions: readonly LarkMention[],
  nameOf: MentionNamer,
): ParsedContent {
  let raw: unknown;
  try {
    raw = JSON.parse(content);
  } catch {
    return { text: "", imageKeys: [], unsupported: true };
  }
  const o = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  switch (messageType) {
    case "text":
      return {
        text: replacePlaceholders(typeof o.text === "string" ? o.text : "", mentions, nameOf),
        imageKeys: [],
        unsupported: false,
      };
    case "post": {
      const imageKeys: string[] = [];
      const text = postText(unwrapPost(raw), mentions, nameOf, imageKeys);
      return { text, imageKeys, unsupported: false };
    }
    case "image":
      return {
        text: "",
        imageKeys: typeof o.image_key === "string" ? [o.image_key] : [],
        unsupported: false,
      };
    default:
      return { text: "", imageKeys: [], unsupported: true };
  }
}

/** Stops user-written text from carrying its own <at …> tags into a bot message. */
function defuse(text: string): string {
  return text.replace(/<(\/?)at/gi, "‹$1at");
}

/**
 * The mentions that can be tagged (they have an open_id), longest name first: "@张三" must not be
 * replaced inside "@张三丰" before 张三丰 gets his own tag.
 */
export function taggableMentions(mentions: readonly Mention[]): Mention[] {
  return mentions.filter((m) => m.larkOpenId).sort((a, b) => b.name.length - a.name.length);
}

/** `{"text": …}` with `@名字` turned into `<at user_id="ou_…">名字</at>` for people with an open_id. */
export function textContent(text: string, mentions: readonly Mention[]): string {
  let out = defuse(text);
  for (const m of taggableMentions(mentions)) {
    if (!m.larkOpenId) continue;
    out = out.split(`@${m.name}`).join(`<at user_id="${m.larkOpenId}">${m.name}</at>`);
  }
  return JSON.stringify({ text: out });
}

/** A post (rich text): the text line by line, mentions as `at` elements, then the photos. */
export function postContent(
  text: string,
  mentions: readonly Mention[],
  imageKeys: readonly string[],
): string {
  const byName = new Map<string, Mention>(mentions.filter((m) => m.larkOpenId).map((m) => [`@${m.name}`, m]));
  const names = [...byName.keys()].sort((a, b) => b.length - a.length);
  const paragraphs: Record<string, string>[][] = [];
  for (const line of text.split("\n")) {
    const elements: Record<string, string>[] = [];
    let rest = line;
    while (rest.length > 0) {
      let hit: { index: number; name: string } | null = null;
      for (const name of names) {
        const index = rest.indexOf(name);
        if (index >= 0 && (!hit || index < hit.index)) hit = { index, name };
      }
      if (!hit) {
        elements.push({ tag: "text", text: rest });
        break;
      }
      if (hit.index > 0) elements.push({ tag: "text", text: rest.slice(0, hit.index) });
      const m = byName.get(hit.name);
      if (m?.larkOpenId) elements.push({ tag: "at", user_id: m.larkOpenId, user_name: m.name });
      rest = rest.slice(hit.index + hit.name.length);
    }
    if (elements.length > 0) paragraphs.push(elements);
  }
  for (const key of imageKeys) paragraphs.push([{ tag: "img", image_key: key }]);
  return JSON.stringify({ zh_cn: { title: "", content: paragraphs } });
}
