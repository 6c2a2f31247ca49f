/**
 * The stream's guarantees, with the real dingtalk-stream SDK against the local fake: every callback
 * acknowledged, a redelivered message processed once, a dropped stream reconnected with nothing
 * lost, and messages from a group not in DINGTALK_CHATS ignored and logged once.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  CHAT,
  CHIEF,
  CITIZEN,
  type DingtalkTestApp,
  OTHER_CHAT,
  startDingtalkTestApp,
} from "./dingtalk-harness.ts";

let t: DingtalkTestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const REPORT = "商都大道民康路口东北角垃圾桶满了";

describe("DingTalk stream", () => {
  it("acknowledges a message once stored and processes a redelivered one once", async () => {
    t = await startDingtalkTestApp();
    const { fake, app } = t;
    const first = await t.say({ from: CITIZEN, text: REPORT });
    expect(fake.acks.get(first.messageId)).toEqual([{ response: null }]);
    const replies = fake.sessionReplies.length;
    const cards = fake.groupMessages.length;
    // The same frame again (DingTalk's retry), and the same msgId in a new frame.
    fake.redeliver(first.messageId);
    await fake.acked(first.messageId, 2);
    const { data } = await fake.sendRobotMessage({
      conversationId: CHAT,
      from: CITIZEN,
      text: REPORT,
      msgId: first.msgId,
    });
    await t.settle();
    expect(data.msgId).toBe(first.msgId);
    expect(await app.prisma.inboxMessage.count()).toBe(1);
    expect(await app.prisma.case.count()).toBe(1);
    expect(fake.sessionReplies.length).toBe(replies);
    expect(fake.groupMessages.length).toBe(cards);
  }, 20_000);

  it("reconnects after the stream drops and loses nothing pushed meanwhile", async () => {
    t = await startDingtalkTestApp();
    const { fake, app } = t;
    await t.say({ from: CITIZEN, text: REPORT });
    expect(fake.connectionsOpened).toBe(1);
    fake.dropConnections();
    // Pushed while the connection is down: DingTalk keeps it and pushes it on the next connection.
    const { messageId } = await fake.sendRobotMessage({ conversationId: CHAT, from: CHIEF, text: "收到" });
    await fake.opened(2);
    await fake.acked(messageId);
    await t.settle();
    expect(t.logs.some((l) => String(l.msg).includes("秒后重连"))).toBe(true);
    expect(await app.prisma.inboxMessage.count()).toBe(2);
    expect((await app.prisma.case.findFirstOrThrow()).state).toBe("in_progress");
    // The first message was not handled again after the reconnection.
    expect(await app.prisma.case.count()).toBe(1);
  }, 20_000);

  it("ignores a group not in DINGTALK_CHATS, logs it once, and still acknowledges", async () => {
    t = await startDingtalkTestApp();
    const { fake, app } = t;
    const a = await fake.sendRobotMessage({ conversationId: OTHER_CHAT, from: CITIZEN, text: REPORT });
    const b = await fake.sendRobotMessage({ conversationId: OTHER_CHAT, from: CITIZEN, text: "又一条" });
    await fake.acked(a.messageId);
    await fake.acked(b.messageId);
    await t.settle();
    expect(await app.prisma.inboxMessage.count()).toBe(0);
    const logged = t.logs.filter((l) => String(l.msg).includes("不在 DINGTALK_CHATS 中"));
    expect(logged).toHaveLength(1);
    expect(logged[0]?.conversationId).toBe(OTHER_CHAT);
    expect(fake.sessionReplies).toHaveLength(0);
  }, 20_000);

  it("answers a one-to-one chat with a hint and stores nothing", async () => {
    t = await startDingtalkTestApp();
    const { fake, app } = t;
    const { messageId } = await fake.sendRobotMessage({
      conversationId: "cidSingleChatWithBot1==",
      conversationType: "1",
      from: CHIEF,
      text: "你好",
    });
    await fake.acked(messageId);
    expect(await app.prisma.inboxMessage.count()).toBe(0);
    expect(JSON.stringify(fake.sessionReplies[0]?.body)).toContain("请在工作群里");
  }, 20_000);
});
