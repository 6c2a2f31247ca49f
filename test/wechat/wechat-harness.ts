/**
 * The whole service with WeChat on a real Wechaty over wechaty-puppet-mock: a report group with
 * chiefs and citizens, a leadership group, an unconfigured group, a settable clock and a sleep that
 * only advances it. The puppet records what it was asked to send, mention ids included.
 */
import type { EventEmitter } from "node:events";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileBox, type FileBoxInterface } from "file-box";
import pino from "pino";
import { mock, PuppetMock } from "wechaty-puppet-mock";
import type { InboundOutcome } from "../../bots/wechat/wechat-bot.ts";
import type { WechatRuntime } from "../../bots/wechat/wechat-runtime.ts";
import { type App, createApp } from "../../src/app/create-app.ts";
import { loadConfig } from "../../src/config.ts";
import { FakeClock, PNG_1PX } from "../helpers/test-app.ts";

export const REPORT_ROOM = "商都大道路长工作群";
export const LEADER_ROOM = "中牟县路长制领导群";
export const OTHER_ROOM = "家人群";

/** What the bot asked the puppet to send, in order. */
export interface PuppetSend {
  conversationId: string;
  text?: string;
  mentionIds: string[];
  file?: string;
  at: Date;
}

/** PuppetMock that records sends (its own messageSendText drops the mention ids) and knows group nicknames. */
export class RecordingPuppet extends PuppetMock {
  readonly sends: PuppetSend[] = [];
  readonly roomAliases = new Map<string, string>();
  now: () => Date = () => new Date();

  /** Runs once right after the next text send was delivered (e.g. to log out mid-message). */
  afterNextSend: (() => Promise<void>) | undefined;

  override async messageSendText(
    conversationId: string,
    text: string,
    mentionIdList: string[] = [],
  ): Promise<void> {
    this.sends.push({ conversationId, text, mentionIds: [...mentionIdList], at: this.now() });
    await super.messageSendText(conversationId, text);
    const hook = this.afterNextSend;
    this.afterNextSend = undefined;
    await hook?.();
  }

  override async messageSendFile(conversationId: string, file: FileBoxInterface): Promise<void> {
    this.sends.push({ conversationId, file: file.name, mentionIds: [], at: this.now() });
    return super.messageSendFile(conversationId, file);
  }

  /** How many of the next photo downloads fail (as wechat4u's media download sometimes does). */
  failingDownloads = 0;

  override async messageFile(id: string): Promise<FileBoxInterface> {
    if (this.failingDownloads > 0) {
      this.failingDownloads -= 1;
      throw new Error("media download failed");
    }
    return super.messageFile(id);
  }

  override async roomMemberRawPayload(roomId: string, contactId: string) {
    const payload = await super.roomMemberRawPayload(roomId, contactId);
    const roomAlias = this.roomAliases.get(`${roomId}/${contactId}`);
    return roomAlias ? { ...payload, roomAlias } : payload;
  }
}

type ContactMock = ReturnType<mock.Mocker["createContact"]>;
type RoomMock = ReturnType<mock.Mocker["createRoom"]>;

export interface WechatHarness {
  app: App;
  wechat: WechatRuntime;
  clock: FakeClock;
  puppet: RecordingPuppet;
  mocker: mock.Mocker;
  /** Every wait the pacing queue asked for. */
  sleeps: number[];
  bot: ContactMock;
  people: Record<"citizen" | "chief" | "inspector" | "inspector2" | "byAlias", ContactMock>;
  rooms: Record<"report" | "leader" | "other", RoomMock>;
  /** A message into a room as `from`; waits until the bot handled it, the inbox processed it and the outbox ran. */
  say(
    from: ContactMock,
    content: string | "photo",
    opts?: { room?: RoomMock; mention?: ContactMock[]; drain?: boolean },
  ): Promise<{ id: string; outcome: InboundOutcome }>;
  /** Re-delivers a message id, as a puppet that reports a message twice. */
  redeliver(id: string): Promise<InboundOutcome>;
  /** Texts the bot posted in a room, as the room saw them. */
  roomLog(room: RoomMock): { id: string; text: string | undefined; type: number }[];
  login(): Promise<void>;
  close(): Promise<void>;
}

const ROOMS_ENV = `${REPORT_ROOM}=report;${LEADER_ROOM}=leadership`;

