/**
 * Where the work calendar's messages go, and whom they @-mention: the work groups (enabled chats with
 * the report role, where inspectors and admins answer cases) — never the digest: the warning and the
 * recomputation summary are for the office, not for the leaders' daily report.
 */
import type { RosterIndex } from "../core/roster-index.ts";
import type { OutboundMessage, Person } from "../core/types.ts";
import { chatRoles } from "../schedule/digest-chats.ts";
import type { Sql } from "../store/sql.ts";

const REPORT_ROLE = "report";

/** Ids of the enabled work groups, in id order. */
export function staffChatIds(sql: Sql): string[] {
  return sql
    .all<{ id: string; role: string }>('SELECT id, role FROM "Chat" WHERE enabled = 1 ORDER BY id')
    .filter((c) => chatRoles(c.role).has(REPORT_ROLE))
    .map((c) => c.id);
}

/** The roster's admins; its inspectors when it names no admin (someone must be told). */
export function adminsOrInspectors(roster: RosterIndex): Person[] {
  const admins = [...roster.people.values()].filter((p) => p.roles.includes("admin"));
  return admins.length > 0 ? admins : roster.inspectors();
}

/** A text to `chatId` @-mentioning `people` (their names lead the text, as the other notices do). */
export function mentionMessage(
  chatId: string,
  people: readonly Person[],
  text: string,
  kind: string,
): OutboundMessage {
  return {
    chatId,
    text: people.map((p) => `@${p.name} `).join("") + text,
    mentions: people.map((p) => ({
      personId: p.id,
      name: p.name,
      larkOpenId: p.larkOpenId,
      wechatId: p.wechatId,
    })),
    kind,
  };
}
