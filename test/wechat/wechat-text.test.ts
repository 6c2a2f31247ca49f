import { describe, expect, it } from "vitest";
import {
  mentionsAnyName,
  parseQuote,
  referMsgIds,
  removeMentions,
  splitText,
  stripMentionPrefixes,
  WECHAT_MAX_TEXT,
} from "../../bots/wechat/wechat-text.ts";

describe("splitText", () => {
  it("keeps a short text whole and drops an empty one", () => {
    expect(splitText("案件 ZM20261126-001 已派遣")).toEqual(["案件 ZM20261126-001 已派遣"]);
    expect(splitText("   ")).toEqual([]);
  });

  it("cuts a long digest at paragraph boundaries, each part ≤ 1,500 characters and marked", () => {
    const paragraph = (i: number) => `【${i}】${"商都大道民康路口垃圾桶满溢，已派环卫中心处置。".repeat(8)}`;
    const text = Array.from({ length: 30 }, (_, i) => paragraph(i + 1)).join("\n\n");
    const parts = splitText(text);
    expect(parts.length).toBeGreaterThan(2);
    for (const [i, p] of parts.entries()) {
      expect(p.length).toBeLessThanOrEqual(WECHAT_MAX_TEXT);
      expect(p.endsWith(`（${i + 1}/${parts.length}）`)).toBe(true);
      // Every part starts at a paragraph: nothing was cut mid-paragraph.
      expect(p).toMatch(/^【\d+】/);
    }
    const rejoined = parts.map((p) => p.replace(/（\d+\/\d+）$/, "")).join("\n\n");
    expect(rejoined).toBe(text);
  });

  it("falls back to sentence ends, then a hard cut that never splits an emoji", () => {
    const sentences = "这是一个很长的句子，用来测试在句号处切分。".repeat(200);
    for (const p of splitText(sentences, 300)) {
      expect(p.length).toBeLessThanOrEqual(300);
      expect(p.replace(/（\d+\/\d+）$/, "")).toMatch(/。$/);
    }
    const emoji = "🚧".repeat(400);
    const parts = splitText(emoji, 101);
    expect(parts.map((p) => p.replace(/（\d+\/\d+）$/, "")).join("")).toBe(emoji);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(101);
  });
});

describe("mentions", () => {
  it("finds the bot's name after @, followed by a space, U+2005 or the end", () => {
    expect(mentionsAnyName("@路长通\u2005商都大道垃圾满了", ["路长通"])).toBe(true);
    expect(mentionsAnyName("@路长通 收到", ["小助手", "路长通"])).toBe(true);
    expect(mentionsAnyName("已整改 @路长通", ["路长通"])).toBe(true);
    expect(mentionsAnyName("@路长通知 大家", ["路长通"])).toBe(false);
    expect(mentionsAnyName("路长通 收到", ["路长通"])).toBe(false);
  });

  it("removes the bot's mentions but keeps other people's", () => {
    expect(removeMentions("@路长通\u2005收到", ["路长通"])).toBe("收到");
    expect(removeMentions("吹哨 @路长通 @黄卫东 交警", ["路长通"])).toBe("吹哨 @黄卫东 交警");
  });

  it("strips the conversation's '@姓名 ' prefixes so room.say can write real mentions", () => {
    expect(stripMentionPrefixes("@黄卫东 @廖红梅 案件已派遣", ["廖红梅", "黄卫东"])).toBe("案件已派遣");
    expect(stripMentionPrefixes("@黄卫东\u2005案件", ["黄卫东"])).toBe("案件");
    expect(stripMentionPrefixes("请 @黄卫东 处理", ["黄卫东"])).toBe("请 @黄卫东 处理");
  });
});

describe("quoted replies (wechat4u's format)", () => {
  it("parses the quoted name, the quoted text and the reply", () => {
    const text = "「路长通：@黄卫东 新案件 ZM20261126-001：垃圾满溢」\n- - - - - - - - - - - - - - -\n收到";
    expect(parseQuote(text)).toEqual({
      quotedName: "路长通",
      quotedText: "@黄卫东 新案件 ZM20261126-001：垃圾满溢",
      reply: "收到",
    });
    expect(parseQuote("收到")).toBeNull();
  });

  it("reads the quoted message's server id and sender from the raw XML, escaped or not", () => {
    const xml =
      "<msg><appmsg><title>收到</title><type>57</type><refermsg><type>1</type><svrid>8123456789012345678</svrid><chatusr>@abc123</chatusr><displayname>路长通</displayname></refermsg></appmsg></msg>";
    expect(referMsgIds(xml)).toEqual({ svrid: "8123456789012345678", chatusr: "@abc123" });
    expect(referMsgIds(xml.replace(/</g, "&lt;").replace(/>/g, "&gt;"))).toEqual({
      svrid: "8123456789012345678",
      chatusr: "@abc123",
    });
    expect(referMsgIds("plain text")).toEqual({});
  });
});
