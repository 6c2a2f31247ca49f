/**
 * The outbox sender: every outgoing message is a row first; this worker sends due rows through
 * their channel with retries and exponential backoff. The idempotency key travels with each send,
 * so a crash between "sent" and "marked sent" does not make a channel deliver twice.
 */
import type { Logger } from "pino";
import type { Channel } from "../core/ports.ts";
import type { Clock, OutboundMessage } from "../core/types.ts";
import type { PrismaClient } from "../store/generated/client.ts";
import { ChannelSendError } from "./channel-error.ts";

export interface OutboxWorkerOptions {
  prisma: PrismaClient;
  channels: ReadonlyMap<string, Channel>;
  clock: Clock;
  log: Logger;
  /** Rows taken per round. */
  batchSize?: number;
  /** After this many failed attempts a row is marked dead and logged. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Injected for tests of the backoff; defaults to Math.random. */
  random?: () => number;
}

const DEFAULTS = { batchSize: 100, maxAttempts: 12, baseDelayMs: 2_000, maxDelayMs: 10 * 60_000 };
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
  private readonly opts: Required<Omit<OutboxWorkerOptions, "random">> & { random: () => number };

  constructor(options: OutboxWorkerOptions) {
    this.opts = { ...DEFAULTS, random: Math.random, ...options };
  }

  /** Polls every `intervalMs` (retries come due over time); `poke()` sends new rows at once. */
  start(intervalMs = 1_000) {
    this.timer = setInterval(() => this.poke(), intervalMs);
    this.timer.unref();
    this.poke();
  }

  async stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Asks for a sending round now (coalesced with one that is running). */
  poke() {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
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

  /** Sends until nothing is due. Returns how many were sent. */
  async drain(): Promise<number> {
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
      const due = await this.opts.prisma.outboxMessage.count({ where: { status: "pending", nextAttemptAt: { lte: this.opts.clock.now() } } });
      if (due === 0 && !this.running) return;
      if (!this.running) this.poke();
    }
  }

  /** One round: due rows in id order; a failed row holds back later rows of its chat. */
  async sendDue(): Promise<{ taken: number; sent: number }> {
    const { prisma, clock, channels, log } = this.opts;
    const rows = await prisma.outboxMessage.findMany({
      where: { status: "pending", nextAttemptAt: { lte: clock.now() } },
      orderBy: { id: "asc" },
      take: this.opts.batchSize,
    });
    const blockedChats = new Set<string>();
    let sent = 0;
    for (const row of rows) {
      if (blockedChats.has(row.chatId)) continue;
      const channel = channels.get(row.channel);
      if (!channel) {
        blockedChats.add(row.chatId);
        await prisma.outboxMessage.update({
          where: { id: row.id },
          data: { nextAttemptAt: new Date(clock.now().getTime() + NO_CHANNEL_DELAY_MS), lastError: `channel ${row.channel} is not configured` },
        });
        continue;
      }
      try {
        const message = JSON.parse(row.payload) as OutboundMessage;
        const result = await channel.send(message, { idempotencyKey: row.idempotencyKey });
        await prisma.outboxMessage.update({
          where: { id: row.id },
          data: { status: "sent", sentAt: clock.now(), attempts: { increment: 1 }, platformMessageId: result.platformMessageId, lastError: "" },
        });
        sent += 1;
      } catch (err) {
        blockedChats.add(row.chatId);
        const attempts = row.attempts + 1;
        const permanent = err instanceof ChannelSendError && err.permanent;
        const dead = permanent || attempts >= this.opts.maxAttempts;
        const delay =
          err instanceof ChannelSendError && err.retryAfterMs !== undefined
            ? err.retryAfterMs
            : backoffDelay(attempts, this.opts.baseDelayMs, this.opts.maxDelayMs, this.opts.random);
        await prisma.outboxMessage.update({
          where: { id: row.id },
          data: {
            attempts,
            status: dead ? "dead" : "pending",
            nextAttemptAt: new Date(clock.now().getTime() + delay),
            lastError: (err instanceof Error ? err.message : String(err)).slice(0, 500),
          },
        });
        const ctx = { err, outboxId: row.id, chatId: row.chatId, attempts, kind: row.kind };
        if (dead) log.error(ctx, "outbound message given up");
        else log.warn({ ...ctx, retryInMs: delay }, "outbound message failed; will retry");
      }
    }
    return { taken: rows.length, sent };
  }
}
