/**
 * Identity on DingTalk: rights come only from a roster-bound 钉钉ID (senderStaffId), never from a
 * name; a card button pressed by someone whose role does not allow it changes nothing.
 */
import { afterEach, describe, expect, it } from "vitest";
import { CHIEF, CITIZEN, type DingtalkTestApp, INSPECTOR, startDingtalkTestApp } from "./dingtalk-harness.ts";

let t: DingtalkTestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function reportAndAcknowledge(app: DingtalkTestApp) {
  await app.say({ from: CITIZEN, text: "商都大道民康路口东北角垃圾桶满了" });
  await app.say({ from: CHIEF, text: "收到" });
  const c = await app.app.prisma.case.findFirstOrThrow();
  expect(c.state).toBe("in_progress");
  return c;
}

const repliesText = (t: DingtalkTestApp) =>
  [
    ...t.fake.sessionReplies.map((r) => JSON.stringify(r.body)),
    ...t.fake.groupMessages.map((g) => JSON.stringify(g.param)),
  ].join("\n");

describe("DingTalk identity and rights", () => {
  it("refuses a stranger, and an outsider who carries an inspector's name", async () => {
    t = await startDingtalkTestApp();
    const c = await reportAndAcknowledge(t);
    // A member of the organisation who is not in the roster.
    await t.say({ from: CITIZEN, text: `回退 ${c.number} 不归我们` });
    // Someone outside the organisation (no senderStaffId) whose nick is the inspector's name.
    await t.say({ from: { nick: INSPECTOR.nick }, text: `作废 ${c.number}` });
    expect((await t.app.prisma.case.findUniqueOrThrow({ where: { id: c.id } })).state).toBe("in_progress");
    expect(t.logs.some((l) => String(l.msg).includes("不属于本组织"))).toBe(true);
    expect(t.logs.some((l) => String(l.msg).includes("不在名册中") && l.userId === CITIZEN.staffId)).toBe(
      true,
    );
    const events = await t.app.prisma.caseEvent.findMany({ where: { caseId: c.id } });
    expect(events.map((e) => e.type)).toEqual([
      "reported",
      "dispatched",
      "acknowledge",
      "refused",
      "refused",
    ]);
    // Neither refusal was credited to a roster person.
    expect(events.slice(3).map((e) => e.actorKey.startsWith("dingtalk:"))).toEqual([true, true]);
  }, 20_000);

  it("refuses a card button pressed by the wrong role and changes nothing", async () => {
    t = await startDingtalkTestApp({ cards: true });
    const c = await reportAndAcknowledge(t);
    const card = t.fake.cards.find((k) => JSON.stringify(k.body).includes(c.number));
    expect(card).toBeDefined();
    if (!card) return;
    // The chief presses 核查通过 (an inspector's button, forged onto their card).
    await t.press(CHIEF.staffId, card.outTrackId, `luzhang|close|${c.number}`);
    expect((await t.app.prisma.case.findUniqueOrThrow({ where: { id: c.id } })).state).toBe("in_progress");
    expect(repliesText(t)).toContain("督查员");
    const refusals = await t.app.prisma.caseEvent.findMany({ where: { caseId: c.id, type: "refused" } });
    expect(refusals.map((e) => e.actorKey)).toEqual(["p_13907000006"]);
    // A press with a button id that is not the bot's is acknowledged and ignored.
    const forged = t.fake.pressButton({
      outTrackId: card.outTrackId,
      userId: INSPECTOR.staffId,
      actionId: "approve",
    });
    await t.fake.acked(forged);
    await t.settle();
    expect((await t.app.prisma.case.findUniqueOrThrow({ where: { id: c.id } })).state).toBe("in_progress");
    expect(await t.app.prisma.inboxMessage.count()).toBe(3);
  }, 20_000);
});
