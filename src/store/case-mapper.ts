/** Maps Case rows (JSON columns as text) to the conversation's CaseRecord and back. */
import type { CasePatch, CaseRecord, PendingExtension } from "../conversation/conversation-store.ts";
import type { CaseState, TimeLimit } from "../core/types.ts";
import type { Case as CaseRow } from "./generated/client.ts";

function parseJson<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function toCaseRecord(row: CaseRow): CaseRecord {
  const limit = parseJson<Partial<TimeLimit>>(row.timeLimit, {});
  return {
    id: row.id,
    number: row.number,
    state: row.state as CaseState,
    categoryCode: row.categoryCode,
    summary: row.summary,
    locationText: row.locationText,
    segmentId: row.segmentId,
    departmentCode: row.departmentCode,
    chatId: row.chatId,
    channel: row.channel,
    reporterKey: row.reporterKey,
    reporterName: row.reporterName,
    reporterId: row.reporterId,
    handlerId: row.handlerId,
    coHandlers: parseJson<string[]>(row.coHandlers, []),
    whistled: parseJson<string[]>(row.whistled, []),
    urgent: row.urgent,
    timeLimit: limit.value && limit.unit ? { value: limit.value, unit: limit.unit } : null,
    startedAt: row.startedAt,
    deadline: row.deadline,
    acknowledgedAt: row.acknowledgedAt,
    fixedAt: row.fixedAt,
    closedAt: row.closedAt,
    reworkCount: row.reworkCount,
    extensionCount: row.extensionCount,
    pendingExtension: parseJson<PendingExtension | null>(row.pendingExtension, null),
    duplicateOfId: row.duplicateOfId,
    extractor: row.extractor,
    extractorReason: row.extractorReason,
    sourceMessageId: row.sourceMessageId,
    createdAt: row.createdAt,
  };
}

/** Converts a patch to column values, serializing the JSON columns. */
export function toCaseColumns(patch: CasePatch): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    if (k === "coHandlers" || k === "whistled") out[k] = JSON.stringify(v);
    else if (k === "timeLimit") out[k] = JSON.stringify(v ?? {});
    else if (k === "pendingExtension") out[k] = v === null ? null : JSON.stringify(v);
    else out[k] = v;
  }
  return out;
}
