/**
 * A work calendar that can be replaced while the service runs: every part of the app holds this one
 * object, so a year entered in the console takes effect everywhere at once, without a restart.
 * Calendars are immutable; replacing swaps which one answers. Platform-free.
 */
import type { WorkCalendar } from "./work-calendar.ts";

export class LiveWorkCalendar implements WorkCalendar {
  constructor(private current: WorkCalendar) {}

  /** The calendar answering now. */
  get snapshot(): WorkCalendar {
    return this.current;
  }

  /** Makes `next` answer from now on (same time zone and hours: only the days may change). */
  replace(next: WorkCalendar): void {
    if (
      next.timeZone !== this.current.timeZone ||
      next.workMinutesPerDay !== this.current.workMinutesPerDay
    ) {
      throw new RangeError("LiveWorkCalendar.replace: the time zone and working hours must stay the same");
    }
    this.current = next;
  }

  get timeZone() {
    return this.current.timeZone;
  }
  get workMinutesPerDay() {
    return this.current.workMinutesPerDay;
  }
  // Arrow properties, so a method passed on alone (`calendar.isWorkday`) still reads the current calendar.
  readonly isWorkday: WorkCalendar["isWorkday"] = (date) => this.current.isWorkday(date);
  readonly localDate: WorkCalendar["localDate"] = (date) => this.current.localDate(date);
  readonly addWorkMinutes: WorkCalendar["addWorkMinutes"] = (start, minutes) =>
    this.current.addWorkMinutes(start, minutes);
  readonly workMinutesBetween: WorkCalendar["workMinutesBetween"] = (a, b) =>
    this.current.workMinutesBetween(a, b);
  readonly deadlineFor: WorkCalendar["deadlineFor"] = (start, limit) =>
    this.current.deadlineFor(start, limit);
  readonly elapsedFraction: WorkCalendar["elapsedFraction"] = (start, deadline, unit, now) =>
    this.current.elapsedFraction(start, deadline, unit, now);
  readonly knowsYear: WorkCalendar["knowsYear"] = (year) => this.current.knowsYear(year);
  readonly yearSource: WorkCalendar["yearSource"] = (year) => this.current.yearSource(year);
  readonly specialDays: WorkCalendar["specialDays"] = (year) => this.current.specialDays(year);
}
