/**
 * The whole flow over DingTalk: the real dingtalk-stream SDK on the stream of a local fake.
 * Report with photo → receipt (session-webhook reply) → chief reached (card @ them) → 收到 →
 * 已整改 with photo → 核查通过 (a card button) → closed.
 */
import { afterEach, describe, expect, it } from "vitest";
import { PNG_1PX } from "../helpers/test-app.ts";
import {
  CHAT,
  CHIEF,
  CITIZEN,
  type DingtalkTestApp,
  INSPECTOR,
  startDingtalkTestApp,
} from "./dingtalk-harness.ts";

let t: DingtalkTestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("DingTalk: the whole flow through the stream", () => {
  it("report with photo → receipt → card to the chief → 收到 → 已整改 with photo → 核查通过 → closed", async () => {
    t = await startDingtalkTestApp({ cards: true });
    const { fake, app } = t;
    expect(t.logs.some((l) => String(l.msg).includes(`服务的群：${CHAT}（上报群）`))).toBe(true);
    expect((await app.prisma.chat.findUnique({ where: { id: `dingtalk:${CHAT}` } }))?.role).toBe("report");

    // 1. A citizen reports with a photo (rich text: text + picture).
    const photo = fake.addFile(PNG_1PX, "image/png");
    const report = await t.say({
      from: CITIZEN,
      text: "商都大道民康路口东北角垃圾桶满了",
      pictures: [photo],
    });
    const c = await app.prisma.case.findFirstOrThrow();
    expect(c.state).toBe("dispatched");
    expect(c.chatId).toBe(`dingtalk:${CHAT}`);
    expect(c.sourceMessageId).toBe(report.msgId);
    expect((await app.prisma.caseMedia.findMany({ where: { caseId: c.id } })).map((m) => m.kind)).toEqual([
      "before",
    ]);

    // 2. The receipt is a reply through the message's session webhook, @-ing the reporter by userid.
    const receipt = fake.sessionReplies.find((r) => JSON.stringify(r.body).includes(c.number));
    expect(receipt?.conversationId).toBe(CHAT);
    // 3. The chief is reached: the assignment is an interactive card that @s them by userid.
    const card = fake.cards.find((k) => JSON.stringify(k.body).includes(c.number));
    expect(card).toBeDefined();
    if (!card) return;
    const deliver = card.body.imGroupOpenDeliverModel as { atUserIds?: Record<string, string> };
    expect(deliver.atUserIds).toEqual({ [CHIEF.staffId]: CHIEF.nick });
    const params = (card.body.cardData as { cardParamMap: Record<string, string> }).cardParamMap;
    expect(params.markdown).toContain("商都大道");
    expect(params.markdown).toMatch(/!\[\]\(@lA/); // the report's photo, uploaded
    const buttons = (
      JSON.parse(params.sys_full_json_obj ?? "{}") as { msgButtons: { text: string; id: string }[] }
    ).msgButtons;
    expect(buttons.map((b) => b.text)).toEqual(["签收", "已整改", "回退", "吹哨"]);
    expect(buttons[0]?.id).toBe(`luzhang|acknowledge|${c.number}`);

    // 4. The chief answers 收到 in the group (typed), quoting nothing: their only open case.
    await t.say({ from: CHIEF, text: "收到" });
    expect((await app.prisma.case.findUniqueOrThrow({ where: { id: c.id } })).state).toBe("in_progress");

    // 5. 已整改 with an after-photo, in one rich-text message.
    const after = fake.addFile(PNG_1PX, "image/png");
    await t.say({ from: CHIEF, text: `已整改 ${c.number}`, pictures: [after] });
    const fixed = await app.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    expect(fixed.state).toBe("awaiting_check");
    const media = await app.prisma.caseMedia.findMany({ where: { caseId: c.id } });
    expect(media.map((m) => m.kind).sort()).toEqual(["after", "before"]);

    // 6. The inspector presses 核查通过 on a card that offers it.
    const checkCard = [...fake.cards]
      .reverse()
      .find((k) => JSON.stringify(k.body).includes(`luzhang|close|${c.number}`));
    expect(checkCard).toBeDefined();
    if (!checkCard) return;
    await t.press(INSPECTOR.staffId, checkCard.outTrackId, `luzhang|close|${c.number}`);
    const closed = await app.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    expect(closed.state).toBe("closed");
    const events = await app.prisma.caseEvent.findMany({ where: { caseId: c.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.type)).toEqual(["reported", "dispatched", "acknowledge", "fix", "close"]);
    const close = events.at(-1);
    expect(close?.channel).toBe("dingtalk");
    expect(close?.actorKey).toBe("p_13907000046");
    // Every robot message and press was acknowledged on the stream.
    expect(fake.acks.size).toBeGreaterThanOrEqual(4);
    expect(Object.keys(fake.errors)).toEqual([]);
  }, 30_000);
});
