/**
 * The inbox: every inbound message is stored raw before it is processed, processed once per
 * platform message id, and its outcome recorded in the same transaction as its effects.
 */
import type { Logger } from "pino";
import type { ConversationService } from "../conversation/conversation-service.ts";
import { T } from "../conversation/texts.ts";
import type { StoredInbound } from "../conversation/turn.ts";
import type { Clock, InboundMessage } from "../core/types.ts";
import type { PrismaClient } from "../store/generated/client.ts";
import type { MediaStore } from "../store/media-store.ts";
import { type Sql, toDbDate } from "../store/sql.ts";
import { SqliteConversationStore } from "../store/sqlite-conversation-store.ts";
import { inboundProblem } from "./inbound-guard.ts";

/** Platform raw payloads larger than this are cut in the inbox (the text itself is kept whole). */
const MAX_RAW_CHARS = 64_000;

export interface InboxProcessorDeps {
  prisma: PrismaClient;
  /** Direct SQL on Prisma's connection, for the hot path. */
  sql: Sql;
  /** Runs work in one transaction on that connection (Database.transaction). */
  transaction: <T>(work: () => Promise<T>) => Promise<T>;
  media: MediaStore;
  conversation: ConversationService;
  clock: Clock;
  log: Logger;
  /** Called after a message produced outbox rows, to wake the sender. */
  onOutbox: () => void;
  /** Called after each message is processed (metrics, benchmarks). */
  onProcessed?: (inboxId: number, outcome: { status: string; note: string }) => void;
}

export class InboxProcessor {
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(private readonly deps: InboxProcessorDeps) {}

  /** Stores the message (photos first, as files), then queues it for processing. */
  async ingest(msg: InboundMessage): Promise<{ duplicate: boolean; inboxId?: number; dropped?: string }> {
    const { sql, media, clock, log } = this.deps;
    const problem = inboundProblem(msg);
    if (problem) {
      log.warn({ reason: problem }, "malformed inbound message dropped");
      return { duplicate: false, dropped: problem };
    }
    const findExisting = () =>
      sql.get<{ id: number }>(
        'SELECT id FROM "InboxMessage" WHERE channel = ? AND platformMessageId = ?',
        msg.channel,
        msg.messageId,
      );
    const existing = findExisting();
    if (existing) return { duplicate: true, inboxId: existing.id };
    const imageHashes: string[] = [];
    let invalidImages = 0;
    for (const img of Array.isArray(msg.images) ? msg.images : []) {
      const saved = img?.data instanceof Uint8Array ? await media.save(img.data) : ({ ok: false } as const);
      if (!saved.ok) {
        invalidImages += 1;
        continue;
      }
      imageHashes.push(saved.hash);
      sql.run(
        'INSERT OR IGNORE INTO "Media" (hash, mime, size, path, createdAt) VALUES (?,?,?,?,?)',
        saved.hash,
        saved.mime,
        saved.size,
        saved.path,
        toDbDate(clock.now()),
      );
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
      mentions: Array.isArray(msg.mentions) ? msg.mentions : [],
      imageHashes,
      invalidImages,
      ...(typeof msg.replyTo === "string" && msg.replyTo ? { replyTo: msg.replyTo } : {}),
      sentAt: msg.sentAt instanceof Date && !Number.isNaN(msg.sentAt.getTime()) ? msg.sentAt : clock.now(),
      platformRaw: rawText,
    };
    // Saving photos awaited file IO: the same message may have been stored meanwhile.
    const r = sql.run(
      'INSERT OR IGNORE INTO "InboxMessage" (channel, platformMessageId, chatId, senderKey, raw, receivedAt) VALUES (?,?,?,?,?,?)',
      msg.channel,
      msg.messageId,
      msg.chatId,
      msg.sender.key,
      JSON.stringify(stored),
      toDbDate(clock.now()),
    );
    if (r.changes === 0) return { duplicate: true, inboxId: findExisting()?.id ?? -1 };
    const id = r.lastInsertRowid;
    this.enqueue(id);
    return { duplicate: false, inboxId: id };
  }

  /** Queues every stored-but-unprocessed message (after a restart), oldest first. */
  async resume(): Promise<number> {
    const rows = this.deps.sql.all<{ id: number }>(
      "SELECT id FROM \"InboxMessage\" WHERE status = 'received' ORDER BY id",
    );
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
    this.queue = this.queue
      .then(() => this.process(id))
      .finally(() => {
        this.pending -= 1;
      });
  }

  private async process(id: number): Promise<void> {
    const { sql, conversation, log, clock } = this.deps;
    const row = sql.get<{ raw: string; status: string; channel: string; chatId: string }>(
      'SELECT raw, status, channel, chatId FROM "InboxMessage" WHERE id = ?',
      id,
    );
    if (row?.status !== "received") return;
    const msg = { ...(JSON.parse(row.raw) as StoredInbound), inboxId: id };
    msg.sentAt = new Date(msg.sentAt);
    try {
      const outcome = await conversation.handle(msg, (work) =>
        this.deps.transaction(async () => {
          // Re-check inside the transaction: processed once, even if queued twice.
          const fresh = sql.get<{ status: string }>('SELECT status FROM "InboxMessage" WHERE id = ?', id);
          if (fresh?.status !== "received") return { status: "dropped" as const, note: "already processed" };
          const out = await work(new SqliteConversationStore(sql, clock.now()));
          sql.run(
            'UPDATE "InboxMessage" SET status = ?, note = ?, processedAt = ?, attempts = attempts + 1 WHERE id = ?',
            out.status,
            out.note.slice(0, 500),
            toDbDate(clock.now()),
            id,
          );
          return out;
        }),
      );
      if (outcome.status === "dropped")
        log.info({ inboxId: id, reason: outcome.note }, "inbound message dropped");
      this.deps.onProcessed?.(id, outcome);
    } catch (err) {
      log.error(
        { err, inboxId: id, channel: row.channel, chatId: row.chatId },
        "processing an inbound message failed",
      );
      await this.fail(id, msg, err);
      this.deps.onProcessed?.(id, { status: "failed", note: String(err) });
    }
    this.deps.onOutbox();
  }

  /** Marks the row failed and tells the sender, so nothing fails silently. */
  private async fail(id: number, msg: StoredInbound, err: unknown) {
    const { sql, clock } = this.deps;
    const note = err instanceof Error ? err.message.slice(0, 500) : String(err).slice(0, 500);
    await this.deps.transaction(async () => {
      sql.run(
        "UPDATE \"InboxMessage\" SET status = 'failed', note = ?, processedAt = ?, attempts = attempts + 1 WHERE id = ?",
        note,
        toDbDate(clock.now()),
        id,
      );
      if (msg.mentionsBot) {
        await new SqliteConversationStore(sql, clock.now()).enqueue(
          { chatId: msg.chatId, text: T.internalError, mentions: [], kind: "error", replyTo: msg.messageId },
          { idempotencyKey: `in:${id}:error` },
        );
      }
    });
  }
}
