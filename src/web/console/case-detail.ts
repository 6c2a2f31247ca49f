/** One case for the case page and the 整改通知单: facts, timeline, photos, and the actions allowed. */

import type { CaseRecord } from "../../conversation/conversation-store.ts";
import { STATE_LABELS } from "../../core/case-lifecycle.ts";
import type { StageCalendar } from "../../core/deadline-stages.ts";
import { lightOf } from "../../core/deadline-stages.ts";
import { LIGHT_LABELS } from "../../core/light.ts";
import { locationLabel } from "../../core/location.ts";
import type { RosterIndex } from "../../core/roster-index.ts";
import { type TaxonomyIndex, timeLimitLabel } from "../../core/taxonomy.ts";
import type { Person } from "../../core/types.ts";
import { type CaseRow, toCaseRecord } from "../../store/case-mapper.ts";
import type { Sql } from "../../store/sql.ts";
import { availableActions } from "./case-actions.ts";
import { ACTOR_ROLE_LABELS, C, CHANNEL_LABELS, EVENT_LABELS } from "./console-texts.ts";

/** Reads a case by its number (case-insensitive). */
export function caseByNumber(sql: Sql, number: string): CaseRecord | null {
  const row = sql.get<CaseRow>('SELECT * FROM "Case" WHERE number = ?', number.toUpperCase());
  return row ? toCaseRecord(row) : null;
}

interface EventRow {
  id: number;
  type: string;
  fromState: string | null;
  toState: string | null;
  actorName: string;
  actorRole: string;
  channel: string;
  at: string;
  data: string;
}

const UNIT_LABELS: Record<string, string> = { hour: "小时", work_day: "个工作日", work_hour: "个工作时" };

/** A short Chinese line of what an event's data says (reason, hours, departments …). */
function eventDetail(type: string, data: Record<string, unknown>, roster: RosterIndex): string {
  const bits: string[] = [];
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  if (type === "request_extension" && typeof data.amount === "number") {
    bits.push(`延时 ${data.amount}${UNIT_LABELS[str(data.unit)] ?? ""}`);
  }
  if (type === "approve_extension" && data.to) bits.push(`新时限 ${str(data.to)}`);
  if (Array.isArray(data.departments)) {
    bits.push(
      `部门：${data.departments.map((d) => roster.departments.get(String(d))?.name ?? String(d)).join("、")}`,
    );
  }
  if (type === "reassign") {
    const who = (id: unknown) => (id ? (roster.people.get(String(id))?.name ?? String(id)) : "—");
    bits.push(
      `${str(data.fromSegment) || "—"}（${who(data.fromHandler)}）→ ${str(data.toSegment) || "—"}（${who(data.toHandler)}）`,
    );
  }
  if (Array.isArray(data.photos) && data.photos.length > 0) bits.push(`照片 ${data.photos.length} 张`);
  if (str(data.reason)) bits.push(`原因：${str(data.reason)}`);
  if (str(data.text)) bits.push(`原话：${str(data.text)}`);
  if (type === "refused" && str(data.command)) bits.push(`指令：${str(data.command)}`);
  return bits.join("；");
}

export interface CaseDetailContext {
  sql: Sql;
  roster: RosterIndex;
  taxonomy: TaxonomyIndex;
  calendar: StageCalendar;
  now: Date;
  /** The signed-in person (null when no longer on the roster: then no actions). */
  person: Person | null;
}

