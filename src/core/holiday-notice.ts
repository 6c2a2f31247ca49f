/**
 * Reads the State Council's annual notice (国务院办公厅关于某年部分节假日安排的通知), pasted as text, into
 * the year's holidays and make-up working days (调休上班). Its numbered items read like
 * "二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、
 * 2月8日（周六）上班。" The notice is refused whole, naming the line, unless every item reads completely:
 * a half-read notice would put wrong deadlines on real cases. What the text states is also checked
 * against itself — the weekday in brackets, "共N天" against the days of the range — so a typo is caught
 * here rather than in a deadline. Pure: no IO, no clock; Chinese messages live in src/calendar/calendar-texts.ts.
 */
import { isoOfDay, MS_PER_DAY } from "./time-zone.ts";

/** Longest text accepted: a notice is about 1,000 characters; a page pasted whole stays far below this. */
export const MAX_NOTICE_CHARS = 20_000;
/** Most lines accepted (a notice has about 20). */
export const MAX_NOTICE_LINES = 400;
/** Longest holiday range accepted: the longest so far is 9 days (春节 2026); a longer one is a typo. */
const MAX_RANGE_DAYS = 15;

export type NoticeDayKind = "holiday" | "workday";

/** One day the notice names: a day off (放假/补休) or a make-up working day (上班). */
export interface NoticeDay {
  date: string;
  kind: NoticeDayKind;
  /** The item's holiday names, e.g. "国庆节、中秋节". */
  name: string;
  /** 1-based line of the pasted text the day was read from. */
  line: number;
}

/** Why a notice was refused. Codes, not sentences: the texts file says them in Chinese. */
export type NoticeProblem =
  | { code: "too_long"; max: number }
  | { code: "too_many_lines"; max: number }
  | { code: "no_year" }
  | { code: "several_years"; years: number[] }
  | { code: "no_items" }
  | { code: "unreadable"; part: string }
  | { code: "no_dates" }
  | { code: "bad_date"; written: string }
  | { code: "outside_year"; date: string; year: number }
  | { code: "weekday_mismatch"; date: string; written: string; actual: string }
  | { code: "range_backwards"; from: string; to: string }
  | { code: "range_too_long"; from: string; to: string; days: number }
  | { code: "count_mismatch"; written: number; counted: number }
  | { code: "conflict"; date: string; otherLine: number }
  | { code: "orphan_dates" };

export interface NoticeError {
  /** 1-based line of the pasted text, or null for the text as a whole. */
  line: number | null;
  /** That line as pasted (trimmed, at most 200 characters). */
  text: string;
  problem: NoticeProblem;
}

export type NoticeParse = { ok: true; year: number; days: NoticeDay[] } | { ok: false; error: NoticeError };

const ITEM = /^([一二三四五六七八九十]+)、([^:]{1,30}):(.*)$/;
const ITEM_START = /^[一二三四五六七八九十]+、/;
const DATE_START = /^(?:\d{4}年)?\d{1,2}月\d{1,2}日/;
const DAY_WORDS = /上班|放假|补休|休息/;
const YEAR_PATTERNS = [/关于(\d{4})年部分节假日安排/g, /现将(\d{4})年/g];
/** A date with optional year and optional bracket: "2022年12月31日(周六)", "1月28日(农历除夕、周二)". */
const FULL_DATE = /(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日(?:\(([^)]*)\))?/y;
/** The end of a range in the same month: "至6日(周日)". */
const DAY_ONLY = /(\d{1,2})日(?:\(([^)]*)\))?/y;
const RANGE_SEPARATOR = /至|到|—|-|~/y;
const WEEKDAY_IN_BRACKET = /(?:周|星期)([一二三四五六日天])/;
const WEEKDAY_DIGITS: Record<string, number> = { 日: 0, 天: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6 };
const WEEKDAY_NAMES = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];

class NoticeFault extends Error {
  constructor(readonly problem: NoticeProblem) {
    super(problem.code);
  }
}

interface DateRead {
  day: number;
  /** Where parsing continues in the part. */
  end: number;
}

/** Day number of a real date, or a fault (2月30日 is not rolled over into March). */
function realDay(y: number, m: number, d: number, written: string): number {
  const ms = Date.UTC(y, m - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) {
    throw new NoticeFault({ code: "bad_date", written });
  }
  return ms / MS_PER_DAY;
}

