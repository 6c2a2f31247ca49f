/** DingTalk configuration and payload conversion (no network). */
import { describe, expect, it } from "vitest";
import { readButtonId } from "../../bots/dingtalk/dingtalk-card.ts";
import {
  type RobotMessage,
  readRobotMessage,
  toInboundMessage,
} from "../../bots/dingtalk/dingtalk-inbound.ts";
import { renderMarkdown } from "../../bots/dingtalk/dingtalk-render.ts";
import { loadConfig } from "../../src/config.ts";

const people = {
  byUserId: (u: string) => (u === "zm0006" ? { id: "p_13907000006", name: "黄卫东" } : undefined),
  userIdOf: (p: string) => (p === "p_13907000006" ? "zm0006" : null),
};
const BOT = "$:LWCP_v1:$robot";
const base: RobotMessage = {
  msgId: "msgA1",
  conversationId: "cidG1==",
  conversationType: "2",
  chatbotUserId: BOT,
  senderStaffId: "zm0006",
  senderNick: "老黄",
  createAt: 1764122400000,
  sessionWebhook: "https://oapi.dingtalk.com/robot/sendBySession?session=secret",
};

describe("DINGTALK_* configuration", () => {
  it("reads chats whose ids end in =, with roles", () => {
    const c = loadConfig({
      DINGTALK_CLIENT_ID: "dingabc123def456",
      DINGTALK_CLIENT_SECRET: "0123456789abcdef0123",
      DINGTALK_CHATS: "cidAbC+/123==:report，cidXyZ==:leadership cidQq==",
    });
    expect(c.dingtalk?.chats).toEqual([
      { id: "cidAbC+/123==", role: "report" },
      { id: "cidXyZ==", role: "leadership" },
      { id: "cidQq==", role: "report" },
    ]);
    expect(c.dingtalk?.robotCode).toBe("dingabc123def456");
    expect(JSON.stringify(c.dingtalk)).not.toContain("0123456789abcdef0123");
  });

  it("refuses bad values in Chinese, naming the variable", () => {
    expect(() => loadConfig({ DINGTALK_CLIENT_ID: "dingabc123def456" })).toThrow(
      /DINGTALK_CLIENT_SECRET: .*Client Secret/,
    );
    expect(() =>
      loadConfig({ DINGTALK_CLIENT_ID: "abc", DINGTALK_CLIENT_SECRET: "0123456789abcdef0123" }),
    ).toThrow(/DINGTALK_CLIENT_ID: 应为钉钉开发者后台/);
    expect(() =>
      loadConfig({
        DINGTALK_CLIENT_ID: "dingabc123def456",
        DINGTALK_CLIENT_SECRET: "0123456789abcdef0123",
        DINGTALK_CHATS: "oc_lark:report",
      }),
    ).toThrow(/DINGTALK_CHATS: “oc_lark:report”应写成 cid群会话ID:report/);
    expect(() => loadConfig({ DINGTALK_ROBOT_CODE: "dingabc123def456" })).toThrow(/DINGTALK_CLIENT_ID/);
  });
});

describe("robot messages → InboundMessage", () => {
  it("reads text, picture and rich text", () => {
    expect(readRobotMessage({ ...base, msgtype: "text", text: { content: " 垃圾桶满了 " } })).toEqual({
      text: "垃圾桶满了",
      downloadCodes: [],
      unsupported: false,
    });
    expect(
      readRobotMessage({ ...base, msgtype: "picture", content: { downloadCode: "d1" } }).downloadCodes,
    ).toEqual(["d1"]);
    const rich = readRobotMessage({
      ...base,
      msgtype: "richText",
      content: {
        richText: [{ text: "已整改" }, { type: "picture", downloadCode: "d2" }, { text: " ZM20261126-001" }],
      },
    });
    expect(rich).toEqual({ text: "已整改 ZM20261126-001", downloadCodes: ["d2"], unsupported: false });
    expect(readRobotMessage({ ...base, msgtype: "audio" }).unsupported).toBe(true);
  });

  it("names a roster sender by 钉钉ID, keeps the webhook out of the stored copy, maps quotes", () => {
    const msg: RobotMessage = {
      ...base,
      msgtype: "text",
      text: {
        content: "收到",
        isReplyMsg: true,
        repliedMsg: { msgId: "msgReport", senderId: "$:LWCP_v1:$x", content: { text: "井盖坏了" } },
      },
    };
    const inbound = toInboundMessage(msg, readRobotMessage(msg), [], people);
    expect(inbound.sender).toEqual({ key: "dingtalk:zm0006", name: "黄卫东", dingtalkId: "zm0006" });
    expect(inbound.chatId).toBe("dingtalk:cidG1==");
    expect(inbound.replyTo).toBe("msgReport");
    expect(JSON.stringify(inbound.raw)).not.toContain("secret");
    // A quote of the bot's own message: its case number stands in for the id DingTalk never gave.
    const quoteBot: RobotMessage = {
      ...msg,
      text: {
        content: "收到",
        isReplyMsg: true,
        repliedMsg: { msgId: "x", senderId: BOT, content: { text: "案件 ZM20261126-003 请签收" } },
      },
    };
    const q = toInboundMessage(quoteBot, readRobotMessage(quoteBot), [], people);
    expect(q.text).toBe("收到 ZM20261126-003");
    expect(q.replyTo).toBeUndefined();
    // An outsider has no dingtalkId: no roster identity, whatever the nick.
    const outsider: RobotMessage = {
      ...base,
      senderStaffId: undefined,
      senderId: "$:LWCP_v1:$out",
      senderNick: "廖红梅",
      msgtype: "text",
      text: { content: "作废" },
    };
    expect(toInboundMessage(outsider, readRobotMessage(outsider), [], people).sender).toEqual({
      key: "dingtalk:$:LWCP_v1:$out",
      name: "廖红梅",
    });
  });

  it("reads only the bot's button ids and renders @ by userid where it can", () => {
    expect(readButtonId("luzhang|close|ZM20261126-001")).toEqual({
      type: "close",
      caseNumber: "ZM20261126-001",
    });
    for (const bad of [
      "luzhang|close",
      "x|close|ZM20261126-001",
      "luzhang|close|ZM1|x",
      5,
      "luzhang|DROP TABLE|ZM20261126-001",
    ])
      expect(readButtonId(bad)).toBeNull();
    const msg = {
      chatId: "dingtalk:c",
      text: "@黄卫东 请签收 [链接](http://x)",
      mentions: [{ personId: "p_13907000006", name: "黄卫东" }],
      kind: "assignment",
    };
    const r = renderMarkdown(msg, {
      userIdOf: people.userIdOf,
      canAt: true,
      mediaIds: [],
      typedActions: false,
    });
    expect(r.markdown).toBe("@zm0006 请签收 ［链接］(http://x)");
    expect(r.atUserIds).toEqual(["zm0006"]);
  });
});

describe("long messages", () => {
  it("cut to fit DingTalk's 15,000-byte msgParam, saying so", () => {
    const long = { chatId: "dingtalk:c", text: "案件汇总".repeat(3000), mentions: [], kind: "digest" };
    const r = renderMarkdown(long, { userIdOf: () => null, canAt: false, mediaIds: [], typedActions: false });
    expect(Buffer.byteLength(JSON.stringify({ title: r.title, text: r.markdown }))).toBeLessThan(15_000);
    expect(r.markdown).toContain("内容过长，已截断");
  });
});
