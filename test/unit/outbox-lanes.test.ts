/**
 * The outbox sends to remote chats in lanes: one chat's messages in order, one after another, while
 * other chats go on at the same time, so a slow or rate-limited group does not hold up the rest.
 */

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/app/create-app.ts";
import { loadConfig } from "../../src/config.ts";
import type { Channel } from "../../src/core/ports.ts";
import type { OutboundMessage } from "../../src/core/types.ts";
import { ChannelSendError } from "../../src/notify/channel-error.ts";
import { toDbDate } from "../../src/store/sql.ts";

class SlowChannel implements Channel {
  readonly name = "slow";
  readonly log: { chatId: string; text: string; start: number; end: number }[] = [];
  failOnce = new Set<string>();
  constructor(private readonly delayMs: Record<string, number>) {}
  async send(message: OutboundMessage): Promise<{ platformMessageId: string }> {
    const start = performance.now();
    if (this.failOnce.delete(message.text))
      throw new ChannelSendError("boom", { code: "test", retryAfterMs: 60_000 });
    await new Promise((r) => setTimeout(r, this.delayMs[message.chatId] ?? 0));
    this.log.push({ chatId: message.chatId, text: message.text, start, end: performance.now() });
    return { platformMessageId: `${message.chatId}/${message.text}` };
  }
}

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(channel: Channel): Promise<App> {
  const dir = mkdtempSync(join(tmpdir(), "luzhang-lanes-"));
  const config = loadConfig({
    DATA_DIR: dir,
    LOG_LEVEL: "silent",
    SIMULATOR: "false",
    LOAD_DEMO_ROSTER: "false",
  });
  app = await createApp({ config, log: pino({ level: "silent" }), channels: [channel], startOutbox: false });
  return app;
}

function enqueue(app: App, chatId: string, text: string) {
  const message: OutboundMessage = { chatId, text, mentions: [], kind: "reply" };
  app.sql.run(
    'INSERT INTO "OutboxMessage" (idempotencyKey, channel, chatId, payload, kind, nextAttemptAt, createdAt) VALUES (?, ?, ?, ?, ?, ?, ?)',
    `lane:${chatId}:${text}`,
    "slow",
    chatId,
    JSON.stringify(message),
    "reply",
    toDbDate(new Date(0)),
    toDbDate(new Date()),
  );
}

describe("outbox lanes", () => {
  it("sends other chats while one chat is slow, and keeps each chat's order", async () => {
    const slow = new SlowChannel({ "slow:a": 150 });
    const a0 = await start(slow);
    for (const text of ["a1", "a2", "a3"]) enqueue(a0, "slow:a", text);
    for (const text of ["b1", "b2", "b3"]) enqueue(a0, "slow:b", text);
    await a0.outbox.drain();
    const a = slow.log.filter((e) => e.chatId === "slow:a");
    const b = slow.log.filter((e) => e.chatId === "slow:b");
    expect(a.map((e) => e.text)).toEqual(["a1", "a2", "a3"]);
    expect(b.map((e) => e.text)).toEqual(["b1", "b2", "b3"]);
    // Chat b was done before chat a's first message was.
    expect(Math.max(...b.map((e) => e.end))).toBeLessThan(a[0]?.end ?? 0);
    // Within a chat, one at a time.
    expect((a[1]?.start ?? 0) >= (a[0]?.end ?? 0)).toBe(true);
  });

  it("a failed message waits for its retry without holding the other chats", async () => {
    const slow = new SlowChannel({ "slow:a": 50 });
    slow.failOnce.add("a1");
    const a0 = await start(slow);
    for (const text of ["a1", "a2"]) enqueue(a0, "slow:a", text);
    enqueue(a0, "slow:b", "b1");
    await a0.outbox.drain();
    expect(slow.log.map((e) => e.text)).toContain("b1");
    const rows = a0.sql.all<{ text: string; status: string; attempts: number }>(
      "SELECT json_extract(payload, '$.text') AS text, status, attempts FROM \"OutboxMessage\" ORDER BY id",
    );
    expect(rows.find((r) => r.text === "a1")).toMatchObject({ status: "pending", attempts: 1 });
    expect(rows.find((r) => r.text === "b1")).toMatchObject({ status: "sent" });
  });
});
