/**
 * The case list: filters to one SQL condition, a page of rows and the total. Direct SQL on the shared
 * connection; indexes on state, segment, department, category and creation time keep it fast at
 * 100,000 cases (`npm run bench:console`).
 */

import { STATE_LABELS } from "../../core/case-lifecycle.ts";
import type { StageCalendar } from "../../core/deadline-stages.ts";
import { lightOf } from "../../core/deadline-stages.ts";
import { LIGHT_LABELS, type Light } from "../../core/light.ts";
import { locationLabel } from "../../core/location.ts";
import type { RosterIndex } from "../../core/roster-index.ts";
import type { TaxonomyIndex } from "../../core/taxonomy.ts";
import type { CaseState } from "../../core/types.ts";
import { parseTimeLimit } from "../../store/case-mapper.ts";
import { type Sql, toDbDate } from "../../store/sql.ts";
import type { CaseFilters } from "./case-filters.ts";
import { lightCondition } from "./case-lights.ts";
import { C } from "./console-texts.ts";

type Param = string | number;

/** A WHERE clause (without the keyword) and its parameters. */
export interface Where {
  sql: string;
  params: Param[];
}

/** Escapes LIKE wildcards so user text matches literally (with ESCAPE '\'). */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The SQL condition of a set of filters. The roster turns a street into its segments. */
export function whereOf(f: CaseFilters, roster: RosterIndex, now: Date): Where {
  const parts: string[] = [];
  const params: Param[] = [];
  if (f.states.length === 1) {
    parts.push('"state" = ?');
    params.push(f.states[0] as string);
  } else if (f.states.length > 1) {
    parts.push(`"state" IN (${f.states.map(() => "?").join(",")})`);
    params.push(...f.states);
  }
  if (f.light) {
    const c = lightCondition(f.light, now);
    parts.push(c.sql);
    params.push(...c.params);
  }
  if (f.street) {
    const ids = [...roster.segments.values()].filter((s) => s.street === f.street).map((s) => s.id);
    if (ids.length === 0) parts.push("0");
    else {
      parts.push(`"segmentId" IN (${ids.map(() => "?").join(",")})`);
      params.push(...ids);
    }
  }
  if (f.segment) {
    parts.push('"segmentId" = ?');
    params.push(f.segment);
  }
  if (f.department) {
    parts.push('"departmentCode" = ?');
    params.push(f.department);
  }
  if (f.category) {
    parts.push('"categoryCode" = ?');
    params.push(f.category);
  }
  if (f.from) {
    parts.push('"createdAt" >= ?');
    params.push(toDbDate(f.from));
  }
  if (f.to) {
    parts.push('"createdAt" < ?');
    params.push(toDbDate(f.to));
  }
  if (f.q) {
    const like = likePattern(f.q);
    parts.push(
      `("number" LIKE ? ESCAPE '\\' OR "summary" LIKE ? ESCAPE '\\' OR "locationText" LIKE ? ESCAPE '\\' OR "reporterName" LIKE ? ESCAPE '\\')`,
    );
    params.push(like, like, like, like);
  }
  return { sql: parts.length > 0 ? parts.join(" AND ") : "1", params };
}

/** The columns the list and the export read. */
export const LIST_COLUMNS = [
  "id",
  "number",
  "state",
  "categoryCode",
  "summary",
  "locationText",
  "segmentId",
  "departmentCode",
  "handlerId",
  "reporterName",
  "urgent",
  "timeLimit",
  "startedAt",
  "deadline",
  "acknowledgedAt",
  "fixedAt",
  "closedAt",
  "createdAt",
  "reworkCount",
  "extensionCount",
  "pendingExtension",
]
  .map((c) => `"${c}"`)
  .join(", ");

/** A raw list row. */
export interface ListRow {
  id: number;
  number: string;
  state: CaseState;
  categoryCode: string | null;
  summary: string;
  locationText: string;
  segmentId: string | null;
  departmentCode: string | null;
  handlerId: string | null;
  reporterName: string;
  urgent: number;
  timeLimit: string;
  startedAt: string;
  deadline: string | null;
  acknowledgedAt: string | null;
  fixedAt: string | null;
  closedAt: string | null;
  createdAt: string;
  reworkCount: number;
  extensionCount: number;
  pendingExtension: string | null;
}

/** One row as the list page shows it. Text is plain: the page puts it in with textContent. */
export interface CaseListItem {
  number: string;
  state: CaseState;
  stateLabel: string;
  light: Light | null;
  lightLabel: string;
  category: string;
  summary: string;
  place: string;
  street: string;
  department: string;
  handler: string;
  reporter: string;
  createdAt: string;
  deadline: string | null;
  urgent: boolean;
  pendingExtension: boolean;
}

export interface CaseListPage {
  page: number;
  size: number;
  total: number;
  items: CaseListItem[];
}

export interface CaseViewContext {
  roster: RosterIndex;
  taxonomy: TaxonomyIndex;
  calendar: StageCalendar;
  now: Date;
}

/** Names for a raw row: category, place, street, department, handler, light. */
export function describeRow(r: ListRow, ctx: CaseViewContext) {
  const seg = r.segmentId ? ctx.roster.segments.get(r.segmentId) : undefined;
  const light = lightOf(
    {
      state: r.state,
      startedAt: new Date(r.startedAt),
      deadline: r.deadline ? new Date(r.deadline) : null,
      fixedAt: r.fixedAt ? new Date(r.fixedAt) : null,
      timeLimit: parseTimeLimit(r.timeLimit),
    },
    ctx.now,
    ctx.calendar,
  );
  const item = r.categoryCode ? ctx.taxonomy.get(r.categoryCode) : undefined;
  return {
    light,
    lightLabel: light ? LIGHT_LABELS[light] : "",
    category: item ? item.name : r.categoryCode || C.unknownCategory,
    place: seg ? `${seg.roadName} ${seg.from}至${seg.to}段` : locationLabel(r.locationText) || C.unlocated,
    location: locationLabel(r.locationText),
    segment: seg ? seg.id : "",
    street: seg?.street ?? "",
    department: r.departmentCode
      ? (ctx.roster.departments.get(r.departmentCode)?.name ?? r.departmentCode)
      : "",
    handler: r.handlerId ? (ctx.roster.people.get(r.handlerId)?.name ?? r.handlerId) : "",
  };
}

/** One page of the filtered list, newest first, and how many match. */
export function listCases(
  sql: Sql,
  where: Where,
  page: number,
  size: number,
  ctx: CaseViewContext,
): CaseListPage {
  const total =
    sql.get<{ n: number }>(`SELECT count(*) AS n FROM "Case" WHERE ${where.sql}`, ...where.params)?.n ?? 0;
  const rows = sql.all<ListRow>(
    `SELECT ${LIST_COLUMNS} FROM "Case" WHERE ${where.sql} ORDER BY "id" DESC LIMIT ? OFFSET ?`,
    ...where.params,
    size,
    (page - 1) * size,
  );
  return {
    page,
    size,
    total,
    items: rows.map((r) => {
      const d = describeRow(r, ctx);
      return {
        number: r.number,
        state: r.state,
        stateLabel: STATE_LABELS[r.state] ?? r.state,
        light: d.light,
        lightLabel: d.lightLabel,
        category: d.category,
        summary: r.summary,
        place: d.place,
        street: d.street,
        department: d.department,
        handler: d.handler,
        reporter: r.reporterName,
        createdAt: r.createdAt,
        deadline: r.deadline,
        urgent: Boolean(r.urgent),
        pendingExtension: Boolean(r.pendingExtension),
      };
    }),
  };
}
