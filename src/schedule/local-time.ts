/**
 * Local dates and wall-clock times in the service's time zone (Asia/Shanghai by default), computed
 * with Intl so the host's own time zone never matters. Dates are plain 'YYYY-MM-DD' strings.
 */

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

const FORMATS = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = FORMATS.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    FORMATS.set(timeZone, f);
  }
  return f;
}

/** Wall-clock fields of an instant in `timeZone`. */
function wallOf(ms: number, timeZone: string) {
  const f = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
  for (const part of formatFor(timeZone).formatToParts(ms)) {
    if (part.type in f) f[part.type as keyof typeof f] = Number(part.value);
  }
  return f;
}

function offsetAt(ms: number, timeZone: string): number {
  const f = wallOf(ms, timeZone);
  const wall = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

function dayNumber(date: string): number {
  const [y, m, d] = date.split("-").map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1) / MS_PER_DAY;
}

function dateOfDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

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
  const f = wallOf(instant.getTime(), timeZone);
  const date = `${f.year}-${String(f.month).padStart(2, "0")}-${String(f.day).padStart(2, "0")}`;
  return { date, minute: f.hour * 60 + f.minute };
}

/** The instant of a local date and minute of the day (a wall time in a DST gap lands after it). */
export function localInstant(date: string, minute: number, timeZone: string): Date {
  const wall = dayNumber(date) * MS_PER_DAY + minute * MS_PER_MINUTE;
  const guess = wall - offsetAt(wall, timeZone);
  return new Date(wall - offsetAt(guess, timeZone));
}

/** The date `n` days after `date`. */
export function addDays(date: string, n: number): string {
  return dateOfDay(dayNumber(date) + n);
}

/** ISO weekday of a date: 1 = Monday … 7 = Sunday. */
export function weekdayOf(date: string): number {
  const w = (((dayNumber(date) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
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
