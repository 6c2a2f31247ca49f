/** ConversationStore in direct SQL on the shared SQLite connection, inside the caller's transaction. */
import type {
  CaseBrief,
  CasePatch,
  CaseRecord,
  ConversationStore,
  NewCase,
  NewCaseEvent,
} from "../conversation/conversation-store.ts";
import { formatCaseNumber } from "../core/case-number.ts";
import { type CaseState, OPEN_STATES, type OutboundMessage } from "../core/types.ts";
import { type CaseRow, toCaseColumns, toCaseRecord } from "./case-mapper.ts";
import { fromDbDate, type Sql, toDbDate } from "./sql.ts";

const OPEN_LIST = OPEN_STATES.map((s) => `'${s}'`).join(",");
/** Column names are fixed identifiers from CasePatch, never user text; still, allow only these. */
const CASE_COLUMNS = new Set([
  "state",
  "categoryCode",
  "summary",
  "locationText",
  "segmentId",
  "departmentCode",
  "chatId",
  "channel",
  "reporterKey",
  "reporterName",
  "reporterId",
  "handlerId",
  "coHandlers",
  "whistled",
  "urgent",
  "timeLimit",
  "startedAt",
  "deadline",
  "acknowledgedAt",
  "fixedAt",
  "closedAt",
  "reworkCount",
  "extensionCount",
  "pendingExtension",
  "duplicateOfId",
  "extractor",
  "extractorReason",
  "sourceMessageId",
  "createdAt",
]);

function checkedColumns(cols: Record<string, unknown>): string[] {
  const keys = Object.keys(cols);
  for (const k of keys) if (!CASE_COLUMNS.has(k)) throw new Error(`unknown case column ${k}`);
  return keys;
}

export class SqliteConversationStore implements ConversationStore {
  /**
   * Cases this transaction created, read or changed: an update merges into the known record
   * instead of reading the row back (the store lives for one transaction, so nothing else writes).
   */
  private readonly known = new Map<number, CaseRecord>();

  constructor(
    private readonly sql: Sql,
    private readonly now: Date,
  ) {}

  private remember(rec: CaseRecord): CaseRecord {
    this.known.set(rec.id, rec);
    return rec;
  }

  async createCase(data: NewCase): Promise<CaseRecord> {
    const { prefix, day, ...rest } = data;
    const last = this.sql.get<{ seq: number }>('SELECT max(seq) AS seq FROM "Case" WHERE day = ?', day);
    const seq = (last?.seq ?? 0) + 1;
    const cols = toCaseColumns(rest);
    const keys = checkedColumns(cols);
    const names = [...keys, "number", "day", "seq", "updatedAt"];
    const values = [
      ...keys.map((k) => cols[k] ?? null),
      formatCaseNumber(prefix, day, seq),
      day,
      seq,
      toDbDate(this.now),
    ];
    const r = this.sql.run(
      `INSERT INTO "Case" (${names.map((n) => `"${n}"`).join(",")}) VALUES (${names.map(() => "?").join(",")})`,
      ...values,
    );
    return this.remember({ ...rest, id: r.lastInsertRowid, number: formatCaseNumber(prefix, day, seq) });
  }

  async updateCase(id: number, patch: CasePatch): Promise<CaseRecord> {
    const cols = toCaseColumns(patch);
    const keys = checkedColumns(cols);
    const sets = [...keys.map((k) => `"${k}" = ?`), '"updatedAt" = ?'].join(", ");
    this.sql.run(
      `UPDATE "Case" SET ${sets} WHERE id = ?`,
      ...keys.map((k) => cols[k] ?? null),
      toDbDate(this.now),
      id,
    );
    const base = this.known.get(id) ?? this.mustCase(id);
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    return this.remember({ ...base, ...defined });
  }

  private mustCase(id: number): CaseRecord {
    const row = this.sql.get<CaseRow>('SELECT * FROM "Case" WHERE id = ?', id);
    if (!row) throw new Error(`case ${id} vanished`);
    return this.remember(toCaseRecord(row));
  }

