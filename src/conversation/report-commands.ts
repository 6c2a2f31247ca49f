/** On-demand reports in chat: "@bot 今日简报" (today so far) and "@bot 排名" (this week and month so far). */
import type { Outcome, Turn } from "./turn.ts";

export type ReportCommandType = "brief" | "ranking";

/** A report ready to post: text and chart images by media hash. */
export interface ReportReply {
  text: string;
  imageHashes: string[];
}

/** The reports the conversation can ask for (src/report/report-service.ts implements it). */
export interface ReportPort {
  brief(now: Date): Promise<ReportReply>;
  ranking(now: Date): Promise<ReportReply>;
}

const TEXTS = {
  unavailable: "抱歉，当前未启用简报和排名功能。",
} as const;

/**
 * Builds the report before the message's transaction starts: it reads many cases and renders a
 * chart, which must not hold the database's single writer lock meanwhile.
 */
export function buildReportReply(
  port: ReportPort | undefined,
  type: ReportCommandType,
  now: Date,
): Promise<ReportReply | null> {
  if (!port) return Promise.resolve(null);
  return type === "brief" ? port.brief(now) : port.ranking(now);
}

/** Posts the report built for this message, in its thread. */
export async function handleReportCommand(
  turn: Turn,
  type: ReportCommandType,
  reply: ReportReply | null,
): Promise<Outcome> {
  if (!reply) {
    await turn.reply(TEXTS.unavailable, { kind: "refusal" });
    return { status: "processed", note: `${type} unavailable` };
  }
  await turn.send({
    text: reply.text,
    replyTo: turn.msg.messageId,
    kind: type === "brief" ? "brief" : "ranking",
    ...(reply.imageHashes.length > 0 ? { imageHashes: reply.imageHashes } : {}),
  });
  return { status: "processed", note: type };
}
