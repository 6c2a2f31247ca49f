/** The WeChat bot end to end: a real Wechaty on wechaty-puppet-mock, the whole service behind it. */
import { createHash } from "node:crypto";
import type { EventEmitter } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { types } from "wechaty";
import { PNG_1PX } from "../helpers/test-app.ts";
import { startWechatHarness, type WechatHarness } from "./wechat-harness.ts";

let h: WechatHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const REPORT = "@路长通 商都大道民康路口东北角垃圾桶满了";
const PNG_HASH = createHash("sha256").update(PNG_1PX).digest("hex");

function harness(): WechatHarness {
  if (!h) throw new Error("no harness");
  return h;
}

/** The recorded roster match of an inbound message. */
async function matchOf(messageId: string): Promise<{ by: string; personId: string | null }> {
  const row = await harness().app.prisma.inboxMessage.findFirstOrThrow({
    where: { platformMessageId: messageId },
  });
  const stored = JSON.parse(row.raw) as { platformRaw: string };
  return (JSON.parse(stored.platformRaw) as { wechat: { match: { by: string; personId: string | null } } })
    .wechat.match;
}

const personId = (name: string) =>
  [...harness().app.roster().people.values()].find((p) => p.name === name)?.id;

describe("reports and commands in a WeChat group", () => {
  it("a text report with @bot creates a case, and the chief is really @-mentioned", async () => {
    h = await startWechatHarness();
    const { id, outcome } = await h.say(h.people.citizen, REPORT, { mention: [h.bot] });
    expect(outcome).toBe("ingested");

    const c = await h.app.prisma.case.findFirstOrThrow();
    expect(c.number).toBe("ZM20261126-001");
    expect(c.segmentId).toBe("SD-2");
    expect(c.state).toBe("dispatched");
    expect(c.chatId).toBe("wechat:商都大道路长工作群");
    expect(c.sourceMessageId).toBe(id);
    expect(await matchOf(id)).toEqual({ by: "none", personId: null });

    // What the puppet was asked to send: the assignment carries the chief's contact id as a mention.
    const toRoom = h.puppet.sends.filter((s) => s.conversationId === h?.rooms.report.id);
    const assignment = toRoom.find((s) => s.mentionIds.length > 0);
    expect(assignment?.mentionIds).toEqual(["wxid_zm0006"]);
    expect(assignment?.text).toMatch(/^@黄卫东 /);
    expect(assignment?.text?.match(/@黄卫东/g)).toHaveLength(1);
    expect(assignment?.text).toContain("ZM20261126-001");
    expect(assignment?.text).toContain("收到｜已整改");
    const receipt = toRoom.find((s) => s.mentionIds.length === 0 && s.text?.includes("ZM20261126-001"));
    expect(receipt).toBeDefined();
    // And the group saw both, from the bot.
    const seen = h.roomLog(h.rooms.report).map((m) => m.text);
    expect(seen).toContain(assignment?.text);
    expect(seen).toContain(receipt?.text);
  });

  it("a photo, then its caption from the same person within 2 minutes: one case with the photo", async () => {
    h = await startWechatHarness();
    const photo = await h.say(h.people.citizen, "photo");
    expect(photo.outcome).toBe("ingested");
    expect(await h.app.prisma.case.count()).toBe(0);
    h.clock.advance(70_000);
    await h.say(h.people.citizen, REPORT, { mention: [h.bot] });
    const c = await h.app.prisma.case.findFirstOrThrow();
    const media = await h.app.prisma.caseMedia.findMany({ where: { caseId: c.id } });
    expect(media.map((m) => [m.kind, m.mediaHash])).toEqual([["before", PNG_HASH]]);
  });

  it("a caption, then its photo: the photo joins the case just made", async () => {
    h = await startWechatHarness();
    await h.say(h.people.citizen, REPORT, { mention: [h.bot] });
    h.clock.advance(60_000);
    await h.say(h.people.citizen, "photo");
    const c = await h.app.prisma.case.findFirstOrThrow();
    const media = await h.app.prisma.caseMedia.findMany({ where: { caseId: c.id } });
    expect(media.map((m) => [m.kind, m.mediaHash])).toEqual([["before", PNG_HASH]]);
    const events = await h.app.prisma.caseEvent.findMany({ where: { caseId: c.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.type)).toContain("photo_added");
  });

  it("downloads a photo again once when the first try fails; a second failure is an alert, not a crash", async () => {
    h = await startWechatHarness();
    h.puppet.failingDownloads = 1;
    const sleepsBefore = h.sleeps.length;
    expect((await h.say(h.people.citizen, "photo")).outcome).toBe("ingested");
    expect(h.sleeps.slice(sleepsBefore)).toEqual([1000]);
    expect(await h.app.prisma.media.count()).toBe(1);

    h.puppet.failingDownloads = 2;
    expect((await h.say(h.people.citizen, "photo")).outcome).toBe("failed");
    const status = h.wechat.status();
    expect(status.alerts[0]).toMatchObject({ level: "error" });
    expect(status.alerts[0]?.text).toContain("张三 发的一张照片下载失败");
    // The bot goes on with the next message.
    expect((await h.say(h.people.citizen, REPORT, { mention: [h.bot] })).outcome).toBe("ingested");
  });

  it("the chief's '@bot 收到' and '@bot 已整改' + photo; the inspectors are @-mentioned and get the photo", async () => {
    h = await startWechatHarness();
    await h.say(h.people.citizen, REPORT, { mention: [h.bot] });
    h.clock.advance(5 * 60_000);
    // No mention ids: the puppet left them out, the bot's name in the text is enough.
    const ack = await h.say(h.people.chief, "@路长通\u2005收到");
    expect((await h.app.prisma.case.findFirstOrThrow()).state).toBe("in_progress");
    expect(await matchOf(ack.id)).toEqual({ by: "wechatId", personId: personId("黄卫东") });

    h.clock.advance(30 * 60_000);
    await h.say(h.people.chief, "@路长通 已整改", { mention: [h.bot] });
    expect((await h.app.prisma.case.findFirstOrThrow()).state).toBe("in_progress");
    const before = h.puppet.sends.length;
    h.clock.advance(40_000);
    await h.say(h.people.chief, "photo");
    const c = await h.app.prisma.case.findFirstOrThrow();
    expect(c.state).toBe("awaiting_check");
    expect((await h.app.prisma.caseMedia.findMany({ where: { caseId: c.id } })).map((m) => m.kind)).toEqual([
      "after",
    ]);

    const after = h.puppet.sends.slice(before);
    const noticeAt = after.findIndex((s) => s.text?.includes("已整改，请核查"));
    const notice = after[noticeAt];
    // 廖红梅 by WeChat id, 宋学军 by name; 蔡磊 is not in the group: plain text.
    expect(notice?.mentionIds).toEqual(["wxid_zm0046", "wxid_other_47"]);
    expect(notice?.text).toMatch(/^@廖红梅\u2005@宋学军 @蔡磊 案件 ZM20261126-001 已整改，请核查。/);
    expect(notice?.text).toContain("核查通过｜返工");
    // The after-photo follows its notice, as a file.
    expect(after[noticeAt + 1]?.file).toMatch(/^[0-9a-f]{16}\.png$/);
    const photoMsg = h.roomLog(h.rooms.report).at(-1);
    expect(photoMsg?.type).toBe(types.Message.Image);
  });

  it("a quoted reply to the bot's assignment acts on that case, without an @", async () => {
    h = await startWechatHarness();
    await h.say(h.people.citizen, REPORT, { mention: [h.bot] });
    const assignment = h.roomLog(h.rooms.report).find((m) => m.text?.startsWith("@黄卫东"));
    h.clock.advance(60_000);
    // wechat4u renders a quote as text: 「name：quoted」, a dashed line, the reply.
    const quote = `「路长通：${assignment?.text ?? ""}」\n- - - - - - - - - - - - - - -\n收到`;
    await h.say(h.people.chief, quote);
    expect((await h.app.prisma.case.findFirstOrThrow()).state).toBe("in_progress");
  });

  it("matches a sender by group nickname and records it", async () => {
    h = await startWechatHarness();
    // Names only match people the roster gives no WeChat id (issue 13 §4).
    await h.app.prisma.person.update({ where: { id: personId("赵伟") }, data: { wechatId: null } });
    await h.app.reloadRoster();
    const { id } = await h.say(h.people.byAlias, "@路长通 我的任务", { mention: [h.bot] });
    expect(await matchOf(id)).toEqual({ by: "roomAlias", personId: personId("赵伟") });
    const row = await h.app.prisma.inboxMessage.findFirstOrThrow({ where: { platformMessageId: id } });
    expect((JSON.parse(row.raw) as { sender: { name: string } }).sender.name).toBe("赵伟");
  });

  it("takes commands in the leadership group too, and answers there", async () => {
    h = await startWechatHarness();
    const { outcome } = await h.say(h.people.inspector, "@路长通 帮助", {
      room: h.rooms.leader,
      mention: [h.bot],
    });
    expect(outcome).toBe("ingested");
    expect(h.roomLog(h.rooms.leader).at(-1)?.text).toContain("路长通可以帮您");
    const chats = await h.app.prisma.chat.findMany({ where: { channel: "wechat" }, orderBy: { id: "asc" } });
    expect(chats.map((c) => [c.id, c.role])).toEqual([
      ["wechat:中牟县路长制领导群", "leadership"],
      ["wechat:商都大道路长工作群", "report"],
    ]);
  });
});

describe("what the bot leaves alone", () => {
  it("processes a duplicate message id once", async () => {
    h = await startWechatHarness();
    const { id } = await h.say(h.people.citizen, REPORT, { mention: [h.bot] });
    const sent = h.roomLog(h.rooms.report).length;
    expect(await h.redeliver(id)).toBe("duplicate");
    expect(await h.app.prisma.inboxMessage.count()).toBe(1);
    expect(await h.app.prisma.case.count()).toBe(1);
    expect(h.roomLog(h.rooms.report)).toHaveLength(sent);
  });

  it("ignores its own messages, unconfigured groups, direct chats and messages from before its start", async () => {
    h = await startWechatHarness();
    await h.say(h.people.citizen, REPORT, { mention: [h.bot] });
    const own = h.roomLog(h.rooms.report);
    expect(own.length).toBeGreaterThan(0);
    for (const m of own) expect(await h.wechat.bot.settled(m.id)).toBe("self");

    const other = await h.say(h.people.citizen, "@路长通 恒安路新圃街口路灯不亮", {
      room: h.rooms.other,
      mention: [h.bot],
    });
    expect(other.outcome).toBe("unconfigured_room");

    let directId = "";
    const citizen = h.people.citizen as unknown as EventEmitter;
    const grab = (m: { id: string }) => {
      directId = m.id;
    };
    citizen.on("message", grab);
    h.people.citizen.say("@路长通 帮助").to(h.bot);
    citizen.off("message", grab);
    expect(await h.wechat.bot.settled(directId)).toBe("not_in_room");

    h.mocker.MessageMock.create({
      id: "old-message-1",
      talkerId: h.people.citizen.id,
      roomId: h.rooms.report.id,
      mentionIdList: [h.bot.id],
      text: "@路长通 商都大道文明路口井盖缺失",
      timestamp: Date.now() - 60 * 60_000,
      type: types.Message.Text,
    });
    h.puppet.emit("message", { messageId: "old-message-1" });
    expect(await h.wechat.bot.settled("old-message-1")).toBe("before_start");

    await h.app.inbox.idle();
    const inbox = await h.app.prisma.inboxMessage.findMany();
    expect(inbox.map((r) => r.chatId)).toEqual(["wechat:商都大道路长工作群"]);
    expect(await h.app.prisma.case.count()).toBe(1);
  });
});