/** The weekday a bracket states must be the date's. */
function checkWeekday(day: number, bracket: string | undefined): void {
  const m = bracket ? WEEKDAY_IN_BRACKET.exec(bracket) : null;
  if (!m?.[1]) return;
  const actual = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  if (WEEKDAY_DIGITS[m[1]] !== actual) {
    throw new NoticeFault({
      code: "weekday_mismatch",
      date: isoOfDay(day),
      written: m[0],
      actual: WEEKDAY_NAMES[actual] ?? "",
    });
  }
}

/** Reads one date at `at`; a year is the notice's unless written, and then only next to it. */
function readDate(part: string, at: number, year: number): DateRead | null {
  FULL_DATE.lastIndex = at;
  const m = FULL_DATE.exec(part);
  if (!m) return null;
  const y = m[1] ? Number(m[1]) : year;
  if (Math.abs(y - year) > 1) throw new NoticeFault({ code: "outside_year", date: m[0], year });
  const day = realDay(y, Number(m[2]), Number(m[3]), m[0]);
  checkWeekday(day, m[4]);
  return { day, end: FULL_DATE.lastIndex };
}

/** Reads the end of a range after 至: a full date, or a day of the start's month. */
function readRangeEnd(part: string, at: number, year: number, start: number): DateRead | null {
  const full = readDate(part, at, year);
  if (full) return full;
  DAY_ONLY.lastIndex = at;
  const m = DAY_ONLY.exec(part);
  if (!m) return null;
  const s = new Date(start * MS_PER_DAY);
  const day = realDay(s.getUTCFullYear(), s.getUTCMonth() + 1, Number(m[1]), m[0]);
  checkWeekday(day, m[2]);
  return { day, end: DAY_ONLY.lastIndex };
}

/** "A至B放假调休", "A放假1天", "A放假": the days off, or null when the part is not of that shape. */
function readHolidayRange(part: string, year: number): number[] | null {
  const start = readDate(part, 0, year);
  if (!start) return null;
  let last = start.day;
  let at = start.end;
  RANGE_SEPARATOR.lastIndex = at;
  if (RANGE_SEPARATOR.exec(part)) {
    const end = readRangeEnd(part, RANGE_SEPARATOR.lastIndex, year, start.day);
    if (!end) return null;
    last = end.day;
    at = end.end;
  }
  const tail = /^(?:放假|休息)(?:调休)?(?:(\d+)天)?$/.exec(part.slice(at));
  if (!tail) return null;
  const [from, to] = [isoOfDay(start.day), isoOfDay(last)];
  if (last < start.day) throw new NoticeFault({ code: "range_backwards", from, to });
  const count = last - start.day + 1;
  if (count > MAX_RANGE_DAYS) throw new NoticeFault({ code: "range_too_long", from, to, days: count });
  if (tail[1] !== undefined && Number(tail[1]) !== count) {
    throw new NoticeFault({ code: "count_mismatch", written: Number(tail[1]), counted: count });
  }
  return Array.from({ length: count }, (_, i) => start.day + i);
}

/** "A、B上班" or "A补休": dates joined by 、 (which also appears inside brackets), then the word. */
function readDateList(part: string, word: string, year: number): number[] | null {
  if (!part.endsWith(word)) return null;
  const body = part.slice(0, -word.length);
  const days: number[] = [];
  let at = 0;
  for (;;) {
    const d = readDate(body, at, year);
    if (!d) return null;
    days.push(d.day);
    if (d.end === body.length) return days;
    if (body[d.end] !== "、") return null;
    at = d.end + 1;
  }
}

