/**
 * Issue 13 §1: the simulator has no sign-in, so whoever reaches it is whoever they pick. It serves
 * this machine only (the socket address; a forwarded address only from a TRUST_PROXY proxy), is off
 * by default once a real channel is configured, refuses to start listening beyond loopback, and a
 * simulator sender acts on simulator cases only.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";
import type { InboundMessage } from "../../src/core/types.ts";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";

const OUTSIDE = "203.0.113.9";
const LARK = { LARK_APP_ID: "cli_a1b2c3d4e5f60718", LARK_APP_SECRET: "secret-secret-secret" };

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const simPost = (text: string, senderId: string, id: string) => ({
  clientMessageId: id,
  senderId,
  text,
  mentionBot: true,
});

describe("simulator reachable from this machine only", () => {
  it("refuses the page, the people list and posts from another address, whatever the URL spelling", async () => {
    t = await startTestApp();
    const inspector = t.person("廖红梅");
    for (const url of ["/", "/api/sim/people", "/api/sim/messages", "/api/sim/%70eople", "/sim/app.js"]) {
      const res = await t.app.server.inject({ method: "GET", url, remoteAddress: OUTSIDE });
      expect(res.statusCode, url).toBe(403);
      expect(res.body).toMatch(/只对本机开放/);
      expect(res.body).not.toContain(inspector.phone);
    }
    const post = await t.app.server.inject({
      method: "POST",
      url: "/api/sim/messages",
      remoteAddress: OUTSIDE,
      payload: simPost("商都大道与民康路交叉口垃圾桶满了", inspector.id, "x-1"),
    });
    expect(post.statusCode).toBe(403);
    expect(await t.app.prisma.inboxMessage.count()).toBe(0);
    // From this machine it works, with security headers: no framing, a strict CSP.
    const local = await t.app.server.inject({ method: "GET", url: "/", remoteAddress: "127.0.0.1" });
    expect(local.statusCode).toBe(200);
    expect(String(local.headers["content-security-policy"])).toContain("frame-ancestors 'none'");
    expect(String(local.headers["content-security-policy"])).toContain("script-src 'self'");
    expect(local.headers["x-frame-options"]).toBe("SAMEORIGIN");
  });

  it("ignores X-Forwarded-For without TRUST_PROXY, and honours it from a trusted proxy", async () => {
    t = await startTestApp();
    const spoofed = await t.app.server.inject({
      method: "GET",
      url: "/api/sim/people",
      remoteAddress: OUTSIDE,
      headers: { "x-forwarded-for": "127.0.0.1" },
    });
    expect(spoofed.statusCode).toBe(403);
    await t.close();
    t = await startTestApp({ env: { TRUST_PROXY: "127.0.0.1" } });
    const viaProxy = await t.app.server.inject({
      method: "GET",
      url: "/api/sim/people",
      remoteAddress: "127.0.0.1",
      headers: { "x-forwarded-for": OUTSIDE },
    });
    expect(viaProxy.statusCode).toBe(403);
    const local = await t.app.server.inject({
      method: "GET",
      url: "/api/sim/people",
      remoteAddress: "127.0.0.1",
    });
    expect(local.statusCode).toBe(200);
  });
});

describe("simulator settings", () => {
  it("is off by default with a real channel, on only when SIMULATOR=true says so", () => {
    expect(loadConfig({}).simulator).toBe(true);
    expect(loadConfig({ ...LARK }).simulator).toBe(false);
    expect(loadConfig({ WECHAT_PUPPET: "mock", WECHAT_ROOMS: "路长群=report" }).simulator).toBe(false);
    expect(loadConfig({ ...LARK, SIMULATOR: "true" }).simulator).toBe(true);
  });

  it("refuses to start with the simulator on and HOST beyond loopback, in Chinese", () => {
    expect(() => loadConfig({ HOST: "0.0.0.0" })).toThrow(ConfigError);
    expect(() => loadConfig({ HOST: "0.0.0.0" })).toThrow(/SIMULATOR: .*模拟群聊.*SIMULATOR=false/);
    expect(() => loadConfig({ HOST: "0.0.0.0", ...LARK, SIMULATOR: "true" })).toThrow(ConfigError);
    expect(loadConfig({ HOST: "0.0.0.0", SIMULATOR: "false" }).simulator).toBe(false);
    expect(loadConfig({ HOST: "0.0.0.0", ...LARK }).simulator).toBe(false);
    expect(loadConfig({ HOST: "::1" }).simulator).toBe(true);
  });

  it("refuses TRUST_PROXY=true (anyone could pick their own address)", () => {
    expect(() => loadConfig({ TRUST_PROXY: "true" })).toThrow(/TRUST_PROXY/);
    expect(loadConfig({ TRUST_PROXY: "10.0.0.0/8, 127.0.0.1" }).trustProxy).toEqual([
      "10.0.0.0/8",
      "127.0.0.1",
    ]);
    expect(loadConfig({ TRUST_PROXY: "1" }).trustProxy).toBe(1);
  });
});

describe("a simulator sender acts on simulator cases only", () => {
  it("cannot void, query or list a Lark group's case, even as the inspector", async () => {
    t = await startTestApp();
    const chief = t.person("黄卫东");
    const lark: InboundMessage = {
      channel: "lark",
      chatId: "lark:oc_demo",
      messageId: "om_1",
      sender: { key: `lark:${chief.larkOpenId}`, name: chief.name, larkOpenId: chief.larkOpenId ?? "" },
      text: "@路长通 商都大道与文明路交叉口往西50米垃圾桶满了",
      mentionsBot: true,
      mentions: [],
      images: [],
      sentAt: t.clock.now(),
    };
    await t.app.ingest(lark);
    await t.app.inbox.idle();
    const larkCase = await t.app.prisma.case.findFirstOrThrow({ where: { chatId: "lark:oc_demo" } });
    const before = larkCase.state;
    const inspector = t.person("廖红梅");
    for (const [i, text] of [`作废 ${larkCase.number} 测试`, `查询 ${larkCase.number}`].entries()) {
      const res = await t.app.server.inject({
        method: "POST",
        url: "/api/sim/messages",
        payload: simPost(text, inspector.id, `sim-${i}`),
      });
      expect(res.statusCode).toBe(202);
    }
    await t.app.inbox.idle();
    await t.app.outbox.drain();
    const after = await t.app.prisma.case.findUniqueOrThrow({ where: { id: larkCase.id } });
    expect(after.state).toBe(before);
    const replies = (await t.botMessages()).map((m) => m.text);
    expect(replies.filter((r) => r.includes("只能查看和处理模拟群聊里的案件"))).toHaveLength(2);
    expect(replies.some((r) => r.includes("已作废"))).toBe(false);
  });
});
