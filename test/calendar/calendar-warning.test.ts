/**
 * The warning that next year's holidays are unknown: from 1 November (CALENDAR_WARN_FROM) and not
 * before; in the log at start, once a working day to the admins in the work group (never in the digest).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app/create-app.ts";
import { calendarWarning, DEFAULT_WARN_FROM } from "../../src/calendar/calendar-warning.ts";
import { loadConfig } from "../../src/config.ts";
import { FakeClock } from "../helpers/test-app.ts";
import { type ScheduleHarness, startScheduleApp } from "../schedule/schedule-harness.ts";

const knows2026Only = (y: number) => y <= 2026;

describe("calendarWarning", () => {
  it("warns about next year from 1 November and not before", () => {
    expect(calendarWarning("2026-10-31", DEFAULT_WARN_FROM, knows2026Only)).toBeNull();
    expect(calendarWarning("2026-11-01", DEFAULT_WARN_FROM, knows2026Only)).toEqual({
      year: 2027,
      kind: "next",
    });
    expect(calendarWarning("2026-12-31", DEFAULT_WARN_FROM, knows2026Only)).toEqual({
      year: 2027,
      kind: "next",
    });
    expect(calendarWarning("2026-11-01", DEFAULT_WARN_FROM, () => true)).toBeNull();
  });

  it("always warns about the current year, and the start day is configurable", () => {
    expect(calendarWarning("2027-01-04", DEFAULT_WARN_FROM, knows2026Only)).toEqual({
      year: 2027,
      kind: "current",
    });
    const from = loadConfig({ CALENDAR_WARN_FROM: "12-15" }).calendarWarnFrom;
    expect(from).toEqual({ month: 12, day: 15 });
    expect(calendarWarning("2026-12-14", from, knows2026Only)).toBeNull();
    expect(calendarWarning("2026-12-15", from, knows2026Only)?.year).toBe(2027);
    expect(() => loadConfig({ CALENDAR_WARN_FROM: "02-30" })).toThrow(/CALENDAR_WARN_FROM: 应为 MM-DD/);
    expect(() => loadConfig({ CALENDAR_WARN_TIME: "9am" })).toThrow(/CALENDAR_WARN_TIME/);
    expect(loadConfig({}).calendarWarnMinute).toBe(9 * 60);
  });
});

describe("the daily warning to the admins", () => {
  const warnings = async (h: ScheduleHarness) =>
    (await h.sent()).filter((m) => m.kind === "calendar_warning").map((m) => m.key);

  it("goes to the work group once a working day from 1 November, @-ing the admins, not into the digest", async () => {
    const logged: string[] = [];
    const h = await startScheduleApp({
      now: "2026-10-30T08:00:00+08:00",
      // sim:leaders gets the digest only: the warning is for the office, not the leaders' report.
      env: { DIGEST_CHATS: "sim:demo,sim:leaders" },
      onLog: (r) => logged.push(String(r.msg ?? "")),
    });
    try {
      expect(logged.some((m) => m.includes("工作日历"))).toBe(false);
      for (const at of ["2026-10-30T09:05", "2026-10-31T09:05", "2026-11-01T09:05", "2026-11-02T08:55"]) {
        h.clock.set(`${at}:00+08:00`);
        await h.tick();
      }
      // Before 1 November nothing; 1 November is a Sunday; Monday's warning waits for 09:00.
      expect(await warnings(h)).toEqual([]);
      for (const at of ["2026-11-02T09:05", "2026-11-02T09:20", "2026-11-02T15:00", "2026-11-03T09:00"]) {
        h.clock.set(`${at}:00+08:00`);
        await h.tick();
      }
      expect(await warnings(h)).toEqual([
        "calendar_warning:sim:demo:2026-11-02",
        "calendar_warning:sim:demo:2026-11-03",
      ]);
      const sent = await h.sent();
      const warning = sent.find((m) => m.kind === "calendar_warning");
      // The demo roster names no admin: its inspectors are told instead.
      const inspectors = h.app.roster().inspectors();
      expect(warning?.mentions.map((m) => m.personId)).toEqual(inspectors.map((p) => p.id));
      expect(warning?.text).toContain("2027 年的法定节假日安排");
      expect(warning?.text).toContain("工作日历");
      const digests = sent.filter((m) => m.kind === "digest");
      expect(new Set(digests.map((m) => m.chatId))).toEqual(new Set(["sim:demo", "sim:leaders"]));
      for (const d of digests) expect(d.text).not.toContain("工作日历");
      expect(sent.filter((m) => m.chatId === "sim:leaders").map((m) => m.kind)).not.toContain(
        "calendar_warning",
      );

      // With an admin on the roster, the admin is the one @-mentioned.
      const admin = inspectors[0];
      if (!admin) throw new Error("demo roster without inspectors");
      await h.app.prisma.person.update({
        where: { id: admin.id },
        data: { roles: JSON.stringify(["inspector", "admin"]) },
      });
      await h.app.reloadRoster();
      h.clock.set("2026-11-04T09:00:00+08:00");
      await h.tick();
      const last = (await h.sent()).filter((m) => m.kind === "calendar_warning").at(-1);
      expect(last?.key).toBe("calendar_warning:sim:demo:2026-11-04");
      expect(last?.mentions.map((m) => m.personId)).toEqual([admin.id]);
    } finally {
      await h.close();
    }
  });

  it("is logged at start with the steps to fix it, and stops once the year is known", async () => {
    const logged: { msg?: string; steps?: unknown }[] = [];
    const dir = mkdtempSync(join(tmpdir(), "luzhang-calendar-"));
    const app = await createApp({
      config: loadConfig({ DATA_DIR: dir }),
      clock: new FakeClock(new Date("2026-12-04T10:00:00+08:00")),
      log: pino({ level: "info" }, { write: (line: string) => logged.push(JSON.parse(line)) }),
      startOutbox: false,
    });
    await app.close();
    const start = logged.find((r) => r.msg?.includes("2027"));
    expect(start?.msg).toContain("工作日历还没有 2027 年的法定节假日安排");
    expect(Array.isArray(start?.steps) && start.steps.join("\n")).toContain("工作日历");

    const known = await startScheduleApp({
      now: "2026-12-04T10:00:00+08:00",
      env: { HOLIDAYS_OVERRIDE: "2027-01-01" },
    });
    try {
      await known.tick();
      expect(await warnings(known)).toEqual([]);
    } finally {
      await known.close();
    }
  });
});
