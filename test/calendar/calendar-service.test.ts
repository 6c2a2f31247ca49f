/** CalendarService on its own: two notices entered at the same moment both count; a refused one changes nothing. */
import { afterEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { SYNTHETIC_2027 } from "./calendar-fixtures.ts";

/** Made up for this test, like SYNTHETIC_2027 (1 January 2028 is a Saturday). */
const SYNTHETIC_2028 =
  "国务院办公厅关于2028年部分节假日安排的通知（测试用，非官方文本）\n一、元旦：1月1日（周六）至3日（周一）放假，共3天。";

describe("CalendarService", () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
  });

  it("builds each of two simultaneous entries on the one committed before it", async () => {
    t = await startTestApp({ now: "2026-12-04T10:00:00+08:00" });
    const person = t.app.roster().inspectors()[0];
    if (!person) throw new Error("no inspector");
    const service = t.app.calendars;
    const [a, b] = await Promise.all([
      service.enter({ text: SYNTHETIC_2027, previewedYear: 2027, person }),
      service.enter({ text: SYNTHETIC_2028, previewedYear: 2028, person }),
    ]);
    expect(a.ok && b.ok).toBe(true);
    expect(service.calendar.yearSource(2027)).toBe("entered");
    expect(service.calendar.yearSource(2028)).toBe("entered");
    expect(service.calendar.isWorkday("2027-02-08")).toBe(false);
    expect(service.calendar.isWorkday("2028-01-03")).toBe(false);
    expect(await t.app.prisma.calendarEntry.count()).toBe(2);
  });

  it("refuses a notice whose year is not the one previewed, and stores nothing", async () => {
    t = await startTestApp({ now: "2026-12-04T10:00:00+08:00" });
    const person = t.app.roster().inspectors()[0];
    if (!person) throw new Error("no inspector");
    const outcome = await t.app.calendars.enter({ text: SYNTHETIC_2028, previewedYear: 2027, person });
    expect(outcome).toEqual({ ok: false, yearChanged: { previewed: 2027, parsed: 2028 } });
    expect(t.app.calendars.calendar.knowsYear(2028)).toBe(false);
    expect(await t.app.prisma.calendarEntry.count()).toBe(0);
  });
});
