/** Lark message bodies: @-mentions become tags for the right person, whatever the order of the names. */
import { describe, expect, it } from "vitest";
import { textCard } from "../../bots/lark/lark-card.ts";
import { textContent } from "../../bots/lark/lark-content.ts";

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
