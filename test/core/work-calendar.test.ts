import { describe, expect, it } from "vitest";
import { LIGHT_LABELS, lightFor, RED_FROM, YELLOW_FROM } from "../../src/core/light.ts";
import type { TimeLimit } from "../../src/core/types.ts";
import { createWorkCalendar, WorkCalendarConfigError } from "../../src/core/work-calendar.ts";

const cal = createWorkCalendar();
const at = (iso: string) => new Date(iso);
const workDay = (value: number): TimeLimit => ({ value, unit: "work_day" });
const workHour = (value: number): TimeLimit => ({ value, unit: "work_hour" });
const hour = (value: number): TimeLimit => ({ value, unit: "hour" });

describe("defaults", () => {
  it("uses Asia/Shanghai and 08:30–12:00, 14:00–18:00 (450 working minutes a day)", () => {
    expect(cal.timeZone).toBe("Asia/Shanghai");
    expect(cal.workMinutesPerDay).toBe(450);
  });

  it("knows the years chinese-days ships (2004–2026) and no others", () => {
    expect(cal.knowsYear(2004)).toBe(true);
    expect(cal.knowsYear(2025)).toBe(true);
    expect(cal.knowsYear(2026)).toBe(true);
    expect(cal.knowsYear(2003)).toBe(false);
    expect(cal.knowsYear(2031)).toBe(false);
    expect(cal.yearSource(2026)).toBe("chinese-days");
    expect(cal.yearSource(2031)).toBe("weekdays");
  });

  it("reads the local date in the calendar's zone, not the host's", () => {
    expect(cal.localDate(at("2026-11-26T23:30:00+08:00"))).toBe("2026-11-26");
    expect(cal.localDate(at("2026-11-26T16:30:00Z"))).toBe("2026-11-27");
  });
});

describe("isWorkday", () => {
  it.each([
    ["2026-11-27", true, "Friday"],
    ["2026-11-28", false, "Saturday"],
    ["2026-10-01", false, "National Day"],
    ["2026-10-07", false, "National Day, last day"],
    ["2026-10-08", true, "back to work after National Day"],
    ["2026-10-10", true, "make-up Saturday (调休) for National Day"],
    ["2026-09-20", true, "make-up Sunday (调休) for National Day"],
    ["2026-01-04", true, "make-up Sunday (调休) for New Year"],
    ["2026-02-14", true, "make-up Saturday (调休) for Spring Festival"],
    ["2026-02-16", false, "Spring Festival, a Monday"],
    ["2025-09-28", true, "make-up Sunday (调休) for National Day 2025"],
    ["2025-01-29", false, "Spring Festival 2025"],
    ["2031-10-01", true, "unknown year: plain Mon–Fri"],
  ])("%s → %s (%s)", (date, expected) => {
    expect(cal.isWorkday(date)).toBe(expected);
  });

  it("takes a Date as its local date in Asia/Shanghai", () => {
    // 2026-09-30T17:00Z is already 2026-10-01 01:00 in Shanghai: National Day.
    expect(cal.isWorkday(at("2026-09-30T17:00:00Z"))).toBe(false);
    expect(cal.isWorkday(at("2026-09-30T15:00:00Z"))).toBe(true);
  });

  it("rejects a malformed date string", () => {
    expect(() => cal.isWorkday("2026-02-30")).toThrow(RangeError);
  });
});

