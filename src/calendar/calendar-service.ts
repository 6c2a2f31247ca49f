/**
 * The work calendar the whole service counts deadlines on, and the one way it changes while running:
 * an admin enters a year's State Council notice in the console. Entering stores the notice and its
 * days (CalendarEntry, recording who), recomputes the open deadlines not yet due (deadline-recompute.ts)
 * and tells the inspectors in one line, all in one transaction; the live calendar switches inside that
 * transaction, so every message processed after it counts on the new days. The environment's
 * overrides keep winning over entered days (src/core/calendar-days.ts).
 */
import type { Logger } from "pino";
import type { EnteredYear } from "../core/calendar-days.ts";
import { type NoticeError, parseHolidayNotice } from "../core/holiday-notice.ts";
import { LiveWorkCalendar } from "../core/live-work-calendar.ts";
import type { RosterIndex } from "../core/roster-index.ts";
import type { Clock, Person } from "../core/types.ts";
import { createWorkCalendar, type WorkCalendar, type WorkCalendarOptions } from "../core/work-calendar.ts";
import { insertEntry, loadEnteredYears, setEntryNote } from "../store/calendar-repo.ts";
import type { PrismaClient } from "../store/generated/client.ts";
import type { Sql } from "../store/sql.ts";
import { SqliteConversationStore } from "../store/sqlite-conversation-store.ts";
import { mentionMessage, staffChatIds } from "./calendar-chats.ts";
import { CT } from "./calendar-texts.ts";
import { type CalendarWarning, calendarWarning, type MonthDay } from "./calendar-warning.ts";
import { type RecomputeResult, recomputeOpenDeadlines } from "./deadline-recompute.ts";

export interface CalendarServiceDeps {
  prisma: PrismaClient;
  sql: Sql;
  transaction: <T>(work: () => Promise<T>) => Promise<T>;
  roster: () => RosterIndex;
  clock: Clock;
  log: Logger;
  /** Everything but the entered years: time zone, working hours, the environment's override. */
  base: Omit<WorkCalendarOptions, "entered">;
  /** From this day of the year on, a missing next year is warned about (CALENDAR_WARN_FROM). */
  warnFrom: MonthDay;
  /** Tells the outbox worker a message is waiting (it also polls). */
  pokeOutbox?: () => void;
}

export type EnterOutcome =
  | { ok: true; year: number; entryId: number; result: RecomputeResult }
  | { ok: false; error: NoticeError }
  | { ok: false; yearChanged: { previewed: number; parsed: number } };

export class CalendarService {
  readonly calendar: LiveWorkCalendar;
  private entered: EnteredYear[];

  private constructor(
    private readonly deps: CalendarServiceDeps,
    entered: EnteredYear[],
  ) {
    this.entered = entered;
    this.calendar = new LiveWorkCalendar(this.build(entered));
  }

  /** Loads the entered years from the database and builds the calendar on them. */
  static async open(deps: CalendarServiceDeps): Promise<CalendarService> {
    return new CalendarService(deps, await loadEnteredYears(deps.prisma));
  }

  private build(entered: readonly EnteredYear[]): WorkCalendar {
    return createWorkCalendar({ ...this.deps.base, entered });
  }

  /** The warning due at `now` (current year unknown; next year unknown from CALENDAR_WARN_FROM), or null. */
  warning(now: Date): CalendarWarning | null {
    return calendarWarning(this.calendar.localDate(now), this.deps.warnFrom, (y) =>
      this.calendar.knowsYear(y),
    );
  }

  /** The calendar `text` would give, without storing anything (the console's preview). */
  preview(
    text: string,
  ): { ok: true; year: number; calendar: WorkCalendar } | { ok: false; error: NoticeError } {
    const parsed = parseHolidayNotice(text);
    if (!parsed.ok) return parsed;
    const year: EnteredYear = { year: parsed.year, days: parsed.days };
    return { ok: true, year: parsed.year, calendar: this.build(this.withYear(year)) };
  }

  private withYear(year: EnteredYear): EnteredYear[] {
    return [...this.entered.filter((y) => y.year !== year.year), year].sort((a, b) => a.year - b.year);
  }

  /**
   * Enters a notice for `previewedYear` on behalf of `person` (an admin: the caller checks). The text
   * is parsed again here: what is stored is what the text says, never what a page sent back.
   */
  async enter(input: { text: string; previewedYear: number; person: Person }): Promise<EnterOutcome> {
    const { deps } = this;
    const parsed = parseHolidayNotice(input.text);
    if (!parsed.ok) return parsed;
    if (parsed.year !== input.previewedYear) {
      return { ok: false, yearChanged: { previewed: input.previewedYear, parsed: parsed.year } };
    }
    const year: EnteredYear = { year: parsed.year, days: parsed.days };
    const now = deps.clock.now();
    const who = input.person;
    // Read under the transaction gate: two entries at once each build on the one committed before.
    let previous: { calendar: WorkCalendar; entered: EnteredYear[] } | null = null;
    try {
      const outcome = await deps.transaction(async () => {
        const before = this.calendar.snapshot;
        previous = { calendar: before, entered: this.entered };
        const entered = this.withYear(year);
        const after = this.build(entered);
        const entryId = insertEntry(deps.sql, {
          year,
          noticeText: input.text,
          enteredById: who.id,
          enteredByName: who.name,
          at: now,
        });
        const result = await recomputeOpenDeadlines({
          sql: deps.sql,
          now,
          before,
          after,
          timeZone: before.timeZone,
          year: year.year,
          actor: { key: who.id, name: who.name, role: "admin" },
        });
        setEntryNote(
          deps.sql,
          entryId,
          CT.entryNote(result.changed.length, result.unchanged, result.unexplained),
        );
        const summary = CT.summary({
          year: year.year,
          who: who.name,
          changed: result.changed.length,
          unexplained: result.unexplained.length,
        });
        const store = new SqliteConversationStore(deps.sql, now);
        const inspectors = deps.roster().inspectors();
        for (const chatId of staffChatIds(deps.sql)) {
          const message = mentionMessage(chatId, inspectors, summary, "calendar_change");
          await store.enqueue(message, { idempotencyKey: `calendar_change:${entryId}:${chatId}` });
        }
        // Inside the transaction: a message processed after it already counts on the new days.
        this.calendar.replace(after);
        this.entered = entered;
        return { entryId, result };
      });
      deps.pokeOutbox?.();
      deps.log.info(
        {
          year: year.year,
          by: who.id,
          entryId: outcome.entryId,
          changed: outcome.result.changed.length,
          unexplained: outcome.result.unexplained.slice(0, 20),
        },
        "holiday notice entered in the console; open deadlines recomputed",
      );
      return { ok: true, year: year.year, ...outcome };
    } catch (error) {
      // Nothing was committed (the work or the COMMIT failed): the calendar goes back to what it was.
      const was = previous as { calendar: WorkCalendar; entered: EnteredYear[] } | null;
      if (was) {
        this.calendar.replace(was.calendar);
        this.entered = was.entered;
      }
      throw error;
    }
  }
}
