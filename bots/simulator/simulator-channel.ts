/**
 * The web chat simulator as a channel: "sending" a message appends it to the transcript, and live
 * subscribers (the page's Server-Sent Events streams) hear about each new entry once.
 */
import type { Channel } from "../../src/core/ports.ts";
import type { ChatId, Clock, OutboundMessage } from "../../src/core/types.ts";
import type { SimTranscript, SimUserPayload, TranscriptEntry } from "./sim-transcript.ts";

/** Platform message id of a bot message in the simulator. */
export function simOutMessageId(entryId: number): string {
  return `sim-out-${entryId}`;
}

/** Transcript key of a message typed into the page, from the page's own message id. */
export function simInKey(clientMessageId: string): string {
  return `in:${clientMessageId}`;
}

export type SimEntryListener = (entry: TranscriptEntry) => void;

export interface SimulatorChannelOptions {
  transcript: SimTranscript;
  /** Time stamp of new entries; the system clock by default. */
  clock?: Clock;
  /** Where a throwing listener's error goes, so one broken stream cannot stop the others. */
  onListenerError?: (error: unknown, entry: TranscriptEntry) => void;
}

const systemClock: Clock = { now: () => new Date() };

/** Channel "sim": the browser chat for trying the product without a Lark or WeChat account. */
export class SimulatorChannel implements Channel {
  readonly name = "sim";
  /** Delivery is a transcript row in this service's own database. */
  readonly local = true;
  readonly #transcript: SimTranscript;
  readonly #clock: Clock;
  readonly #onListenerError: (error: unknown, entry: TranscriptEntry) => void;
  readonly #listeners = new Set<SimEntryListener>();

  constructor(options: SimulatorChannelOptions) {
    this.#transcript = options.transcript;
    this.#clock = options.clock ?? systemClock;
    this.#onListenerError =
      options.onListenerError ??
      ((error, entry) => console.error(`[sim] transcript listener failed on entry ${entry.id}`, error));
  }

  /** Appends the bot message once per idempotency key; a repeated key returns the first id. */
  async send(
    message: OutboundMessage,
    options: { idempotencyKey: string },
  ): Promise<{ platformMessageId: string }> {
    const entry = {
      key: options.idempotencyKey,
      chatId: message.chatId,
      direction: "out" as const,
      payload: message,
      at: this.#clock.now(),
    };
    const { id, created } = await this.#transcript.append(entry);
    if (created) this.#emit({ ...entry, id });
    return { platformMessageId: simOutMessageId(id) };
  }

  /** Records a message a person typed into the page, once per client message id. */
  async recordUserMessage(input: {
    clientMessageId: string;
    chatId: ChatId;
    payload: SimUserPayload;
  }): Promise<{ id: number; created: boolean }> {
    const entry = {
      key: simInKey(input.clientMessageId),
      chatId: input.chatId,
      direction: "in" as const,
      payload: input.payload,
      at: this.#clock.now(),
    };
    const result = await this.#transcript.append(entry);
    if (result.created) this.#emit({ ...entry, id: result.id });
    return result;
  }

  /** Calls `listener` with every entry created from now on; returns the unsubscribe function. */
  onEntry(listener: SimEntryListener): () => void {
    // Wrapped so the same function subscribed twice gets two independent subscriptions.
    const subscription: SimEntryListener = (entry) => listener(entry);
    this.#listeners.add(subscription);
    return () => {
      this.#listeners.delete(subscription);
    };
  }

  /** Number of live subscribers (open event streams). */
  get subscriberCount(): number {
    return this.#listeners.size;
  }

  #emit(entry: TranscriptEntry): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(entry);
      } catch (error) {
        this.#onListenerError(error, entry);
      }
    }
  }
}
