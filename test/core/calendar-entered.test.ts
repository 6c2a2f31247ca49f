/** Entered years in the work calendar: precedence (override > entered > package), sources, live replacement. */
import { describe, expect, it } from "vitest";
import { parseHolidayNotice } from "../../src/core/holiday-notice.ts";
import { LiveWorkCalendar } from "../../src/core/live-work-calendar.ts";
import { createWorkCalendar, type EnteredYear } from "../../src/core/work-calendar.ts";
import { SYNTHETIC_2027 } from "../calendar/calendar-fixtures.ts";

function entered(text: string): EnteredYear {
  const parsed = parseHolidayNotice(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return { year: parsed.year, days: parsed.days };
}

const at = (iso: string) => new Date(iso);

describe("entered years", () => {
  const y2027 = entered(SYNTHETIC_2027);

  it("make an unknown year known, with the notice's days and names", () => {
    const plain = createWorkCalendar();
    expect(plain.knowsYear(2027)).toBe(false);
    expect(plain.isWorkday("2027-02-08")).toBe(true);
    const cal = createWorkCalendar({ entered: [y2027] });
    expect(cal.knowsYear(2027)).toBe(true);
    expect(cal.yearSource(2027)).toBe("entered");
    expect(cal.isWorkday("2027-02-08")).toBe(false);
    expect(cal.isWorkday("2027-02-20")).toBe(true); // a Saturday make-up day
    expect(cal.specialDays(2027).slice(0, 4)).toEqual([
      { date: "2027-01-01", kind: "holiday", source: "entered", name: "元旦" },
      { date: "2027-01-02", kind: "holiday", source: "entered", name: "元旦" },
      { date: "2027-01-03", kind: "holiday", source: "entered", name: "元旦" },
      { date: "2027-02-05", kind: "holiday", source: "entered", name: "春节" },
    ]);
  });

  it("put a deadline across an entered Spring Festival", () => {
    // Friday 29 January 2027, 10:00, five working days: without the notice it is due Friday 5 February,
    // in the middle of the holiday; with it, the Monday after (15 February), at the same hour.
    const limit = { value: 5, unit: "work_day" } as const;
    const start = at("2027-01-29T10:00:00+08:00");
    expect(createWorkCalendar().deadlineFor(start, limit)).toEqual(at("2027-02-05T10:00:00+08:00"));
    expect(createWorkCalendar({ entered: [y2027] }).deadlineFor(start, limit)).toEqual(
      at("2027-02-15T10:00:00+08:00"),
    );
  });

  it("lose to the environment's override, and replace the package for their year", () => {
    const cal = createWorkCalendar({
      entered: [y2027, { year: 2026, days: [{ date: "2026-03-02", kind: "holiday", name: "测试" }] }],
      override: { workdays: ["2027-02-08"], holidays: ["2027-03-01"] },
    });
    expect(cal.isWorkday("2027-02-08")).toBe(true);
    expect(cal.isWorkday("2027-03-01")).toBe(false);
    const days2027 = cal.specialDays(2027);
    expect(days2027.find((d) => d.date === "2027-02-08")).toEqual({
      date: "2027-02-08",
      kind: "workday",
      source: "override",
      name: "",
    });
    expect(days2027.find((d) => d.date === "2027-03-01")?.source).toBe("override");
    // 2026 as entered: the package's Spring Festival no longer counts, the entered day does.
    expect(cal.yearSource(2026)).toBe("entered");
    expect(cal.isWorkday("2026-02-16")).toBe(true);
    expect(cal.isWorkday("2026-03-02")).toBe(false);
  });

  it("come after the package in the listing of a year they do not touch", () => {
    const days = createWorkCalendar({ entered: [y2027] }).specialDays(2026);
    expect(days.find((d) => d.date === "2026-02-17")).toEqual({
      date: "2026-02-17",
      kind: "holiday",
      source: "package",
      name: "春节",
    });
    expect(days.find((d) => d.date === "2026-02-28")).toMatchObject({ kind: "workday", source: "package" });
  });

  it("take effect in a live calendar without rebuilding its users", () => {
    const live = new LiveWorkCalendar(createWorkCalendar());
    const { isWorkday } = live; // held on its own, as a Pick<> of the calendar
    expect(isWorkday("2027-02-08")).toBe(true);
    live.replace(createWorkCalendar({ entered: [y2027] }));
    expect(isWorkday("2027-02-08")).toBe(false);
    expect(live.yearSource(2027)).toBe("entered");
    expect(() => live.replace(createWorkCalendar({ timeZone: "Asia/Tokyo" }))).toThrow(RangeError);
  });

  it("are checked like the other options", () => {
    expect(() =>
      createWorkCalendar({
        entered: [{ year: 2027, days: [{ date: "2027-02-30", kind: "holiday", name: "" }] }],
      }),
    ).toThrow(/entered\[0\]\.days\[0\]\.date/);
  });
});
