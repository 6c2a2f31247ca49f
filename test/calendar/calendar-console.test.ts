/**
 * Entering the State Council's notice in the console: admins only; a notice that does not parse whole
 * is refused with its line and stores nothing; a confirmed one is stored with who entered it, takes
 * effect at once (no restart), recomputes the open deadlines not yet due — with an event on each
 * changed case and one summary line to the inspectors — and changes nothing else. After a restart the
 * entered year is still there, and an env override still wins over it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replayDeadline } from "../../src/core/deadline-replay.ts";
import { lightOf } from "../../src/core/deadline-stages.ts";
import { parseHolidayNotice } from "../../src/core/holiday-notice.ts";
import type { TimeLimit } from "../../src/core/types.ts";
import { createWorkCalendar } from "../../src/core/work-calendar.ts";
import { toCaseRecord } from "../../src/store/case-mapper.ts";
import { seedDemoCases } from "../console/console-fixtures.ts";
import { CONSOLE_PASSWORD, type ConsoleClient, INSPECTOR, signIn } from "../console/console-harness.ts";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { realNotice, SYNTHETIC_2027 } from "./calendar-fixtures.ts";

/** Thursday 4 February 2027, the day before the (made-up) Spring Festival holiday of SYNTHETIC_2027. */
const NOW = "2027-02-04T10:00:00+08:00";

interface CaseRow {
  id: number;
  number: string;
  state: string;
  startedAt: string;
  deadline: string | null;
  timeLimit: string;
  extensionCount: number;
}

const allCases = (t: TestApp) =>
  t.app.sql.all<CaseRow>(
    'SELECT id, number, state, startedAt, deadline, timeLimit, extensionCount FROM "Case" ORDER BY id',
  );

function entered2027() {
  const parsed = parseHolidayNotice(SYNTHETIC_2027);
  if (!parsed.ok) throw new Error("SYNTHETIC_2027 does not parse");
  return createWorkCalendar({ entered: [{ year: 2027, days: parsed.days }] });
}

async function makeAdmin(t: TestApp, name: string) {
  const p = t.person(name);
  await t.app.prisma.person.update({
    where: { id: p.id },
    data: { roles: JSON.stringify([...p.roles, "admin"]) },
  });
  await t.app.reloadRoster();
}

