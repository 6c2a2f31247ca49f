/** Bad input never crashes the service or leaves a half-written case; the sender gets a clear answer. */
import { afterEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

async function lastReply(t: TestApp) {
  return (await t.botMessages()).at(-1)?.text ?? "";
}

describe("bad input from chat", () => {
  it("answers a 10,000-character message, an empty one, a non-image photo and an unknown command", async () => {
    t = await startTestApp();
    await t.say("张三", `商都大道民康路口${"垃圾".repeat(5000)}`);
    expect(await lastReply(t)).toMatch(/消息过长/);
    await t.say("张三", "   ");
    expect(await lastReply(t)).toMatch(/请描述问题和位置/);
    await t.say("张三", "", {
      images: [{ data: new TextEncoder().encode("this is not a picture"), mime: "image/jpeg" }],
    });
    expect(await lastReply(t)).toMatch(/不是有效的图片/);
    await t.say("张三", "今天开会几点？");
    expect(await lastReply(t)).toMatch(/没能识别/);
    await t.say("张三", "收到");
    expect(await lastReply(t)).toMatch(/没有可以签收的案件/);
    expect(await t.app.prisma.case.count()).toBe(0);
    const statuses = await t.app.prisma.inboxMessage.findMany({ select: { status: true } });
    expect(statuses.every((s) => s.status === "processed")).toBe(true);
  });

  it("drops malformed inbound messages with a reason instead of crashing", async () => {
    t = await startTestApp();
    const r = await t.app.inbox.ingest({ channel: "sim" } as never);
    expect(r.dropped).toMatch(/chatId/);
    expect(await t.app.prisma.inboxMessage.count()).toBe(0);
  });

  it("processes a platform retry of the same message once", async () => {
    t = await startTestApp();
    await t.say("张三", "商都大道民康路口东北角垃圾桶满了", { id: "same-1" });
    await t.say("张三", "商都大道民康路口东北角垃圾桶满了", { id: "same-1" });
    expect(await t.app.prisma.case.count()).toBe(1);
    expect(await t.app.prisma.outboxMessage.count({ where: { kind: "receipt" } })).toBe(1);
  });

  it("asks which case when a chief has several, and accepts a case number", async () => {
    t = await startTestApp();
    await t.say("张三", "商都大道民康路口东北角垃圾桶满了");
    await t.say("张三", "商都大道新圃街和文明路之间路面有个大坑");
    await t.say("黄卫东", "收到");
    expect(await lastReply(t)).toMatch(/多个案件.*ZM20261126-001.*ZM20261126-002/);
    await t.say("黄卫东", "收到 ZM20261126-002");
    const c = await t.app.prisma.case.findUniqueOrThrow({ where: { number: "ZM20261126-002" } });
    expect(c.state).toBe("in_progress");
  });
});
