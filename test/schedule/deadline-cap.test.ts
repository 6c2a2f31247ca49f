/** The per-run reminder cap counts only notices someone can receive. */
import { afterEach, expect, it } from "vitest";
import { type ScheduleHarness, startScheduleApp } from "./schedule-harness.ts";

let h: ScheduleHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

it("reminds the chief even when more unreachable notices than REMINDER_MAX_PER_RUN are due first", async () => {
  h = await startScheduleApp({
    now: "2026-10-08T09:00:00+08:00",
    env: { REMINDER_MAX_PER_RUN: "2", DIGEST_CHATS: "none" },
  });
  await h.say("张三", "报告A 商都大道民康路口垃圾箱满了");
  const reachable = await h.app.prisma.case.findFirstOrThrow();
  // Five cases overdue for longer, with no chief and no segment: nobody to remind or escalate to.
  const { id: _id, ...row } = reachable;
  await h.app.prisma.case.createMany({
    data: Array.from({ length: 5 }, (_, i) => ({
      ...row,
      number: `ZM20260901-${String(i + 1).padStart(3, "0")}`,
      day: "20260901",
      seq: i + 1,
      sourceMessageId: `orphan-${i}`,
      handlerId: null,
      segmentId: null,
      coHandlers: "[]",
      startedAt: new Date("2026-09-01T09:00:00+08:00"),
      deadline: new Date("2026-09-02T09:00:00+08:00"),
    })),
  });

  h.clock.set("2026-10-09T10:00:00+08:00"); // a working morning, the scripted case long overdue too
  await h.tick();
  const reminders = (await h.sent()).filter((m) => m.kind === "reminder" || m.kind === "escalation");
  expect(reminders.some((m) => m.caseNumber === reachable.number && m.kind === "reminder")).toBe(true);
  expect(reminders.every((m) => m.caseNumber === reachable.number)).toBe(true);
});
