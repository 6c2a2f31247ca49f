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
