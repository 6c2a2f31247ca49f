/** Sending into WeChat: through a logout and back, at the configured pace, long text in parts. */
import { afterEach, describe, expect, it } from "vitest";
import { ScanStatus } from "wechaty";
import type { WechatStatusView } from "../../bots/wechat/wechat-status.ts";
import type { OutboundMessage } from "../../src/core/types.ts";
import { LEADER_ROOM, REPORT_ROOM, startWechatHarness, type WechatHarness } from "./wechat-harness.ts";

let h: WechatHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const CHIEF = { name: "黄卫东", wechatId: "wxid_zm0006" };
let keySeq = 0;

/** Puts a message in the outbox the way the scheduler's jobs do. */
async function enqueue(h: WechatHarness, room: string, text: string, mention = false): Promise<number> {
  const chief = [...h.app.roster().people.values()].find((p) => p.name === CHIEF.name);
  const message: OutboundMessage = {
    chatId: `wechat:${room}`,
    text: mention ? `@${CHIEF.name} ${text}` : text,
    mentions: mention && chief ? [{ personId: chief.id, name: chief.name, wechatId: chief.wechatId }] : [],
    kind: "reminder",
  };
  keySeq += 1;
  const row = await h.app.prisma.outboxMessage.create({
    data: {
      idempotencyKey: `test-reminder-${keySeq}`,
      channel: "wechat",
      chatId: message.chatId,
      payload: JSON.stringify(message),
      kind: message.kind,
      nextAttemptAt: h.clock.now(),
      createdAt: h.clock.now(),
    },
  });
  return row.id;
}

async function status(h: WechatHarness): Promise<WechatStatusView & { pendingOutbound: number }> {
  const res = await h.app.server.inject({ method: "GET", url: "/api/wechat/status" });
  expect(res.statusCode).toBe(200);
  return res.json();
}