  async appendEvent(e: NewCaseEvent): Promise<void> {
    this.sql.run(
      'INSERT INTO "CaseEvent" (caseId, type, fromState, toState, actorKey, actorName, actorRole, channel, messageId, at, data) VALUES (?,?,?,?,?,?,?,?,?,?,?)',
      e.caseId,
      e.type,
      e.fromState ?? null,
      e.toState ?? null,
      e.actorKey,
      e.actorName,
      e.actorRole,
      e.channel,
      e.messageId ?? null,
      toDbDate(e.at),
      JSON.stringify(e.data ?? {}),
    );
  }

  async caseByNumber(number: string): Promise<CaseRecord | null> {
    const row = this.sql.get<CaseRow>('SELECT * FROM "Case" WHERE number = ?', number.toUpperCase());
    return row ? toCaseRecord(row) : null;
  }

  async caseById(id: number): Promise<CaseRecord | null> {
    const row = this.sql.get<CaseRow>('SELECT * FROM "Case" WHERE id = ?', id);
    return row ? toCaseRecord(row) : null;
  }

  async caseForMessage(platformMessageId: string): Promise<CaseRecord | null> {
    const out = this.sql.get<{ caseId: number }>(
      'SELECT caseId FROM "OutboxMessage" WHERE platformMessageId = ? AND caseId IS NOT NULL LIMIT 1',
      platformMessageId,
    );
    if (out) return this.caseById(out.caseId);
    const row = this.sql.get<CaseRow>(
      'SELECT * FROM "Case" WHERE sourceMessageId = ? ORDER BY id LIMIT 1',
      platformMessageId,
    );
    return row ? toCaseRecord(row) : null;
  }

  async openCasesHandledBy(personId: string): Promise<CaseRecord[]> {
    return this.sql
      .all<CaseRow>(
        `SELECT * FROM "Case" WHERE state IN (${OPEN_LIST}) AND (handlerId = ? OR instr(coHandlers, ?) > 0) ORDER BY id LIMIT 200`,
        personId,
        JSON.stringify(personId),
      )
      .map(toCaseRecord);
  }

  async openCasesReportedBy(reporterKey: string, chatId: string): Promise<CaseRecord[]> {
    return this.sql
      .all<CaseRow>(
        `SELECT * FROM "Case" WHERE reporterKey = ? AND chatId = ? AND state IN (${OPEN_LIST}) ORDER BY id DESC LIMIT 50`,
        reporterKey,
        chatId,
      )
      .map(toCaseRecord);
  }

  async pendingCaseReportedBy(reporterKey: string, chatId: string): Promise<CaseRecord | null> {
    const row = this.sql.get<CaseRow>(
      `SELECT * FROM "Case" WHERE reporterKey = ? AND chatId = ? AND state = 'pending' ORDER BY id DESC LIMIT 1`,
      reporterKey,
      chatId,
    );
    return row ? toCaseRecord(row) : null;
  }

  async recentCaseReportedBy(reporterKey: string, chatId: string, since: Date): Promise<CaseRecord | null> {
    const row = this.sql.get<CaseRow>(
      `SELECT * FROM "Case" WHERE reporterKey = ? AND chatId = ? AND state IN (${OPEN_LIST}) AND createdAt >= ? ORDER BY id DESC LIMIT 1`,
      reporterKey,
      chatId,
      toDbDate(since),
    );
    return row ? toCaseRecord(row) : null;
  }

  async openCasesOnSegment(segmentId: string): Promise<CaseBrief[]> {
    return this.sql
      .all<{
        id: number;
        number: string;
        state: string;
        categoryCode: string | null;
        locationText: string;
        createdAt: string;
      }>(
        `SELECT id, number, state, categoryCode, locationText, createdAt FROM "Case" WHERE segmentId = ? AND state IN (${OPEN_LIST}) ORDER BY id`,
        segmentId,
      )
      .map((r) => ({ ...r, state: r.state as CaseState, segmentId, createdAt: fromDbDate(r.createdAt) }));
  }

