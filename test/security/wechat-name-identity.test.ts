/**
 * Issue 13 §4: a WeChat group nickname (群昵称) equal to an inspector's name gave that inspector's
 * rights. Now a name never matches a person the roster gives a WeChat id, and a name match alone
 * never acts: the sender is a plain reporter until console staff confirm the binding once; the
 * binding is kept in the database.
 */
import { afterEach, describe, expect, it } from "vitest";
import { matchSender } from "../../bots/wechat/wechat-identity.ts";
import type { InboundMessage } from "../../src/core/types.ts";
import { type ConsoleApp, signIn, startConsoleApp } from "../console/console-harness.ts";

let t: ConsoleApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

let seq = 0;
async function wechat(app: ConsoleApp, contactId: string, nickname: string, text: string) {
  seq += 1;
  const msg: InboundMessage = {
    channel: "wechat",
    chatId: "wechat:路长群",
    messageId: `wx-${seq}`,
    sender: { key: `wechat:${contactId}`, name: nickname, wechatId: contactId },
    text,
    mentionsBot: true,
    mentions: [],
    images: [],
    sentAt: app.clock.now(),
  };
  const where = { chatId: "wechat:路长群" };
  const before = await app.app.prisma.outboxMessage.count({ where });
  await app.app.ingest(msg);
  await app.app.inbox.idle();
  const out = await app.app.prisma.outboxMessage.findMany({ where, orderBy: { id: "asc" }, skip: before });
  return out.map((o) => (JSON.parse(o.payload) as { text: string }).text).join("\n");
}

/** A dispatched case on 黄卫东's segment SD-2, reported by a chief through the simulator. */
async function openCase(app: ConsoleApp) {
  await app.say("魏雨桐", "商都大道与文明路交叉口往西50米垃圾桶满了");
  return app.app.prisma.case.findFirstOrThrow({ orderBy: { id: "desc" } });
}

describe("WeChat senders known by name only", () => {
  it("never match a person who has a roster WeChat id, by nickname or name", async () => {
    t = await startConsoleApp();
    const roster = t.app.roster();
    expect(matchSender(roster, { contactId: "wxid_attacker", name: "x", roomAlias: "廖红梅" })).toEqual({
      person: null,
      by: "none",
    });
    expect(matchSender(roster, { contactId: "wxid_attacker", name: "廖红梅" }).person).toBeNull();
  });

  it("cannot use an inspector's name to void a case", async () => {
    t = await startConsoleApp();
    const c = await openCase(t);
    const answer = await wechat(t, "wxid_attacker", "廖红梅", `@路长通 作废 ${c.number} 重复上报`);
    expect(answer).toMatch(/只有精细办督查员可以作废/);
    expect((await t.app.prisma.case.findUniqueOrThrow({ where: { id: c.id } })).state).toBe("dispatched");
  });

  it("act as a reporter until console staff confirm the binding, which is then kept", async () => {
    t = await startConsoleApp();
    const c = await openCase(t);
    // 黄卫东 handles SD-2; the roster has no WeChat id for him (wechat4u ids change per login).
    await t.app.prisma.person.update({ where: { id: c.handlerId ?? "" }, data: { wechatId: null } });
    await t.app.reloadRoster();
    const refused = await wechat(t, "@login1", "黄卫东", `@路长通 收到 ${c.number}`);
    expect(refused).toMatch(/还没有登记在名册里.*精细办在后台/);
    expect((await t.app.prisma.case.findUniqueOrThrow({ where: { id: c.id } })).state).toBe("dispatched");
    // A report still works, as a plain reporter.
    expect(await wechat(t, "@login1", "黄卫东", "@路长通 商都大道与文明路交叉口往东30米井盖丢失")).toMatch(
      /已受理/,
    );

    const { client } = await signIn(t);
    const list = (await client.get("/console/api/roster/bindings")).json() as {
      pending: { senderKey: string; personName: string }[];
    };
    expect(list.pending).toEqual([
      expect.objectContaining({ senderKey: "wechat:@login1", personName: "黄卫东" }),
    ]);
    const ok = await client.post("/console/api/roster/bindings", {
      senderKey: "wechat:@login1",
      decision: "confirm",
    });
    expect(ok.statusCode).toBe(200);

    expect(await wechat(t, "@login1", "黄卫东", `@路长通 收到 ${c.number}`)).toMatch(/已签收/);
    expect((await t.app.prisma.case.findUniqueOrThrow({ where: { id: c.id } })).state).toBe("in_progress");
    // Kept across a restart (the database), and another login's id is not bound.
    await t.app.reloadRoster();
    expect(t.app.roster().personByBinding("wechat:@login1")?.name).toBe("黄卫东");
    expect(t.app.roster().personByBinding("wechat:@login2")).toBeUndefined();
  });

  it("nobody confirms their own binding", async () => {
    t = await startConsoleApp();
    const inspector = t.person("宋学军");
    await t.app.prisma.person.update({ where: { id: inspector.id }, data: { wechatId: null } });
    await t.app.reloadRoster();
    await wechat(t, "@self", "宋学军", "@路长通 我的任务");
    const { client } = await signIn(t, "宋学军");
    const self = await client.post("/console/api/roster/bindings", {
      senderKey: "wechat:@self",
      decision: "confirm",
    });
    expect(self.statusCode).toBe(403);
    expect(t.app.roster().personByBinding("wechat:@self")).toBeUndefined();
  });
});
