/**
 * The simulator's transcript: every message of the demo chat, both what people typed ("in") and what
 * the bot sent ("out"), in order. The page renders it; it stores no image bytes (user photos are kept
 * only as a count, bot photos are media hashes inside the OutboundMessage).
 */
import type { ChatId, OutboundMessage } from "../../src/core/types.ts";

/** What the page shows of a message a person typed into the simulator. */
export interface SimUserPayload {
  /** Roster person id, or "guest". */
  senderId: string;
  senderName: string;
  text: string;
  imageCount: number;
  /** Platform id of the message this one replies to, e.g. "sim-out-12". */
  replyTo?: string;
  /** Whether the "@路长通" toggle was on. */
  mentionBot?: boolean;
}

interface TranscriptEntryBase {
  id: number;
  /** Idempotency key: "in:<clientMessageId>" for typed messages, the outbox key for bot messages. */
  key: string;
  chatId: ChatId;
  at: Date;
}

/** One stored message of the transcript. */
export type TranscriptEntry =
  | (TranscriptEntryBase & { direction: "in"; payload: SimUserPayload })
  | (TranscriptEntryBase & { direction: "out"; payload: OutboundMessage });

/** What `append` takes: an entry without its id. */
export type TranscriptAppend = TranscriptEntry extends infer E
  ? E extends unknown
    ? Omit<E, "id">
    : never
  : never;

/**
 * Storage port of the simulator transcript. The Prisma adapter stores rows of `SimMessage`
 * (key unique, payload as a JSON string).
 */
export interface SimTranscript {
  /** Appends once per key: appending a key again returns the existing id with `created: false`. */
  append(entry: TranscriptAppend): Promise<{ id: number; created: boolean }>;
  /** Entries of a chat with id greater than `afterId`, oldest first, at most `limit`. */
  list(query: { chatId: ChatId; afterId: number; limit: number }): Promise<TranscriptEntry[]>;
}

/** In-memory transcript, for tests and throwaway demos. */
export class MemorySimTranscript implements SimTranscript {
  readonly #entries: TranscriptEntry[] = [];
  readonly #idByKey = new Map<string, number>();

  async append(entry: TranscriptAppend): Promise<{ id: number; created: boolean }> {
    const existing = this.#idByKey.get(entry.key);
    if (existing !== undefined) return { id: existing, created: false };
    const id = this.#entries.length + 1;
    // Stored as a structured clone so later mutation by the caller cannot rewrite history.
    this.#entries.push(structuredClone({ ...entry, id }) as TranscriptEntry);
    this.#idByKey.set(entry.key, id);
    return { id, created: true };
  }

  async list(query: { chatId: ChatId; afterId: number; limit: number }): Promise<TranscriptEntry[]> {
    return this.#entries
      .filter((entry) => entry.chatId === query.chatId && entry.id > query.afterId)
      .slice(0, Math.max(0, query.limit))
      .map((entry) => structuredClone(entry));
  }
}
