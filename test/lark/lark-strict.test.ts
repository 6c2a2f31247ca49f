/**
 * Lark as its documentation says, against a fake as strict: the scopes the app was granted decide
 * which group messages arrive and which calls work; errors an admin must fix are given up at once,
 * with the fix; photos are uploaded with a file name and a known length; a pressed card is answered
 * with its new content in the callback, never patched while the callback is open; replies quote
 * the message they answer; card callbacks are dated in microseconds.
 */
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { LarkApi } from "../../bots/lark/lark-api.ts";
import { LarkChannel } from "../../bots/lark/lark-channel.ts";
import { PressRegistry } from "../../bots/lark/lark-presses.ts";
import { LarkRateLimiter } from "../../bots/lark/lark-rate-limiter.ts";
import type { OutboundMessage } from "../../src/core/types.ts";
import { ChannelSendError } from "../../src/notify/channel-error.ts";
import { FakeLarkOpenApi, type FakeLarkOptions } from "../fakes/lark-open-api.ts";
import { REQUIRED_SCOPES } from "../fakes/lark-scopes.ts";
import { PNG_1PX } from "../helpers/test-app.ts";
import {
  buttonLabels,
  buttonValue,
  CHAT,
  CHIEF,
  cardNow,
  type LarkTestApp,
  REPORTER,
  startLarkTestApp,
} from "./lark-harness.ts";

let t: LarkTestApp | undefined;
let fake: FakeLarkOpenApi | undefined;
afterEach(async () => {
  await t?.close();
  await fake?.close();
  t = undefined;
  fake = undefined;
});

const REPORT = "商都大道民康路口东北角垃圾桶满了";

async function channelOn(options: FakeLarkOptions) {
  fake = await new FakeLarkOpenApi({ chats: [CHAT], ...options }).start();
  const log = pino({ level: "silent" });
  const api = new LarkApi({
    appId: fake.appId,
    appSecret: fake.appSecret,
    domain: fake.url,
    log,
    secrets: [],
  });
  return new LarkChannel({
    api,
    limiter: new LarkRateLimiter(),
    cases: { view: async () => null, cards: async () => [], isBotMessage: async () => false },
    media: { read: async () => ({ data: new Uint8Array(PNG_1PX), mime: "image/png" }) },
    presses: new PressRegistry(),
    log,
    urgentOverdue: false,
  });
}

const msg = (over: Partial<OutboundMessage> = {}): OutboundMessage => ({
  chatId: `lark:${CHAT}`,
  text: "每日简报",
  mentions: [],
  kind: "reply",
  ...over,
});

async function sendError(p: Promise<unknown>): Promise<ChannelSendError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ChannelSendError);
  return e as ChannelSendError;
}

