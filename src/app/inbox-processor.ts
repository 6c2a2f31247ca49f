/**
 * The inbox: every inbound message is stored raw before it is processed, processed once per
 * platform message id, and its outcome recorded in the same transaction as its effects.
 */
import type { Logger } from "pino";
import { type ConversationService, isAddressed } from "../conversation/conversation-service.ts";
import type { ConversationStore } from "../conversation/conversation-store.ts";
import { T } from "../conversation/texts.ts";
import type { Outcome, StoredInbound } from "../conversation/turn.ts";
import type { Clock, InboundMessage } from "../core/types.ts";
import type { MediaStore } from "../store/media-store.ts";
import { type Sql, toDbDate } from "../store/sql.ts";
import { SqliteConversationStore } from "../store/sqlite-conversation-store.ts";
import { GroupCommit } from "./group-commit.ts";
import { inboundProblem } from "./inbound-guard.ts";
import { cleanInboundText } from "./inbound-text.ts";

/** Platform raw payloads larger than this are cut in the inbox (the text itself is kept whole). */
const MAX_RAW_CHARS = 64_000;
/** Messages applied in one transaction at most (each in its own savepoint). */
const MAX_BATCH = 64;
/** A batch that failed as a whole (disk full, I/O) is tried again after 1 s, 2 s, 4 s … at most 5 min. */
const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 5 * 60_000;

/**
 * SQLite failures of the database itself, not of one message: the message is not at fault, so it
 * stays "received" and its batch is retried, instead of being marked failed for good.
 */
export function isTransientDbError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    typeof code === "string" && /^SQLITE_(FULL|IOERR|BUSY|LOCKED|NOMEM|READONLY|CANTOPEN|PROTOCOL)/.test(code)
  );
}

interface InboxInsert {
  channel: string;
  messageId: string;
  chatId: string;
  senderKey: string;
  raw: string;
  at: string;
}

type Work = (store: ConversationStore) => Promise<Outcome>;

/** One message of a batch: its work (captured when the conversation reaches its transaction). */
interface Slot {
  id: number;
  msg: StoredInbound;
  work: Work | null;
  settle: { resolve: (o: Outcome) => void; reject: (e: unknown) => void } | null;
  handled: Promise<Outcome>;
  error: unknown;
}

export interface InboxProcessorDeps {
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
  /** Delivers local-channel outbox rows inside the batch's transaction (OutboxWorker.sendLocal). */
  deliverLocal?: () => Promise<unknown>;
  /** Called after each message is processed (metrics, benchmarks). */
  onProcessed?: (inboxId: number, outcome: { status: string; note: string }) => void;
}

export class InboxProcessor {
  /** Stored ids waiting to be processed, oldest first. */
  private readonly queue: number[] = [];
  private readonly queued = new Set<number>();
  private running: Promise<void> | null = null;
  /** Messages stored by this process and not yet processed: saves reading them back. */
  private readonly fresh = new Map<number, StoredInbound>();
  /**
   * Messages whose phase 1 (extraction, maybe a slow LLM call) has started, ahead of their batch:
   * during an LLM outage queued reports wait for one timeout together, not one after another.
   */
  private readonly prepared = new Map<number, Promise<Slot | null>>();
  private readonly inserts: GroupCommit<InboxInsert, { id: number; created: boolean }>;
  /** Consecutive failed batches: the backoff exponent. */
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly retryIds = new Set<number>();

  constructor(private readonly deps: InboxProcessorDeps) {
    this.inserts = new GroupCommit(deps.transaction, (row) => {
      const r = deps.sql.run(
        'INSERT OR IGNORE INTO "InboxMessage" (channel, platformMessageId, chatId, senderKey, raw, receivedAt) VALUES (?,?,?,?,?,?)',
        row.channel,
        row.messageId,
        row.chatId,
        row.senderKey,
        row.raw,
        row.at,
      );
      return { id: r.lastInsertRowid, created: r.changes === 1 };
    });
  }

