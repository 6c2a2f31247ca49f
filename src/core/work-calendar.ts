/**
 * Work calendar for case deadlines (DESIGN.md §2): working hours in one time zone, Chinese statutory
 * holidays and make-up working days (调休) from `chinese-days`, from the notices entered in the console
 * and from a configurable override (src/core/calendar-days.ts says which wins).
 * Platform-free: no clock, no env; callers pass instants.
 */
import { z } from "zod";
import { createDayTable, type EnteredYear, type SpecialDay, type YearSource } from "./calendar-days.ts";
import { isoOfDay, MS_PER_DAY, MS_PER_MINUTE, zoneOf } from "./time-zone.ts";
import type { TimeLimit } from "./types.ts";

/** One working period of a day, local time "HH:MM" (end exclusive). */
export interface WorkPeriod {
  start: string;
  end: string;
}

export interface WorkCalendarOptions {
  /** IANA time zone of the working hours; default Asia/Shanghai. */
  timeZone?: string;
  /** Working periods of a working day, in order, not overlapping; default 08:30–12:00, 14:00–18:00. */
  workHours?: WorkPeriod[];
  /** Local dates 'YYYY-MM-DD' that override chinese-days (and the Mon–Fri fallback). */
  override?: {
    /** Non-working days. */
    holidays?: string[];
    /** Working days, e.g. make-up working days (调休) on a weekend. */
    workdays?: string[];
  };
  /** Years entered from the State Council's notice (the console); they replace chinese-days for their year. */
  entered?: readonly EnteredYear[];
}

export type { DaySource, EnteredYear, SpecialDay, YearSource } from "./calendar-days.ts";

export interface WorkCalendar {
  readonly timeZone: string;
  /** Working minutes in a full working day (450 with the default hours): the length of one `work_day`. */
  readonly workMinutesPerDay: number;
  /** Whether a day is a working day: a Date (its local date in the calendar's zone) or 'YYYY-MM-DD'. */
  isWorkday(date: Date | string): boolean;
  /** The local date 'YYYY-MM-DD' of an instant in the calendar's zone. */
  localDate(date: Date): string;
  /** The instant `minutes` working minutes after `start`; a start outside working hours begins at the next period. */
  addWorkMinutes(start: Date, minutes: number): Date;
  /** Working minutes between two instants (negative when b is before a). */
  workMinutesBetween(a: Date, b: Date): number;
  /** Deadline of a case reported at `start` with the taxonomy's time limit. */
  deadlineFor(start: Date, timeLimit: TimeLimit): Date;
  /**
   * Fraction of the time limit used at `now`: working time for work units, natural time for `hour`.
   * 0 before start; it is ≥ 1 exactly when `now` ≥ `deadline` (overdue), below 1 before.
   */
  elapsedFraction(start: Date, deadline: Date, unit: TimeLimit["unit"], now: Date): number;
  /** Whether holidays are known for the year (from chinese-days or the override), so the app can warn if not. */
  knowsYear(year: number): boolean;
  /** Where the year's holidays come from. */
  yearSource(year: number): YearSource;
  /** The year's holidays and make-up working days with where each comes from (the console's calendar page). */
  specialDays(year: number): SpecialDay[];
}

/** Bad options to `createWorkCalendar`; the message names the field. */
export class WorkCalendarConfigError extends Error {
  readonly code = "WORK_CALENDAR_CONFIG";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "WorkCalendarConfigError";
  }
}

export const DEFAULT_TIME_ZONE = "Asia/Shanghai";

/** Usual office hours of a county government (机关作息): 08:30–12:00, 14:00–18:00. */
export const DEFAULT_WORK_HOURS: readonly WorkPeriod[] = [
  { start: "08:30", end: "12:00" },
  { start: "14:00", end: "18:00" },
];

const MS_PER_HOUR = 3_600_000;
/** A year without a single working day means a broken override; stop searching after that long. */
const MAX_IDLE_DAYS = 366;
/** Per-day cache bound (about ten years of days); the cache is dropped when it grows past this. */
const DAY_CACHE_LIMIT = 4_000;
/** Largest fraction below 1: a case not yet past its deadline is never red. */
const JUST_UNDER_ONE = 1 - Number.EPSILON;

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

