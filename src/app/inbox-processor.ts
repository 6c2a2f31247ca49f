/**
 * The inbox: every inbound message is stored raw before it is processed, processed once per
 * platform message id, and its outcome recorded in the same transaction as its effects.
 */
import type { Logger } from "pino";
import type { ConversationService } from "../conversation/conversation-service.ts";
import type { StoredInbound } from "../conversation/turn.ts";
import { T } from "../conversation/texts.ts";
import type { Clock, InboundMessage } from "../core/types.ts";
import type { PrismaClient } from "../store/generated/client.ts";
import type { MediaStore } from "../store/media-store.ts";
import { PrismaConversationStore } from "../store/prisma-conversation-store.ts";

/** Platform raw payloads larger than this are cut in the inbox (the text itself is kept whole). */
const MAX_RAW_CHARS = 64_000;

export interface InboxProcessorDeps {
  prisma: PrismaClient;
  media: MediaStore;
  conversation: ConversationService;
  clock: Clock;
  log: Logger;
  /** Called after a message produced outbox rows, to wake the sender. */
  onOutbox: () => void;
}

function isUniqueViolation(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: string }).code === "P2002";
}

export class InboxProcessor {
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(private readonly deps: InboxProcessorDeps) {}

  /** Stores the message (photos first, as files), then queues it for processing. */
  async ingest(msg: InboundMessage): Promise<{ duplicate: boolean; inboxId?: number }> {
    const { prisma, media, clock } = this.deps;
    const existing = await prisma.inboxMessage.findUnique({
      where: { channel_platformMessageId: { channel: msg.channel, platformMessageId: msg.messageId } },
      select: { id: true },
    });
    if (existing) return { duplicate: true, inboxId: existing.id };
    const imageHashes: string[] = [];
    let invalidImages = 0;
    for (const img of msg.images ?? []) {
      const saved = await media.save(img.data);
      if (!saved.ok) {
        invalidImages += 1;
        continue;
      }
      imageHashes.push(saved.hash);
      await prisma.media.upsert({
        where: { hash: saved.hash },
        create: { hash: saved.hash, mime: saved.mime, size: saved.size, path: saved.path, createdAt: clock.now() },
        update: {},
      });
    }
    let rawText = "";
    try {
      rawText = msg.raw === undefined ? "" : JSON.stringify(msg.raw).slice(0, MAX_RAW_CHARS);
    } catch {
      rawText = "[unserializable]";
    }
    const stored: Omit<StoredInbound, "inboxId"> & { platformRaw: string } = {
      channel: msg.channel,
      chatId: msg.chatId,
      messageId: msg.messageId,
      sender: msg.sender,
      text: typeof msg.text === "string" ? msg.text : "",
      mentionsBot: Boolean(msg.mentionsBot),
      mentions: msg.mentions ?? [],
      imageHashes,
      invalidImages,
      ...(msg.replyTo ? { replyTo: msg.replyTo } : {}),
      sentAt: msg.sentAt instanceof Date && !Number.isNaN(msg.sentAt.getTime()) ? msg.sentAt : clock.now(),
      platformRaw: rawText,
    };
    let id: number;
    try {
      const row = await prisma.inboxMessage.create({
        data: {
          channel: msg.channel,
          platformMessageId: msg.messageId,
          chatId: msg.chatId,
          senderKey: msg.sender.key,
          raw: JSON.stringify(stored),
          receivedAt: clock.now(),
        },
        select: { id: true },
      });
      id = row.id;
    } catch (e) {
      if (isUniqueViolation(e)) return { duplicate: true };
      throw e;
    }
    this.enqueue(id);
    return { duplicate: false, inboxId: id };
  }

  /** Queues every stored-but-unprocessed message (after a restart), oldest first. */
  async resume(): Promise<number> {
    const rows = await this.deps.prisma.inboxMessage.findMany({ where: { status: "received" }, orderBy: { id: "asc" }, select: { id: true } });
    for (const r of rows) this.enqueue(r.id);
    return rows.length;
  }

  /** Resolves when everything queued so far is processed. */
  async idle(): Promise<void> {
    while (this.pending > 0) await this.queue;
  }

  private enqueue(id: number) {
    this.pending += 1;
    // One at a time: SQLite has one writer, and replies keep the order messages came in.
    this.queue = this.queue.then(() => this.process(id)).finally(() => {
      this.pending -= 1;
    });
  }

  private async process(id: number): Promise<void> {
    const { prisma, conversation, log, clock } = this.deps;
    const row = await prisma.inboxMessage.findUnique({ where: { id } });
    if (!row || row.status !== "received") return;
    const msg = { ...(JSON.parse(row.raw) as StoredInbound), inboxId: id };
    msg.sentAt = new Date(msg.sentAt);
    try {
      const outcome = await conversation.handle(msg, (work) =>
        prisma.$transaction(
          async (tx) => {
            // Re-check inside the transaction: processed once, even if queued twice.
            const fresh = await tx.inboxMessage.findUnique({ where: { id }, select: { status: true } });
            if (fresh?.status !== "received") return { status: "dropped", note: "already processed" };
            const out = await work(new PrismaConversationStore(tx, clock.now()));
            await tx.inboxMessage.update({
              where: { id },
              data: { status: out.status, note: out.note.slice(0, 500), processedAt: clock.now(), attempts: { increment: 1 } },
            });
            return out;
          },
          { timeout: 60_000, maxWait: 60_000 },
        ),
      );
      if (outcome.status === "dropped") log.debug({ inboxId: id, reason: outcome.note }, "inbound message dropped");
    } catch (err) {
      log.error({ err, inboxId: id, channel: row.channel, chatId: row.chatId }, "processing an inbound message failed");
      await this.fail(id, msg, err);
    }
    this.deps.onOutbox();
  }

  /** Marks the row failed and tells the sender, so nothing fails silently. */
  private async fail(id: number, msg: StoredInbound, err: unknown) {
    const { prisma, clock } = this.deps;
    const note = err instanceof Error ? err.message.slice(0, 500) : String(err).slice(0, 500);
    await prisma.$transaction(async (tx) => {
      await tx.inboxMessage.update({ where: { id }, data: { status: "failed", note, processedAt: clock.now(), attempts: { increment: 1 } } });
      if (msg.mentionsBot) {
        await new PrismaConversationStore(tx, clock.now()).enqueue(
          { chatId: msg.chatId, text: T.internalError, mentions: [], kind: "error", replyTo: msg.messageId },
          { idempotencyKey: `in:${id}:error` },
        );
      }
    });
  }
}