describe("entering a holiday notice in the console", () => {
  let t: TestApp;
  let admin: ConsoleClient;
  let extended = "";

  beforeAll(async () => {
    t = await startTestApp({ now: NOW, env: { CONSOLE_PASSWORD } });
    await makeAdmin(t, INSPECTOR);
    admin = (await signIn(t, INSPECTOR)).client;
    // A case through the chat, with an approved extension: its deadline is the limit plus 2 working days.
    await t.say("张三", "商都大道民康路口垃圾桶满了");
    extended = (await t.app.prisma.case.findFirstOrThrow({ orderBy: { id: "desc" } })).number;
    await t.say("黄卫东", `延时 2天 ${extended} 需要调清运车`);
    await t.say(INSPECTOR, `同意延时 ${extended}`);
    // The approval records what it approved; approvals recorded before it did are read from the request.
    const approval = await t.app.prisma.caseEvent.findFirstOrThrow({ where: { type: "approve_extension" } });
    expect(JSON.parse(approval.data)).toMatchObject({ amount: 2, unit: "work_day" });
    const { amount: _a, unit: _u, ...older } = JSON.parse(approval.data);
    await t.app.prisma.caseEvent.update({
      where: { id: approval.id },
      data: { data: JSON.stringify(older) },
    });
    seedDemoCases(t, 400, 40);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("is for admins only, and warns while 2027 is unknown", async () => {
    const inspector = (await signIn(t, "宋学军")).client;
    expect((await inspector.get("/console/api/calendar?year=2027")).statusCode).toBe(200);
    const refused = await inspector.post("/console/api/calendar/entries", {
      text: SYNTHETIC_2027,
      year: 2027,
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toContain("只有管理员");
    expect((await inspector.post("/console/api/calendar/preview", { text: SYNTHETIC_2027 })).statusCode).toBe(
      403,
    );
    const status = (await admin.get("/console/api/calendar/status")).json();
    expect(status.warning).toMatchObject({ year: 2027, kind: "current" });
    expect(status.warning.steps.join("")).toContain("工作日历");
    expect(status.canEnter).toBe(true);
  });

  it("refuses a notice that does not parse whole, naming the line, and stores nothing", async () => {
    const bad = realNotice(2026).replace("5月9日(周六)上班", "5月9日(周六)正常上班");
    for (const url of ["/console/api/calendar/preview", "/console/api/calendar/entries"]) {
      const res = await admin.post(url, { text: bad, year: 2026 });
      expect(res.statusCode, url).toBe(422);
      expect(res.json().error).toContain("第 13 行");
      expect(res.json().error).toContain("四、劳动节");
    }
    expect(await t.app.prisma.calendarEntry.count()).toBe(0);
    const tooLong = await admin.post("/console/api/calendar/preview", { text: "x".repeat(20_001) });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error).toContain("文本过长");
  });

  it("previews the calendar the notice gives before anything is stored", async () => {
    const res = await admin.post("/console/api/calendar/preview", { text: SYNTHETIC_2027 });
    expect(res.statusCode).toBe(200);
    const preview = res.json();
    expect(preview).toMatchObject({ year: 2027, yearSource: "entered", currentSource: "weekdays" });
    expect(preview.days.find((d: { date: string }) => d.date === "2027-02-20")).toMatchObject({
      kind: "workday",
      source: "entered",
      kindLabel: "调休上班",
      sourceLabel: "后台录入",
    });
    expect(await t.app.prisma.calendarEntry.count()).toBe(0);
    expect(t.app.roster() && (await admin.get("/console/api/calendar/status")).json().warning).not.toBeNull();
  });

  it("on confirmation recomputes the open deadlines not yet due, with events, one summary, nothing else", async () => {
    const now = t.clock.now();
    // A deadline somebody set by hand: the old calendar does not give it, so it is left alone.
    const handSet = allCases(t).find(
      (c) => c.state === "in_progress" && c.deadline && new Date(c.deadline) > now && c.extensionCount === 0,
    );
    if (!handSet?.deadline) throw new Error("no open case to set by hand");
    const handDeadline = new Date(new Date(handSet.deadline).getTime() + 3_600_000)
      .toISOString()
      .replace("Z", "+00:00");
    t.app.sql.run('UPDATE "Case" SET deadline = ? WHERE id = ?', handDeadline, handSet.id);
    const before = allCases(t);
    const outboxBefore = await t.app.prisma.outboxMessage.count();
    const oldCal = createWorkCalendar();
    const newCal = entered2027();
    const res = await admin.post("/console/api/calendar/entries", { text: SYNTHETIC_2027, year: 2027 });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.message).toContain("已录入 2027 年节假日安排");

    const after = new Map(allCases(t).map((c) => [c.id, c]));
    const events = await t.app.prisma.caseEvent.findMany({ where: { type: "deadline_recomputed" } });
    const eventOf = new Map(events.map((e) => [e.caseId, e]));
    let changed = 0;
    for (const c of before) {
      const now2 = after.get(c.id);
      expect(now2?.state, c.number).toBe(c.state);
      const limit = JSON.parse(c.timeLimit) as TimeLimit;
      const open = ["dispatched", "in_progress", "awaiting_check", "returned", "backlogged"].includes(
        c.state,
      );
      const due = c.deadline !== null && new Date(c.deadline) <= now;
      if (!open || c.deadline === null || due) {
        expect(now2?.deadline, c.number).toBe(c.deadline);
        expect(eventOf.has(c.id), c.number).toBe(false);
        continue;
      }
      // Seeded cases may count an extension nothing records: they cannot be worked out again either.
      if (c.id === handSet.id || (c.extensionCount > 0 && c.number !== extended)) {
        expect(now2?.deadline, c.number).toBe(c.deadline);
        expect(eventOf.has(c.id), c.number).toBe(false);
        expect(body.unexplained, c.number).toContain(c.number);
        continue;
      }
      const ext = c.number === extended ? [{ value: 2, unit: "work_day" as const }] : [];
      const start = { startedAt: new Date(c.startedAt), timeLimit: limit };
      expect(replayDeadline(start, ext, oldCal).toISOString(), c.number).toBe(
        new Date(c.deadline).toISOString(),
      );
      const expected = replayDeadline(start, ext, newCal);
      expect(new Date(now2?.deadline ?? 0).toISOString(), c.number).toBe(expected.toISOString());
      const event = eventOf.get(c.id);
      if (expected.getTime() === new Date(c.deadline).getTime()) {
        expect(event, c.number).toBeUndefined();
        continue;
      }
      changed++;
      const data = JSON.parse(event?.data ?? "{}");
      expect(data.from).toBe(new Date(c.deadline).toISOString());
      expect(data.to).toBe(expected.toISOString());
      expect(data.reason).toContain(`由 ${data.fromLocal} 改为 ${data.toLocal}`);
      expect(event?.actorName).toBe(INSPECTOR);
    }
    expect(changed).toBeGreaterThanOrEqual(5);
    expect(events).toHaveLength(changed);
    expect(body.changedCount).toBe(changed);
    // The case with an extension: Thursday 12:00 + 2 working days → Tuesday 16 February 12:00, after the holiday.
    const ext = [...after.values()].find((c) => c.number === extended);
    expect(new Date(ext?.deadline ?? 0)).toEqual(new Date("2027-02-16T12:00:00+08:00"));
    expect(JSON.parse(eventOf.get(ext?.id ?? 0)?.data ?? "{}")).toMatchObject({
      fromLocal: "2027-02-08 12:00",
      toLocal: "2027-02-16 12:00",
    });

    // One summary line to the inspectors in the work group; no other message.
    const added = await t.app.prisma.outboxMessage.findMany({ where: { id: { gt: outboxBefore } } });
    expect(added.map((m) => [m.kind, m.chatId])).toEqual([["calendar_change", "sim:demo"]]);
    const summary = JSON.parse(added[0]?.payload ?? "{}");
    expect(summary.text).toContain(`${changed} 件未到期案件的处置时限已按新日历重算`);
    expect(summary.text).toContain(`另有 ${body.unexplained.length} 件的时限与其记录对不上`);
    expect(summary.mentions.map((m: { personId: string }) => m.personId)).toEqual(
      t.app
        .roster()
        .inspectors()
        .map((p) => p.id),
    );
    const entry = await t.app.prisma.calendarEntry.findFirstOrThrow();
    expect(entry).toMatchObject({
      year: 2027,
      enteredById: t.person(INSPECTOR).id,
      enteredByName: INSPECTOR,
    });
    expect(entry.noticeText).toBe(SYNTHETIC_2027);

    // The console's lights are counted on the new days.
    for (const light of ["yellow", "red"] as const) {
      const cases = t.app.sql
        .all<Record<string, string | number | null>>('SELECT * FROM "Case"')
        .map(toCaseRecord);
      const expectedCount = cases.filter((c) => lightOf(c, now, newCal) === light).length;
      expect((await admin.get(`/console/api/cases?light=${light}`)).json().total, light).toBe(expectedCount);
    }
  });

  it("takes effect without a restart: a new report counts on the entered days", async () => {
    expect((await admin.get("/console/api/calendar/status")).json().warning).toBeNull();
    const last = await t.app.prisma.case.findFirstOrThrow({ orderBy: { id: "desc" } });
    await t.say("张三", "人文路青年路口有人占道经营");
    const c = await t.app.prisma.case.findFirstOrThrow({ where: { id: { gt: last.id } } });
    const limit = JSON.parse(c.timeLimit) as TimeLimit;
    expect(c.deadline).toEqual(entered2027().deadlineFor(t.clock.now(), limit));
    const year = (await admin.get("/console/api/calendar?year=2027")).json();
    expect(year.yearSource).toBe("entered");
    expect(year.days.filter((d: { source: string }) => d.source === "entered")).toHaveLength(19);
    expect(year.entries[0]).toMatchObject({ year: 2027, enteredByName: INSPECTOR, dayCount: 19 });
  });

  it("keeps the entered year over a restart, and the env override still wins", async () => {
    const dir = t.dir;
    await t.close();
    t = await startTestApp({ now: NOW, dir, env: { CONSOLE_PASSWORD, WORKDAYS_OVERRIDE: "2027-02-08" } });
    const client = (await signIn(t, INSPECTOR)).client;
    const year = (await client.get("/console/api/calendar?year=2027")).json();
    expect(year.yearSource).toBe("entered");
    expect(year.days.find((d: { date: string }) => d.date === "2027-02-08")).toMatchObject({
      kind: "workday",
      source: "override",
      sourceLabel: "环境变量",
    });
    expect(year.days.find((d: { date: string }) => d.date === "2027-02-09")?.source).toBe("entered");
    expect(t.app.server && (await client.get("/console/api/calendar?year=2026")).json().yearSource).toBe(
      "chinese-days",
    );
  });
});
