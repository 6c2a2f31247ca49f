import { get } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { MAX_IMAGE_BYTES, SIM_POST_BODY_LIMIT } from "../../bots/simulator/sim-post-message.ts";
import type { OutboundMessage } from "../../src/core/types.ts";
import { buildSimApp, FIXED_NOW, type SimHarness } from "./sim-harness.ts";

const CHINESE = /\p{Script=Han}/u;
const PNG_BYTES = Uint8Array.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x10, 0x80, 0x7f,
]);
const JPEG_BYTES = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);

function dataUrl(mime: string, bytes: Uint8Array): string {
  return `data:${mime};base64,${Buffer.from(bytes).toString("base64")}`;
}

function validPost(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    clientMessageId: "c-0001",
    senderId: "p_0006",
    text: "商都大道与民康路交叉口垃圾桶满了 @廖红梅 请核查",
    images: [dataUrl("image/png", PNG_BYTES), dataUrl("image/jpeg", JPEG_BYTES)],
    replyTo: "sim-out-7",
    mentionBot: true,
    ...overrides,
  };
}

function botMessage(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    chatId: "sim:demo",
    text: "@王建国 您有一个新任务：商都大道垃圾桶满溢，请于今天 17:30 前处置。",
    mentions: [{ personId: "p_0006", name: "王建国" }],
    caseNumber: "ZM20261126-001",
    actions: [{ label: "收到", command: "收到", for: "handler" }],
    kind: "assignment",
    ...overrides,
  };
}

let harness: SimHarness | undefined;

afterEach(async () => {
  await harness?.app.close();
  harness = undefined;
});

async function post(h: SimHarness, payload: unknown) {
  return h.app.inject({
    method: "POST",
    url: "/api/sim/messages",
    payload: payload as Record<string, unknown>,
  });
}

