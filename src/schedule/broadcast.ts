/**
 * Sends one report to every digest chat, once per chat and period: each chat's message has a
 * deterministic key, so a run resumed after a crash queues only the chats the first run did not reach,
 * and the report is built only if some chat still needs it.
 */
import type { Logger } from "pino";
import type { OutboundMessage } from "../core/types.ts";
import type { ReportMessage } from "../report/report-service.ts";
import type { PrismaClient } from "../store/generated/client.ts";
import { digestChatIds } from "./digest-chats.ts";
import { enqueueOnce, isQueued } from "./outbox-enqueue.ts";
import type { JobOutcome } from "./scheduled-job.ts";

export interface BroadcastOptions {
  prisma: PrismaClient;
  log: Logger;
  now: Date;
  signal: AbortSignal;
  /** Message kind, also the first part of the key: "digest", "ranking", "evening_brief". */
  kind: string;
  /** Period part of the key, e.g. the local day or the week's Monday. */
  periodKey: string;
  build: () => Promise<ReportMessage>;
}

/** Queues the report for each digest chat that does not have it yet. */
export async function broadcastReport(o: BroadcastOptions): Promise<JobOutcome> {
  const chats = await digestChatIds(o.prisma);
  if (chats.length === 0) return { status: "skipped", note: "no chat has the digest role (DIGEST_CHATS)" };
  let report: ReportMessage | null = null;
  let queued = 0;
  for (const chatId of chats) {
    if (o.signal.aborted) return { status: "stopped", note: `stopped after ${queued} chat(s)` };
    const idempotencyKey = `${o.kind}:${chatId}:${o.periodKey}`;
    if (await isQueued(o.prisma, idempotencyKey)) continue;
    report ??= await o.build();
    const message: OutboundMessage = {
      chatId,
      text: report.text,
      mentions: report.mentions,
      kind: o.kind,
      ...(report.imageHashes.length > 0 ? { imageHashes: report.imageHashes } : {}),
    };
    if (await enqueueOnce(o.prisma, message, { idempotencyKey, now: o.now })) {
      queued++;
      o.log.info({ chatId, key: idempotencyKey, kind: o.kind }, "scheduled report queued");
    }
  }
  return { status: "done", note: `queued for ${queued} of ${chats.length} chat(s)` };
}
