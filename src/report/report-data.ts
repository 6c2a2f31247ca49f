/**
 * Reads what the digest and the ranking need from the database: only the columns they use and only
 * the rows that can matter (open cases; cases created or closed in the period), so a county's years
 * of history do not slow the morning digest down. Direct SQL on the shared connection (src/store/sql.ts):
 * Prisma took about twice as long for the same rows (5,000 open cases: 199 vs 100 ms, median of 7, on a
 * busy machine; the bench database of `npm run bench:digest`).
 * Dates are stored as ISO-8601 text in UTC, so comparing the text compares the instants.
 */
import { LIT_STATES } from "../core/deadline-stages.ts";
import type { CaseFact } from "../core/indicators.ts";
import type { RosterIndex } from "../core/roster-index.ts";
import type { CaseState, TimeLimit } from "../core/types.ts";
import { parseTimeLimit } from "../store/case-mapper.ts";
import { fromDbDate, fromDbDateOrNull, type Sql, textInterner, toDbDate } from "../store/sql.ts";

/** The columns of a case the reports use. */
export interface ReportCase {
  id: number;
  number: string;
  state: CaseState;
  categoryCode: string | null;
  summary: string;
  segmentId: string | null;
  departmentCode: string | null;
  handlerId: string | null;
  urgent: boolean;
  timeLimit: TimeLimit | null;
  startedAt: Date;
  deadline: Date | null;
  acknowledgedAt: Date | null;
  fixedAt: Date | null;
  closedAt: Date | null;
  createdAt: Date;
  reworkCount: number;
  extensionCount: number;
}

const COLUMNS = [
  "id",
  "number",
  "state",
  "categoryCode",
  "summary",
  "segmentId",
  "departmentCode",
  "handlerId",
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
]
  .map((c) => `"${c}"`)
  .join(", ");

/** A row as SQLite returns it: dates as ISO text, booleans as 0/1, the time limit as JSON. */
interface Row {
  id: number;
  number: string;
  state: string;
  categoryCode: string | null;
  summary: string;
  segmentId: string | null;
  departmentCode: string | null;
  handlerId: string | null;
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
}

/**
 * Rows to ReportCases, one row at a time. A digest reads thousands of rows whose short text columns
 * repeat (state, category, segment, department, chief): each distinct text is kept once, and the time
 * limit JSON is parsed once per distinct text. This keeps what survives the load small; the raw rows,
 * read one by one, die young. (Measured in `npm run bench:digest`: holding every raw row with its own
 * strings promoted ~5 MB of garbage to the old generation per digest, so the service's heap grew by
 * that much per report until the next full GC.)
 */
function readReportCases(rows: Iterable<Row>): ReportCase[] {
  const intern = textInterner();
  // Parsed once per distinct text: most cases share a handful of time limits.
  const limits = new Map<string, TimeLimit | null>();
  const limitOf = (text: string): TimeLimit | null => {
    let v = limits.get(text);
    if (v === undefined) {
      v = parseTimeLimit(text);
      limits.set(text, v);
    }
    return v;
  };
  const out: ReportCase[] = [];
  for (const r of rows) {
    out.push({
      id: r.id,
      number: r.number,
      state: intern(r.state) as CaseState,
      categoryCode: intern(r.categoryCode),
      summary: r.summary,
      segmentId: intern(r.segmentId),
      departmentCode: intern(r.departmentCode),
      handlerId: intern(r.handlerId),
      urgent: Boolean(r.urgent),
      timeLimit: limitOf(r.timeLimit),
      startedAt: fromDbDate(r.startedAt),
      deadline: fromDbDateOrNull(r.deadline),
      acknowledgedAt: fromDbDateOrNull(r.acknowledgedAt),
      fixedAt: fromDbDateOrNull(r.fixedAt),
      closedAt: fromDbDateOrNull(r.closedAt),
      createdAt: fromDbDate(r.createdAt),
      reworkCount: r.reworkCount,
      extensionCount: r.extensionCount,
    });
  }
  return out;
}

const OPEN_LIST = LIT_STATES.map((s) => `'${s}'`).join(",");

/** Open cases (without 待立案), oldest first. */
export function loadOpenCases(sql: Sql): ReportCase[] {
  return readReportCases(
    sql.iterate<Row>(`SELECT ${COLUMNS} FROM "Case" WHERE state IN (${OPEN_LIST}) ORDER BY id`),
  );
}

/** Cases created in [from, to) or closed in [from, to). */
export function loadPeriodCases(sql: Sql, from: Date, to: Date): ReportCase[] {
  const [f, t] = [toDbDate(from), toDbDate(to)];
  return readReportCases(
    sql.iterate<Row>(
      `SELECT ${COLUMNS} FROM "Case" WHERE (createdAt >= ? AND createdAt < ?) OR (closedAt >= ? AND closedAt < ?) ORDER BY id`,
      f,
      t,
      f,
      t,
    ),
  );
}

/** The facts of a case the indicators read, as SQLite returns them. */
interface FactRow {
  number: string;
  state: CaseState;
  segmentId: string | null;
  departmentCode: string | null;
  createdAt: string;
  deadline: string | null;
  acknowledgedAt: string | null;
  fixedAt: string | null;
  closedAt: string | null;
  reworkCount: number;
  extensionCount: number;
}

/**
 * The cohort of cases created in [from, to), as indicator facts (src/core/indicators.ts): the weekly
 * ranking and the console's rankings. Row by row with shared texts, like the other loaders here: a
 * console ranking over years reads 100,000+ rows.
 */
export function loadCohortFacts(sql: Sql, roster: RosterIndex, from: Date, to: Date): CaseFact[] {
  const intern = textInterner();
  const facts: CaseFact[] = [];
  const rows = sql.iterate<FactRow>(
    'SELECT number, state, segmentId, departmentCode, createdAt, deadline, acknowledgedAt, fixedAt, closedAt, reworkCount, extensionCount FROM "Case" WHERE "createdAt" >= ? AND "createdAt" < ? ORDER BY id',
    toDbDate(from),
    toDbDate(to),
  );
  for (const r of rows) {
    facts.push({
      number: r.number,
      state: intern(r.state),
      segmentId: intern(r.segmentId),
      street: r.segmentId ? (roster.segments.get(r.segmentId)?.street ?? null) : null,
      departmentCode: intern(r.departmentCode),
      createdAt: fromDbDate(r.createdAt),
      deadline: fromDbDateOrNull(r.deadline),
      acknowledgedAt: fromDbDateOrNull(r.acknowledgedAt),
      fixedAt: fromDbDateOrNull(r.fixedAt),
      closedAt: fromDbDateOrNull(r.closedAt),
      reworkCount: r.reworkCount,
      extensionCount: r.extensionCount,
    });
  }
  return facts;
}
