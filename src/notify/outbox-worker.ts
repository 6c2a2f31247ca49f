/**
 * The outbox sender: every outgoing message is a row first; this worker sends due rows through
 * their channel with retries and exponential backoff. The idempotency key travels with each send,
 * so a crash between "sent" and "marked sent" does not make a channel deliver twice.
 */
import type { Logger } from "pino";
import type { Channel } from "../core/ports.ts";
import type { Clock, OutboundMessage } from "../core/types.ts";
import { type Sql, toDbDate } from "../store/sql.ts";
import { ChannelSendError } from "./channel-error.ts";

export interface OutboxWorkerOptions {
  /** Direct SQL on the shared connection (the outbox is on the hot path). */
  sql: Sql;
  /** Runs work in one transaction on that connection; used to deliver local channels in bulk. */
  transaction?: <T>(work: () => Promise<T>) => Promise<T>;
  channels: ReadonlyMap<string, Channel>;
  clock: Clock;
  log: Logger;
  /** Rows taken per round. */
  batchSize?: number;
  /** After this many failed attempts a row is marked dead and logged. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /**
   * This database's random id (db-health.ts): prefixed to every key a channel sees, so a fresh or
   * restored database, whose rows restart at 1, never sends a key the platform already has.
   */
  keyPrefix?: string;
  /** Injected for tests of the backoff; defaults to Math.random. */
  random?: () => number;
  /**
   * Chats of remote channels sent to at the same time, each in its own lane (one chat's messages
   * still go one by one, in order). Lanes let Lark reach its per-app rate while each group keeps to
   * its own 5/s, and keep a slow chat (WeChat pacing) from holding up the others.
   */
  maxLanes?: number;
}

interface OutboxRow {
  id: number;
  idempotencyKey: string;
  channel: string;
  chatId: string;
  payload: string;
  kind: string;
  attempts: number;
}

const DEFAULTS = {
  batchSize: 100,
  maxAttempts: 12,
  baseDelayMs: 2_000,
  maxDelayMs: 10 * 60_000,
  maxLanes: 32,
};
/** Rows a chat lane reads at a time. */
const LANE_BATCH = 20;
/** How long a row waits when its channel is not configured in this process. */
const NO_CHANNEL_DELAY_MS = 60_000;