async function waitFor(check: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("logged out: messages wait in the outbox and leave in order after login", () => {
  it("delivers every queued message once, in order, after a long logout and a new scan", async () => {
    h = await startWechatHarness();
    await h.say(h.people.citizen, "@路长通 商都大道民康路口东北角垃圾桶满了", { mention: [h.bot] });
    const beforeLogout = {
      report: h.roomLog(h.rooms.report).length,
      leader: h.roomLog(h.rooms.leader).length,
    };

    await h.puppet.logout("被踢下线");
    await waitFor(async () => !(await status(h as WechatHarness)).loggedIn, "the logout to show");
    let s = await status(h);
    expect(s.state).toBe("logged_out");
    expect(s.alerts[0]).toMatchObject({ level: "error" });
    expect(s.alerts[0]?.text).toContain("微信已退出登录（被踢下线）");

    // Reminders and a long digest come due while logged out.
    const ids: number[] = [];
    for (let i = 1; i <= 5; i++)
      ids.push(await enqueue(h, REPORT_ROOM, `提醒 ${i}：案件即将到期`, i % 2 === 1));
    const digest = Array.from(
      { length: 90 },
      (_, i) => `${i + 1}. 商都大道民康路口垃圾满溢，环卫中心处置中，剩余 2 小时。`,
    ).join("\n");
    ids.push(await enqueue(h, LEADER_ROOM, `【每日简报】\n${digest}`));
    ids.push(await enqueue(h, REPORT_ROOM, "提醒 6：请及时签收"));

    // Two hours of retries: nothing leaves, nothing is used up.
    for (let i = 0; i < 240; i++) {
      await h.app.outbox.drain();
      h.clock.advance(31_000);
    }
    const waiting = await h.app.prisma.outboxMessage.findMany({
      where: { id: { in: ids } },
      orderBy: { id: "asc" },
    });
    expect(waiting.map((r) => r.status)).toEqual(Array(ids.length).fill("pending"));
    expect(waiting.map((r) => r.attempts)).toEqual(Array(ids.length).fill(0));
    expect(waiting[0]?.lastError).toContain("微信未登录");
    expect(h.roomLog(h.rooms.report)).toHaveLength(beforeLogout.report);
    s = await status(h);
    expect(s.pendingOutbound).toBe(ids.length);

    // A new QR code is shown on the page (and printed in the terminal).
    h.mocker.scan("https://login.weixin.qq.com/l/IaysbZa04Q==", ScanStatus.Waiting);
    await waitFor(async () => (await status(h as WechatHarness)).state === "waiting_scan", "the QR code");
    s = await status(h);
    expect(s.qr?.payload).toBe("https://login.weixin.qq.com/l/IaysbZa04Q==");
    expect(s.qr?.svg).toMatch(/^<svg /);
    expect(s.alerts[0]?.text).toContain("扫码");

    await h.login();
    await waitFor(async () => {
      await h?.app.outbox.idle();
      return (
        (await h?.app.prisma.outboxMessage.count({ where: { id: { in: ids }, status: "pending" } })) === 0
      );
    }, "the queued messages to leave");

    const sentRows = await h.app.prisma.outboxMessage.findMany({
      where: { id: { in: ids } },
      orderBy: { id: "asc" },
    });
    expect(sentRows.map((r) => r.status)).toEqual(Array(ids.length).fill("sent"));
    const reportTexts = h
      .roomLog(h.rooms.report)
      .slice(beforeLogout.report)
      .map((m) => m.text);
    expect(reportTexts).toEqual([
      "@黄卫东 提醒 1：案件即将到期",
      "提醒 2：案件即将到期",
      "@黄卫东 提醒 3：案件即将到期",
      "提醒 4：案件即将到期",
      "@黄卫东 提醒 5：案件即将到期",
      "提醒 6：请及时签收",
    ]);
    const leaderTexts = h
      .roomLog(h.rooms.leader)
      .slice(beforeLogout.leader)
      .map((m) => m.text ?? "");
    expect(leaderTexts.length).toBeGreaterThan(1);
    expect(leaderTexts.map((t) => t.match(/（(\d+)\/\d+）$/)?.[1])).toEqual(
      leaderTexts.map((_, i) => String(i + 1)),
    );
    expect(leaderTexts.map((t) => t.replace(/（\d+\/\d+）$/, "")).join("\n")).toBe(`【每日简报】\n${digest}`);
    for (const t of leaderTexts) expect(t.length).toBeLessThanOrEqual(1500);
    expect((await status(h)).loggedIn).toBe(true);
  });

  it("a logout in the middle of a split message: after login it goes on with the next part, none repeated", async () => {
    h = await startWechatHarness();
    const lines = Array.from(
      { length: 200 },
      (_, i) => `${i + 1}. 恒安路新圃街口井盖破损，市政处置中。`,
    ).join("\n");
    const id = await enqueue(h, LEADER_ROOM, lines);
    const puppet = h.puppet;
    puppet.afterNextSend = () => puppet.logout("网络断开");
    await h.app.outbox.drain();
    const row = await h.app.prisma.outboxMessage.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: "pending", attempts: 0 });
    expect(h.roomLog(h.rooms.leader)).toHaveLength(1);

    await h.login();
    await waitFor(async () => {
      await h?.app.outbox.idle();
      return (await h?.app.prisma.outboxMessage.findUniqueOrThrow({ where: { id } }))?.status === "sent";
    }, "the rest of the message");
    const texts = h.roomLog(h.rooms.leader).map((m) => m.text ?? "");
    expect(texts.length).toBeGreaterThan(2);
    expect(texts.map((t) => t.replace(/（\d+\/\d+）$/, "")).join("\n")).toBe(lines);
  });
});

