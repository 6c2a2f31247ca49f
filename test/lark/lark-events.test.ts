/**
 * Event intake: each event once however often Lark delivers it, the webhook's signature check,
 * decryption and challenge, mentions and replies mapped, chats that are not served left alone.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { envelope } from "../fakes/lark-fake-events.ts";
import { REQUIRED_SCOPES } from "../fakes/lark-scopes.ts";
import { PNG_1PX } from "../helpers/test-app.ts";
import { CHAT, CHIEF, ENCRYPT_KEY, type LarkTestApp, REPORTER, startLarkTestApp } from "./lark-harness.ts";

let t: LarkTestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const REPORT = "商都大道民康路口东北角垃圾桶满了";

describe("Lark events over the long connection", () => {
  it("processes the same event delivered four times once", async () => {
    t = await startLarkTestApp();
    const { event } = t.fake.userMessage({ chatId: CHAT, from: REPORTER, text: REPORT });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await t.deliver(event));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(await t.app.prisma.inboxMessage.count()).toBe(1);
    expect(await t.app.prisma.case.count()).toBe(1);
    // One receipt and one card, not four of each.
    expect(t.fake.botMessages(CHAT)).toHaveLength(2);
    // The same message redelivered under a new event id is caught by the inbox.
    const again = { ...event, header: { ...event.header, event_id: "another-event-id" } };
    await t.deliver(again);
    expect(await t.app.prisma.inboxMessage.count()).toBe(1);
    expect(t.fake.botMessages(CHAT)).toHaveLength(2);
  });

  it("maps @_user_N mentions to roster names and replies to the bot's messages to their case", async () => {
    t = await startLarkTestApp();
    await t.say({ chatId: CHAT, from: REPORTER, text: REPORT });
    const c = await t.app.prisma.case.findFirstOrThrow();
    const card = t.cards()[0];
    // A reply to the card without any case number, and a mention of a person by placeholder.
    const id = await t.say({
      chatId: CHAT,
      from: CHIEF.openId,
      text: "收到 @黄卫东",
      mentions: [CHIEF],
      parentId: card?.message_id,
    });
    const row = await t.app.prisma.inboxMessage.findFirstOrThrow({ where: { platformMessageId: id } });
    const stored = JSON.parse(row.raw) as {
      text: string;
      replyTo: string;
      mentions: { key: string; name: string }[];
      sender: { name: string };
    };
    expect(stored.text).toBe("@路长通 收到 @黄卫东");
    expect(stored.replyTo).toBe(card?.message_id);
    expect(stored.mentions).toEqual([{ key: `lark:${CHIEF.openId}`, name: "黄卫东" }]);
    expect(stored.sender.name).toBe("黄卫东");
    expect((await t.app.prisma.case.findUniqueOrThrow({ where: { id: c.id } })).state).toBe("in_progress");
  });

  it("downloads a lone image message into the media store (Lark sends those with im:message.group_msg)", async () => {
    t = await startLarkTestApp({ fake: { scopes: [...REQUIRED_SCOPES, "im:message.group_msg"] } });
    const id = await t.say({
      chatId: CHAT,
      from: REPORTER,
      images: [PNG_1PX],
      type: "image",
      mentionBot: false,
    });
    const row = await t.app.prisma.inboxMessage.findFirstOrThrow({ where: { platformMessageId: id } });
    const stored = JSON.parse(row.raw) as { imageHashes: string[] };
    expect(stored.imageHashes).toHaveLength(1);
    expect(await t.app.prisma.media.count()).toBe(1);
    expect(t.fake.requests.some((r) => r.path.includes(`/messages/${id}/resources/`))).toBe(true);
  });

  it("leaves groups that are not served and chatter not meant for the bot alone", async () => {
    t = await startLarkTestApp();
    await t.say({ chatId: "oc_other", from: REPORTER, text: REPORT });
    await t.say({ chatId: CHAT, from: REPORTER, text: "今天天气不错", mentionBot: false });
    expect(await t.app.prisma.inboxMessage.count()).toBe(0);
    expect(t.logs.some((l) => String(l.msg).includes("不在 LARK_CHATS 中"))).toBe(true);
  });

  it("answers a direct chat with a pointer to the work group (with im:message.p2p_msg:readonly)", async () => {
    t = await startLarkTestApp({ fake: { scopes: [...REQUIRED_SCOPES, "im:message.p2p_msg:readonly"] } });
    t.fake.chats.add("oc_p2p_chat");
    const id = await t.say({
      chatId: "oc_p2p_chat",
      from: REPORTER,
      text: REPORT,
      mentionBot: false,
      chatType: "p2p",
    });
    const answer = t.fake.botMessages("oc_p2p_chat");
    expect(answer).toHaveLength(1);
    expect(answer[0]?.parent_id).toBe(id);
    expect(await t.app.prisma.inboxMessage.count()).toBe(0);
  });

  it("refuses a button press from someone without the role, with a toast saying why", async () => {
    t = await startLarkTestApp();
    await t.say({ chatId: CHAT, from: REPORTER, text: REPORT });
    const card = t.cards()[0];
    if (!card) throw new Error("no card");
    const toast = await t.press(REPORTER, card.message_id, "收到");
    expect(toast.type).toBe("error");
    expect(toast.content).toMatch(/只有.*可以签收/);
    expect((await t.app.prisma.case.findFirstOrThrow()).state).toBe("dispatched");
    // Shown privately as a toast, not posted to the whole group.
    expect(t.fake.botMessages(CHAT).some((m) => m.content.includes("可以签收"))).toBe(false);
    // A button that is not ours gets a toast too, never silence.
    const foreign = t.fake.cardAction({ messageId: card.message_id, from: REPORTER, value: { other: "x" } });
    expect((await t.deliver(foreign)).body).toMatchObject({ toast: { type: "error" } });
  });
});

describe("Lark buttons that need more words", () => {
  it("回退 asks for the reason with a warning toast and in the card's thread", async () => {
    t = await startLarkTestApp();
    await t.say({ chatId: CHAT, from: REPORTER, text: REPORT });
    const card = t.cards()[0];
    if (!card) throw new Error("no card");
    const toast = await t.press(CHIEF.openId, card.message_id, "回退");
    expect(toast.type).toBe("warning");
    expect(toast.content).toContain("原因");
    const question = t.fake.botMessages(CHAT).find((m) => m.content.includes("回退原因"));
    expect(question?.parent_id).toBe(card.message_id);
    // The chief answers in the thread; the case goes back to the office.
    await t.say({ chatId: CHAT, from: CHIEF.openId, text: "回退 不属于本路段", parentId: card.message_id });
    expect((await t.app.prisma.case.findFirstOrThrow()).state).toBe("returned");
  });
});

describe("Lark events over the webhook", () => {
  it("answers the encrypted url_verification challenge", async () => {
    t = await startLarkTestApp({ mode: "webhook" });
    const challenge = { challenge: "ch-123", token: t.fake.verificationToken, type: "url_verification" };
    const res = await t.fake.postWebhook(t.webhookUrl, challenge, { encryptKey: ENCRYPT_KEY });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ challenge: "ch-123" });
  });

  it("rejects and logs a forged signature, then accepts the genuine event, four deliveries once", async () => {
    t = await startLarkTestApp({ mode: "webhook" });
    const { event } = t.fake.userMessage({ chatId: CHAT, from: REPORTER, text: REPORT });
    const forged = await t.fake.postWebhook(t.webhookUrl, event, { encryptKey: ENCRYPT_KEY, forge: true });
    expect(forged.status).toBe(401);
    const rejected = t.logs.find((l) => l.msg === "飞书回调请求被拒绝");
    expect(rejected?.reason).toBe("signature mismatch");
    expect(rejected?.level).toBe(40);
    await t.settle();
    expect(await t.app.prisma.inboxMessage.count()).toBe(0);

    // An unsigned request is refused as well; a signed one decrypts and goes in.
    const unsigned = await fetch(t.webhookUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(event),
    });
    expect(unsigned.status).toBe(401);
    for (let i = 0; i < 4; i++) expect((await t.deliver(event)).status).toBe(200);
    expect(await t.app.prisma.inboxMessage.count()).toBe(1);
    expect(await t.app.prisma.case.count()).toBe(1);
    expect(JSON.stringify(t.logs)).not.toContain(ENCRYPT_KEY);
  });

  it("answers a card callback with its toast in the HTTP response", async () => {
    t = await startLarkTestApp({ mode: "webhook" });
    await t.say({ chatId: CHAT, from: REPORTER, text: REPORT });
    const card = t.cards()[0];
    if (!card) throw new Error("no card");
    const toast = await t.press(CHIEF.openId, card.message_id, "收到");
    expect(toast.type).toBe("success");
    expect((await t.app.prisma.case.findFirstOrThrow()).state).toBe("in_progress");
  });

  it("rejects a wrong verification token even with a valid signature", async () => {
    t = await startLarkTestApp({ mode: "webhook" });
    const event = envelope({
      appId: t.fake.appId,
      token: "wrong",
      eventType: "im.message.receive_v1",
      event: {},
    });
    const res = await t.fake.postWebhook(t.webhookUrl, event, { encryptKey: ENCRYPT_KEY });
    expect(res.status).toBe(401);
  });
});

describe("Lark configuration", () => {
  const base = { LARK_APP_ID: "cli_a1b2c3d4e5f60718", LARK_APP_SECRET: "secret-0123456789" };

  it("refuses webhook mode without an encrypt key unless insecure mode is on, and says so", () => {
    expect(() => loadConfig({ ...base, LARK_MODE: "webhook" })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, LARK_MODE: "webhook" })).toThrow(
      /LARK_ENCRYPT_KEY.*LARK_ALLOW_INSECURE_WEBHOOK/s,
    );
    const insecure = loadConfig({ ...base, LARK_MODE: "webhook", LARK_ALLOW_INSECURE_WEBHOOK: "true" });
    expect(insecure.lark?.insecureWebhook).toBe(true);
  });

  it("checks the app id, the secret and the chat list, and keeps secrets out of the config's JSON", () => {
    expect(() => loadConfig({ ...base, LARK_APP_ID: "cli_short" })).toThrow(/LARK_APP_ID/);
    expect(() => loadConfig({ LARK_APP_ID: base.LARK_APP_ID })).toThrow(/LARK_APP_SECRET/);
    expect(() => loadConfig({ ...base, LARK_CHATS: "oc_a:boss" })).toThrow(/LARK_CHATS/);
    const c = loadConfig({ ...base, LARK_CHATS: "oc_a1, oc_b2:leadership", LARK_ENCRYPT_KEY: "ek-secret" });
    expect(c.lark?.chats).toEqual([
      { id: "oc_a1", role: "report" },
      { id: "oc_b2", role: "leadership" },
    ]);
    expect(c.lark?.mode).toBe("ws");
    expect(c.lark?.domain).toBe("https://open.feishu.cn");
    expect(c.lark?.urgentOverdue).toBe(false);
    expect(JSON.stringify(c)).not.toContain("secret-0123456789");
    expect(JSON.stringify(c)).not.toContain("ek-secret");
    expect(loadConfig({}).lark).toBeNull();
  });
});
