/**
 * What the Lark bot needs from the rest of the service, as small interfaces. The app implements them
 * over its store (src/app/lark-ports.ts); tests may pass plain objects.
 */

import type { Light } from "../../src/core/light.ts";
import type { CaseState, InboundMessage, OutboundMessage } from "../../src/core/types.ts";

/** A case as its Lark card shows it. Text is ready to show; photos are media hashes. */
export interface CaseCardView {
  number: string;
  state: CaseState;
  stateLabel: string;
  category: string;
  place: string;
  summary: string;
  handlerName: string | null;
  /** "11月26日 12:00（2工作时）", or "无". */
  deadline: string;
  /** Null when the case has no running clock (pending, closed, voided). */
  light: Light | null;
  urgent: boolean;
  reworkCount: number;
  pendingExtension: boolean;
  beforePhotos: string[];
  afterPhotos: string[];
}

/** A card the bot sent about a case, to be updated when the case changes. */
export interface SentCaseCard {
  messageId: string;
  mentions: OutboundMessage["mentions"];
  sentAt: Date;
}

export interface LarkCaseSource {
  /** The case's current view, or null if there is no such case. */
  view(caseNumber: string): Promise<CaseCardView | null>;
  /** Lark cards already sent about the case (newest first). */
  cards(caseNumber: string): Promise<SentCaseCard[]>;
  /** Whether a Lark message id is one the bot sent. */
  isBotMessage(messageId: string): Promise<boolean>;
}

/** Stored photos and charts, by content hash. */
export interface LarkMediaSource {
  read(hash: string): Promise<{ data: Uint8Array; mime: string } | null>;
}

/** Replies the conversation queued for one inbound message, once it was processed. */
export interface InboundOutcome {
  status: string;
  note: string;
  replies: (OutboundMessage & { idempotencyKey: string })[];
}

/** The inbox as the Lark intake uses it. */
export interface LarkInbox {
  ingest(message: InboundMessage): Promise<{ duplicate: boolean; inboxId?: number; dropped?: string }>;
  /** Waits up to `timeoutMs` for the message to be processed; null if it was not in time. */
  outcome(inboxId: number, timeoutMs: number): Promise<InboundOutcome | null>;
}

/** Roster lookups by Lark open_id. */
export interface LarkPeople {
  byOpenId(openId: string): { id: string; name: string } | undefined;
}
