/** Case numbers: county prefix + Shanghai date + sequence, e.g. `ZM20261126-007`. */

const SEQ_DIGITS = 3;

/** Formats a case number. `day` is `YYYYMMDD`. */
export function formatCaseNumber(prefix: string, day: string, seq: number): string {
  return `${prefix}${day}-${String(seq).padStart(SEQ_DIGITS, "0")}`;
}

const DAY_FORMATS = new Map<string, Intl.DateTimeFormat>();

/** The `YYYYMMDD` day of `date` in `timeZone`. */
export function dayKey(date: Date, timeZone: string): string {
  let fmt = DAY_FORMATS.get(timeZone);
  if (!fmt) {
    // Building a DateTimeFormat costs ~0.1 ms: one per zone, reused.
    fmt = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    DAY_FORMATS.set(timeZone, fmt);
  }
  const parts = fmt.formatToParts(date);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return `${get("year")}${get("month")}${get("day")}`;
}

const CASE_NUMBER_RE = /[A-Za-z]{1,8}\d{8}-\d{3,6}/g;

/** Finds case numbers in free text (upper-cased). */
export function findCaseNumbers(text: string): string[] {
  return [...text.matchAll(CASE_NUMBER_RE)].map((m) => m[0].toUpperCase());
}
