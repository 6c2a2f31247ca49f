/**
 * The Lark channel against the fake Open API, without the rest of the service: mentions, threads,
 * idempotent retries, token refresh, and what it tells the outbox when Lark says "too fast".
 */
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LarkApi } from "../../bots/lark/lark-api.ts";
import { LarkChannel, larkUuid } from "../../bots/lark/lark-channel.ts";
import type { CaseCardView, LarkCaseSource } from "../../bots/lark/lark-ports.ts";
import { PressRegistry } from "../../bots/lark/lark-presses.ts";
import { LarkRateLimiter } from "../../bots/lark/lark-rate-limiter.ts";
import type { Channel } from "../../src/core/ports.ts";
import type { OutboundMessage } from "../../src/core/types.ts";
import { ChannelSendError } from "../../src/notify/channel-error.ts";
import { FakeLarkOpenApi } from "../fakes/lark-open-api.ts";
import { REQUIRED_SCOPES } from "../fakes/lark-scopes.ts";
import { PNG_1PX } from "../helpers/test-app.ts";

const CHAT = "oc_channel_test";
let fake: FakeLarkOpenApi;

beforeEach(async () => {
  fake = await new FakeLarkOpenApi({
    chats: [CHAT],
    scopes: [...REQUIRED_SCOPES, "im:message.urgent"],
  }).start();
});
afterEach(async () => {
  await fake.close();
});

const noCases: LarkCaseSource = {
  view: async () => null,
  cards: async () => [],
  isBotMessage: async () => false,
};

function channel(opts: { limiter?: LarkRateLimiter; cases?: LarkCaseSource; urgentOverdue?: boolean } = {}) {
  const log = pino({ level: "silent" });
  const api = new LarkApi({
    appId: fake.appId,
    appSecret: fake.appSecret,
    domain: fake.url,
    log,
    secrets: [fake.appSecret],
  });
  const ch = new LarkChannel({
    api,
    limiter: opts.limiter ?? new LarkRateLimiter(),
    cases: opts.cases ?? noCases,
    media: {
      read: async (hash) => (hash === "h1" ? { data: new Uint8Array(PNG_1PX), mime: "image/png" } : null),
    },
    presses: new PressRegistry(),
    log,
    urgentOverdue: opts.urgentOverdue ?? false,
  });
  return ch satisfies Channel;
}

const msg = (over: Partial<OutboundMessage> = {}): OutboundMessage => ({
  chatId: `lark:${CHAT}`,
  text: "你好",
  mentions: [],
  kind: "reply",
  ...over,
});