/** Everything the case page shows. All text is plain; the page inserts it with textContent. */
export function caseDetail(c: CaseRecord, ctx: CaseDetailContext) {
  const { roster, taxonomy, sql } = ctx;
  const seg = c.segmentId ? roster.segments.get(c.segmentId) : undefined;
  const item = c.categoryCode ? taxonomy.get(c.categoryCode) : undefined;
  const name = (id: string | null | undefined) => (id ? (roster.people.get(id)?.name ?? id) : "");
  const handler = c.handlerId ? roster.people.get(c.handlerId) : undefined;
  const light = lightOf(c, ctx.now, ctx.calendar);
  const events = sql
    .all<EventRow>(
      'SELECT id, type, fromState, toState, actorName, actorRole, channel, at, data FROM "CaseEvent" WHERE caseId = ? ORDER BY at, id',
      c.id,
    )
    .map((e) => {
      let data: Record<string, unknown> = {};
      try {
        data = JSON.parse(e.data) as Record<string, unknown>;
      } catch {
        // A damaged payload still shows the event itself.
      }
      return {
        at: e.at,
        type: e.type,
        label: EVENT_LABELS[e.type] ?? e.type,
        actor: e.actorName,
        role: ACTOR_ROLE_LABELS[e.actorRole] ?? e.actorRole,
        channel: CHANNEL_LABELS[e.channel] ?? e.channel,
        from: e.fromState ? (STATE_LABELS[e.fromState as CaseRecord["state"]] ?? e.fromState) : "",
        to: e.toState ? (STATE_LABELS[e.toState as CaseRecord["state"]] ?? e.toState) : "",
        detail: eventDetail(e.type, data, roster),
      };
    });
  const media = sql.all<{ mediaHash: string; kind: string; addedAt: string }>(
    'SELECT mediaHash, kind, addedAt FROM "CaseMedia" WHERE caseId = ? ORDER BY addedAt, mediaHash',
    c.id,
  );
  const photos = (kind: string) =>
    media.filter((m) => m.kind === kind).map((m) => ({ hash: m.mediaHash, at: m.addedAt }));
  const duplicateOf = c.duplicateOfId
    ? (sql.get<{ number: string }>('SELECT number FROM "Case" WHERE id = ?', c.duplicateOfId)?.number ?? "")
    : "";
  const chat = sql.get<{ name: string }>('SELECT name FROM "Chat" WHERE id = ?', c.chatId);
  return {
    number: c.number,
    state: c.state,
    stateLabel: STATE_LABELS[c.state],
    light,
    lightLabel: light ? LIGHT_LABELS[light] : "",
    category: item ? `${item.name}（${item.code}）` : c.categoryCode || C.unknownCategory,
    categoryArea: item ? [item.area, item.focus].filter(Boolean).join(" · ") : "",
    summary: c.summary,
    locationText: locationLabel(c.locationText),
    place: seg ? `${seg.roadName} ${seg.from}至${seg.to}段` : locationLabel(c.locationText) || C.unlocated,
    segment: seg ? { id: seg.id, road: seg.roadName, from: seg.from, to: seg.to, street: seg.street } : null,
    department: c.departmentCode ? (roster.departments.get(c.departmentCode)?.name ?? c.departmentCode) : "",
    handler: handler
      ? { id: handler.id, name: handler.name, title: handler.title, phone: handler.phone }
      : null,
    street2Chief: seg?.level2ChiefId ? name(seg.level2ChiefId) : "",
    coHandlers: c.coHandlers.map(name),
    reporter: c.reporterName,
    channel: CHANNEL_LABELS[c.channel] ?? c.channel,
    chat: chat?.name || c.chatId,
    urgent: c.urgent,
    timeLimit: c.timeLimit ? timeLimitLabel(c.timeLimit) : C.noDeadline,
    createdAt: c.createdAt.toISOString(),
    startedAt: c.startedAt.toISOString(),
    deadline: c.deadline?.toISOString() ?? null,
    acknowledgedAt: c.acknowledgedAt?.toISOString() ?? null,
    fixedAt: c.fixedAt?.toISOString() ?? null,
    closedAt: c.closedAt?.toISOString() ?? null,
    reworkCount: c.reworkCount,
    extensionCount: c.extensionCount,
    pendingExtension: c.pendingExtension
      ? {
          amount: c.pendingExtension.amount,
          unit: UNIT_LABELS[c.pendingExtension.unit] ?? c.pendingExtension.unit,
          reason: c.pendingExtension.reason,
          requestedBy: name(c.pendingExtension.requestedBy),
        }
      : null,
    duplicateOf,
    events,
    photos: { before: photos("before"), after: photos("after") },
    actions: availableActions(c, ctx.person, roster),
  };
}
