/** Ports (interfaces) the core and conversation need; adapters live in src/store, src/notify and bots/. */
import type { InboundMessage, OutboundMessage } from "./types.ts";

/** A chat platform's sending side (STYLE.md §2). Each bot implements it. */
export interface Channel {
  /** Channel name, the prefix of its chat ids: "sim", "lark", "wechat". */
  readonly name: string;
  /**
   * True when sending is only a write to this service's own database (the web simulator): the
   * outbox may then deliver a whole round, and mark it sent, in one transaction.
   */
  readonly local?: boolean;
  /**
   * Sends one message. `idempotencyKey` is stable across retries of the same outbox row, so a
   * channel that supports it (Lark's uuid, the simulator's transcript key) never sends twice.
   */
  send(message: OutboundMessage, options: { idempotencyKey: string }): Promise<{ platformMessageId: string }>;
}

/** Accepts an inbound message: stores it in the inbox, then processes it once. */
export type IngestFn = (
  message: InboundMessage,
) => Promise<{ duplicate: boolean; inboxId?: number; dropped?: string }>;

/** One problem found in a report. */
export interface ExtractedProblem {
  /** Taxonomy code, or null when the category could not be told. */
  categoryCode: string | null;
  /** A short Chinese summary of the problem. */
  summary: string;
}

/** What an extractor understood of a message. It extracts only; code routes and decides. */
export interface ExtractionResult {
  isReport: boolean;
  /** One entry per distinct problem: "1.垃圾桶满溢 2.电动车乱停" gives two (one case each). */
  problems: ExtractedProblem[];
  location: import("./location.ts").SaidLocation;
  urgent: boolean;
  /** When a report lacks something needed (place, category): the question to ask the reporter. */
  question?: string;
  /** Which path decided (rules, llm) and why, recorded on the case. */
  extractor: string;
  reason: string;
  /** LLM tokens spent on this message (failed attempts and repairs too), when an LLM was asked. */
  usage?: { promptTokens: number; completionTokens: number; cachedPromptTokens?: number };
  // ---- Place (set by the extraction policy for either path; see core/place-locate.ts) ----
  /** The segment the place resolves to, or null when the bot must ask. */
  placeSegmentId?: string | null;
  /** 0–1: how sure the resolver is of that segment (0 when it must ask). */
  placeConfidence?: number;
  /** The segments to offer when the place fits a few ("1. 建设东路（人民路至青龙路段）"). */
  placeChoices?: { segmentId: string; label: string }[];
  /** The numbered question for those choices ("您说的是哪一处？1. … 2. …"), for a chat flow that takes a number. */
  placeQuestion?: string;
}

/** A photo handed to an extractor: the bytes as received. */
export interface ExtractorImage {
  data: Uint8Array;
  mime?: string;
}

export interface ExtractionInput {
  text: string;
  imageCount: number;
  /** Media hashes of the photos (the app loads their bytes into `images`). */
  imageHashes?: string[];
  images?: ExtractorImage[];
}

/** The extractor port: rules offline, an LLM when configured (issue 3). */
export interface Extractor {
  extract(input: ExtractionInput): Promise<ExtractionResult>;
}
