/**
 * Sending within DingTalk's rules, against the local fake: replies through a valid session webhook
 * (else the group-message API), one-to-one copies where a group message cannot @, photos uploaded,
 * the per-API rate limit kept, a renewed token, permanent errors named with the operator's fix, and
 * a retry after a partial failure that repeats nothing.
 */
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { DingtalkBot } from "../../bots/dingtalk/dingtalk-bot.ts";
import { toDingtalkConfig } from "../../bots/dingtalk/dingtalk-config.ts";
import { DingtalkRateLimiter } from "../../bots/dingtalk/dingtalk-rate-limiter.ts";
import type { OutboundMessage } from "../../src/core/types.ts";
import { ChannelSendError } from "../../src/notify/channel-error.ts";
import { FakeDingtalkOpenApi } from "../fakes/dingtalk-open-api.ts";
import { PNG_1PX } from "../helpers/test-app.ts";
import { CHAT, CHIEF, CITIZEN, type DingtalkTestApp, startDingtalkTestApp } from "./dingtalk-harness.ts";

const GROUPS = ["cidGroupA0000001==", "cidGroupB0000002==", "cidGroupC0000003=="];
const CHIEF_ID = "p_13907000006";
let fake: FakeDingtalkOpenApi | undefined;
let t: DingtalkTestApp | undefined;
afterEach(async () => {
  await t?.close();
  await fake?.close();
  t = undefined;
  fake = undefined;
});

async function standalone(opts: { limiter?: DingtalkRateLimiter } = {}) {
  fake = await new FakeDingtalkOpenApi({ chats: GROUPS, users: [CHIEF.staffId] }).start();
  const config = toDingtalkConfig({
    DINGTALK_CLIENT_ID: fake.clientId,
    DINGTALK_CLIENT_SECRET: fake.clientSecret,
    DINGTALK_CHATS: GROUPS.map((id) => ({ id, role: "report" as const })),
    DINGTALK_API_BASE: fake.url,
    DINGTALK_OAPI_BASE: fake.url,
  });
  if (!config) throw new Error("config");
  const bot = new DingtalkBot({
    config,
    log: pino({ level: "silent" }),
    inbox: { ingest: async () => ({ duplicate: false }) },
    people: {
      byUserId: (u) => (u === CHIEF.staffId ? { id: CHIEF_ID, name: CHIEF.nick } : undefined),
      userIdOf: (p) => (p === CHIEF_ID ? CHIEF.staffId : null),
    },
    media: {
      read: async (hash) => (hash === "h1" ? { data: new Uint8Array(PNG_1PX), mime: "image/png" } : null),
    },
    cards: { chatOfCard: async () => null },
    ...(opts.limiter ? { limiter: opts.limiter } : {}),
  });
  return { bot, fake };
}

const message = (over: Partial<OutboundMessage> = {}): OutboundMessage => ({
  chatId: `dingtalk:${GROUPS[0]}`,
  text: "@黄卫东 案件 ZM20261126-001 即将超时，请尽快处置",
  mentions: [{ personId: CHIEF_ID, name: CHIEF.nick }],
  kind: "reminder",
  caseNumber: "ZM20261126-001",
  ...over,
});

describe("DingTalk channel", () => {
  it("sends a reminder through the group API and reaches the chief one-to-one", async () => {
    const { bot, fake } = await standalone();
    const r = await bot.channel.send(message(), { idempotencyKey: "rem:1" });
    expect(r.platformMessageId).toMatch(/^pqk/);
    expect(fake.groupMessages).toHaveLength(1);
    const param = fake.groupMessages[0]?.param as { title: string; text: string };
    expect(fake.groupMessages[0]?.msgKey).toBe("sampleMarkdown");
    expect(param.title).toBe("案件 ZM20261126-001");
    expect(param.text).toContain("@黄卫东"); // cannot @ through this API: the name stays as text
    expect(fake.otoMessages.map((m) => m.userIds)).toEqual([[CHIEF.staffId]]);
    expect(String(fake.otoMessages[0]?.param.text)).toContain("已同时发在工作群");
    // A receipt is not copied to anyone.
    await bot.channel.send(message({ kind: "receipt", mentions: [] }), { idempotencyKey: "rc:1" });
    expect(fake.otoMessages).toHaveLength(1);
  });

  it("uploads photos and shows them in the markdown", async () => {
    const { bot, fake } = await standalone();
    await bot.channel.send(message({ kind: "digest", imageHashes: ["h1", "gone"] }), {
      idempotencyKey: "d:1",
    });
    const [mediaId] = [...fake.media.keys()];
    expect(fake.media.size).toBe(1);
    expect(String(fake.groupMessages[0]?.param.text)).toContain(`![](${mediaId})`);
  });

  it("renews a rejected token and retries only what failed", async () => {
    const { bot, fake } = await standalone();
    await bot.channel.send(message({ kind: "receipt", mentions: [] }), { idempotencyKey: "a" });
    fake.expireTokens();
    await bot.channel.send(message({ kind: "receipt", mentions: [] }), { idempotencyKey: "b" });
    expect(fake.errors.InvalidAuthentication).toBe(1);
    expect(fake.groupMessages).toHaveLength(2);
    // The one-to-one copy fails once: the retry sends it without posting into the group again.
    fake.failNext("/v1.0/robot/oToMessages/batchSend", 503, "ServiceUnavailable");
    await expect(bot.channel.send(message(), { idempotencyKey: "c" })).rejects.toBeInstanceOf(
      ChannelSendError,
    );
    await bot.channel.send(message(), { idempotencyKey: "c" });
    expect(fake.groupMessages).toHaveLength(3);
    expect(fake.otoMessages).toHaveLength(1);
  });

  it("names the operator's fix for a group the robot is not in, and gives up on it", async () => {
    const { bot } = await standalone();
    const err = await bot.channel
      .send(message({ chatId: "dingtalk:cidNotAMember00001==" }), { idempotencyKey: "x" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelSendError);
    expect((err as ChannelSendError).permanent).toBe(true);
    expect((err as ChannelSendError).message).toContain("在群设置 > 机器人中添加本应用的机器人");
  });

  it("keeps within 20 calls a second per API when many groups are sent to at once", async () => {
    const { bot, fake } = await standalone({ limiter: new DingtalkRateLimiter({ groupPerMinute: 1000 }) });
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 45 }, (_, i) =>
        bot.channel.send(message({ kind: "receipt", mentions: [], chatId: `dingtalk:${GROUPS[i % 3]}` }), {
          idempotencyKey: `k${i}`,
        }),
      ),
    );
    expect(fake.groupMessages).toHaveLength(45);
    expect(fake.errors["Forbidden.AccessDenied.QpsLimitForAppkeyAndApi"]).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000); // 45 calls at 20/s
  }, 20_000);

  it("replies through the session webhook while valid, and through the group API once it expired", async () => {
    t = await startDingtalkTestApp();
    const { fake, app } = t;
    const said = await fake.sendRobotMessage({ conversationId: CHAT, from: CITIZEN, text: "帮助" });
    await fake.acked(said.messageId);
    await t.settle();
    expect(fake.sessionReplies).toHaveLength(1);
    const before = fake.groupMessages.length;
    fake.expireSession(said.session);
    const reply = {
      ...message({ chatId: `dingtalk:${CHAT}`, kind: "reply" }),
      replyTo: String(said.data.msgId),
    };
    await app.dingtalk?.channel.send(reply, { idempotencyKey: "late" });
    expect(fake.sessionReplies).toHaveLength(1);
    expect(fake.groupMessages.length).toBe(before + 1);
  }, 20_000);
});