describe("Lark, as strict as its documentation", () => {
  it("uploads a photo with a file name and a known Content-Length", async () => {
    const ch = await channelOn({});
    await ch.send(msg({ imageHashes: ["h1"] }), { idempotencyKey: "k-upload" });
    const upload = fake?.requests.find((r) => r.path === "/open-apis/im/v1/images");
    expect(upload?.headers["content-length"]).toMatch(/^\d+$/);
    expect(upload?.headers["transfer-encoding"]).toBeUndefined();
    const [image] = [...(fake?.images.values() ?? [])];
    expect(image?.fileName).toMatch(/\.png$/);
    expect(image?.data.equals(PNG_1PX)).toBe(true);
  });

  it.each([
    [{ scopes: REQUIRED_SCOPES.filter((s) => s !== "im:resource") }, 99991672, "im:resource"],
    [{ mutedChats: [CHAT] }, 230035, "禁言"],
    [{ dissolvedChats: [CHAT] }, 232009, "已解散"],
    [{ botAbilityOff: true }, 230006, "机器人能力"],
  ] as [FakeLarkOptions, number, string][])(
    "gives up at once on %j (code %i), saying what to fix",
    async (options, code, fix) => {
      const ch = await channelOn(options);
      const images = code === 99991672 ? { imageHashes: ["h1"] } : {};
      const e = await sendError(ch.send(msg(images), { idempotencyKey: `k-${code}` }));
      expect(e.code).toBe(`lark_${code}`);
      expect(e.permanent).toBe(true);
      expect(e.message).toContain(fix);
    },
  );

  it("replies quote the message they answer: reply_in_thread is not sent", async () => {
    const ch = await channelOn({});
    const report = fake?.userMessage({ chatId: CHAT, from: REPORTER, text: REPORT }).messageId ?? "";
    const { platformMessageId } = await ch.send(msg({ replyTo: report }), { idempotencyKey: "k-quote" });
    const reply = fake?.messages.get(platformMessageId);
    expect(reply?.parent_id).toBe(report);
    expect(reply?.replyInThread).toBeUndefined();
  });

  it("with only the required scopes, Lark withholds replies without an @ and lone photos; im:message.group_msg brings them", async () => {
    t = await startLarkTestApp();
    await t.say({ chatId: CHAT, from: REPORTER, text: REPORT });
    const [card] = t.cards();
    const reply = t.fake.userMessage({
      chatId: CHAT,
      from: CHIEF.openId,
      text: "收到",
      mentionBot: false,
      parentId: card?.message_id,
    });
    expect((await t.deliver(reply.event)).delivered).toBe(false);
    const photo = t.fake.userMessage({
      chatId: CHAT,
      from: REPORTER,
      images: [PNG_1PX],
      type: "image",
      mentionBot: false,
    });
    expect((await t.deliver(photo.event)).delivered).toBe(false);
    expect(t.fake.undelivered.map((u) => u.needs)).toEqual([
      ["im:message.group_msg"],
      ["im:message.group_msg"],
    ]);
    await t.close();

    t = await startLarkTestApp({ fake: { scopes: [...REQUIRED_SCOPES, "im:message.group_msg"] } });
    await t.say({ chatId: CHAT, from: REPORTER, text: REPORT });
    const [card2] = t.cards();
    await t.say({
      chatId: CHAT,
      from: CHIEF.openId,
      text: "收到",
      mentionBot: false,
      parentId: card2?.message_id,
    });
    expect((await t.app.prisma.case.findFirstOrThrow()).state).toBe("in_progress");
  });

  it("a photo Lark will not let the app download (no im:message) is said once with the scope to grant", async () => {
    t = await startLarkTestApp({
      fake: { scopes: ["im:message:send_as_bot", "im:message.group_at_msg:readonly", "im:resource"] },
    });
    const reportId = await t.say({
      chatId: CHAT,
      from: REPORTER,
      text: REPORT,
      images: [PNG_1PX],
      type: "post",
    });
    const downloads = t.fake.requests.filter((r) => r.path.includes("/resources/"));
    expect(downloads).toHaveLength(1); // not retried
    const line = t.logs.find((l) => String(l.msg).startsWith("下载飞书照片失败"));
    expect(String(line?.msg)).toContain("im:message");
    // The sender is answered (asked to send the photo again), not left waiting.
    expect(t.fake.botMessages(CHAT).some((m) => m.parent_id === reportId)).toBe(true);
  });

  it("answers a press with the re-rendered card in the callback and never patches it while the callback is open", async () => {
    t = await startLarkTestApp({ liveOutbox: true });
    await t.say({ chatId: CHAT, from: REPORTER, text: REPORT });
    const [card] = t.cards();
    if (!card) throw new Error("no card");
    const value = buttonValue(cardNow(card), "收到");
    expect(value).toMatchObject({ luzhang: 1, command: "收到", case: expect.stringMatching(/^ZM/) });
    const event = t.fake.cardAction({ messageId: card.message_id, from: CHIEF.openId, value });
    const { body } = await t.deliver(event);
    expect((body.toast as { type: string }).type).toBe("success");
    const raw = body.card as { type: string; data: unknown } | undefined;
    expect(raw?.type).toBe("raw");
    expect(JSON.stringify(raw?.data)).toContain("处置中");
    expect(card.patchesDuringCallback).toBe(0);
    expect(JSON.stringify(cardNow(card))).toContain("处置中");
    expect(buttonLabels(cardNow(card))).toEqual(["已整改", "回退", "吹哨"]);
    // The press is dated now, read from Lark's microseconds.
    const press = await t.app.prisma.inboxMessage.findFirstOrThrow({
      where: { platformMessageId: { contains: "#" } },
    });
    const sentAt = new Date((JSON.parse(press.raw) as { sentAt: string }).sentAt);
    expect(Math.abs(sentAt.getTime() - Date.now())).toBeLessThan(60_000);
  });
});
