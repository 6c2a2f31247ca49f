/**
 * 吹哨 (issue 6 item 5): "@bot 吹哨 交警 执法" on a case notifies those departments' contacts with the
 * case, adds them as co-handlers, and their answers count like the chief's.
 */
import { afterEach, describe, expect, it } from "vitest";
import { PNG_1PX, type ScheduleHarness, startScheduleApp } from "../schedule/schedule-harness.ts";

let h: ScheduleHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe("whistle", () => {
  it("summons the departments' contacts as co-handlers whose answers count", async () => {
    h = await startScheduleApp({ now: "2026-10-08T09:00:00+08:00" });
    const { prisma } = h.app;
    await prisma.person.create({
      data: { id: "p_jj01", name: "王警官", title: "交警大队联络员", roles: '["department"]' },
    });
    await prisma.department.update({ where: { code: "JJ" }, data: { contacts: '["p_jj01"]' } });
    await h.app.reloadRoster();
    await h.say("张三", "报告A 商都大道民康路口垃圾箱满了");

    // Not the case's chief: refused.
    await h.say("张三", "吹哨 交警 ZM20261008-001");
    expect((await h.sent()).at(-1)?.text).toMatch(/只有.*可以吹哨/);

    await h.say("黄卫东", "吹哨 交警 执法");
    const sent = await h.sent();
    const reply = sent.at(-2);
    const notice = sent.at(-1);
    expect(reply?.text).toContain("已吹哨：交警大队、城市管理综合执法大队 协同处置案件 ZM20261008-001。");
    expect(reply?.text).toContain("城市管理综合执法大队在名册中没有联系人");
    expect(notice?.kind).toBe("whistle_notice");
    expect(notice?.mentions.map((m) => m.name)).toEqual(["王警官"]);
    expect(notice?.text).toContain(
      "@王警官 路长吹哨，请 交警大队、城市管理综合执法大队 协同处置案件 ZM20261008-001",
    );
    expect(notice?.text).toContain("位置：商都大道 新圃街至文明路段");
    expect(notice?.actions?.map((a) => a.command)).toContain("已整改");
    const c = await prisma.case.findFirstOrThrow();
    expect(JSON.parse(c.coHandlers)).toEqual(["p_jj01"]);
    expect(JSON.parse(c.whistled)).toEqual(["JJ", "ZF"]);

    // The contact answers like the chief: acknowledges, then reports it fixed with a photo.
    h.clock.set("2026-10-08T09:20:00+08:00");
    await h.say("王警官", "收到");
    expect((await prisma.case.findFirstOrThrow()).state).toBe("in_progress");
    await h.say("王警官", "已整改", { images: [{ data: PNG_1PX, mime: "image/png" }] });
    const fixed = await prisma.case.findFirstOrThrow();
    expect(fixed.state).toBe("awaiting_check");
    const events = await prisma.caseEvent.findMany({ where: { caseId: fixed.id }, orderBy: { id: "asc" } });
    expect(events.filter((e) => e.actorName === "王警官").map((e) => [e.type, e.actorRole])).toEqual([
      ["acknowledge", "handler"],
      ["fix", "handler"],
    ]);
  });
});
