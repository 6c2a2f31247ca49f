/** Lark message bodies: @-mentions become tags for the right person, whatever the order of the names. */
import pino from "pino";
import { describe, expect, it } from "vitest";
import { textCard } from "../../bots/lark/lark-card.ts";
import { textContent } from "../../bots/lark/lark-content.ts";
import { toInboundMessage } from "../../bots/lark/lark-inbound.ts";

const mentions = [
  { personId: "p1", name: "张三", larkOpenId: "ou_zhangsan" },
  { personId: "p2", name: "张三丰", larkOpenId: "ou_zhangsanfeng" },
];

describe("mentions in Lark messages", () => {
  it("tags 张三丰 as 张三丰 even when 张三 comes first in the mention list", () => {
    const text = JSON.parse(textContent("@张三丰 @张三 请处置", mentions)) as { text: string };
    expect(text.text).toBe(
      '<at user_id="ou_zhangsanfeng">张三丰</at> <at user_id="ou_zhangsan">张三</at> 请处置',
    );
    const card = textCard({ text: "@张三丰 @张三 请处置", mentions, actions: [] });
    expect(card.body.elements[0]).toEqual({
      tag: "markdown",
      content: "<at id=ou_zhangsanfeng></at> <at id=ou_zhangsan></at> 请处置",
    });
  });
});

describe("reading a Lark message", () => {
  it("marks a voice message to the bot as unsupported, so the conversation can say what it reads", async () => {
    const inbound = await toInboundMessage(
      {
        event_id: "ev-1",
        sender: { sender_id: { open_id: "ou_someone" } },
        message: {
          message_id: "om_voice",
          chat_id: "oc_group",
          chat_type: "p2p",
          message_type: "audio",
          content: JSON.stringify({ file_key: "file_v2_x", duration: 2000 }),
          create_time: "1795700000000",
        },
      },
      {
        botOpenId: "ou_bot",
        botName: "路长通",
        people: { byOpenId: () => undefined } as never,
        download: async () => new Uint8Array(),
        log: pino({ level: "silent" }),
      },
    );
    expect(inbound.text).toBe("");
    expect(inbound.images).toEqual([]);
    expect(inbound.unsupportedContent).toBe(true);
  });
});