describe("deadlineFor", () => {
  it.each<[string, string, TimeLimit, string]>([
    ["same day, within a period", "2026-11-26T09:00:00+08:00", workHour(2), "2026-11-26T11:00:00+08:00"],
    ["across lunch", "2026-11-26T11:00:00+08:00", workHour(2), "2026-11-26T15:00:00+08:00"],
    ["ends exactly at a period end", "2026-11-26T08:30:00+08:00", workHour(3.5), "2026-11-26T12:00:00+08:00"],
    ["full day from opening", "2026-11-26T08:30:00+08:00", workDay(1), "2026-11-26T18:00:00+08:00"],
    [
      "Friday 10:00 + 1 work_day → Monday 10:00",
      "2026-11-27T10:00:00+08:00",
      workDay(1),
      "2026-11-30T10:00:00+08:00",
    ],
    [
      "Friday 17:00 + 2 work_hour → Monday 09:30",
      "2026-11-27T17:00:00+08:00",
      workHour(2),
      "2026-11-30T09:30:00+08:00",
    ],
    [
      "Friday + 5 work_day → next Friday",
      "2026-11-27T10:00:00+08:00",
      workDay(5),
      "2026-12-04T10:00:00+08:00",
    ],
    // Outside working hours: the clock starts at the next working period.
    ["evening → next morning", "2026-11-26T20:00:00+08:00", workHour(1), "2026-11-27T09:30:00+08:00"],
    ["early morning → same morning", "2026-11-26T07:00:00+08:00", workHour(1), "2026-11-26T09:30:00+08:00"],
    ["lunch break → afternoon", "2026-11-26T12:30:00+08:00", workHour(1), "2026-11-26T15:00:00+08:00"],
    ["lunch break + 1 work_day", "2026-11-26T12:30:00+08:00", workDay(1), "2026-11-27T12:00:00+08:00"],
    ["Friday evening → Monday", "2026-11-27T19:00:00+08:00", workHour(2), "2026-11-30T10:30:00+08:00"],
    ["Saturday → Monday", "2026-11-28T10:00:00+08:00", workDay(1), "2026-11-30T18:00:00+08:00"],
    // Statutory holidays: National Day 2026 is 10-01..10-07.
    ["eve of National Day 2026", "2026-09-30T10:00:00+08:00", workDay(1), "2026-10-08T10:00:00+08:00"],
    [
      "reported during National Day 2026",
      "2026-10-03T10:00:00+08:00",
      workHour(1),
      "2026-10-08T09:30:00+08:00",
    ],
    // Spring Festival 2025: 01-28..02-04 off, Sunday 01-26 and Saturday 02-08 worked.
    [
      "Friday before Spring Festival 2025 + 1",
      "2025-01-24T10:00:00+08:00",
      workDay(1),
      "2025-01-26T10:00:00+08:00",
    ],
    [
      "Friday before Spring Festival 2025 + 2",
      "2025-01-24T10:00:00+08:00",
      workDay(2),
      "2025-01-27T10:00:00+08:00",
    ],
    [
      "Friday before Spring Festival 2025 + 3",
      "2025-01-24T10:00:00+08:00",
      workDay(3),
      "2025-02-05T10:00:00+08:00",
    ],
    // Make-up working days (调休).
    ["make-up Saturday 2026-10-10", "2026-10-09T10:00:00+08:00", workDay(1), "2026-10-10T10:00:00+08:00"],
    ["make-up Sunday 2025-09-28", "2025-09-26T10:00:00+08:00", workDay(1), "2025-09-28T10:00:00+08:00"],
    [
      "New Year 2026, then make-up Sunday 01-04",
      "2025-12-31T10:00:00+08:00",
      workDay(1),
      "2026-01-04T10:00:00+08:00",
    ],
    [
      "Spring Festival 2026: Sat 02-14 worked",
      "2026-02-13T10:00:00+08:00",
      workDay(1),
      "2026-02-14T10:00:00+08:00",
    ],
    [
      "Spring Festival 2026: 02-15..02-23 off",
      "2026-02-13T10:00:00+08:00",
      workDay(2),
      "2026-02-24T10:00:00+08:00",
    ],
    // Natural hours ignore the calendar.
    ["hour: overnight into Saturday", "2026-11-27T22:00:00+08:00", hour(4), "2026-11-28T02:00:00+08:00"],
    ["hour: through National Day", "2026-10-01T09:00:00+08:00", hour(24), "2026-10-02T09:00:00+08:00"],
    ["hour: fractional", "2026-11-28T10:00:00+08:00", hour(0.5), "2026-11-28T10:30:00+08:00"],
    ["zero limit", "2026-11-28T10:00:00+08:00", workDay(0), "2026-11-28T10:00:00+08:00"],
  ])("%s", (_name, start, limit, expected) => {
    expect(cal.deadlineFor(at(start), limit).toISOString()).toBe(at(expected).toISOString());
  });

  it("rejects a negative or non-finite limit and an invalid start", () => {
    expect(() => cal.deadlineFor(at("2026-11-26T10:00:00+08:00"), workDay(-1))).toThrow(RangeError);
    expect(() => cal.deadlineFor(at("2026-11-26T10:00:00+08:00"), hour(Number.NaN))).toThrow(RangeError);
    expect(() => cal.deadlineFor(new Date(Number.NaN), hour(1))).toThrow(/start is an invalid Date/);
  });

  it("is fast enough to run per report", () => {
    const base = at("2026-01-05T08:00:00+08:00").getTime();
    const t0 = performance.now();
    for (let i = 0; i < 5_000; i++) {
      cal.deadlineFor(new Date(base + i * 7_919_000), workDay(1 + (i % 10)));
    }
    expect(performance.now() - t0).toBeLessThan(2_000);
  });
});

