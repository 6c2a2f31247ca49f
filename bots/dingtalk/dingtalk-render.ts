/**
 * An OutboundMessage as DingTalk markdown: people @-mentioned by userid where the message can @
 * (a session-webhook reply or a card), photos and charts as uploaded media ids, and the commands of
 * its buttons as a line to type when no card is sent.
 */
import type { OutboundMessage } from "../../src/core/types.ts";
import { DINGTALK_TEXT } from "./dingtalk-text.ts";

/** Markdown titles show in the chat list and notifications: keep them short. */
const TITLE_MAX = 20;
/**
 * Room left for the markdown inside groupMessages' 15,000-byte msgParam (the JSON around it, the
 * title and the escapes of quotes and newlines take the rest).
 */
export const MARKDOWN_MAX_BYTES = 12_000;

export interface Rendered {
  title: string;
  markdown: string;
  /** Userids of the people mentioned who are in the roster with a 钉钉ID. */
  atUserIds: string[];
}

/**
 * Keeps user text from being read as markdown links, images, tags or headings: those characters
 * become their full-width forms (whether DingTalk's markdown honours backslash escapes is not verified).
 */
function plain(text: string): string {
  return text
    .replace(/\[/g, "［")
    .replace(/\]/g, "］")
    .replace(/</g, "＜")
    .replace(/>/g, "＞")
    .replace(/^#/gm, "＃");
}

/**
 * Renders `message`. `userIdOf` maps a roster person id to their DingTalk userid; `canAt` says whether
 * the way it is sent turns "@userid" into a mention (replies and cards can, group messages cannot).
 */
export function renderMarkdown(
  message: OutboundMessage,
  opts: {
    userIdOf: (personId: string) => string | null;
    canAt: boolean;
    mediaIds: string[];
    typedActions: boolean;
  },
): Rendered {
  const atUserIds: string[] = [];
  let body = plain(message.text);
  for (const m of message.mentions) {
    const userId = opts.userIdOf(m.personId);
    if (!userId) continue;
    atUserIds.push(userId);
    if (opts.canAt) body = body.split(`@${plain(m.name)}`).join(`@${userId}`);
  }
  // Markdown joins single lines: two spaces before a newline keep the bot's line breaks.
  const lines = [body.replace(/\n/g, "  \n")];
  for (const id of opts.mediaIds) lines.push(`![](${id})`);
  if (opts.typedActions && message.actions && message.actions.length > 0)
    lines.push(DINGTALK_TEXT.typedCommands(message.actions.map((a) => a.command).join(" / ")));
  const first =
    message.text
      .split("\n")[0]
      ?.replace(/^(@\S+\s+)+/, "")
      .trim() ?? "";
  const title = message.caseNumber
    ? DINGTALK_TEXT.cardTitle(message.caseNumber)
    : first.slice(0, TITLE_MAX) || DINGTALK_TEXT.messageTitle;
  return { title, markdown: fitMessage(lines.join("\n\n")), atUserIds: [...new Set(atUserIds)] };
}

/** Cuts markdown that would not fit into one DingTalk message, saying so. */
export function fitMessage(markdown: string): string {
  if (Buffer.byteLength(markdown) <= MARKDOWN_MAX_BYTES) return markdown;
  const room = MARKDOWN_MAX_BYTES - Buffer.byteLength(DINGTALK_TEXT.truncated);
  let end = markdown.length;
  while (end > 0 && Buffer.byteLength(markdown.slice(0, end)) > room) end = Math.floor(end * 0.95);
  return `${markdown.slice(0, end)}${DINGTALK_TEXT.truncated}`;
}
