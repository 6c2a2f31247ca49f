/**
 * When to warn that the work calendar lacks a year's holidays: always for the current year, and from
 * CALENDAR_WARN_FROM (default 1 November) for the next one — a 5-working-day case opened on 29 January
 * already reaches into February, so waiting for January is too late. Pure.
 */

/** A day of the year, e.g. 1 November. */
export interface MonthDay {
  month: number;
  day: number;
}

export const DEFAULT_WARN_FROM: MonthDay = { month: 11, day: 1 };

export interface CalendarWarning {
  /** The year whose holidays are unknown. */
  year: number;
  kind: "current" | "next";
}

/** The warning due on local date `date` ('YYYY-MM-DD'), or null when the calendar knows enough. */
export function calendarWarning(
  date: string,
  warnFrom: MonthDay,
  knowsYear: (year: number) => boolean,
): CalendarWarning | null {
  const year = Number(date.slice(0, 4));
  if (!knowsYear(year)) return { year, kind: "current" };
  const monthDay = Number(date.slice(5, 7)) * 100 + Number(date.slice(8, 10));
  if (monthDay >= warnFrom.month * 100 + warnFrom.day && !knowsYear(year + 1)) {
    return { year: year + 1, kind: "next" };
  }
  return null;
}