describe("addWorkMinutes and workMinutesBetween", () => {
  it("adds working minutes and returns the start for zero", () => {
    expect(cal.addWorkMinutes(at("2026-11-26T11:50:00+08:00"), 20).toISOString()).toBe(
      at("2026-11-26T14:10:00+08:00").toISOString(),
    );
    expect(cal.addWorkMinutes(at("2026-11-26T20:00:00+08:00"), 0).toISOString()).toBe(
      at("2026-11-26T20:00:00+08:00").toISOString(),
    );
    expect(() => cal.addWorkMinutes(at("2026-11-26T20:00:00+08:00"), -5)).toThrow(RangeError);
  });

  it.each([
    ["2026-11-27T10:00:00+08:00", "2026-11-30T10:00:00+08:00", 450],
    ["2026-11-26T11:00:00+08:00", "2026-11-26T15:00:00+08:00", 120],
    ["2026-11-28T09:00:00+08:00", "2026-11-29T17:00:00+08:00", 0],
    ["2026-09-30T17:00:00+08:00", "2026-10-08T09:00:00+08:00", 90],
    ["2026-11-26T15:00:00+08:00", "2026-11-26T11:00:00+08:00", -120],
  ])("%s → %s = %d min", (a, b, minutes) => {
    expect(cal.workMinutesBetween(at(a), at(b))).toBe(minutes);
  });

  it("inverts addWorkMinutes", () => {
    const start = at("2026-09-29T16:45:00+08:00");
    const end = cal.addWorkMinutes(start, 2_000);
    expect(cal.workMinutesBetween(start, end)).toBe(2_000);
  });
});

describe("override", () => {
  const override2031 = createWorkCalendar({
    override: {
      holidays: ["2031-10-01", "2031-10-02", "2031-10-03", "2031-10-06", "2031-10-07"],
      workdays: ["2031-09-28", "2031-10-11"],
    },
  });

  it.each<[string, string, string, string]>([
    [
      "Tue before National Day 2031",
      "2031-09-30T10:00:00+08:00",
      "2031-10-01T10:00:00+08:00",
      "2031-10-08T10:00:00+08:00",
    ],
    [
      "Friday before a make-up Sunday",
      "2031-09-26T10:00:00+08:00",
      "2031-09-29T10:00:00+08:00",
      "2031-09-28T10:00:00+08:00",
    ],
  ])("%s: Mon–Fri without override, holidays with it", (_name, start, plain, overridden) => {
    expect(cal.deadlineFor(at(start), workDay(1)).toISOString()).toBe(at(plain).toISOString());
    expect(override2031.deadlineFor(at(start), workDay(1)).toISOString()).toBe(at(overridden).toISOString());
  });

  it("makes an unknown year known", () => {
    expect(override2031.knowsYear(2031)).toBe(true);
    expect(override2031.yearSource(2031)).toBe("override");
    expect(override2031.knowsYear(2032)).toBe(false);
  });

  it("takes precedence over chinese-days", () => {
    const local = createWorkCalendar({ override: { holidays: ["2026-10-08"], workdays: ["2026-10-03"] } });
    expect(local.isWorkday("2026-10-08")).toBe(false);
    expect(local.isWorkday("2026-10-03")).toBe(true);
    expect(local.deadlineFor(at("2026-09-30T10:00:00+08:00"), workDay(1)).toISOString()).toBe(
      at("2026-10-03T10:00:00+08:00").toISOString(),
    );
    expect(local.deadlineFor(at("2026-10-07T10:00:00+08:00"), workDay(1)).toISOString()).toBe(
      at("2026-10-09T18:00:00+08:00").toISOString(),
    );
  });

  it("throws rather than loop forever when a year has no working day", () => {
    const days: string[] = [];
    for (let d = Date.UTC(2031, 0, 1); d < Date.UTC(2032, 2, 1); d += 86_400_000) {
      days.push(new Date(d).toISOString().slice(0, 10));
    }
    const closed = createWorkCalendar({ override: { holidays: days } });
    expect(() => closed.deadlineFor(at("2031-01-01T10:00:00+08:00"), workDay(1))).toThrow(/no working day/);
  });
});

describe("other zones and hours", () => {
  it("handles a DST change in a generic zone (Europe/Berlin, 2026-03-29)", () => {
    const berlin = createWorkCalendar({ timeZone: "Europe/Berlin" });
    expect(berlin.deadlineFor(at("2026-03-27T10:00:00+01:00"), workDay(1)).toISOString()).toBe(
      at("2026-03-30T10:00:00+02:00").toISOString(),
    );
  });

  it("uses custom working hours for the length of a work_day", () => {
    const single = createWorkCalendar({ workHours: [{ start: "09:00", end: "17:00" }] });
    expect(single.workMinutesPerDay).toBe(480);
    expect(single.deadlineFor(at("2026-11-27T13:00:00+08:00"), workDay(1)).toISOString()).toBe(
      at("2026-11-30T13:00:00+08:00").toISOString(),
    );
  });
});