/** Exponential backoff with full jitter, capped. */
export function backoffDelay(attempt: number, base: number, max: number, random: () => number): number {
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export class OutboxWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private again = false;
  private stopping = false;
  /** Remote chats being sent to, by chat id; each resolves to how many it sent. */
  private readonly lanes = new Map<string, Promise<number>>();
  private readonly opts: Required<Omit<OutboxWorkerOptions, "random" | "transaction" | "keyPrefix">> & {
    random: () => number;
    keyPrefix?: string;
    transaction?: OutboxWorkerOptions["transaction"];
  };

  constructor(options: OutboxWorkerOptions) {
    this.opts = { ...DEFAULTS, random: Math.random, ...options };
  }

  /** The key a channel gets for an outbox row's own key. */
  platformKey(key: string): string {
    return this.opts.keyPrefix ? `${this.opts.keyPrefix}:${key}` : key;
  }

  /** Polls every `intervalMs` (retries come due over time); `poke()` sends new rows at once. */
  start(intervalMs = 1_000) {
    this.stopping = false;
    this.timer = setInterval(() => this.poke(), intervalMs);
    this.timer.unref();
    this.poke();
  }

  async stop() {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    await Promise.all(this.lanes.values());
  }

  /** Asks for a sending round now (coalesced with one that is running). */
  poke() {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.round()
      .catch((err) => {
        this.opts.log.error({ err }, "outbox round failed");
        return 0;
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
  }

  /** Sends until nothing is due, waiting for the chat lanes too. Returns how many were sent. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.sendDue();
      total += n.sent;
      if (this.lanes.size > 0) {
        for (const sent of await Promise.all(this.lanes.values())) total += sent;
        continue;
      }
      if (n.taken < this.opts.batchSize) return total;
    }
  }

  /** Local rows until none are due; remote chats are handed to lanes, which run on their own. */
  private async round(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.sendDue();
      total += n.sent;
      if (n.taken < this.opts.batchSize) return total;
    }
  }

  /** Resolves when no round is running and nothing is due now. */
  async idle(): Promise<void> {
    for (;;) {
      if (this.running) await this.running;
      if (this.lanes.size > 0) {
        await Promise.all(this.lanes.values());
        continue;
      }
      const due =
        this.opts.sql.get<{ n: number }>(
          "SELECT count(*) AS n FROM \"OutboxMessage\" WHERE status = 'pending' AND nextAttemptAt <= ?",
          toDbDate(this.opts.clock.now()),
        )?.n ?? 0;
      if (due === 0 && !this.running && this.lanes.size === 0) return;
      if (!this.running) this.poke();
    }
  }

  /**
   * One round: due rows of local channels in id order, delivered and marked in one transaction
   * (fewer commits, and atomic); chats of other channels get a lane each (see `maxLanes`). A failed
   * row holds back later rows of its chat. `taken` counts the local rows.
   */
  async sendDue(): Promise<{ taken: number; sent: number }> {
    const { channels } = this.opts;
    const locals = [...channels.values()].filter((c) => c.local === true).map((c) => c.name);
    const marks = locals.map(() => "?").join(", ");
    let local = { taken: 0, sent: 0 };
    if (locals.length > 0) {
      // Selected inside the transaction, so rows another transaction just delivered are not taken.
      const tx = this.opts.transaction;
      local = tx ? await tx(() => this.sendLocal(locals, marks)) : await this.sendLocal(locals, marks);
    }
    this.startLanes(locals, marks);
    return local;
  }

  /**
   * Delivers due rows of local channels (the simulator) and marks them sent. Call it inside an open
   * transaction: the inbox does so at the end of each batch, so a report's replies appear in the
   * same commit as the case.
   */
  async sendLocal(
    locals: readonly string[] = [...this.opts.channels.values()]
      .filter((c) => c.local === true)
      .map((c) => c.name),
    marks: string = locals.map(() => "?").join(", "),
  ): Promise<{ taken: number; sent: number }> {
    if (locals.length === 0) return { taken: 0, sent: 0 };
    const { sql, clock } = this.opts;
    const rows = sql.all<OutboxRow>(
      `SELECT id, idempotencyKey, channel, chatId, payload, kind, attempts FROM "OutboxMessage" WHERE status = 'pending' AND nextAttemptAt <= ? AND channel IN (${marks}) ORDER BY id LIMIT ?`,
      toDbDate(clock.now()),
      ...locals,
      this.opts.batchSize,
    );
    if (rows.length === 0) return { taken: 0, sent: 0 };
    return { taken: rows.length, sent: await this.sendRows(rows) };
  }

  /** Starts a lane for each remote chat with due rows (oldest first) that has none yet. */
  private startLanes(locals: readonly string[], marks: string): void {
    const { sql, clock } = this.opts;
    if (this.stopping || this.lanes.size >= this.opts.maxLanes) return;
    const chats = sql.all<{ chatId: string }>(
      `SELECT chatId FROM "OutboxMessage" WHERE status = 'pending' AND nextAttemptAt <= ?${locals.length > 0 ? ` AND channel NOT IN (${marks})` : ""} GROUP BY chatId ORDER BY min(id) LIMIT ?`,
      toDbDate(clock.now()),
      ...locals,
      this.opts.maxLanes + this.lanes.size,
    );
    for (const { chatId } of chats) {
      if (this.lanes.size >= this.opts.maxLanes) break;
      if (this.lanes.has(chatId)) continue;
      const lane = this.runLane(chatId)
        .catch((err) => {
          this.opts.log.error({ err, chatId }, "outbox chat lane failed");
          return 0;
        })
        .finally(() => {
          this.lanes.delete(chatId);
          // Another chat may have been waiting for a free lane.
          if (!this.stopping) this.poke();
        });
      this.lanes.set(chatId, lane);
    }
  }

  /** Sends one chat's due rows in order until none are left or one fails. */
  private async runLane(chatId: string): Promise<number> {
    const { sql, clock } = this.opts;
    let sent = 0;
    for (;;) {
      const rows = sql.all<OutboxRow>(
        "SELECT id, idempotencyKey, channel, chatId, payload, kind, attempts FROM \"OutboxMessage\" WHERE status = 'pending' AND nextAttemptAt <= ? AND chatId = ? ORDER BY id LIMIT ?",
        toDbDate(clock.now()),
        chatId,
        LANE_BATCH,
      );
      if (rows.length === 0) return sent;
      const n = await this.sendRows(rows);
      sent += n;
      // A failed row (or a channel missing here) holds the chat until its retry is due.
      if (n < rows.length) return sent;
    }
  }

  private async sendRows(rows: readonly OutboxRow[]): Promise<number> {
    const { sql, clock, channels, log } = this.opts;
    const blockedChats = new Set<string>();
    let sent = 0;
    for (const row of rows) {
      if (blockedChats.has(row.chatId)) continue;
      const channel = channels.get(row.channel);
      if (!channel) {
        blockedChats.add(row.chatId);
        sql.run(
          'UPDATE "OutboxMessage" SET nextAttemptAt = ?, lastError = ? WHERE id = ?',
          toDbDate(new Date(clock.now().getTime() + NO_CHANNEL_DELAY_MS)),
          `channel ${row.channel} is not configured`,
          row.id,
        );
        continue;
      }
      try {
        const message = JSON.parse(row.payload) as OutboundMessage;
        const result = await channel.send(message, { idempotencyKey: this.platformKey(row.idempotencyKey) });
        sql.run(
          "UPDATE \"OutboxMessage\" SET status = 'sent', sentAt = ?, attempts = attempts + 1, platformMessageId = ?, lastError = '' WHERE id = ?",
          toDbDate(clock.now()),
          result.platformMessageId,
          row.id,
        );
        sent += 1;
      } catch (err) {
        blockedChats.add(row.chatId);
        // A channel that is down (logged out) did not try: waiting must not make the row dead.
        const attempts = row.attempts + (err instanceof ChannelSendError && err.unavailable ? 0 : 1);
        const permanent = err instanceof ChannelSendError && err.permanent;
        const dead = permanent || attempts >= this.opts.maxAttempts;
        const delay =
          err instanceof ChannelSendError && err.retryAfterMs !== undefined
            ? err.retryAfterMs
            : backoffDelay(attempts, this.opts.baseDelayMs, this.opts.maxDelayMs, this.opts.random);
        sql.run(
          'UPDATE "OutboxMessage" SET attempts = ?, status = ?, nextAttemptAt = ?, lastError = ? WHERE id = ?',
          attempts,
          dead ? "dead" : "pending",
          toDbDate(new Date(clock.now().getTime() + delay)),
          (err instanceof Error ? err.message : String(err)).slice(0, 500),
          row.id,
        );
        const ctx = { err, outboxId: row.id, chatId: row.chatId, attempts, kind: row.kind };
        if (dead) log.error(ctx, "outbound message given up");
        else log.warn({ ...ctx, retryInMs: delay }, "outbound message failed; will retry");
      }
    }
    return sent;
  }
}