describe("LarkChannel", () => {
  it("writes @-mentions as <at user_id> and replies in the thread of the message it answers", async () => {
    const ch = channel();
    const report = fake.userMessage({ chatId: CHAT, from: "ou_someone", text: "x" }).messageId;
    const { platformMessageId } = await ch.send(
      msg({
        text: "@黄卫东 请处置",
        mentions: [{ personId: "p6", name: "黄卫东", larkOpenId: "ou_zm0006" }],
        replyTo: report,
      }),
      { idempotencyKey: "k1" },
    );
    const sent = fake.messages.get(platformMessageId);
    expect(JSON.parse(sent?.content ?? "{}")).toEqual({ text: '<at user_id="ou_zm0006">黄卫东</at> 请处置' });
    expect(sent?.parent_id).toBe(report);
  });

  it("sends a message with photos as a post with the uploaded images", async () => {
    const ch = channel();
    const { platformMessageId } = await ch.send(msg({ text: "本周排名", imageHashes: ["h1"] }), {
      idempotencyKey: "k-chart",
    });
    const post = JSON.parse(fake.messages.get(platformMessageId)?.content ?? "{}") as {
      zh_cn: { content: { tag: string; image_key?: string }[][] };
    };
    const key = post.zh_cn.content.flat().find((e) => e.tag === "img")?.image_key ?? "";
    expect(fake.images.get(key)?.data.equals(PNG_1PX)).toBe(true);
    expect(fake.images.get(key)?.fileName).toMatch(/\.png$/);
  });

  it("uses the outbox key as Lark's uuid, so a retry after a lost answer sends nothing new", async () => {
    const ch = channel();
    const a = await ch.send(msg(), { idempotencyKey: "in:7:1" });
    const b = await ch.send(msg(), { idempotencyKey: "in:7:1" });
    expect(b.platformMessageId).toBe(a.platformMessageId);
    expect(fake.botMessages(CHAT)).toHaveLength(1);
    const long = "x".repeat(80);
    expect(larkUuid(long).length).toBeLessThanOrEqual(50);
    expect(larkUuid(long)).toBe(larkUuid(long));
    await ch.send(msg(), { idempotencyKey: long });
    expect(fake.botMessages(CHAT)).toHaveLength(2);
  });

  it("fetches a new tenant token when Lark says the cached one is invalid", async () => {
    const ch = channel();
    await ch.send(msg(), { idempotencyKey: "t1" });
    expect(fake.tokenRequests).toBe(1);
    fake.revokeTokens();
    await ch.send(msg(), { idempotencyKey: "t2" });
    expect(fake.tokenRequests).toBe(2);
    expect(fake.errors[99991663]).toBe(1);
    expect(fake.botMessages(CHAT)).toHaveLength(2);
  });

  it("falls back to the group when the message to reply to was recalled", async () => {
    const ch = channel();
    const report = fake.userMessage({ chatId: CHAT, from: "ou_someone", text: "x" }).messageId;
    fake.recall(report);
    const { platformMessageId } = await ch.send(msg({ replyTo: report }), { idempotencyKey: "r1" });
    expect(fake.messages.get(platformMessageId)?.parent_id).toBeUndefined();
  });

  it("tells the outbox when to retry on 230020 and on 429 with x-ogw-ratelimit-reset", async () => {
    // A limiter that allows more than Lark does, to provoke the fake.
    const loose = new LarkRateLimiter({ groupPerSecond: 100, appPerSecond: 100 });
    const ch = channel({ limiter: loose });
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => ch.send(msg(), { idempotencyKey: `f${i}` })),
    );
    const failed = results
      .filter((r): r is PromiseRejectedResult => r.status === "rejected")
      .map((r) => r.reason as ChannelSendError);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toBeInstanceOf(ChannelSendError);
    expect(failed[0]?.code).toBe("lark_frequency_limited");
    expect(failed[0]?.retryAfterMs).toBe(1_000);
    expect(failed[0]?.permanent).toBe(false);

    await fake.close();
    fake = await new FakeLarkOpenApi({ chats: ["oc_1", "oc_2", "oc_3"], appPerSecond: 3 }).start();
    const ch2 = channel({ limiter: new LarkRateLimiter({ appPerSecond: 100 }) });
    const sends = ["oc_1", "oc_2", "oc_3", "oc_1"].map((c, i) =>
      ch2.send(msg({ chatId: `lark:${c}` }), { idempotencyKey: `a${i}` }),
    );
    const out = await Promise.allSettled(sends);
    const limited = out.find((r): r is PromiseRejectedResult => r.status === "rejected")
      ?.reason as ChannelSendError;
    expect(limited.code).toBe("lark_rate_limited");
    expect(limited.retryAfterMs).toBe(1_000);
    expect(fake.errors[99991400]).toBe(1);
  });

  it("marks sends that cannot succeed as permanent (bot not in the group)", async () => {
    const ch = channel();
    const err = await ch
      .send(msg({ chatId: "lark:oc_not_a_member" }), { idempotencyKey: "p1" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelSendError);
    expect((err as ChannelSendError).permanent).toBe(true);
    expect((err as ChannelSendError).code).toBe("lark_230002");
    // The outbox logs this message when it gives up: it says what the operator can do.
    expect((err as ChannelSendError).message).toContain("把机器人拉进群，或从 LARK_CHATS 中删除该群");
  });

  it("makes a message about an overdue case urgent when configured", async () => {
    const view: CaseCardView = {
      number: "ZM20261126-009",
      state: "in_progress",
      stateLabel: "处置中",
      category: "垃圾站(箱)满溢（06042）",
      place: "商都大道",
      summary: "",
      handlerName: "黄卫东",
      deadline: "11月26日 12:00",
      light: "red",
      urgent: false,
      reworkCount: 0,
      pendingExtension: false,
      beforePhotos: [],
      afterPhotos: [],
    };
    const cases: LarkCaseSource = {
      view: async () => view,
      cards: async () => [],
      isBotMessage: async () => false,
    };
    const mention = { personId: "p6", name: "黄卫东", larkOpenId: "ou_zm0006" };
    const off = await channel({ cases }).send(
      msg({ caseNumber: view.number, mentions: [mention], text: "@黄卫东 已超期" }),
      { idempotencyKey: "u0" },
    );
    expect(fake.messages.get(off.platformMessageId)?.urgentFor).toEqual([]);
    const on = await channel({ cases, urgentOverdue: true }).send(
      msg({ caseNumber: view.number, mentions: [mention], text: "@黄卫东 已超期" }),
      {
        idempotencyKey: "u1",
      },
    );
    expect(fake.messages.get(on.platformMessageId)?.urgentFor).toEqual([["ou_zm0006"]]);
  });
});
