/** Ports (interfaces) the core and conversation need; adapters live in src/store, src/notify and bots/. */
import type { InboundMessage, OutboundMessage } from "./types.ts";

/** A chat platform's sending side (STYLE.md §2). Each bot implements it. */
export interface Channel {
  /** Channel name, the prefix of its chat ids: "sim", "lark", "wechat". */
  readonly name: string;
  /**
   * Sends one message. `idempotencyKey` is stable across retries of the same outbox row, so a
   * channel that supports it (Lark's uuid, the simulator's transcript key) never sends twice.
   */
  send(message: OutboundMessage, options: { idempotencyKey: string }): Promise<{ platformMessageId: string }>;
}

/** Accepts an inbound message: stores it in the inbox, then processes it once. */
export type IngestFn = (message: InboundMessage) => Promise<{ duplicate: boolean }>;

/** One problem found in a report. */
export interface ExtractedProblem {
  /** Taxonomy code, or null when the category could not be told. */
  categoryCode: string | null;
  summary: string;
}

/** What an extractor understood of a message. It extracts only; code routes and decides. */
export interface ExtractionResult {
  isReport: boolean;
  problems: ExtractedProblem[];
  location: import("./location.ts").SaidLocation;
  urgent: boolean;
  /** Which path decided (rules, llm) and why, recorded on the case. */
  extractor: string;
  reason: string;
}

/** The extractor port: rules offline, an LLM when configured (issue 3). */
export interface Extractor {
  extract(input: { text: string; imageCount: number }): Promise<ExtractionResult>;
}
