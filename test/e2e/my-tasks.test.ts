import { afterEach, expect, it } from "vitest";
import { PNG_1PX, startTestApp, type TestApp } from "../helpers/test-app.ts";

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

it("我的任务 shows lights on working time: a night and a morning do not use up a 2-work-hour limit", async () => {
  // Thursday 17:50: 10 working minutes today, the rest Friday from 08:30 → deadline Friday 10:20.
  t = await startTestApp({ now: "2026-11-26T17:50:00+08:00" });
  await t.say("张三", "商都大道民康路口东北角垃圾桶满了");
  const c = await t.app.prisma.case.findFirstOrThrow();
  expect(c.deadline?.toISOString()).toBe(new Date("2026-11-27T10:20:00+08:00").toISOString());

  // Friday 09:00: 40 of 120 working minutes used (green), though 92 % of the clock time has passed.
  t.clock.set("2026-11-27T09:00:00+08:00");
  await t.say("黄卫东", "我的任务");
  expect((await t.botMessages()).at(-1)?.text).toMatch(/ZM20261126-001 .*绿灯/);

  // Friday 10:00: 100 of 120 minutes (83 %) → yellow; 10:30 → red.
  t.clock.set("2026-11-27T10:00:00+08:00");
  await t.say("黄卫东", "我的任务");
  expect((await t.botMessages()).at(-1)?.text).toMatch(/ZM20261126-001 .*黄灯/);
  t.clock.set("2026-11-27T10:30:00+08:00");
  await t.say("黄卫东", "我的任务");
  expect((await t.botMessages()).at(-1)?.text).toMatch(/ZM20261126-001 .*红灯/);
});

it("我的任务 judges a case awaiting check at its fix time, like the digest and the console", async () => {
  t = await startTestApp({ now: "2026-11-26T09:00:00+08:00" });
  await t.say("张三", "商都大道民康路口东北角垃圾桶满了");
  await t.say("黄卫东", "收到");
  await t.say("黄卫东", "已整改", { images: [{ data: PNG_1PX, mime: "image/png" }] });
  const c = await t.app.prisma.case.findFirstOrThrow();
  expect(c.state).toBe("awaiting_check");
  // Long past the deadline, but the clock stopped when the chief reported it fixed: still green.
  t.clock.set("2026-11-30T17:00:00+08:00");
  await t.say("黄卫东", "我的任务");
  expect((await t.botMessages()).at(-1)?.text).toMatch(/ZM20261126-001 .*绿灯/);
});

it("shows the place as the reporter said it, not the stored JSON, for a case without a segment", async () => {
  t = await startTestApp({ now: "2026-11-26T09:00:00+08:00" });
  await t.say("张三", "商都大道民康路口东北角垃圾桶满了");
  const c = await t.app.prisma.case.findFirstOrThrow();
  await t.app.prisma.case.update({
    where: { id: c.id },
    data: { segmentId: null, locationText: JSON.stringify({ raw: "县医院东门外" }) },
  });
  await t.say("张三", `查询 ${c.number}`);
  const reply = (await t.botMessages()).at(-1)?.text ?? "";
  expect(reply).toContain("位置：县医院东门外");
  expect(reply).not.toContain("{");
});

it("a follow-up question keeps its case: answering it acts on that case, though the chief has two", async () => {
  t = await startTestApp({ now: "2026-11-26T09:00:00+08:00" });
  await t.say("张三", "商都大道民康路口东北角垃圾桶满了");
  await t.say("张三", "商都大道民康路口西南角井盖破了");
  const [first, second] = await t.app.prisma.case.findMany({ orderBy: { id: "asc" } });
  expect(first?.handlerId).toBe(second?.handlerId);
  // A bare 回退 replying to the first case's assignment: the bot asks for the reason…
  const assignment = (await t.botMessages()).find(
    (m) => m.caseNumber === first?.number && m.kind === "assignment",
  );
  await t.say("黄卫东", "回退", { replyTo: assignment?.platformId ?? "" });
  const question = (await t.botMessages()).at(-1);
  expect(question?.kind).toBe("question");
  expect(question?.caseNumber).toBe(first?.number);
  // …and the reason, given as a reply to that question, returns the first case, not "which case?".
  await t.say("黄卫东", "回退 不属于本路段", { replyTo: question?.platformId ?? "" });
  expect((await t.app.prisma.case.findUniqueOrThrow({ where: { id: first?.id ?? 0 } })).state).toBe(
    "returned",
  );
  expect((await t.app.prisma.case.findUniqueOrThrow({ where: { id: second?.id ?? 0 } })).state).not.toBe(
    "returned",
  );
});