/** The days of one body of text (an item after its "：", or a continuation line). */
function readBody(body: string, year: number): { holidays: number[]; workdays: number[] } {
  const holidays: number[] = [];
  const workdays: number[] = [];
  for (const sentence of body.split("。").filter(Boolean)) {
    // "鼓励单位…安排职工在除夕（2月9日）休息" (2024) advises; it sets no day.
    if (sentence.startsWith("鼓励")) continue;
    const inSentence: number[] = [];
    for (const part of sentence.split(",").filter(Boolean)) {
      const total = /^共(\d+)天$/.exec(part);
      if (total) {
        if (Number(total[1]) !== inSentence.length) {
          throw new NoticeFault({
            code: "count_mismatch",
            written: Number(total[1]),
            counted: inSentence.length,
          });
        }
        continue;
      }
      if (part === "不调休" || part === "与周末连休") continue;
      const work = readDateList(part, "上班", year);
      if (work) {
        workdays.push(...work);
        continue;
      }
      const off = readDateList(part, "补休", year) ?? readHolidayRange(part, year);
      if (!off) throw new NoticeFault({ code: "unreadable", part });
      inSentence.push(...off);
      holidays.push(...off);
    }
  }
  return { holidays, workdays };
}

function yearOf(lines: readonly string[]): number | NoticeProblem {
  const years = new Set<number>();
  for (const line of lines) {
    for (const re of YEAR_PATTERNS) for (const m of line.matchAll(re)) years.add(Number(m[1]));
  }
  if (years.size === 0) return { code: "no_year" };
  if (years.size > 1) return { code: "several_years", years: [...years].sort() };
  return [...years][0] ?? { code: "no_year" };
}

interface Piece {
  line: number;
  body: string;
  name: string;
}

/** Parses a pasted notice; the first line that cannot be read whole refuses it. */
export function parseHolidayNotice(text: string): NoticeParse {
  const refuse = (line: number | null, raw: string, problem: NoticeProblem): NoticeParse => ({
    ok: false,
    error: { line, text: raw.trim().slice(0, 200), problem },
  });
  if (text.length > MAX_NOTICE_CHARS) return refuse(null, "", { code: "too_long", max: MAX_NOTICE_CHARS });
  const raw = text.split(/\r\n|\r|\n/);
  if (raw.length > MAX_NOTICE_LINES)
    return refuse(null, "", { code: "too_many_lines", max: MAX_NOTICE_LINES });
  // NFKC: full-width digits and punctuation (：（），) read like their ASCII forms.
  const lines = raw.map((l) => l.normalize("NFKC").replace(/\s+/g, ""));
  const year = yearOf(lines);
  if (typeof year !== "number") return refuse(null, "", year);

  const pieces: Piece[] = [];
  let item: string | null = null;
  for (const [i, line] of lines.entries()) {
    if (line === "") continue;
    if (ITEM_START.test(line)) {
      const m = ITEM.exec(line);
      if (!m) return refuse(i + 1, raw[i] ?? "", { code: "unreadable", part: line });
      item = m[2] ?? "";
      pieces.push({ line: i + 1, body: m[3] ?? "", name: item });
    } else if (DATE_START.test(line) && DAY_WORDS.test(line)) {
      // An item broken over two lines: its dates must not be lost, nor float free.
      if (item === null) return refuse(i + 1, raw[i] ?? "", { code: "orphan_dates" });
      pieces.push({ line: i + 1, body: line, name: item });
    } else {
      item = null; // preamble, closing words, signature: nothing to read
    }
  }
  if (pieces.length === 0) return refuse(null, "", { code: "no_items" });

  const days = new Map<number, NoticeDay>();
  for (const p of pieces) {
    let read: ReturnType<typeof readBody>;
    try {
      read = readBody(p.body, year);
      if (read.holidays.length === 0 && read.workdays.length === 0)
        throw new NoticeFault({ code: "no_dates" });
    } catch (e) {
      if (e instanceof NoticeFault) return refuse(p.line, raw[p.line - 1] ?? "", e.problem);
      throw e;
    }
    const add = (day: number, kind: NoticeDayKind): NoticeParse | null => {
      const seen = days.get(day);
      if (seen && seen.kind !== kind) {
        return refuse(p.line, raw[p.line - 1] ?? "", {
          code: "conflict",
          date: isoOfDay(day),
          otherLine: seen.line,
        });
      }
      if (!seen) days.set(day, { date: isoOfDay(day), kind, name: p.name, line: p.line });
      return null;
    };
    for (const d of read.holidays) {
      const refused = add(d, "holiday");
      if (refused) return refused;
    }
    for (const d of read.workdays) {
      const refused = add(d, "workday");
      if (refused) return refused;
    }
  }
  return { ok: true, year, days: [...days.entries()].sort(([a], [b]) => a - b).map(([, d]) => d) };
}
