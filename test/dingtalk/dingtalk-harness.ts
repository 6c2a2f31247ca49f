/**
 * The whole service with the DingTalk bot configured against the local fake of DingTalk's stream
 * gateway and OpenAPI: the real `dingtalk-stream` SDK holds the stream, the bot's HTTP calls go to
 * the fake. Logs are kept for assertions.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { type App, createApp } from "../../src/app/create-app.ts";
import { loadConfig } from "../../src/config.ts";
import type { RobotMessageInput } from "../fakes/dingtalk-fake-payloads.ts";
import { FakeDingtalkOpenApi } from "../fakes/dingtalk-open-api.ts";
import { FakeClock } from "../helpers/test-app.ts";

export const CHAT = "cidZhongmouReport01==";
export const OTHER_CHAT = "cidSomeOtherGroup9==";
export const TEMPLATE = "0f1e2d3c-aaaa-bbbb-cccc-123456789abc.schema";
/** Roster people by their 钉钉ID (src/data/roster-zhongmou.json). */
export const CHIEF = { staffId: "zm0006", nick: "黄卫东" };
export const INSPECTOR = { staffId: "zm0046", nick: "廖红梅" };
export const CITIZEN = { staffId: "staff-citizen-01", nick: "热心市民" };

export interface DingtalkTestApp {
  app: App;
  fake: FakeDingtalkOpenApi;
  clock: FakeClock;
  logs: Record<string, unknown>[];
  /** A person's message over the stream; waits until it is acknowledged, processed and answered. */
  say(
    input: Omit<RobotMessageInput, "conversationId"> & { conversationId?: string },
  ): Promise<{ msgId: string; messageId: string }>;
  /** Presses a card button; waits until processed and answered. */
  press(userId: string, outTrackId: string, actionId: string): Promise<string>;
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function startDingtalkTestApp(
  opts: { cards?: boolean; env?: Record<string, string> } = {},
): Promise<DingtalkTestApp> {
  const fake = await new FakeDingtalkOpenApi({
    chats: [CHAT, OTHER_CHAT],
    users: [CHIEF.staffId, INSPECTOR.staffId, "zm0002", "zm0004"],
    cardTemplates: [TEMPLATE],
  }).start();
  const dir = mkdtempSync(join(tmpdir(), "luzhang-dingtalk-"));
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
    DINGTALK_CLIENT_ID: fake.clientId,
    DINGTALK_CLIENT_SECRET: fake.clientSecret,
    DINGTALK_CHATS: `${CHAT}:report`,
    DINGTALK_API_BASE: fake.url,
    DINGTALK_OAPI_BASE: fake.url,
    ...(opts.cards ? { DINGTALK_CARD_TEMPLATE_ID: TEMPLATE } : {}),
    ...opts.env,
  });
  const clock = new FakeClock(new Date("2026-11-26T10:00:00+08:00"));
  const app = await createApp({ config, clock, log: pino({ level: "debug" }, sink), startOutbox: false });
  await app.dingtalk?.stream.ready;
  const settle = async () => {
    await app.inbox.idle();
    await app.outbox.drain();
  };
  return {
    app,
    fake,
    clock,
    logs,
    settle,
    async say(input) {
      const { data, messageId } = await fake.sendRobotMessage({ conversationId: CHAT, ...input });
      await fake.acked(messageId);
      await settle();
      return { msgId: String(data.msgId), messageId };
    },
    async press(userId, outTrackId, actionId) {
      const messageId = fake.pressButton({ outTrackId, userId, actionId });
      await fake.acked(messageId);
      await settle();
      return messageId;
    },
    async close() {
      await app.close();
      await fake.close();
    },
  };
}