  async casesInStates(
    states: readonly CaseState[],
    limit: number,
    options: { pendingExtensionOnly?: boolean } = {},
  ): Promise<CaseRecord[]> {
    const list = states.filter(
      (s) => (OPEN_STATES as readonly string[]).includes(s) || s === "closed" || s === "voided",
    );
    if (list.length === 0) return [];
    return this.sql
      .all<CaseRow>(
        `SELECT * FROM "Case" WHERE state IN (${list.map(() => "?").join(",")})${options.pendingExtensionOnly ? " AND pendingExtension IS NOT NULL" : ""} ORDER BY id LIMIT ?`,
        ...list,
        limit,
      )
      .map(toCaseRecord);
  }

  async attachMedia(
    caseId: number,
    hashes: readonly string[],
    kind: "before" | "after",
    at: Date,
  ): Promise<void> {
    for (const h of new Set(hashes)) {
      this.sql.run(
        'INSERT OR IGNORE INTO "CaseMedia" (caseId, mediaHash, kind, addedAt) VALUES (?,?,?,?)',
        caseId,
        h,
        kind,
        toDbDate(at),
      );
    }
  }

  async addPendingPhotos(p: {
    chatId: string;
    senderKey: string;
    hashes: readonly string[];
    messageId: string;
    at: Date;
  }) {
    for (const h of p.hashes) {
      this.sql.run(
        'INSERT INTO "PendingPhoto" (chatId, senderKey, mediaHash, messageId, receivedAt) VALUES (?,?,?,?,?)',
        p.chatId,
        p.senderKey,
        h,
        p.messageId,
        toDbDate(p.at),
      );
    }
  }

  async takePendingPhotos(chatId: string, senderKey: string, since: Date): Promise<string[]> {
    const rows = this.sql.all<{ id: number; mediaHash: string }>(
      'SELECT id, mediaHash FROM "PendingPhoto" WHERE chatId = ? AND senderKey = ? AND consumed = 0 AND receivedAt >= ? ORDER BY id',
      chatId,
      senderKey,
      toDbDate(since),
    );
    for (const r of rows) this.sql.run('UPDATE "PendingPhoto" SET consumed = 1 WHERE id = ?', r.id);
    return [...new Set(rows.map((r) => r.mediaHash))];
  }

  async lastEventBy(actorKey: string, type: string, since: Date) {
    const row = this.sql.get<{ caseId: number; at: string }>(
      'SELECT caseId, at FROM "CaseEvent" WHERE actorKey = ? AND type = ? AND at >= ? ORDER BY id DESC LIMIT 1',
      actorKey,
      type,
      toDbDate(since),
    );
    return row ? { caseId: row.caseId, at: new Date(row.at) } : null;
  }

  async enqueue(message: OutboundMessage, options: { idempotencyKey: string; caseId?: number | null }) {
    const channel = message.chatId.split(":", 1)[0] ?? "";
    this.sql.run(
      'INSERT OR IGNORE INTO "OutboxMessage" (idempotencyKey, channel, chatId, payload, caseId, kind, nextAttemptAt, createdAt) VALUES (?,?,?,?,?,?,?,?)',
      options.idempotencyKey,
      channel,
      message.chatId,
      JSON.stringify(message),
      options.caseId ?? null,
      message.kind,
      toDbDate(new Date(0)),
      toDbDate(this.now),
    );
  }

  async requestBinding(r: {
    senderKey: string;
    personId: string;
    senderName: string;
    chatId: string;
    at: Date;
  }) {
    this.sql.run(
      'INSERT OR IGNORE INTO "SenderBinding" (senderKey, personId, senderName, chatId, firstSeenAt) VALUES (?,?,?,?,?)',
      r.senderKey,
      r.personId,
      r.senderName.slice(0, 100),
      r.chatId,
      toDbDate(r.at),
    );
  }

  async linkedReportBy(caseId: number, actorKey: string) {
    const row = this.sql.get<{ id: number; data: string }>(
      `SELECT id, data FROM "CaseEvent" WHERE caseId = ? AND actorKey = ? AND type = 'duplicate_report'
         AND id NOT IN (SELECT CAST(json_extract(data, '$.reportEventId') AS INTEGER) FROM "CaseEvent" WHERE caseId = ? AND type = 'duplicate_split')
       ORDER BY id DESC LIMIT 1`,
      caseId,
      actorKey,
      caseId,
    );
    return row ? { eventId: row.id, data: JSON.parse(row.data) as Record<string, unknown> } : null;
  }
}
