/** Answers in chat that name the right case and say the place in words. */
import { afterEach, expect, it } from "vitest";
import { PNG_1PX, startTestApp, type TestApp } from "../helpers/test-app.ts";

let t: TestApp;
afterEach(async () => {
  await t?.close();
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

it("answers a photo sent to the bot that joins the report just made", async () => {
  t = await startTestApp({ now: "2026-11-26T09:00:00+08:00" });
  await t.say("张三", "商都大道民康路口东北角垃圾桶满了");
  const c = await t.app.prisma.case.findFirstOrThrow();
  await t.say("张三", "", { images: [{ data: PNG_1PX, mime: "image/png" }] });
  const reply = (await t.botMessages()).at(-1);
  expect(reply?.text).toBe(`已将照片补充到案件 ${c.number}。`);
  expect(reply?.caseNumber).toBe(c.number);
  expect(await t.app.prisma.caseMedia.count({ where: { caseId: c.id, kind: "before" } })).toBe(1);
});

it("a bare 同意延时 finds the one waiting request even behind more than 50 older open cases", async () => {
  t = await startTestApp({ now: "2026-11-26T09:00:00+08:00" });
  await t.say("张三", "商都大道民康路口东北角垃圾桶满了");
  const base = await t.app.prisma.case.findFirstOrThrow();
  const { id: _id, ...row } = base;
  await t.app.prisma.case.createMany({
    data: Array.from({ length: 55 }, (_, i) => ({
      ...row,
      number: `ZM20251126-${String(i + 1).padStart(3, "0")}`,
      day: "20251126",
      seq: i + 1,
      sourceMessageId: `old-${i}`,
    })),
  });
  await t.say("张三", "青年路县人民医院门口有人占道摆摊");
  const newest = await t.app.prisma.case.findFirstOrThrow({ orderBy: { id: "desc" } });
  const chief = await t.app.prisma.person.findUniqueOrThrow({ where: { id: newest.handlerId ?? "" } });
  await t.say(chief.name, `延时 2天 等待配件 ${newest.number}`);
  expect(
    (await t.app.prisma.case.findUniqueOrThrow({ where: { id: newest.id } })).pendingExtension,
  ).not.toBeNull();

  await t.say("廖红梅", "同意延时");
  const after = await t.app.prisma.case.findUniqueOrThrow({ where: { id: newest.id } });
  expect(after.pendingExtension).toBeNull();
  expect(after.extensionCount).toBe(1);
});

it("answers a voice message, file or sticker sent to the bot with what it can read instead", async () => {
  t = await startTestApp({ now: "2026-11-26T09:00:00+08:00" });
  await t.app.ingest({
    channel: "sim",
    chatId: "sim:demo",
    messageId: "voice-1",
    sender: { key: "sim:guest:张三", name: "张三" },
    text: "",
    mentionsBot: true,
    mentions: [],
    images: [],
    unsupportedContent: true,
    sentAt: t.clock.now(),
  });
  await t.app.idle();
  expect((await t.botMessages()).at(-1)?.text).toBe(
    "暂时看不懂语音、文件和表情，请用文字描述问题和位置，或直接发照片。",
  );
  expect(await t.app.prisma.case.count()).toBe(0);
});
