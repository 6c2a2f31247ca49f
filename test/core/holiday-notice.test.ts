/**
 * The State Council's holiday notice, parsed from the real texts (test/fixtures/holiday-notices): the
 * result must be exactly the holidays and make-up working days chinese-days lists for those years; a
 * notice that does not read whole is refused with the line that failed.
 */
import { readFileSync } from "node:fs";
import chineseDays from "chinese-days/dist/chinese-days.json" with { type: "json" };
import { describe, expect, it } from "vitest";
import { type NoticeParse, parseHolidayNotice } from "../../src/core/holiday-notice.ts";

const notice = (year: number) => readFileSync(`test/fixtures/holiday-notices/${year}.txt`, "utf8");

/** The notice as copied from gov.cn: full-width colon, brackets and commas. */
const fullWidth = (text: string) =>
  text.replace(/:/g, "：").replace(/\(/g, "（").replace(/\)/g, "）").replace(/,/g, "，");

const packageDays = (year: number) => ({
  holidays: Object.keys(chineseDays.holidays)
    .filter((d) => d.startsWith(`${year}-`))
    .sort(),
  workdays: Object.keys(chineseDays.workdays)
    .filter((d) => d.startsWith(`${year}-`))
    .sort(),
});

function daysOf(parsed: NoticeParse) {
  if (!parsed.ok) throw new Error(`refused: ${JSON.stringify(parsed.error)}`);
  const of = (kind: string) =>
    parsed.days
      .filter((d) => d.kind === kind)
      .map((d) => d.date)
      .sort();
  return { holidays: of("holiday"), workdays: of("workday") };
}

/** The 1-based line of the fixture holding `needle`. */
const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

function refusal(text: string) {
  const parsed = parseHolidayNotice(text);
  if (parsed.ok) throw new Error("expected a refusal");
  return parsed.error;
}

describe("parseHolidayNotice on the real notices", () => {
  for (const year of [2017, 2025, 2026]) {
    it(`gives exactly chinese-days' ${year} holidays and make-up days`, () => {
      const parsed = parseHolidayNotice(notice(year));
      expect(parsed.ok && parsed.year).toBe(year);
      const expected = packageDays(year);
      expect(expected.holidays.length).toBeGreaterThan(20);
      expect(daysOf(parsed)).toEqual(expected);
      // Copied from gov.cn (full-width punctuation) it reads the same.
      expect(daysOf(parseHolidayNotice(fullWidth(notice(year))))).toEqual(expected);
    });
  }

  it("names each day after its item and remembers its line", () => {
    const text = notice(2025);
    const parsed = parseHolidayNotice(text);
    if (!parsed.ok) throw new Error("refused");
    const day = (date: string) => parsed.days.find((d) => d.date === date);
    expect(day("2025-10-06")).toEqual({
      date: "2025-10-06",
      kind: "holiday",
      name: "国庆节、中秋节",
      line: lineOf(text, "六、国庆节"),
    });
    expect(day("2025-01-26")).toMatchObject({ kind: "workday", name: "春节" });
  });

  it("reads an item broken over two lines, and the example of the issue", () => {
    const broken = notice(2026).replace("共9天。2月14日", "共9天。\n2月14日");
    expect(daysOf(parseHolidayNotice(broken))).toEqual(packageDays(2026));
    const one = parseHolidayNotice(
      "国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日（周五）至3日（周日）放假调休，共3天。1月4日（周一）上班。",
    );
    expect(daysOf(one)).toEqual({
      holidays: ["2027-01-01", "2027-01-02", "2027-01-03"],
      workdays: ["2027-01-04"],
    });
  });

  it("reads dates in the year before the notice's (元旦 across New Year)", () => {
    const parsed = parseHolidayNotice(
      "关于2023年部分节假日安排的通知\n一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。",
    );
    expect(daysOf(parsed).holidays).toEqual(["2022-12-31", "2023-01-01", "2023-01-02"]);
  });
});

describe("parseHolidayNotice refuses a notice it cannot read whole", () => {
  const text = notice(2025);

  it("names the line of an unreadable item", () => {
    const bad = text.replace("2月8日(周六)上班", "2月8日(周六)照常上班");
    const error = refusal(bad);
    expect(error.line).toBe(lineOf(text, "二、春节"));
    expect(error.text).toContain("二、春节");
    expect(error.problem).toEqual({ code: "unreadable", part: "1月26日(周日)、2月8日(周六)照常上班" });
  });

  it("checks the weekday in brackets and the number of days", () => {
    const weekday = refusal(text.replace("4月4日(周五)", "4月4日(周四)"));
    expect(weekday.line).toBe(lineOf(text, "三、清明节"));
    expect(weekday.problem).toEqual({
      code: "weekday_mismatch",
      date: "2025-04-04",
      written: "周四",
      actual: "周五",
    });
    const count = refusal(text.replace("放假调休,共8天。1月26日", "放假调休,共7天。1月26日"));
    expect(count.line).toBe(lineOf(text, "二、春节"));
    expect(count.problem).toEqual({ code: "count_mismatch", written: 7, counted: 8 });
  });

  it("refuses impossible dates, backwards ranges and a day listed both ways", () => {
    expect(refusal(text.replace("5月31日(周六)", "5月32日(周六)")).problem).toEqual({
      code: "bad_date",
      written: "5月32日(周六)",
    });
    expect(refusal(text.replace("至6日(周日)放假", "至3日(周四)放假")).problem.code).toBe("range_backwards");
    const both = refusal(text.replace("4月27日(周日)上班", "5月2日(周五)上班"));
    expect(both.line).toBe(lineOf(text, "四、劳动节"));
    expect(both.problem).toMatchObject({ code: "conflict", date: "2025-05-02" });
  });

  it("refuses dates outside any item, a text without year or items, and oversized input", () => {
    const orphan = refusal(`${text}\n1月26日(周日)上班。`);
    expect(orphan.line).toBe(text.split("\n").length + 1);
    expect(orphan.problem.code).toBe("orphan_dates");
    expect(refusal(text.replaceAll("2025年", "")).problem.code).toBe("no_year");
    expect(
      refusal("国务院办公厅关于2027年部分节假日安排的通知\n各省、自治区、直辖市人民政府").problem.code,
    ).toBe("no_items");
    expect(refusal(`${text}\n关于2024年部分节假日安排`).problem).toEqual({
      code: "several_years",
      years: [2024, 2025],
    });
    expect(refusal("x".repeat(20_001)).problem.code).toBe("too_long");
    expect(refusal("\n".repeat(500)).problem.code).toBe("too_many_lines");
  });
});
