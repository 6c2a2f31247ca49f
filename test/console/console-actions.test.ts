/**
 * Inspector actions from the console run through the chat's case engine: same permissions and state
 * rules, same events, and the case's chat is told (without quoting a message it never saw). Also
 * 改派 (reassign), new to the engine, from chat and from the console.
 */
import { afterEach, describe, expect, it } from "vitest";
import { PNG_1PX, startTestApp, type TestApp } from "../helpers/test-app.ts";
import { CONSOLE_PASSWORD, type ConsoleClient, INSPECTOR, signIn } from "./console-harness.ts";

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

let seq = 0;
const rid = () => `req-${Date.now()}-${++seq}`;

async function setup(): Promise<{ num: string; client: ConsoleClient }> {
  t = await startTestApp({ env: { CONSOLE_PASSWORD } });
  await t.say("张三", "商都大道民康路口东北角垃圾桶满了");
  const num = (await t.app.prisma.case.findFirstOrThrow({ orderBy: { id: "desc" } })).number;
  const { client } = await signIn(t);
  return { num, client };
}

const act = (client: ConsoleClient, num: string, body: Record<string, unknown>) =>
  client.post(`/console/api/cases/${num}/actions`, { requestId: rid(), ...body });

const caseOf = (num: string) => t.app.prisma.case.findUniqueOrThrow({ where: { number: num } });

async function sent() {
  await t.app.outbox.drain();
  return t.botMessages();
}

