/**
 * Which group chats get the digest, the brief and the ranking: enabled Chat rows with the digest (or
 * leadership) role.
 * Chat.role holds a comma-separated set of roles ("report", "leadership", "digest"), so one group can
 * be the report group and the digest group at once (the simulator's chat is both by default).
 */
import type { PrismaClient } from "../store/generated/client.ts";

export const DIGEST_ROLE = "digest";
const REPORT_ROLE = "report";
/** The leaders' group (WECHAT_ROOMS=群名=leadership): it gets the digest and the ranking too. */
const LEADERSHIP_ROLE = "leadership";

/** The roles of a Chat row. */
export function chatRoles(role: string): Set<string> {
  return new Set(role.split(/[\s,]+/).filter(Boolean));
}

/**
 * Gives the digest role to each chat of DIGEST_CHATS, creating missing Chat rows (the simulator's
 * chat also as the report group). Additive: a chat dropped from the setting keeps its role until an
 * admin removes it, so the setting never silently stops another deployment's digest.
 */
export async function ensureDigestChats(
  prisma: PrismaClient,
  chatIds: readonly string[],
  options: { simulatorChatId?: string },
): Promise<void> {
  for (const id of chatIds) {
    const [channel = ""] = id.split(":", 1);
    const existing = await prisma.chat.findUnique({ where: { id } });
    if (!existing) {
      const roles = id === options.simulatorChatId ? [REPORT_ROLE, DIGEST_ROLE] : [DIGEST_ROLE];
      await prisma.chat.create({ data: { id, channel, role: roles.join(",") } });
      continue;
    }
    const roles = chatRoles(existing.role);
    if (!roles.has(DIGEST_ROLE)) {
      roles.add(DIGEST_ROLE);
      await prisma.chat.update({ where: { id }, data: { role: [...roles].join(",") } });
    }
  }
}

/** Roles a bot's chat settings (LARK_CHATS, WECHAT_ROOMS) decide; other roles (the digest's) are kept. */
const CONFIGURED_ROLES: readonly string[] = [REPORT_ROLE, LEADERSHIP_ROLE];

/**
 * Records a bot's configured groups as enabled Chat rows with their role, keeping any other role an
 * admin or DIGEST_CHATS gave the chat (additive, like ensureDigestChats).
 */
export async function registerConfiguredChats(
  prisma: PrismaClient,
  channel: string,
  chats: readonly { id: string; name?: string; role: string }[],
): Promise<void> {
  for (const chat of chats) {
    const existing = await prisma.chat.findUnique({ where: { id: chat.id } });
    const kept = [...chatRoles(existing?.role ?? "")].filter((r) => !CONFIGURED_ROLES.includes(r));
    const role = [chat.role, ...kept].join(",");
    const name = chat.name !== undefined ? { name: chat.name } : {};
    await prisma.chat.upsert({
      where: { id: chat.id },
      create: { id: chat.id, channel, role, ...name },
      update: { role, enabled: true, ...name },
    });
  }
}

/** Ids of the enabled chats with the digest or leadership role, in id order (the order messages are queued in). */
export async function digestChatIds(prisma: PrismaClient): Promise<string[]> {
  const rows = await prisma.chat.findMany({ where: { enabled: true }, orderBy: { id: "asc" } });
  return rows
    .filter((r) => {
      const roles = chatRoles(r.role);
      return roles.has(DIGEST_ROLE) || roles.has(LEADERSHIP_ROLE);
    })
    .map((r) => r.id);
}
