/**
 * Local dates and wall-clock times in the service's time zone (Asia/Shanghai by default), computed
 * with Intl so the host's own time zone never matters (src/core/time-zone.ts). Dates are plain
 * 'YYYY-MM-DD' strings.
 */
import { dayOfIso, isoOfDay, MS_PER_MINUTE, zoneOf } from "../core/time-zone.ts";

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after midnight of "HH:MM"; throws on a malformed time. */
export function minuteOfDay(hhmm: string): number {
  const m = HHMM.exec(hhmm);
  if (!m) throw new RangeError(`expected "HH:MM", got "${hhmm}"`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** "HH:MM" of minutes after midnight. */
export function hhmmOf(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

export interface LocalParts {
  /** 'YYYY-MM-DD' */
  date: string;
  /** Minutes after local midnight. */
  minute: number;
}

/** Local date and minute of the day of an instant. */
export function localParts(instant: Date, timeZone: string): LocalParts {
  const { day, msOfDay } = zoneOf(timeZone).localOf(instant.getTime());
  return { date: isoOfDay(day), minute: Math.floor(msOfDay / MS_PER_MINUTE) };
}

/** The instant of a local date and minute of the day (a wall time in a DST gap lands after it). */
export function localInstant(date: string, minute: number, timeZone: string): Date {
  return new Date(zoneOf(timeZone).instantOf(dayOfIso(date), minute));
}

/** The date `n` days after `date`. */
export function addDays(date: string, n: number): string {
  return isoOfDay(dayOfIso(date) + n);
}

/** ISO weekday of a date: 1 = Monday … 7 = Sunday. */
export function weekdayOf(date: string): number {
  const w = (((dayOfIso(date) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  return w === 0 ? 7 : w;
}

/** The Monday of the week (Monday to Sunday) containing `date`. */
export function mondayOf(date: string): string {
  return addDays(date, 1 - weekdayOf(date));
}

/** The first day of the month containing `date`. */
export function monthStartOf(date: string): string {
  return `${date.slice(0, 8)}01`;
}

const WEEKDAY_LABELS = ["一", "二", "三", "四", "五", "六", "日"];

/** "9月28日" */
export function dayLabel(date: string): string {
  return `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}

/** "9月28日（周一）" */
export function dayLabelWithWeekday(date: string): string {
  return `${dayLabel(date)}（周${WEEKDAY_LABELS[weekdayOf(date) - 1]}）`;
}

/** "9月28日" for one day, "9月30日至10月7日" for a range of dates (both inclusive). */
export function rangeLabel(first: string, last: string): string {
  return first === last ? dayLabel(first) : `${dayLabel(first)}至${dayLabel(last)}`;
}
