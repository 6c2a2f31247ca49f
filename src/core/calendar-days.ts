/**
 * Which days are holidays and make-up working days (调休), and where each fact comes from:
 * - `override`: HOLIDAYS_OVERRIDE / WORKDAYS_OVERRIDE from the environment — they always win;
 * - `entered`: a year's State Council notice entered by an admin in the console; a year entered
 *   replaces the package's data for that year (the notice is the whole official schedule);
 * - `package`: the data shipped with `chinese-days`;
 * - otherwise Monday to Friday work.
 * Platform-free and pure.
 */
// The package's functions (isWorkday, getDayDetail …) read dates in the host's time zone and give wrong
// answers on hosts west of UTC (2026-01-05, a Monday, is "not a workday" under TZ=America/Los_Angeles).
// Its prebuilt JSON holds the same data keyed by plain 'YYYY-MM-DD', so we read that instead.
import chineseDaysData from "chinese-days/dist/chinese-days.json" with { type: "json" };
import { dayOfIso, isoOfDay } from "./time-zone.ts";

export type DayKind = "holiday" | "workday";
/** Where a day's fact comes from. */
export type DaySource = "package" | "entered" | "override";

/** Where a year's holidays come from: entered, chinese-days, only the override, or nowhere (Mon–Fri). */
export type YearSource = "entered" | "chinese-days" | "override" | "weekdays";

/** A day that is not a plain weekday or weekend: a holiday or a make-up working day. */
export interface SpecialDay {
  date: string;
  kind: DayKind;
  source: DaySource;
  /** Holiday name ("春节", "国庆节、中秋节"); "" for an override. */
  name: string;
}

/** One entered year: its notice's days. */
export interface EnteredYear {
  year: number;
  days: readonly { date: string; kind: DayKind; name: string }[];
}

interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}
const cdData: ChineseDaysData = chineseDaysData;
/** Years chinese-days has data for (2004–2026 in v1.5.7). */
const cdYears = new Set(Object.keys(cdData.holidays).map((d) => Number(d.slice(0, 4))));

/** "Spring Festival,春节,4" → "春节". */
function packageName(value: string | undefined): string {
  return value?.split(",")[1] ?? "";
}

const yearOfIso = (iso: string) => Number(iso.slice(0, 4));

export interface DayTable {
  /** Whether a day (days since 1970-01-01) is a working day. */
  isWorkday(day: number): boolean;
  yearSource(year: number): YearSource;
  /** The year's holidays and make-up working days, in date order, with their source. */
  specialDays(year: number): SpecialDay[];
}

/** Builds the lookup; inputs are already validated dates. */
export function createDayTable(input: {
  override: { holidays: readonly string[]; workdays: readonly string[] };
  entered: readonly EnteredYear[];
}): DayTable {
  const overrideHolidays = new Set(input.override.holidays);
  const overrideWorkdays = new Set(input.override.workdays);
  const overrideYears = new Set([...overrideHolidays, ...overrideWorkdays].map(yearOfIso));
  const enteredDays = new Map<string, { kind: DayKind; name: string }>();
  const enteredYears = new Set<number>();
  for (const y of input.entered) {
    enteredYears.add(y.year);
    for (const d of y.days) enteredDays.set(d.date, { kind: d.kind, name: d.name });
  }

  /** The listed fact about a date, by precedence; null for a plain day. */
  const factOf = (iso: string): Omit<SpecialDay, "date"> | null => {
    if (overrideWorkdays.has(iso)) return { kind: "workday", source: "override", name: "" };
    if (overrideHolidays.has(iso)) return { kind: "holiday", source: "override", name: "" };
    const entered = enteredDays.get(iso);
    if (entered) return { ...entered, source: "entered" };
    if (enteredYears.has(yearOfIso(iso))) return null;
    if (iso in cdData.workdays)
      return { kind: "workday", source: "package", name: packageName(cdData.workdays[iso]) };
    if (iso in cdData.holidays)
      return { kind: "holiday", source: "package", name: packageName(cdData.holidays[iso]) };
    return null;
  };

  return {
    isWorkday(day) {
      const fact = factOf(isoOfDay(day));
      if (fact) return fact.kind === "workday";
      const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
      return weekday >= 1 && weekday <= 5;
    },
    yearSource(year) {
      if (enteredYears.has(year)) return "entered";
      if (cdYears.has(year)) return "chinese-days";
      return overrideYears.has(year) ? "override" : "weekdays";
    },
    specialDays(year) {
      const prefix = `${year}-`;
      const candidates = new Set<string>();
      const collect = (dates: Iterable<string>) => {
        for (const d of dates) if (d.startsWith(prefix)) candidates.add(d);
      };
      collect(overrideHolidays);
      collect(overrideWorkdays);
      collect(enteredDays.keys());
      collect(Object.keys(cdData.holidays));
      collect(Object.keys(cdData.workdays));
      const out: SpecialDay[] = [];
      for (const date of [...candidates].sort((a, b) => dayOfIso(a) - dayOfIso(b))) {
        const fact = factOf(date);
        if (fact) out.push({ date, ...fact });
      }
      return out;
    },
  };
}
