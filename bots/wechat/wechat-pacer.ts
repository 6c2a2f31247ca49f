/**
 * The pacing queue: one WeChat account sends one message at a time, at least `minIntervalMs` plus a
 * random jitter after the previous one, so the account does not look like a machine and get flagged.
 * WeChat publishes no send limits (STACK.md), hence a configurable pace rather than a known quota.
 */
import type { Clock } from "../../src/core/types.ts";

export interface SendPacerOptions {
  minIntervalMs: number;
  jitterMs: number;
  clock: Clock;
  /** Waits `ms`; injected so tests run a day of sends in milliseconds. */
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1); Math.random by default. */
  random?: () => number;
}

/** Runs send jobs strictly one after another, spaced by the configured pace. */
export class SendPacer {
  private tail: Promise<unknown> = Promise.resolve();
  private lastStartMs: number | null = null;
  private readonly random: () => number;

  constructor(private readonly opts: SendPacerOptions) {
    this.random = opts.random ?? Math.random;
  }

  /** The gap the next send waits for after the previous one: the interval plus fresh jitter. */
  nextGapMs(): number {
    return this.opts.minIntervalMs + Math.floor(this.random() * (this.opts.jitterMs + 1));
  }

  /** Queues `job`; it starts once every earlier job is done and the gap has passed. */
  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(async () => {
      if (this.lastStartMs !== null) {
        const wait = this.lastStartMs + this.nextGapMs() - this.opts.clock.now().getTime();
        if (wait > 0) await this.opts.sleep(wait);
      }
      // A failed send counts too: WeChat saw the attempt.
      this.lastStartMs = this.opts.clock.now().getTime();
      return job();
    });
    this.tail = result.catch(() => undefined);
    return result;
  }
}
