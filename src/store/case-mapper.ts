/** Maps Case rows (JSON columns as text, dates as ISO text) to the conversation's CaseRecord and back. */
import type { CasePatch, CaseRecord, PendingExtension } from "../conversation/conversation-store.ts";
import type { CaseState, TimeLimit } from "../core/types.ts";
import { fromDbDate, fromDbDateOrNull, toDbDate } from "./sql.ts";

function parseJson<T>(text: unknown, fallback: T): T {
  if (typeof text !== "string" || !text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** Parses a JSON list-of-ids column (coHandlers, whistled); [] when absent or unreadable. */
export function parseIdList(text: unknown): string[] {
  const v = parseJson<unknown>(text, []);
  return Array.isArray(v) ? v.map(String) : [];
}

/** Parses the Case.timeLimit JSON column; null when absent or unreadable. */
export function parseTimeLimit(text: unknown): TimeLimit | null {
  const o = parseJson<Partial<TimeLimit>>(text, {});
  // An unreadable limit counts as none: the deadline column still says when the case is due.
  if (typeof o.value === "number" && (o.unit === "hour" || o.unit === "work_hour" || o.unit === "work_day")) {
    return { value: o.value, unit: o.unit };
  }
  return null;
}

/** A raw "Case" row as SQLite returns it. */
export type CaseRow = Record<string, string | number | null>;

export function toCaseRecord(row: CaseRow): CaseRecord {
  const str = (k: string) => (row[k] === null || row[k] === undefined ? null : String(row[k]));
  return {
    id: Number(row.id),
    number: String(row.number),
    state: row.state as CaseState,
    categoryCode: str("categoryCode"),
    summary: String(row.summary ?? ""),
    locationText: String(row.locationText ?? ""),
    segmentId: str("segmentId"),
    departmentCode: str("departmentCode"),
    chatId: String(row.chatId),
    channel: String(row.channel),
    reporterKey: String(row.reporterKey),
    reporterName: String(row.reporterName ?? ""),
    reporterId: str("reporterId"),
    handlerId: str("handlerId"),
    coHandlers: parseJson<string[]>(row.coHandlers, []),
    whistled: parseJson<string[]>(row.whistled, []),
    urgent: Boolean(row.urgent),
    timeLimit: parseTimeLimit(row.timeLimit),
    startedAt: fromDbDate(row.startedAt),
    deadline: fromDbDateOrNull(row.deadline),
    acknowledgedAt: fromDbDateOrNull(row.acknowledgedAt),
    fixedAt: fromDbDateOrNull(row.fixedAt),
    closedAt: fromDbDateOrNull(row.closedAt),
    reworkCount: Number(row.reworkCount ?? 0),
    extensionCount: Number(row.extensionCount ?? 0),
    pendingExtension: parseJson<PendingExtension | null>(row.pendingExtension, null),
    duplicateOfId: row.duplicateOfId === null ? null : Number(row.duplicateOfId),
    extractor: String(row.extractor ?? ""),
    extractorReason: String(row.extractorReason ?? ""),
    sourceMessageId: String(row.sourceMessageId),
    createdAt: fromDbDate(row.createdAt),
  };
}

/** Column values for a patch or a new case: JSON columns serialized, dates as ISO text, booleans 0/1. */
export function toCaseColumns(patch: CasePatch): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    if (k === "coHandlers" || k === "whistled") out[k] = JSON.stringify(v);
    else if (k === "timeLimit") out[k] = JSON.stringify(v ?? {});
    else if (k === "pendingExtension") out[k] = v === null ? null : JSON.stringify(v);
    else if (v instanceof Date) out[k] = toDbDate(v);
    else if (typeof v === "boolean") out[k] = v ? 1 : 0;
    else out[k] = v as string | number | null;
  }
  return out;
}
