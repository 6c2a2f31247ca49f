/**
 * The simulator flow, over Lark: the real SDK on the long connection of a local fake Lark.
 * Photo + text report → card to the chief → 签收 pressed → toast and updated card → 已整改 with a
 * photo → the inspector presses 核查通过 → case closed and the cards show it.
 */
import { afterEach, describe, expect, it } from "vitest";
import { PNG_1PX } from "../helpers/test-app.ts";
import {
  buttonLabels,
  CHAT,
  CHIEF,
  cardNow,
  INSPECTOR,
  type LarkTestApp,
  REPORTER,
  startLarkTestApp,
} from "./lark-harness.ts";

let t: LarkTestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("Lark: the whole flow through the long connection", () => {
  it("report with photo → card → 签收 → 已整改 with photo → 核查通过 → closed, cards updated", async () => {
    t = await startLarkTestApp();
    const { fake, app } = t;
    expect(t.logs.some((l) => String(l.msg).includes(`服务的群：${CHAT}（上报群）`))).toBe(true);
    expect((await app.prisma.chat.findUnique({ where: { id: `lark:${CHAT}` } }))?.role).toBe("report");

    // 1. A citizen reports with a photo, as a post (rich text) mentioning the bot.
    const reportId = await t.say({
      chatId: CHAT,
      from: REPORTER,
      text: "商都大道民康路口东北角垃圾桶满了",
      images: [PNG_1PX],
      type: "post",
    });
    const c = await app.prisma.case.findFirstOrThrow();
    expect(c.state).toBe("dispatched");
    expect(c.channel).toBe("lark");
    expect(c.chatId).toBe(`lark:${CHAT}`);
    const before = await app.prisma.caseMedia.findMany({ where: { caseId: c.id } });
    expect(before.map((m) => m.kind)).toEqual(["before"]);

    const sent = fake.botMessages(CHAT);
    const receipt = sent.find((m) => m.msg_type === "text" && m.content.includes(c.number));
    expect(receipt?.parent_id).toBe(reportId);
    const [card] = t.cards();
    expect(card).toBeDefined();
    if (!card) return;
    const cardJson = JSON.stringify(cardNow(card));
    expect(cardJson).toContain(c.number);
    expect(cardJson).toContain(`<at id=${CHIEF.openId}></at>`);
    expect(cardJson).toContain("商都大道 新圃街至文明路段");
    expect(cardJson).toContain("11月26日 12:00");
    expect(cardJson).toContain("绿灯");
    expect(buttonLabels(cardNow(card))).toEqual(["签收", "已整改", "回退", "吹哨"]);
    // The photo went up through im.image.create and the card shows it.
    const imgKey = /"img_key":"([^"]+)"/.exec(card.content)?.[1] ?? "";
    expect(fake.images.get(imgKey)?.data.equals(PNG_1PX)).toBe(true);

    // 2. The chief presses 签收: a toast within the callback, then the card changes for everyone.
    const ack = await t.press(CHIEF.openId, card.message_id, "收到");
    expect(ack.type).toBe("success");
    expect(ack.content).toContain(`已签收案件 ${c.number}`);
    expect((await app.prisma.case.findFirstOrThrow()).state).toBe("in_progress");
    const ackReply = fake.botMessages(CHAT).find((m) => m.content.includes("已签收案件"));
    expect(ackReply?.parent_id).toBe(card.message_id);
    // The callback's answer carried the new card; nothing patched it while the callback was open.
    expect(card.callbackCards).toHaveLength(1);
    expect(card.patchesDuringCallback).toBe(0);
    expect(JSON.stringify(cardNow(card))).toContain("处置中");
    expect(buttonLabels(cardNow(card))).toEqual(["已整改", "回退", "吹哨"]);

    // 3. 已整改 with an after-photo, as a reply to the card.
    const after = Buffer.concat([PNG_1PX, Buffer.from([0])]);
    t.clock.advance(30 * 60_000);
    await t.say({
      chatId: CHAT,
      from: CHIEF.openId,
      text: "已整改",
      images: [after],
      type: "post",
      parentId: card.message_id,
    });
    expect((await app.prisma.case.findFirstOrThrow()).state).toBe("awaiting_check");
    const notice = t.cards().find((m) => m.message_id !== card.message_id);
    expect(notice).toBeDefined();
    if (!notice) return;
    expect(notice.content).toContain(`<at id=${INSPECTOR.openId}></at>`);
    expect(buttonLabels(cardNow(notice))).toEqual(["核查通过", "返工"]);
    const afterKey = /"img_key":"([^"]+)"/.exec(notice.content)?.[1] ?? "";
    expect(fake.images.get(afterKey)?.data.equals(after)).toBe(true);
    // The card was pressed a moment ago: it is patched once that press's answer has reached Lark.
    await expect.poll(() => JSON.stringify(cardNow(card)), { timeout: 5_000 }).toContain("待核查");

    // 4. The chief may not close his own case: refused with a toast that says why, not posted.
    const refused = await t.press(CHIEF.openId, notice.message_id, "核查通过");
    expect(refused.type).toBe("error");
    expect(refused.content).toContain("只有精细办督查员可以核查通过");
    expect((await app.prisma.case.findFirstOrThrow()).state).toBe("awaiting_check");
    expect(fake.botMessages(CHAT).some((m) => m.content.includes("只有精细办督查员"))).toBe(false);

    // 5. The inspector presses 核查通过: closed, and both cards say so, without buttons.
    t.clock.advance(10 * 60_000);
    const closed = await t.press(INSPECTOR.openId, notice.message_id, "核查通过");
    expect(closed.type).toBe("success");
    expect(closed.content).toContain("核查通过");
    const done = await app.prisma.case.findFirstOrThrow();
    expect(done.state).toBe("closed");
    for (const m of [card, notice]) {
      expect(JSON.stringify(cardNow(m))).toContain("已结案");
      expect(buttonLabels(cardNow(m))).toEqual([]);
    }

    const events = await app.prisma.caseEvent.findMany({
      where: { caseId: done.id },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => e.type)).toEqual([
      "reported",
      "dispatched",
      "acknowledge",
      "fix",
      "refused",
      "close",
    ]);
    expect(events.filter((e) => e.type !== "refused").map((e) => e.actorName)).toEqual([
      "飞书用户",
      "飞书用户",
      "黄卫东",
      "黄卫东",
      "廖红梅",
    ]);
    for (const e of events) expect(e.channel).toBe("lark");

    // Within limits, and no secret in any log line.
    expect(fake.errors[230020] ?? 0).toBe(0);
    const logText = JSON.stringify(t.logs);
    expect(logText).not.toContain(fake.appSecret);
  });
});
