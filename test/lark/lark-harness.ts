/**
 * The whole service with the Lark bot configured against the local fake Lark Open API: the real SDK
 * talks to the fake over HTTP and (in ws mode) the long connection. Logs are kept for assertions.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { LARK_WEBHOOK_PATH } from "../../bots/lark/lark-bot.ts";
import { type App, createApp } from "../../src/app/create-app.ts";
import { loadConfig } from "../../src/config.ts";
import type { LarkEventEnvelope } from "../fakes/lark-fake-events.ts";
import { FakeLarkOpenApi, type FakeLarkOptions, type FakeMessage } from "../fakes/lark-open-api.ts";
import { FakeClock } from "../helpers/test-app.ts";

export const CHAT = "oc_zhongmou01";
export const REPORTER = "ou_citizen01";
export const CHIEF = { openId: "ou_zm0006", name: "黄卫东" };
export const INSPECTOR = { openId: "ou_zm0046", name: "廖红梅" };
export const ENCRYPT_KEY = "encrypt-key-for-tests-0123";

export interface LarkTestApp {
  app: App;
  fake: FakeLarkOpenApi;
  clock: FakeClock;
  logs: Record<string, unknown>[];
  webhookUrl: string;
  /**
   * Delivers an event the configured way, waits until it is processed and the outbox is drained.
   * `delivered: false` when Lark would not send it to the app (a scope it was not granted).
   */
  deliver(
    event: LarkEventEnvelope,
  ): Promise<{ status: number; body: Record<string, unknown>; delivered?: false }>;
  /** Sends a person's message (text, or post with photos) and processes it. */
  say(input: Parameters<FakeLarkOpenApi["userMessage"]>[0]): Promise<string>;
  /** Presses a card button; returns the toast. */
  press(from: string, cardId: string, command: string): Promise<{ type: string; content: string }>;
  settle(): Promise<void>;
  cards(): FakeMessage[];
  close(): Promise<void>;
}

export async function startLarkTestApp(
  opts: {
    mode?: "ws" | "webhook";
    env?: Record<string, string>;
    fake?: FakeLarkOptions;
    /** Run the outbox worker as the service does (sends start as soon as a message is processed). */
    liveOutbox?: boolean;
  } = {},
): Promise<LarkTestApp> {
  const mode = opts.mode ?? "ws";
  const fake = await new FakeLarkOpenApi({ chats: [CHAT, "oc_other"], ...opts.fake }).start();
  const dir = mkdtempSync(join(tmpdir(), "luzhang-lark-"));
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean))
        logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const config = loadConfig({
    DATA_DIR: dir,
    LOG_LEVEL: "silent",
    SIMULATOR: "false",
    LARK_APP_ID: fake.appId,
    LARK_APP_SECRET: fake.appSecret,
    LARK_DOMAIN: fake.url,
    LARK_MODE: mode,
    LARK_VERIFICATION_TOKEN: fake.verificationToken,
    LARK_CHATS: `${CHAT}:report`,
    ...(mode === "webhook" ? { LARK_ENCRYPT_KEY: ENCRYPT_KEY } : {}),
    ...opts.env,
  });
  const clock = new FakeClock(new Date("2026-11-26T10:00:00+08:00"));
  const app = await createApp({
    config,
    clock,
    log: pino({ level: "debug" }, sink),
    startOutbox: opts.liveOutbox ?? false,
  });
  let webhookUrl = "";
  if (mode === "webhook") {
    const address = await app.server.listen({ host: "127.0.0.1", port: 0 });
    webhookUrl = `${address}${LARK_WEBHOOK_PATH}`;
  } else {
    await fake.connected();
    await app.lark?.ready;
  }
  const settle = async () => {
    await app.inbox.idle();
    if (opts.liveOutbox) await app.idle();
    else await app.outbox.drain();
  };
  const deliver = async (event: LarkEventEnvelope) => {
    let result: { status: number; body: Record<string, unknown>; delivered?: false };
    if (mode === "ws") {
      const answer = await fake.pushWs(event);
      result = {
        status: answer.code,
        body: answer.data ?? {},
        ...(answer.delivered === false ? { delivered: false as const } : {}),
      };
    } else {
      result = await fake.postWebhook(webhookUrl, event, { encryptKey: ENCRYPT_KEY });
    }
    await settle();
    return result;
  };
  return {
    app,
    fake,
    clock,
    logs,
    webhookUrl,
    deliver,
    settle,
    async say(input) {
      const { messageId, event } = fake.userMessage(input);
      await deliver(event);
      return messageId;
    },
    async press(from, cardId, command) {
      // Lark sends back the value the pressed button carries.
      const card = fake.messages.get(cardId);
      const value = (card && buttonValue(cardNow(card), command)) ?? { luzhang: 1, command };
      const event = fake.cardAction({ messageId: cardId, from, value });
      const { body } = await deliver(event);
      return (body.toast ?? {}) as { type: string; content: string };
    },
    cards: () => fake.botMessages(CHAT).filter((m) => m.msg_type === "interactive"),
    async close() {
      await app.close();
      await fake.close();
    },
  };
}

/** The current content of a card: its last patch, or what was sent. */
export function cardNow(m: FakeMessage): Record<string, unknown> {
  return JSON.parse(m.patches.at(-1) ?? m.content) as Record<string, unknown>;
}

/** The callback value of the button that runs `command`, as the card defines it. */
export function buttonValue(card: Record<string, unknown>, command: string): unknown {
  let found: unknown;
  const walk = (el: unknown) => {
    if (typeof el !== "object" || el === null || found !== undefined) return;
    const o = el as Record<string, unknown>;
    if (o.tag === "button") {
      for (const b of (o.behaviors as { value?: { command?: string } }[] | undefined) ?? [])
        if (b.value?.command === command) found = b.value;
    }
    for (const k of ["columns", "elements"])
      if (Array.isArray(o[k])) for (const c of o[k] as unknown[]) walk(c);
  };
  for (const el of ((card.body as { elements?: unknown[] })?.elements ?? []) as unknown[]) walk(el);
  return found;
}

/** Button labels on a card. */
export function buttonLabels(card: Record<string, unknown>): string[] {
  const out: string[] = [];
  const walk = (el: unknown) => {
    if (typeof el !== "object" || el === null) return;
    const o = el as Record<string, unknown>;
    if (o.tag === "button") out.push(String((o.text as { content?: unknown })?.content));
    for (const k of ["columns", "elements"])
      if (Array.isArray(o[k])) for (const c of o[k] as unknown[]) walk(c);
  };
  for (const el of ((card.body as { elements?: unknown[] })?.elements ?? []) as unknown[]) walk(el);
  return out;
}