describe("option validation", () => {
  it.each<[string, unknown, RegExp]>([
    ["time zone", { timeZone: "Asia/Shangai" }, /timeZone: unknown IANA time zone/],
    ["HH:MM", { workHours: [{ start: "8:30", end: "12:00" }] }, /workHours\[0\]\.start: expected "HH:MM"/],
    [
      "end before start",
      { workHours: [{ start: "12:00", end: "08:30" }] },
      /workHours\[0\]\.end: must be later/,
    ],
    [
      "overlap",
      {
        workHours: [
          { start: "08:30", end: "12:00" },
          { start: "11:00", end: "18:00" },
        ],
      },
      /workHours\[1\]\.start: starts before workHours\[0\] ends/,
    ],
    ["empty hours", { workHours: [] }, /workHours: at least one/],
    [
      "bad date",
      { override: { holidays: ["2031-02-30"] } },
      /override\.holidays\[0\]: expected a real calendar date/,
    ],
    [
      "both lists",
      { override: { holidays: ["2031-10-01"], workdays: ["2031-10-01"] } },
      /override\.workdays\[0\]: 2031-10-01 is listed both/,
    ],
    ["unknown key", { timezone: "Asia/Shanghai" }, /Unrecognized key.*timezone/],
  ])("%s", (_name, options, message) => {
    expect(() => createWorkCalendar(options as never)).toThrow(WorkCalendarConfigError);
    expect(() => createWorkCalendar(options as never)).toThrow(message);
  });
});

describe("elapsedFraction and lights", () => {
  it.each([
    [0.79, "green"],
    [0.8, "yellow"],
    [0.99, "yellow"],
    [1, "red"],
    [1.5, "red"],
    [0, "green"],
  ] as const)("lightFor(%d) = %s", (fraction, light) => {
    expect(lightFor(fraction)).toBe(light);
  });

  it("names thresholds and labels", () => {
    expect([YELLOW_FROM, RED_FROM]).toEqual([0.8, 1]);
    expect(LIGHT_LABELS).toEqual({ green: "绿灯", yellow: "黄灯", red: "红灯" });
    expect(() => lightFor(Number.NaN)).toThrow(RangeError);
  });

  // Reported Friday 10:00, 1 work_day (450 min) → due Monday 10:00.
  const start = at("2026-11-27T10:00:00+08:00");
  const deadline = cal.deadlineFor(start, workDay(1));

  it.each([
    ["before start", "2026-11-27T09:00:00+08:00", 0, "green"],
    ["Friday 17:00 (300/450)", "2026-11-27T17:00:00+08:00", 300 / 450, "green"],
    ["Saturday: no working time passes (360/450)", "2026-11-28T12:00:00+08:00", 0.8, "yellow"],
    ["Monday 09:00 (390/450)", "2026-11-30T09:00:00+08:00", 390 / 450, "yellow"],
    ["Monday 10:00, due", "2026-11-30T10:00:00+08:00", 1, "red"],
    ["Monday 11:00, overdue (510/450)", "2026-11-30T11:00:00+08:00", 510 / 450, "red"],
  ] as const)("work_day, %s", (_name, now, fraction, light) => {
    const f = cal.elapsedFraction(start, deadline, "work_day", at(now));
    expect(f).toBeCloseTo(fraction, 10);
    expect(lightFor(f)).toBe(light);
  });

  it("measures natural time for the hour unit", () => {
    const s = at("2026-11-27T10:00:00+08:00");
    const d = cal.deadlineFor(s, hour(10));
    expect(cal.elapsedFraction(s, d, "hour", at("2026-11-27T17:54:00+08:00"))).toBeCloseTo(0.79, 10);
    expect(cal.elapsedFraction(s, d, "hour", at("2026-11-27T18:00:00+08:00"))).toBeCloseTo(0.8, 10);
    expect(cal.elapsedFraction(s, d, "hour", at("2026-11-27T20:00:00+08:00"))).toBe(1);
  });

  it("is not red before a deadline that falls outside working hours", () => {
    // Deadline set by hand to Saturday 10:00: all working time is used by Friday 18:00.
    const s = at("2026-11-27T10:00:00+08:00");
    const d = at("2026-11-28T10:00:00+08:00");
    expect(lightFor(cal.elapsedFraction(s, d, "work_hour", at("2026-11-27T18:30:00+08:00")))).toBe("yellow");
    expect(lightFor(cal.elapsedFraction(s, d, "work_hour", at("2026-11-28T10:00:00+08:00")))).toBe("red");
  });
});
