import { describe, expect, it } from "vitest";
import { MemorySimTranscript, type TranscriptEntry } from "../../bots/simulator/sim-transcript.ts";
import { SimulatorChannel } from "../../bots/simulator/simulator-channel.ts";
import type { Channel } from "../../src/core/ports.ts";
import type { OutboundMessage } from "../../src/core/types.ts";

const at = new Date("2026-11-26T01:00:00.000Z");
const message: OutboundMessage = { chatId: "sim:demo", text: "帮助信息", mentions: [], kind: "reply" };

function build() {
  const transcript = new MemorySimTranscript();
  const channel = new SimulatorChannel({ transcript, clock: { now: () => at } }) satisfies Channel;
  return { transcript, channel };
}

describe("SimulatorChannel", () => {
  it("is the channel named sim", () => {
    expect(build().channel.name).toBe("sim");
  });

  it("sends once per idempotency key and notifies subscribers only for a new entry", async () => {
    const { channel, transcript } = build();
    const heard: TranscriptEntry[] = [];
    channel.onEntry((entry) => heard.push(entry));

    const first = await channel.send(message, { idempotencyKey: "outbox:1" });
    const again = await channel.send({ ...message, text: "改过的文字" }, { idempotencyKey: "outbox:1" });
    const second = await channel.send(message, { idempotencyKey: "outbox:2" });

    expect(first).toEqual({ platformMessageId: "sim-out-1" });
    expect(again).toEqual({ platformMessageId: "sim-out-1" });
    expect(second).toEqual({ platformMessageId: "sim-out-2" });
    expect(heard.map((entry) => entry.id)).toEqual([1, 2]);
    expect(heard[0]).toEqual({
      id: 1,
      key: "outbox:1",
      chatId: "sim:demo",
      direction: "out",
      payload: message,
      at,
    });
    const stored = await transcript.list({ chatId: "sim:demo", afterId: 0, limit: 10 });
    expect(stored.map((entry) => entry.payload.text)).toEqual(["帮助信息", "帮助信息"]);
  });

  it("stops notifying after unsubscribe, and one throwing listener does not stop the others", async () => {
    const errors: unknown[] = [];
    const transcript = new MemorySimTranscript();
    const channel = new SimulatorChannel({ transcript, onListenerError: (error) => errors.push(error) });
    const heard: number[] = [];
    channel.onEntry(() => {
      throw new Error("broken stream");
    });
    const unsubscribe = channel.onEntry((entry) => heard.push(entry.id));
    expect(channel.subscriberCount).toBe(2);

    await channel.send(message, { idempotencyKey: "a" });
    unsubscribe();
    await channel.send(message, { idempotencyKey: "b" });

    expect(heard).toEqual([1]);
    expect(errors).toHaveLength(2);
    expect(channel.subscriberCount).toBe(1);
  });

  it("records a typed message once per client message id", async () => {
    const { channel } = build();
    const heard: TranscriptEntry[] = [];
    channel.onEntry((entry) => heard.push(entry));
    const payload = { senderId: "guest", senderName: "游客", text: "你好", imageCount: 0 };
    const first = await channel.recordUserMessage({ clientMessageId: "c1", chatId: "sim:demo", payload });
    const retry = await channel.recordUserMessage({ clientMessageId: "c1", chatId: "sim:demo", payload });
    expect(first).toEqual({ id: 1, created: true });
    expect(retry).toEqual({ id: 1, created: false });
    expect(heard).toHaveLength(1);
    expect(heard[0]?.key).toBe("in:c1");
  });
});

describe("MemorySimTranscript", () => {
  it("lists by chat after an id, oldest first, up to a limit, and keeps its own copies", async () => {
    const transcript = new MemorySimTranscript();
    const payload = { senderId: "guest", senderName: "游客", text: "一", imageCount: 0 };
    await transcript.append({ key: "a", chatId: "sim:demo", direction: "in", payload, at });
    await transcript.append({ key: "b", chatId: "sim:other", direction: "in", payload, at });
    await transcript.append({ key: "c", chatId: "sim:demo", direction: "out", payload: message, at });
    await transcript.append({ key: "d", chatId: "sim:demo", direction: "in", payload, at });
    payload.text = "改";

    expect((await transcript.list({ chatId: "sim:demo", afterId: 0, limit: 10 })).map((e) => e.key)).toEqual([
      "a",
      "c",
      "d",
    ]);
    expect((await transcript.list({ chatId: "sim:demo", afterId: 1, limit: 1 })).map((e) => e.key)).toEqual([
      "c",
    ]);
    const [first] = await transcript.list({ chatId: "sim:demo", afterId: 0, limit: 1 });
    expect(first?.payload.text).toBe("一");
  });
});
