/**
 * Case lights (DESIGN.md §2) for lists of any size. A light depends on working time, which SQL cannot
 * count, so the instant a case turns yellow is computed in code (src/core/deadline-stages.ts) and
 * cached in Case.yellowAt together with the deadline it was computed for; a moved deadline (extension,
 * reassignment) makes it stale and it is computed again. With that, a light is a comparison SQL can
 * filter on. Same rules as the digest: open cases only (待立案 has none), an awaiting-check case is
 * judged at its fix time (its clock stopped), a case without a deadline is green.
 */
import { LIT_STATES, type StageCalendar, yellowAt } from "../../core/deadline-stages.ts";
import type { Light } from "../../core/light.ts";
import { parseTimeLimit } from "../../store/case-mapper.ts";
import { type Sql, toDbDate } from "../../store/sql.ts";

const LIT_LIST = LIT_STATES.map((s) => `'${s}'`).join(",");
/** Rows recomputed per transaction, so a first pass over a large backlog does not hold the writer long. */
const REFRESH_BATCH = 2_000;

/** The instant a case's light is judged at: its fix time when awaiting check, else now (a `?` parameter). */
const AT = `(CASE WHEN "state" = 'awaiting_check' AND "fixedAt" IS NOT NULL THEN "fixedAt" ELSE ? END)`;

/**
 * SQL condition for one light, with the `?` parameters it needs (now, as stored text). Dates are ISO
 * text with the same offset everywhere (src/store/sql.ts), so text comparison is time order.
 */
export function lightCondition(light: Light, now: Date): { sql: string; params: string[] } {
  const at = toDbDate(now);
  const lit = `"state" IN (${LIT_LIST})`;
  switch (light) {
    case "red":
      return { sql: `(${lit} AND "deadline" IS NOT NULL AND ${AT} >= "deadline")`, params: [at] };
    case "yellow":
      return {
        sql: `(${lit} AND "deadline" IS NOT NULL AND ${AT} < "deadline" AND ${AT} >= "yellowAt")`,
        params: [at, at],
      };
    case "green":
      return {
        sql: `(${lit} AND ("deadline" IS NULL OR (${AT} < "deadline" AND ${AT} < "yellowAt")))`,
        params: [at, at],
      };
  }
}

/** Keeps Case.yellowAt current for every case that has a light. */
export class CaseLightCache {
  constructor(
    private readonly deps: {
      sql: Sql;
      transaction: <T>(work: () => Promise<T>) => Promise<T>;
      calendar: StageCalendar;
    },
  ) {}

  /**
   * Forgets every cached yellowAt when the work calendar changed (working hours, holidays, time zone)
   * since they were computed: `fingerprint` describes the calendar, `stored` is the one they were
   * computed with. Returns whether they were forgotten.
   */
  async forgetIfCalendarChanged(fingerprint: string, stored: string | null): Promise<boolean> {
    if (stored === fingerprint) return false;
    await this.deps.transaction(async () => {
      this.deps.sql.run('UPDATE "Case" SET yellowDeadline = NULL WHERE yellowDeadline IS NOT NULL');
    });
    return stored !== null;
  }

  /** Computes yellowAt where it is missing or was computed for another deadline. Returns how many. */
  async refresh(): Promise<number> {
    const { sql, transaction, calendar } = this.deps;
    let total = 0;
    for (;;) {
      const rows = sql.all<{ id: number; startedAt: string; deadline: string; timeLimit: string }>(
        `SELECT id, startedAt, deadline, timeLimit FROM "Case" WHERE "state" IN (${LIT_LIST}) AND "deadline" IS NOT NULL AND ("yellowDeadline" IS NULL OR "yellowDeadline" <> "deadline") LIMIT ${REFRESH_BATCH}`,
      );
      if (rows.length === 0) return total;
      await transaction(async () => {
        for (const r of rows) {
          const at = yellowAt(
            {
              startedAt: new Date(r.startedAt),
              deadline: new Date(r.deadline),
              timeLimit: parseTimeLimit(r.timeLimit),
            },
            calendar,
          );
          sql.run(
            'UPDATE "Case" SET yellowAt = ?, yellowDeadline = ? WHERE id = ?',
            toDbDate(at),
            r.deadline,
            r.id,
          );
        }
      });
      total += rows.length;
    }
  }
}