describe("a configured group that cannot be found", () => {
  it("keeps its messages waiting (alerted once), and sends them when the group appears under that name", async () => {
    const missing = "广惠街路长工作群";
    h = await startWechatHarness({
      env: { WECHAT_ROOMS: `${REPORT_ROOM}=report;${LEADER_ROOM}=leadership;${missing}=report` },
    });
    const ids = [await enqueue(h, missing, "提醒 1"), await enqueue(h, missing, "提醒 2")];
    for (let i = 0; i < 5; i++) {
      await h.app.outbox.drain();
      h.clock.advance(61_000);
    }
    const rows = await h.app.prisma.outboxMessage.findMany({
      where: { id: { in: ids } },
      orderBy: { id: "asc" },
    });
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ["pending", 0],
      ["pending", 0],
    ]);
    expect(rows[0]?.lastError).toContain(`没有找到名为“${missing}”的微信群`);
    const s = await status(h);
    expect(s.rooms.find((r) => r.topic === missing)?.found).toBe(false);
    expect(s.alerts.filter((a) => a.text.includes(missing))).toHaveLength(1);

    // Someone renames a group back to the configured name.
    const room = h.mocker.createRoom({
      id: "guanghui-01@chatroom",
      topic: missing,
      memberIdList: [h.bot.id],
    });
    const seen: (string | undefined)[] = [];
    (room as unknown as { on(e: string, f: (m: { payload: { text?: string } }) => void): void }).on(
      "message",
      (m) => seen.push(m.payload.text),
    );
    h.clock.advance(61_000);
    await h.app.outbox.drain();
    expect(seen).toEqual(["提醒 1", "提醒 2"]);
  });
});

describe("pacing", () => {
  it("30 reminders to one group leave at the configured pace (≥ 1.5 s plus ≤ 0.5 s jitter), in order", async () => {
    h = await startWechatHarness();
    const start = h.puppet.sends.length;
    for (let i = 1; i <= 30; i++) await enqueue(h, REPORT_ROOM, `提醒 ${i}：案件将在 1 小时后到期`, true);
    await h.app.outbox.drain();

    const sends = h.puppet.sends.slice(start);
    expect(sends.map((s) => s.text)).toEqual(
      Array.from({ length: 30 }, (_, i) => `@黄卫东 提醒 ${i + 1}：案件将在 1 小时后到期`),
    );
    for (const s of sends) expect(s.mentionIds).toEqual([CHIEF.wechatId]);
    const gaps = sends.slice(1).map((s, i) => s.at.getTime() - (sends[i]?.at.getTime() ?? 0));
    expect(gaps).toHaveLength(29);
    for (const g of gaps) {
      expect(g).toBeGreaterThanOrEqual(1500);
      expect(g).toBeLessThanOrEqual(2000);
    }
    expect(h.sleeps.slice(-29).every((ms) => ms >= 1500 && ms <= 2000)).toBe(true);
    expect(
      h
        .roomLog(h.rooms.report)
        .slice(-30)
        .map((m) => m.text),
    ).toEqual(sends.map((s) => s.text));
  });
});

describe("the status page", () => {
  it("serves the JSON, the page and its script, without the token", async () => {
    h = await startWechatHarness({ env: { WECHAT_PUPPET_TOKEN: "puppet_secret_never_shown" } });
    const res = await h.app.server.inject({ method: "GET", url: "/api/wechat/status" });
    expect(res.body).not.toContain("puppet_secret_never_shown");
    const s = res.json() as WechatStatusView;
    expect(s).toMatchObject({ puppet: "mock", state: "logged_in", loggedIn: true, user: "路长通", qr: null });
    expect(s.rooms).toEqual([
      { topic: REPORT_ROOM, role: "report", found: true },
      { topic: LEADER_ROOM, role: "leadership", found: true },
    ]);
    const page = await h.app.server.inject({ method: "GET", url: "/wechat" });
    expect(page.headers["content-type"]).toContain("text/html");
    expect(page.body).toContain("路长通 · 微信连接");
    const script = await h.app.server.inject({ method: "GET", url: "/wechat/status.js" });
    expect(script.statusCode).toBe(200);
    expect(script.body).toContain("/api/wechat/status");
  });

  it("is refused to anyone but this machine, since it shows the login QR code", async () => {
    h = await startWechatHarness();
    for (const url of ["/api/wechat/status", "/wechat", "/wechat/status.js"]) {
      const res = await h.app.server.inject({ method: "GET", url, remoteAddress: "192.0.2.7" });
      expect(res.statusCode, url).toBe(403);
      expect(res.body).toContain("只能在运行路长通的这台机器上打开");
    }
    const local = await h.app.server.inject({
      method: "GET",
      url: "/api/wechat/status",
      remoteAddress: "::1",
    });
    expect(local.statusCode).toBe(200);
  });
});
