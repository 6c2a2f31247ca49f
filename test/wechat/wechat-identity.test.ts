import { describe, expect, it } from "vitest";
import { matchSender, toSender } from "../../bots/wechat/wechat-identity.ts";
import { RosterIndex } from "../../src/core/roster-index.ts";
import type { Person } from "../../src/core/types.ts";

const person = (id: string, name: string, wechatId: string | null): Person => ({
  id,
  name,
  title: "",
  phone: "",
  larkOpenId: null,
  wechatId,
  roles: ["chief3"],
});

const roster = new RosterIndex({
  people: [
    person("p1", "黄卫东", "wxid_zm0006"),
    person("p2", "赵伟", null),
    person("p3", "王芳", null),
    person("p4", "王芳", null),
  ],
  roads: [],
  segments: [],
  landmarks: [],
  departments: [],
});

describe("matching a WeChat sender to the roster", () => {
  it("uses the WeChat id first, then the WeChat number", () => {
    expect(matchSender(roster, { contactId: "wxid_zm0006", name: "老黄" })).toMatchObject({
      by: "wechatId",
      person: { id: "p1" },
    });
    expect(
      matchSender(roster, { contactId: "@session123", weixin: "wxid_zm0006", name: "老黄" }),
    ).toMatchObject({
      by: "weixin",
      person: { id: "p1" },
    });
  });

  it("then the group nickname, then the WeChat name, and only unambiguous names", () => {
    expect(matchSender(roster, { contactId: "@x", name: "小赵", roomAlias: "赵 伟" })).toMatchObject({
      by: "roomAlias",
      person: { id: "p2" },
    });
    expect(matchSender(roster, { contactId: "@x", name: "赵伟", roomAlias: "" })).toMatchObject({
      by: "name",
      person: { id: "p2" },
    });
    expect(matchSender(roster, { contactId: "@x", name: "王芳" })).toEqual({ by: "none", person: null });
    expect(matchSender(roster, { contactId: "@x", name: "张三" })).toEqual({ by: "none", person: null });
  });

  it("hands the conversation a sender its identify() resolves the same way", () => {
    const facts = { contactId: "@x", name: "小赵", roomAlias: "赵伟" };
    const sender = toSender(facts, matchSender(roster, facts));
    expect(sender).toEqual({ key: "wechat:@x", name: "赵伟", wechatId: "@x" });
    const byNumber = { contactId: "@s", weixin: "wxid_zm0006", name: "老黄" };
    expect(toSender(byNumber, matchSender(roster, byNumber)).wechatId).toBe("wxid_zm0006");
    expect(
      toSender({ contactId: "@g", name: "张三", roomAlias: "热心市民" }, { by: "none", person: null }).name,
    ).toBe("热心市民");
  });
});
