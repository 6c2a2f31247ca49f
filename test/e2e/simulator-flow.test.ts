import { afterEach, describe, expect, it } from "vitest";
import { PNG_1PX, startTestApp, type TestApp } from "../helpers/test-app.ts";

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

describe("the whole flow through the simulator channel", () => {
  it("report → dispatch → 收到 → 已整改 with photo → 核查通过, duplicates linked, events tell the story", async () => {
    t = await startTestApp();
    const reportId = await t.say("张三", "商都大道民康路口东北角垃圾桶满了");

    const c = await t.app.prisma.case.findFirstOrThrow({ orderBy: { id: "asc" } });
    expect(c.number).toBe("ZM20261126-001");
    expect(c.segmentId).toBe("SD-2");
    expect(c.categoryCode).toBe("06042");
    expect(c.state).toBe("dispatched");
    // 2 working hours from Thursday 10:00.
    expect(c.deadline?.toISOString()).toBe(new Date("2026-11-26T12:00:00+08:00").toISOString());

    const chief = t.person("黄卫东");
    let sent = await t.botMessages();
    const receipt = sent.find((m) => m.kind === "receipt");
    expect(receipt?.replyTo).toBe(reportId);
    expect(receipt?.text).toContain("ZM20261126-001");
    const assignment = sent.find((m) => m.kind === "assignment");
    expect(assignment?.mentions.map((m) => m.personId)).toEqual([chief.id]);
    expect(assignment?.text).toContain("@黄卫东");
    expect(assignment?.text).toContain("11月26日 12:00");
    expect(assignment?.actions?.map((a) => a.command)).toContain("收到");

    // The same problem reported again while open: linked, no new case.
    t.clock.advance(5 * 60_000);
    await t.say("李四", "商都大道民康路口垃圾箱满溢了");
    expect(await t.app.prisma.case.count()).toBe(1);
    sent = await t.botMessages();
    expect(sent.at(-1)?.text).toContain("ZM20261126-001");
    expect(sent.at(-1)?.kind).toBe("duplicate");

    t.clock.advance(5 * 60_000);
    await t.say("黄卫东", "收到");
    expect((await t.app.prisma.case.findFirstOrThrow()).state).toBe("in_progress");

    t.clock.advance(30 * 60_000);
    await t.say("黄卫东", "已整改", { images: [{ data: PNG_1PX, mime: "image/png" }] });
    expect((await t.app.prisma.case.findFirstOrThrow()).state).toBe("awaiting_check");
    sent = await t.botMessages();
    const notice = sent.find((m) => m.kind === "fix_notice");
    expect(notice?.mentions.map((m) => m.name)).toContain("廖红梅");
    expect(notice?.imageHashes?.length).toBe(1);

    t.clock.advance(10 * 60_000);
    await t.say("廖红梅", "核查通过", { replyTo: notice?.platformId ?? "" });
    const closed = await t.app.prisma.case.findFirstOrThrow();
    expect(closed.state).toBe("closed");

    const events = await t.app.prisma.caseEvent.findMany({
      where: { caseId: closed.id },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => e.type)).toEqual([
      "reported",
      "dispatched",
      "duplicate_report",
      "acknowledge",
      "fix",
      "close",
    ]);
    expect(events.map((e) => e.actorName)).toEqual(["张三", "张三", "李四", "黄卫东", "黄卫东", "廖红梅"]);
    for (const e of events) {
      expect(e.channel).toBe("sim");
      expect(e.messageId).toBeTruthy();
    }
    const media = await t.app.prisma.caseMedia.findMany({ where: { caseId: closed.id } });
    expect(media.map((m) => m.kind)).toEqual(["after"]);
  });

  it("refuses a close by someone who is not an inspector, politely and without a state change", async () => {
    t = await startTestApp();
    await t.say("张三", "商都大道民康路口东北角垃圾桶满了");
    await t.say("黄卫东", "已整改", { images: [{ data: PNG_1PX }] });
    await t.say("黄卫东", "核查通过");
    expect((await t.app.prisma.case.findFirstOrThrow()).state).toBe("awaiting_check");
    const last = (await t.botMessages()).at(-1);
    expect(last?.text).toMatch(/只有精细办督查员可以核查通过/);
  });
});