  /**
   * Stores the message (photos first, as files), then queues it for processing. Resolves once the
   * message is committed to the inbox: a platform may be acknowledged then.
   */
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
    if (existing) {
      this.requeueIfWaiting(existing.id);
      return { duplicate: true, inboxId: existing.id };
    }
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
    let platformRaw = "";
    try {
      platformRaw = msg.raw === undefined ? "" : JSON.stringify(msg.raw).slice(0, MAX_RAW_CHARS);
    } catch {
      platformRaw = "[unserializable]";
    }
    const message: Omit<StoredInbound, "inboxId"> = {
      channel: msg.channel,
      chatId: msg.chatId,
      messageId: msg.messageId,
      sender: { ...msg.sender, name: cleanInboundText(msg.sender.name ?? "") },
      text: typeof msg.text === "string" ? cleanInboundText(msg.text) : "",
      mentionsBot: Boolean(msg.mentionsBot),
      mentions: Array.isArray(msg.mentions) ? msg.mentions : [],
      imageHashes,
      invalidImages,
      ...(msg.unsupportedContent === true ? { unsupportedContent: true } : {}),
      ...(typeof msg.replyTo === "string" && msg.replyTo ? { replyTo: msg.replyTo } : {}),
      sentAt: msg.sentAt instanceof Date && !Number.isNaN(msg.sentAt.getTime()) ? msg.sentAt : clock.now(),
    };
    // Saving photos awaited file IO: the same message may have been stored meanwhile (INSERT OR IGNORE).
    const r = await this.inserts.submit({
      channel: msg.channel,
      messageId: msg.messageId,
      chatId: msg.chatId,
      senderKey: msg.sender.key,
      raw: JSON.stringify({ ...message, platformRaw }),
      at: toDbDate(clock.now()),
    });
    if (!r.created) {
      const id = findExisting()?.id ?? -1;
      this.requeueIfWaiting(id);
      return { duplicate: true, inboxId: id };
    }
    this.fresh.set(r.id, { ...message, inboxId: r.id });
    this.enqueue(r.id);
    return { duplicate: false, inboxId: r.id };
  }

  /** Queues every stored-but-unprocessed message (after a restart), oldest first. */
  async resume(): Promise<number> {
    const rows = this.deps.sql.all<{ id: number }>(
      "SELECT id FROM \"InboxMessage\" WHERE status = 'received' ORDER BY id",
    );
    for (const r of rows) this.enqueue(r.id);
    return rows.length;
  }

  /** Resolves when everything queued so far is processed (a batch waiting for its retry is not). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops the retry timer (at close; what it would retry stays "received" for the next start). */
  stop(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** A platform's resend of a stored message that is still waiting (its batch failed): queue it again. */
  private requeueIfWaiting(id: number) {
    if (id < 0 || this.queued.has(id) || this.retryIds.has(id)) return;
    const row = this.deps.sql.get<{ status: string }>('SELECT status FROM "InboxMessage" WHERE id = ?', id);
    if (row?.status === "received") this.enqueue(id);
  }

  /** Queues `ids` again after an exponential backoff, without waiting for a restart. */
  private retryLater(ids: readonly number[]) {
    for (const id of ids) this.retryIds.add(id);
    if (this.retryTimer) return;
    const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(this.failures - 1, 20));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      const due = [...this.retryIds];
      this.retryIds.clear();
      for (const id of due) this.enqueue(id);
    }, delay);
    this.retryTimer.unref();
  }

  private enqueue(id: number) {
    if (this.queued.has(id)) return;
    this.queued.add(id);
    this.queue.push(id);
    this.prepareAhead();
    // One batch at a time: SQLite has one writer, and replies keep the order messages came in.
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const ids = this.queue.splice(0, MAX_BATCH);
      this.prepareAhead();
      let failed = false;
      try {
        await this.processBatch(ids);
        this.failures = 0;
      } catch (err) {
        // The batch's transaction failed as a whole (e.g. the disk): its rows stay "received" and
        // are tried again after a backoff (and at the next start, should the process stop first).
        failed = true;
        this.failures += 1;
        this.deps.log.error(
          { err, inboxIds: ids, attempt: this.failures },
          "processing a batch of inbound messages failed; will retry",
        );
      } finally {
        for (const id of ids) this.queued.delete(id);
      }
      if (failed) this.retryLater(ids);
      this.deps.onOutbox();
    }
  }

  /** Starts phase 1 for the next batch's messages while the current one is applied. */
  private prepareAhead(): void {
    for (const id of this.queue.slice(0, MAX_BATCH)) {
      if (this.prepared.has(id)) continue;
      const slot = this.prepare(id);
      // Awaited by its batch, which then sees the error; until then it must not count as unhandled.
      slot.catch(() => {});
      this.prepared.set(id, slot);
    }
  }

  private load(id: number): StoredInbound | null {
    const cached = this.fresh.get(id);
    this.fresh.delete(id);
    if (cached) return cached;
    const row = this.deps.sql.get<{ raw: string; status: string }>(
      'SELECT raw, status FROM "InboxMessage" WHERE id = ?',
      id,
    );
    if (row?.status !== "received") return null;
    const { platformRaw: _raw, ...msg } = JSON.parse(row.raw) as StoredInbound & { platformRaw?: string };
    return { ...msg, inboxId: id, sentAt: new Date(msg.sentAt) };
  }

  /**
   * Phase 1 lets each message reach its transaction (extraction, maybe an LLM call, happens here,
   * outside any transaction; started ahead, see `prepared`). Phase 2 applies them all, in order, in
   * one transaction with a savepoint each, and records each outcome with its effects. Phase 3 hands
   * out the outcomes.
   */
  private async processBatch(ids: readonly number[]): Promise<void> {
    const slots: Slot[] = [];
    for (const id of ids) {
      const slot = await (this.prepared.get(id) ?? this.prepare(id));
      this.prepared.delete(id);
      if (slot) slots.push(slot);
    }
    if (slots.length === 0) return;
    let results: Map<number, Outcome | { error: unknown }>;
    try {
      results = await this.deps.transaction(async () => {
        const out = new Map<number, Outcome | { error: unknown }>();
        for (const slot of slots) out.set(slot.id, await this.applyOne(slot));
        // The simulator's replies land in the same commit as the cases they are about.
        await this.deliverLocalSafely();
        return out;
      });
    } catch (error) {
      // Nothing of the batch was kept: let each message's handling finish (it is redone on retry).
      for (const slot of slots) slot.settle?.reject(error);
      await Promise.allSettled(slots.map((slot) => slot.handled));
      throw error;
    }
    for (const slot of slots) {
      const r = results.get(slot.id);
      if (r && "error" in r) slot.settle?.reject(r.error);
      else if (r) slot.settle?.resolve(r);
      try {
        const outcome = await slot.handled;
        if (outcome.status === "dropped")
          this.deps.log.info({ inboxId: slot.id, reason: outcome.note }, "inbound message dropped");
        this.deps.onProcessed?.(slot.id, outcome);
      } catch (err) {
        this.deps.log.error(
          { err, inboxId: slot.id, channel: slot.msg.channel, chatId: slot.msg.chatId },
          "processing an inbound message failed",
        );
        this.deps.onProcessed?.(slot.id, { status: "failed", note: String(err) });
      }
    }
  }

  /** Phase 1 of one message: the conversation runs until it reaches its transaction (or fails). */
  private async prepare(id: number): Promise<Slot | null> {
    const msg = this.load(id);
    if (!msg) return null;
    const slot: Slot = {
      id,
      msg,
      work: null,
      settle: null,
      handled: Promise.resolve({ status: "dropped", note: "" }),
      error: null,
    };
    let reached!: () => void;
    const atTransaction = new Promise<void>((resolve) => {
      reached = resolve;
    });
    slot.handled = this.deps.conversation.handle(msg, (work) => {
      slot.work = work;
      reached();
      return new Promise<Outcome>((resolve, reject) => {
        slot.settle = { resolve, reject };
      });
    });
    await Promise.race([
      atTransaction,
      slot.handled.then(
        () => undefined,
        (e: unknown) => {
          slot.error = e;
        },
      ),
    ]);
    return slot;
  }

  /** A failure to deliver locally must not undo the batch: the outbox worker retries those rows. */
  private async deliverLocalSafely(): Promise<void> {
    if (!this.deps.deliverLocal) return;
    this.deps.sql.run("SAVEPOINT deliver_local");
    try {
      await this.deps.deliverLocal();
      this.deps.sql.run("RELEASE deliver_local");
    } catch (err) {
      this.deps.sql.run("ROLLBACK TO deliver_local");
      this.deps.sql.run("RELEASE deliver_local");
      this.deps.log.warn(
        { err },
        "local delivery in the inbox transaction failed; the outbox worker will retry",
      );
    }
  }

  /** Applies one message inside the batch transaction, in its own savepoint. */
  private async applyOne(slot: Slot): Promise<Outcome | { error: unknown }> {
    const { sql, clock } = this.deps;
    const fresh = sql.get<{ status: string }>('SELECT status FROM "InboxMessage" WHERE id = ?', slot.id);
    // Processed once, even if queued twice.
    if (fresh?.status !== "received") return { status: "dropped", note: "already processed" };
    if (!slot.work) {
      this.markFailed(slot, slot.error);
      return { error: slot.error };
    }
    sql.run("SAVEPOINT inbox_message");
    try {
      const out = await slot.work(new SqliteConversationStore(sql, clock.now()));
      sql.run(
        'UPDATE "InboxMessage" SET status = ?, note = ?, processedAt = ?, attempts = attempts + 1 WHERE id = ?',
        out.status,
        out.note.slice(0, 500),
        toDbDate(clock.now()),
        slot.id,
      );
      sql.run("RELEASE inbox_message");
      return out;
    } catch (error) {
      // Nothing of this message is kept; the others of the batch are unaffected.
      sql.run("ROLLBACK TO inbox_message");
      sql.run("RELEASE inbox_message");
      // The database failed, not the message: fail the batch so it is retried, nothing marked failed.
      if (isTransientDbError(error)) throw error;
      this.markFailed(slot, error);
      return { error };
    }
  }

  /** Marks the row failed and tells the sender, so nothing fails silently. */
  private markFailed(slot: Slot, err: unknown) {
    const { sql, clock } = this.deps;
    const note = (err instanceof Error ? err.message : String(err)).slice(0, 500);
    sql.run(
      "UPDATE \"InboxMessage\" SET status = 'failed', note = ?, processedAt = ?, attempts = attempts + 1 WHERE id = ?",
      note,
      toDbDate(clock.now()),
      slot.id,
    );
    // Whoever addressed the bot (an @ or a reply to it) gets an answer, even when processing failed.
    if (isAddressed(slot.msg)) {
      void new SqliteConversationStore(sql, clock.now()).enqueue(
        {
          chatId: slot.msg.chatId,
          text: T.internalError,
          mentions: [],
          kind: "error",
          replyTo: slot.msg.messageId,
        },
        { idempotencyKey: `in:${slot.id}:error` },
      );
    }
  }
}