// ---- option validation ----

/** Day number (days since 1970-01-01) of a real calendar date 'YYYY-MM-DD', or null. */
function dayOfIsoDate(s: string): number | null {
  const m = ISO_DATE.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / MS_PER_DAY;
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const timeOfDay = z.string().regex(HHMM, 'expected "HH:MM" between 00:00 and 23:59');
const isoDate = z
  .string()
  .refine((s) => dayOfIsoDate(s) !== null, "expected a real calendar date written 'YYYY-MM-DD'");

const optionsSchema = z
  .strictObject({
    timeZone: z
      .string()
      .refine(isTimeZone, "unknown IANA time zone (e.g. 'Asia/Shanghai')")
      .default(DEFAULT_TIME_ZONE),
    workHours: z
      .array(
        z
          .strictObject({ start: timeOfDay, end: timeOfDay })
          // Only compare well-formed times; a malformed one already has its own issue.
          .refine((p) => !HHMM.test(p.start) || !HHMM.test(p.end) || p.start < p.end, {
            message: "must be later than start",
            path: ["end"],
          }),
      )
      .min(1, "at least one working period is needed")
      .superRefine((periods, ctx) => {
        periods.forEach((p, i) => {
          const prev = periods[i - 1];
          if (prev && p.start < prev.end) {
            ctx.addIssue({
              code: "custom",
              message: `starts before workHours[${i - 1}] ends (${prev.end}); list periods in order without overlap`,
              path: [i, "start"],
            });
          }
        });
      })
      .default(DEFAULT_WORK_HOURS.map((p) => ({ ...p }))),
    override: z
      .strictObject({ holidays: z.array(isoDate).default([]), workdays: z.array(isoDate).default([]) })
      .default({ holidays: [], workdays: [] }),
    entered: z
      .array(
        z.strictObject({
          year: z.number().int().min(1900).max(9999),
          days: z.array(
            z.object({ date: isoDate, kind: z.enum(["holiday", "workday"]), name: z.string().max(100) }),
          ),
        }),
      )
      .default([]),
  })
  .superRefine((o, ctx) => {
    const holidays = new Set(o.override.holidays);
    o.override.workdays.forEach((d, i) => {
      if (holidays.has(d)) {
        ctx.addIssue({
          code: "custom",
          message: `${d} is listed both as a holiday and as a workday`,
          path: ["override", "workdays", i],
        });
      }
    });
  });

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out || "(options)";
}

function parseOptions(options: unknown): z.output<typeof optionsSchema> {
  const parsed = optionsSchema.safeParse(options ?? {});
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join("; ");
  throw new WorkCalendarConfigError(`Invalid work calendar options: ${details}`, { cause: parsed.error });
}

function toMinutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

