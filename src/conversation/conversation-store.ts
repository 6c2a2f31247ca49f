/** The storage port the conversation needs. One instance = one transaction (src/store implements it). */
import type { CaseState, OutboundMessage, TimeLimit } from "../core/types.ts";

export interface PendingExtension {
  amount: number;
  unit: "work_day" | "hour";
  reason: string;
  requestedBy: string;
}

/** A case as the conversation sees it. */
export interface CaseRecord {
  id: number;
  number: string;
  state: CaseState;
  categoryCode: string | null;
  summary: string;
  locationText: string;
  segmentId: string | null;
  departmentCode: string | null;
  chatId: string;
  channel: string;
  reporterKey: string;
  reporterName: string;
  reporterId: string | null;
  handlerId: string | null;
  coHandlers: string[];
  whistled: string[];
  urgent: boolean;
  timeLimit: TimeLimit | null;
  startedAt: Date;
  deadline: Date | null;
  acknowledgedAt: Date | null;
  fixedAt: Date | null;
  closedAt: Date | null;
  reworkCount: number;
  extensionCount: number;
  pendingExtension: PendingExtension | null;
  duplicateOfId: number | null;
  extractor: string;
  extractorReason: string;
  sourceMessageId: string;
  createdAt: Date;
}

/** The few fields of a case that duplicate detection reads. */
export type CaseBrief = Pick<
  CaseRecord,
  "id" | "number" | "state" | "categoryCode" | "segmentId" | "locationText" | "createdAt"
>;

export type NewCase = Omit<CaseRecord, "id" | "number"> & { prefix: string; day: string };
export type CasePatch = Partial<Omit<CaseRecord, "id" | "number" | "createdAt">>;

export interface NewCaseEvent {
  caseId: number;
  type: string;
  fromState?: CaseState | null;
  toState?: CaseState | null;
  actorKey: string;
  actorName: string;
  actorRole: string;
  channel: string;
  messageId?: string | null;
  at: Date;
  data?: Record<string, unknown>;
}

export interface ConversationStore {
  /** Creates a case with the next sequence number of its day. */
  createCase(data: NewCase): Promise<CaseRecord>;
  updateCase(id: number, patch: CasePatch): Promise<CaseRecord>;
  appendEvent(event: NewCaseEvent): Promise<void>;
  caseByNumber(number: string): Promise<CaseRecord | null>;
  /** The case a bot message (by its platform id) or a report message was about. */
  caseForMessage(platformMessageId: string): Promise<CaseRecord | null>;
  openCasesHandledBy(personId: string): Promise<CaseRecord[]>;
  openCasesReportedBy(reporterKey: string, chatId: string): Promise<CaseRecord[]>;
  /** The reporter's latest case waiting for more information (待立案) in this chat. */
  pendingCaseReportedBy(reporterKey: string, chatId: string): Promise<CaseRecord | null>;
  /** The reporter's latest open case in this chat created at or after `since`. */
  recentCaseReportedBy(reporterKey: string, chatId: string, since: Date): Promise<CaseRecord | null>;
  /** Open cases on a segment, just what duplicate detection needs. */
  openCasesOnSegment(segmentId: string): Promise<CaseBrief[]>;
  /** Oldest first; `pendingExtensionOnly` keeps the cases with an extension request waiting (in SQL, before the limit). */
  casesInStates(
    states: readonly CaseState[],
    limit: number,
    options?: { pendingExtensionOnly?: boolean },
  ): Promise<CaseRecord[]>;
  attachMedia(caseId: number, hashes: readonly string[], kind: "before" | "after", at: Date): Promise<void>;
  addPendingPhotos(p: {
    chatId: string;
    senderKey: string;
    hashes: readonly string[];
    messageId: string;
    at: Date;
  }): Promise<void>;
  /** Takes (and marks used) the sender's unpaired photos received since `since`. */
  takePendingPhotos(chatId: string, senderKey: string, since: Date): Promise<string[]>;
  /** The latest event of `type` by `actorKey` since `since`, with its case. */
  lastEventBy(actorKey: string, type: string, since: Date): Promise<{ caseId: number; at: Date } | null>;
  caseById(id: number): Promise<CaseRecord | null>;
  /** The latest report by `actorKey` linked to case `caseId` as a duplicate and not split off yet. */
  linkedReportBy(
    caseId: number,
    actorKey: string,
  ): Promise<{ eventId: number; data: Record<string, unknown> } | null>;
  /** Records that a sender claims a roster person by name, for console staff to confirm (once per sender). */
  requestBinding(request: {
    senderKey: string;
    personId: string;
    senderName: string;
    chatId: string;
    at: Date;
  }): Promise<void>;
  /** Adds an outbound message to the outbox (ignored if the key exists). */
  enqueue(
    message: OutboundMessage,
    options: { idempotencyKey: string; caseId?: number | null },
  ): Promise<void>;
}

/** Runs `work` in one transaction: everything it writes lands together or not at all. */
export type TransactionRunner = <T>(work: (store: ConversationStore) => Promise<T>) => Promise<T>;