describe("POST /api/sim/messages", () => {
  it("records the message and hands ingest one InboundMessage with decoded image bytes", async () => {
    harness = buildSimApp();
    const response = await post(harness, validPost());

    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ ok: true, duplicate: false });
    expect(harness.ingested).toHaveLength(1);
    const message = harness.ingested[0];
    expect(message).toEqual({
      channel: "sim",
      chatId: "sim:demo",
      messageId: "c-0001",
      sender: { key: "sim:p_0006", name: "王建国" },
      text: "商都大道与民康路交叉口垃圾桶满了 @廖红梅 请核查",
      mentionsBot: true,
      mentions: [{ key: "sim:p_0046", name: "廖红梅" }],
      images: [
        { data: PNG_BYTES, mime: "image/png" },
        { data: JPEG_BYTES, mime: "image/jpeg" },
      ],
      replyTo: "sim-out-7",
      sentAt: FIXED_NOW,
    });
    expect(message?.images[0]?.data).toBeInstanceOf(Uint8Array);
    expect([...(message?.images[0]?.data ?? [])]).toEqual([...PNG_BYTES]);

    const entries = await harness.transcript.list({ chatId: "sim:demo", afterId: 0, limit: 10 });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      key: "in:c-0001",
      direction: "in",
      payload: {
        senderId: "p_0006",
        senderName: "王建国",
        text: "商都大道与民康路交叉口垃圾桶满了 @廖红梅 请核查",
        imageCount: 2,
        replyTo: "sim-out-7",
      },
    });
  });

  it("appends a retried clientMessageId once and reports the duplicate", async () => {
    harness = buildSimApp();
    const first = await post(harness, validPost());
    const second = await post(harness, validPost());

    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(202);
    expect(second.json()).toEqual({ ok: true, duplicate: true });
    const entries = await harness.transcript.list({ chatId: "sim:demo", afterId: 0, limit: 10 });
    expect(entries).toHaveLength(1);
  });

  it("sends a guest as sim:guest with the typed name, and a missing name as 游客", async () => {
    harness = buildSimApp();
    await post(
      harness,
      validPost({ clientMessageId: "g1", senderId: "guest", guestName: " 李女士 ", images: [] }),
    );
    await post(
      harness,
      validPost({ clientMessageId: "g2", senderId: "guest", mentionBot: false, text: "你好" }),
    );

    expect(harness.ingested.map((m) => m.sender)).toEqual([
      { key: "sim:guest", name: "李女士" },
      { key: "sim:guest", name: "游客" },
    ]);
    expect(harness.ingested[1]?.mentionsBot).toBe(false);
  });

  it("counts an @路长通 typed in the text as mentioning the bot", async () => {
    harness = buildSimApp();
    await post(harness, validPost({ mentionBot: false, text: "@路长通 我的任务", images: [] }));
    expect(harness.ingested[0]?.mentionsBot).toBe(true);
  });

  const tooLargeImage = `data:image/png;base64,${"A".repeat((Math.ceil(MAX_IMAGE_BYTES / 3) + 1) * 4)}`;
  const badInputs: [string, unknown, RegExp][] = [
    ["an empty body", undefined, /为空/],
    ["an array body", [1, 2], /JSON 对象/],
    ["no clientMessageId", validPost({ clientMessageId: undefined }), /消息编号/],
    ["an over-long clientMessageId", validPost({ clientMessageId: "x".repeat(101) }), /消息编号/],
    ["text over 20000 characters", validPost({ text: "路".repeat(20_001) }), /20000/],
    ["neither text nor images", validPost({ text: "  ", images: [] }), /消息不能为空/],
    ["a non-image data URL", validPost({ images: ["data:text/plain;base64,aGVsbG8="] }), /第 1 张图片/],
    [
      "an SVG image",
      validPost({ images: ["data:image/svg+xml;base64,PHN2Zy8+"] }),
      /第 1 张图片的格式不支持/,
    ],
    ["an empty image", validPost({ images: ["data:image/png;base64,"] }), /第 1 张图片不是有效的图片数据/],
    [
      "a data URL with bad base64",
      validPost({ images: [dataUrl("image/png", PNG_BYTES), "data:image/png;base64,@@@@"] }),
      /第 2 张图片/,
    ],
    ["an image that is not a data URL", validPost({ images: ["https://example.com/a.png"] }), /第 1 张图片/],
    ["an image over 8 MB", validPost({ images: [tooLargeImage] }), /超过 8 MB/],
    [
      "five images",
      validPost({ images: Array.from({ length: 5 }, () => dataUrl("image/png", PNG_BYTES)) }),
      /最多附 4 张/,
    ],
    ["an unknown sender", validPost({ senderId: "p_9999" }), /找不到这位发送人/],
    ["mentionBot missing", validPost({ mentionBot: undefined }), /mentionBot/],
    ["an over-long replyTo", validPost({ replyTo: "r".repeat(201) }), /引用的消息/],
    ["text that is not a string", validPost({ text: 42 }), /消息文字/],
  ];

  it.each(badInputs)("rejects %s with 400 and a Chinese message", async (_name, payload, message) => {
    harness = buildSimApp();
    const response =
      payload === undefined
        ? await harness.app.inject({ method: "POST", url: "/api/sim/messages" })
        : await post(harness, payload);

    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.ok).toBe(false);
    expect(body.error).toMatch(CHINESE);
    expect(body.error).toMatch(message);
    expect(harness.ingested).toHaveLength(0);
    expect(await harness.transcript.list({ chatId: "sim:demo", afterId: 0, limit: 10 })).toHaveLength(0);
  });

  it("answers an empty or broken JSON body in Chinese", async () => {
    harness = buildSimApp();
    const empty = await harness.app.inject({
      method: "POST",
      url: "/api/sim/messages",
      headers: { "content-type": "application/json" },
      body: "",
    });
    const broken = await harness.app.inject({
      method: "POST",
      url: "/api/sim/messages",
      headers: { "content-type": "application/json" },
      body: '{"text": ',
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error).toBe("请求内容为空");
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error).toBe("请求内容不是有效的 JSON");
  });

  it("accepts four 8 MB photos but refuses a body over the route's limit with 413", async () => {
    harness = buildSimApp();
    const largest = new Uint8Array(MAX_IMAGE_BYTES).fill(7);
    const fourLargest = await post(
      harness,
      validPost({
        text: "路".repeat(20_000),
        images: Array.from({ length: 4 }, () => dataUrl("image/jpeg", largest)),
      }),
    );
    expect(fourLargest.statusCode).toBe(202);
    expect(harness.ingested[0]?.images.map((image) => image.data.length)).toEqual(
      Array(4).fill(MAX_IMAGE_BYTES),
    );

    const tooBig = await harness.app.inject({
      method: "POST",
      url: "/api/sim/messages",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ pad: "x".repeat(SIM_POST_BODY_LIMIT) }),
    });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().error).toMatch(/请求太大/);
  });

  it("keeps the typed message when ingest fails, answers 503 in Chinese, and a retry goes through", async () => {
    let failures = 1;
    harness = buildSimApp({
      onIngest: () => {
        if (failures-- > 0) throw new Error("inbox unavailable");
      },
    });
    const failed = await post(harness, validPost());
    expect(failed.statusCode).toBe(503);
    expect(failed.json().error).toMatch(CHINESE);
    expect(await harness.transcript.list({ chatId: "sim:demo", afterId: 0, limit: 10 })).toHaveLength(1);

    const retried = await post(harness, validPost());
    expect(retried.statusCode).toBe(202);
    expect(await harness.transcript.list({ chatId: "sim:demo", afterId: 0, limit: 10 })).toHaveLength(1);
  });
});