describe("console actions through the case engine", () => {
  it("closes a fixed case: the event is the inspector's, the chat gets the reply and the chief's notice", async () => {
    const { num, client } = await setup();
    await t.say("黄卫东", `收到 ${num}`);
    await t.say("黄卫东", `已整改 ${num}`, { images: [{ data: PNG_1PX, mime: "image/png" }] });
    const before = (await sent()).length;

    const res = await act(client, num, { action: "close" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      ok: true,
      message: `【精细办后台·${INSPECTOR}】案件 ${num} 核查通过，已结案销号。`,
    });
    const c = await caseOf(num);
    expect(c.state).toBe("closed");
    expect(c.closedAt?.toISOString()).toBe(t.clock.now().toISOString());
    const events = await t.app.prisma.caseEvent.findMany({ where: { caseId: c.id }, orderBy: { id: "asc" } });
    expect(events.at(-1)).toMatchObject({
      type: "close",
      channel: "console",
      actorName: INSPECTOR,
      actorRole: "inspector",
    });

    const messages = (await sent()).slice(before);
    expect(messages.map((m) => m.kind)).toEqual(["close", "close_notice"]);
    expect(messages.every((m) => m.chatId === "sim:demo" && m.replyTo === undefined)).toBe(true);
    expect(messages[1]?.mentions.map((m) => m.name)).toEqual(["黄卫东"]);
    // The command itself is in the inbox like any message, signed with the person.
    const inbox = await t.app.prisma.inboxMessage.findFirstOrThrow({ where: { channel: "console" } });
    expect(inbox).toMatchObject({
      chatId: "sim:demo",
      senderKey: `console:${t.person(INSPECTOR).id}`,
      status: "processed",
    });
  });

  it("is idempotent per request id: a retry returns the first result and does nothing again", async () => {
    const { num, client } = await setup();
    const requestId = rid();
    const first = await act(client, num, { action: "void", reason: "重复上报", requestId });
    expect(first.statusCode).toBe(200);
    const again = await act(client, num, { action: "void", reason: "重复上报", requestId });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    const c = await caseOf(num);
    expect(await t.app.prisma.caseEvent.count({ where: { caseId: c.id, type: "void" } })).toBe(1);
    expect(await t.app.prisma.inboxMessage.count({ where: { channel: "console" } })).toBe(1);
  });

  it("refuses what the engine would refuse, without saying anything in the group", async () => {
    const { num, client } = await setup();
    const before = (await sent()).length;
    const close = await act(client, num, { action: "close" }); // dispatched: nothing to check yet
    expect(close.statusCode).toBe(409);
    expect(close.json()).toEqual({
      ok: false,
      error: "该操作当前不可执行：案件状态可能已经变化，页面已刷新，请按最新状态操作",
    });
    const rework = await act(client, num, { action: "void" }); // a reason is required
    expect(rework.statusCode).toBe(400);
    expect(rework.json().error).toBe("请填写原因");
    const unknown = await act(client, num, { action: "acknowledge" }); // a chief's action, not the console's
    expect(unknown.statusCode).toBe(400);
    expect((await caseOf(num)).state).toBe("dispatched");
    expect((await sent()).length).toBe(before);
    expect(await t.app.prisma.inboxMessage.count({ where: { channel: "console" } })).toBe(0);
  });

  it("approves an extension: new deadline, counted, the chief told", async () => {
    const { num, client } = await setup();
    await t.say("黄卫东", `延时 2天 等待配件 ${num}`);
    const asked = await caseOf(num);
    expect(asked.pendingExtension).not.toBeNull();
    const detail = (await client.get(`/console/api/cases/${num}`)).json();
    expect(detail.pendingExtension).toMatchObject({ amount: 2, reason: "等待配件", requestedBy: "黄卫东" });
    expect(detail.actions.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining(["approve_extension", "reject_extension"]),
    );

    const res = await act(client, num, { action: "approve_extension" });
    expect(res.statusCode).toBe(200);
    const c = await caseOf(num);
    expect(c.extensionCount).toBe(1);
    expect(c.pendingExtension).toBeNull();
    expect(c.deadline?.getTime()).toBeGreaterThan(asked.deadline?.getTime() ?? 0);
    const notice = (await sent()).find((m) => m.kind === "approve_extension_notice");
    expect(notice?.mentions.map((m) => m.name)).toEqual(["黄卫东"]);
  });

  it("reassigns a returned case to another segment; its chief gets the case with the handler buttons", async () => {
    const { num, client } = await setup();
    await t.say("黄卫东", `回退 不属于本路段 ${num}`);
    expect((await caseOf(num)).state).toBe("returned");
    t.clock.advance(60 * 60_000);

    const res = await act(client, num, { action: "reassign", segmentId: "SD-1" });
    expect(res.statusCode).toBe(200);
    expect(res.json().message).toContain(
      "已改派：商都大道 人文路至新圃街段（SD-1，东风路街道），责任路长 魏雨桐",
    );
    const c = await caseOf(num);
    expect(c).toMatchObject({
      state: "dispatched",
      segmentId: "SD-1",
      handlerId: t.person("魏雨桐").id,
      acknowledgedAt: null,
    });
    // The new chief gets the whole time limit from now.
    expect(c.startedAt.toISOString()).toBe(t.clock.now().toISOString());
    const notice = (await sent()).find((m) => m.kind === "reassign_notice");
    expect(notice?.mentions.map((m) => m.name)).toEqual(["魏雨桐"]);
    expect(notice?.text).toContain(`案件 ${num} 改派给您处置`);
    expect(notice?.actions?.map((a) => a.command)).toContain("收到");
    const event = await t.app.prisma.caseEvent.findFirstOrThrow({
      where: { caseId: c.id, type: "reassign" },
    });
    expect(JSON.parse(event.data)).toMatchObject({ fromSegment: "SD-2", toSegment: "SD-1" });

    // The new chief can now acknowledge it in chat.
    await t.say("魏雨桐", `收到 ${num}`);
    expect((await caseOf(num)).state).toBe("in_progress");
  });

  it("refuses a return by sending the case back to the same chief", async () => {
    const { num, client } = await setup();
    await t.say("黄卫东", `回退 不属于本路段 ${num}`);
    const chief = t.person("黄卫东");
    const res = await act(client, num, { action: "reassign", segmentId: "SD-2", personId: chief.id });
    expect(res.statusCode).toBe(200);
    expect(await caseOf(num)).toMatchObject({ state: "dispatched", segmentId: "SD-2", handlerId: chief.id });
  });

  it("takes actions away from someone no longer an inspector", async () => {
    const { num, client } = await setup();
    const me = t.person(INSPECTOR);
    await t.app.prisma.person.update({ where: { id: me.id }, data: { roles: "[]" } });
    await t.app.reloadRoster();
    // Rights are read from the database on every request: the session ends (issue 13 §6).
    expect((await client.get(`/console/api/cases/${num}`)).statusCode).toBe(401);
    expect((await act(client, num, { action: "void", reason: "x" })).statusCode).toBe(401);
    expect((await client.get("/console/api/session")).statusCode).toBe(401);
    expect((await caseOf(num)).state).not.toBe("voided");
  });
});

describe("改派 in chat", () => {
  it("lets an inspector reassign by segment or by name, and refuses chiefs", async () => {
    t = await startTestApp();
    await t.say("张三", "商都大道民康路口东北角垃圾桶满了");
    const num = (await t.app.prisma.case.findFirstOrThrow()).number;

    await t.say("黄卫东", `改派 ${num} SD-1`);
    expect((await caseOf(num)).segmentId).toBe("SD-2");
    expect((await t.botMessages()).at(-1)?.text).toContain("只有精细办督查员可以改派");

    await t.say(INSPECTOR, `改派 ${num} 不存在的路段`);
    expect((await t.botMessages()).at(-1)?.text).toContain("未找到路段或人员“不存在的路段”");

    await t.say(INSPECTOR, `改派 ${num} 于志强`);
    expect(await caseOf(num)).toMatchObject({ segmentId: "SD-2", handlerId: t.person("于志强").id });
    await t.say(INSPECTOR, `改派 ${num} sd-3`);
    expect(await caseOf(num)).toMatchObject({ segmentId: "SD-3", handlerId: t.person("于志强").id });
    const replies = (await t.botMessages()).filter((m) => m.kind === "reassign");
    expect(replies).toHaveLength(2);
    expect(replies[0]?.replyTo).toBeDefined(); // in chat the reply quotes the command
  });
});