function msOf(name: string, date: Date): number {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${name} is an invalid Date`);
  return ms;
}

interface Period {
  start: number;
  end: number;
}

/** Builds a work calendar; throws WorkCalendarConfigError naming the bad field. */
export function createWorkCalendar(options: WorkCalendarOptions = {}): WorkCalendar {
  const opts = parseOptions(options);
  const zone = zoneOf(opts.timeZone);
  const periods = opts.workHours.map((p) => ({ start: toMinutes(p.start), end: toMinutes(p.end) }));
  const workMinutesPerDay = periods.reduce((sum, p) => sum + p.end - p.start, 0);
  const days = createDayTable({ override: opts.override, entered: opts.entered });
  const isWorkdayNumber = days.isWorkday;

  const dayCache = new Map<number, readonly Period[]>();
  /** Working periods of a local day as instants (empty on a non-working day). */
  const periodsOf = (day: number): readonly Period[] => {
    let cached = dayCache.get(day);
    if (cached) return cached;
    cached = isWorkdayNumber(day)
      ? periods
          .map((p) => ({ start: zone.instantOf(day, p.start), end: zone.instantOf(day, p.end) }))
          .filter((p) => p.end > p.start)
      : [];
    if (dayCache.size >= DAY_CACHE_LIMIT) dayCache.clear();
    dayCache.set(day, cached);
    return cached;
  };

  const addWorkMs = (startMs: number, amountMs: number): number => {
    let remaining = amountMs;
    if (remaining === 0) return startMs;
    let idleDays = 0;
    for (let day = zone.localOf(startMs).day; idleDays <= MAX_IDLE_DAYS; day++) {
      let worked = false;
      for (const p of periodsOf(day)) {
        if (p.end <= startMs) continue;
        const from = Math.max(startMs, p.start);
        const available = p.end - from;
        if (remaining <= available) return from + remaining;
        remaining -= available;
        worked = true;
      }
      idleDays = worked ? 0 : idleDays + 1;
    }
    throw new RangeError(
      `no working day within ${MAX_IDLE_DAYS} days after ${isoOfDay(zone.localOf(startMs).day)}`,
    );
  };

  const workMsBetween = (aMs: number, bMs: number): number => {
    if (bMs < aMs) return -workMsBetween(bMs, aMs);
    let total = 0;
    const lastDay = zone.localOf(bMs).day;
    for (let day = zone.localOf(aMs).day; day <= lastDay; day++) {
      for (const p of periodsOf(day)) {
        const overlap = Math.min(p.end, bMs) - Math.max(p.start, aMs);
        if (overlap > 0) total += overlap;
      }
    }
    return total;
  };

  return {
    timeZone: opts.timeZone,
    workMinutesPerDay,

    isWorkday(date) {
      if (typeof date === "string") {
        const day = dayOfIsoDate(date);
        if (day === null) throw new RangeError(`isWorkday: expected 'YYYY-MM-DD', got '${date}'`);
        return isWorkdayNumber(day);
      }
      return isWorkdayNumber(zone.localOf(msOf("date", date)).day);
    },

    localDate(date) {
      return isoOfDay(zone.localOf(msOf("date", date)).day);
    },

    addWorkMinutes(start, minutes) {
      if (!Number.isFinite(minutes) || minutes < 0) {
        throw new RangeError(`addWorkMinutes: minutes must be a finite number ≥ 0, got ${minutes}`);
      }
      return new Date(addWorkMs(msOf("start", start), minutes * MS_PER_MINUTE));
    },

    workMinutesBetween(a, b) {
      return workMsBetween(msOf("a", a), msOf("b", b)) / MS_PER_MINUTE;
    },

    deadlineFor(start, timeLimit) {
      const startMs = msOf("start", start);
      const { value, unit } = timeLimit;
      if (!Number.isFinite(value) || value < 0) {
        throw new RangeError(`deadlineFor: time limit value must be a finite number ≥ 0, got ${value}`);
      }
      switch (unit) {
        case "hour":
          return new Date(startMs + value * MS_PER_HOUR);
        case "work_hour":
          return new Date(addWorkMs(startMs, value * MS_PER_HOUR));
        case "work_day":
          return new Date(addWorkMs(startMs, value * workMinutesPerDay * MS_PER_MINUTE));
        default: {
          const never: never = unit;
          throw new RangeError(`deadlineFor: unknown time limit unit '${String(never)}'`);
        }
      }
    },

    elapsedFraction(start, deadline, unit, now) {
      const [s, d, n] = [msOf("start", start), msOf("deadline", deadline), msOf("now", now)];
      const natural = unit === "hour";
      const total = natural ? d - s : workMsBetween(s, d);
      const used = natural ? n - s : workMsBetween(s, n);
      if (n >= d) return total > 0 ? Math.max(1, used / total) : 1;
      if (total <= 0) return 0;
      return Math.min(Math.max(0, used / total), JUST_UNDER_ONE);
    },

    knowsYear(year) {
      return days.yearSource(year) !== "weekdays";
    },

    yearSource: days.yearSource,
    specialDays: days.specialDays,
  };
}