export async function startWechatHarness(
  opts: { env?: Record<string, string>; now?: string } = {},
): Promise<WechatHarness> {
  const dir = mkdtempSync(join(tmpdir(), "luzhang-wechat-"));
  const config = loadConfig({
    DATA_DIR: dir,
    LOG_LEVEL: "silent",
    SIMULATOR: "false",
    WECHAT_PUPPET: "mock",
    WECHAT_ROOMS: ROOMS_ENV,
    WECHAT_MIN_SEND_INTERVAL_MS: "1500",
    WECHAT_SEND_JITTER_MS: "500",
    ...opts.env,
  });
  const clock = new FakeClock(new Date(opts.now ?? "2026-11-26T10:00:00+08:00"));
  const sleeps: number[] = [];
  const mocker = new mock.Mocker();
  const puppet = new RecordingPuppet({ mocker });
  puppet.now = clock.now;
  const app = await createApp({
    config,
    clock,
    log: pino({ level: "silent" }),
    startOutbox: false,
    wechatPuppet: puppet,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
    },
  });
  const wechat = app.wechat;
  if (!wechat) throw new Error("WECHAT_PUPPET=mock did not start the WeChat bot");

  const bot = mocker.createContact({ id: "wxid_luzhang_bot", name: "路长通" });
  const people = {
    citizen: mocker.createContact({ id: "wxid_citizen_01", name: "张三" }),
    // On the roster by WeChat id.
    chief: mocker.createContact({ id: "wxid_zm0006", name: "黄卫东" }),
    inspector: mocker.createContact({ id: "wxid_zm0046", name: "廖红梅" }),
    // On the roster by name only (the id differs).
    inspector2: mocker.createContact({ id: "wxid_other_47", name: "宋学军" }),
    // On the roster through the group nickname: WeChat name "小赵", nickname "赵伟".
    byAlias: mocker.createContact({ id: "wxid_other_03", name: "小赵" }),
  };
  const members = [bot, ...Object.values(people)].map((c) => c.id);
  const rooms = {
    report: mocker.createRoom({ id: "report-01@chatroom", topic: REPORT_ROOM, memberIdList: members }),
    leader: mocker.createRoom({
      id: "leader-01@chatroom",
      topic: LEADER_ROOM,
      memberIdList: [bot.id, people.inspector.id],
    }),
    other: mocker.createRoom({ id: "other-01@chatroom", topic: OTHER_ROOM, memberIdList: members }),
  };
  puppet.roomAliases.set(`${rooms.report.id}/${people.byAlias.id}`, "赵伟");

  const roomLogs = new Map<string, { id: string; text: string | undefined; type: number }[]>();
  for (const room of Object.values(rooms)) {
    const log: { id: string; text: string | undefined; type: number }[] = [];
    roomLogs.set(room.id, log);
    // RoomMock is an event emitter whose `on` the types leave out (STACK.md).
    (room as unknown as EventEmitter).on(
      "message",
      (m: { id: string; payload: { talkerId: string; text?: string; type: number } }) => {
        if (m.payload.talkerId === bot.id) log.push({ id: m.id, text: m.payload.text, type: m.payload.type });
      },
    );
  }

  const h: WechatHarness = {
    app,
    wechat,
    clock,
    puppet,
    mocker,
    sleeps,
    bot,
    people,
    rooms,
    async say(from, content, o = {}) {
      const room = o.room ?? rooms.report;
      let id = "";
      const grab = (m: { id: string; payload: { talkerId: string } }) => {
        if (m.payload.talkerId === from.id) id = m.id;
      };
      const emitter = room as unknown as EventEmitter;
      emitter.on("message", grab);
      const sayable =
        content === "photo" ? FileBox.fromBase64(PNG_1PX.toString("base64"), "photo.png") : content;
      from.say(sayable, o.mention ?? []).to(room);
      emitter.off("message", grab);
      if (!id) throw new Error("the mock did not create the message");
      const outcome = await wechat.bot.settled(id);
      await app.inbox.idle();
      if (o.drain !== false) await app.outbox.idle();
      return { id, outcome };
    },
    async redeliver(id) {
      const outcome = new Promise<InboundOutcome>((resolve) => {
        const off = wechat.bot.onSettled((settledId, o) => {
          if (settledId !== id) return;
          off();
          resolve(o);
        });
      });
      puppet.emit("message", { messageId: id });
      const result = await outcome;
      await app.inbox.idle();
      await app.outbox.idle();
      return result;
    },
    roomLog(room) {
      return roomLogs.get(room.id) ?? [];
    },
    async login() {
      mocker.login(bot);
      for (let i = 0; i < 100 && !wechat.bot.status.view().loggedIn; i++)
        await new Promise((r) => setTimeout(r, 5));
      if (!wechat.bot.status.view().loggedIn) throw new Error("the bot did not log in");
    },
    async close() {
      await wechat.bot.idle();
      await app.close();
    },
  };
  await h.login();
  return h;
}