describe("GET routes", () => {
  it("lists both directions after an id, with platform message ids", async () => {
    harness = buildSimApp();
    await post(harness, validPost({ images: [] }));
    const sent = await harness.channel.send(botMessage(), { idempotencyKey: "outbox:1" });
    expect(sent).toEqual({ platformMessageId: "sim-out-2" });

    const all = (await harness.app.inject({ url: "/api/sim/messages?after=0" })).json();
    expect(all.hasMore).toBe(false);
    expect(
      all.entries.map((e: { messageId: string; direction: string }) => [e.direction, e.messageId]),
    ).toEqual([
      ["in", "c-0001"],
      ["out", "sim-out-2"],
    ]);
    expect(all.entries[0].at).toBe(FIXED_NOW.toISOString());
    expect(all.entries[1].payload.caseNumber).toBe("ZM20261126-001");

    const later = (await harness.app.inject({ url: "/api/sim/messages?after=1" })).json();
    expect(later.entries.map((e: { id: number }) => e.id)).toEqual([2]);

    const bad = await harness.app.inject({ url: "/api/sim/messages?after=-1" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(CHINESE);
  });

  it("pages long transcripts", async () => {
    harness = buildSimApp();
    for (let i = 0; i < 205; i += 1)
      await harness.channel.send(botMessage({ text: `第${i}条` }), { idempotencyKey: `k${i}` });
    const first = (await harness.app.inject({ url: "/api/sim/messages" })).json();
    expect(first.entries).toHaveLength(200);
    expect(first.hasMore).toBe(true);
    const rest = (await harness.app.inject({ url: "/api/sim/messages?after=200" })).json();
    expect(rest.entries).toHaveLength(5);
    expect(rest.hasMore).toBe(false);
  });

  it("serves the page, its assets and the roster with a guest option", async () => {
    harness = buildSimApp();
    const page = await harness.app.inject({ url: "/" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toMatch(/text\/html/);
    expect(page.body).toContain("路长通");
    const script = await harness.app.inject({ url: "/sim/app.js" });
    expect(script.statusCode).toBe(200);
    expect(script.headers["content-type"]).toMatch(/javascript/);
    const style = await harness.app.inject({ url: "/sim/style.css" });
    expect(style.statusCode).toBe(200);

    const people = (await harness.app.inject({ url: "/api/sim/people" })).json();
    expect(people.botName).toBe("路长通");
    expect(people.guest).toEqual({ id: "guest", name: "游客" });
    expect(people.people[0]).toEqual({
      id: "p_0006",
      name: "王建国",
      title: "商都大道（人文路—听篌街）三级路长",
      roles: ["chief3"],
    });
  });
});

describe("GET /api/sim/events", () => {
  it("streams a bot message sent through the channel, once, and unsubscribes on disconnect", async () => {
    harness = buildSimApp();
    await harness.app.listen({ host: "127.0.0.1", port: 0 });
    const { port } = harness.app.server.address() as AddressInfo;
    const abort = new AbortController();
    const response = await fetch(`http://127.0.0.1:${port}/api/sim/events`, { signal: abort.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = response.body?.getReader();
    if (!reader) throw new Error("no body");
    const decoder = new TextDecoder();
    let received = "";
    const readUntil = async (needle: string) => {
      while (!received.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${needle}`);
        received += decoder.decode(value, { stream: true });
      }
    };

    await readUntil(": connected");
    expect(harness.channel.subscriberCount).toBe(1);
    await harness.channel.send(botMessage(), { idempotencyKey: "outbox:42" });
    await harness.channel.send(botMessage(), { idempotencyKey: "outbox:42" }); // outbox retry: no second event
    await harness.channel.send(botMessage({ chatId: "sim:other", text: "别的群" }), {
      idempotencyKey: "outbox:43",
    });
    await post(harness, validPost({ clientMessageId: "after-bot", images: [] }));
    await readUntil("after-bot");

    const events = received
      .split("\n\n")
      .filter((block) => block.includes("event: entry"))
      .map((block) =>
        JSON.parse(
          block
            .split("\n")
            .find((line) => line.startsWith("data: "))
            ?.slice(6) ?? "null",
        ),
      );
    expect(events.map((e) => e.messageId)).toEqual(["sim-out-1", "after-bot"]);
    expect(events[0]).toMatchObject({
      id: 1,
      direction: "out",
      payload: { text: botMessage().text, mentions: [{ personId: "p_0006", name: "王建国" }] },
    });
    expect(received).toContain("id: 1\n");

    abort.abort();
    await expect.poll(() => harness?.channel.subscriberCount).toBe(0);
  });

  it("ends open streams when the app closes, so shutdown does not wait for browser tabs", async () => {
    harness = buildSimApp({ forceCloseConnections: "idle" }); // fastify's default
    await harness.app.listen({ host: "127.0.0.1", port: 0 });
    const { port } = harness.app.server.address() as AddressInfo;
    const ended = new Promise<string>((resolve, reject) => {
      get(`http://127.0.0.1:${port}/api/sim/events`, (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          body += chunk;
        });
        response.on("end", () => resolve(body));
      }).on("error", reject);
    });
    await expect.poll(() => harness?.channel.subscriberCount).toBe(1);

    const started = Date.now();
    await harness.app.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await ended).toContain(": connected");
    expect(harness.channel.subscriberCount).toBe(0);
    harness = undefined;
  });
});
