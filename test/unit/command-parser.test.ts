import { describe, expect, it } from "vitest";
import { parseCommand } from "../../src/conversation/command-parser.ts";

const p = (t: string) => parseCommand(t, ["路长通"]);

describe("command parser", () => {
  it.each([
    ["@路长通 收到", "acknowledge"],
    ["@路长通　签收！", "acknowledge"],
    ["收到，马上处理", "acknowledge"],
    ["@路长通 已整改", "fix"],
    ["已处理。", "fix"],
    ["@路长通 核查通过", "close"],
    ["销号", "close"],
    ["核查不通过 垃圾未清干净", "rework"],
    ["返工：地面还有污渍", "rework"],
    ["帮助", "help"],
    ["？", "help"],
    ["我的任务", "my_tasks"],
    ["待办", "my_tasks"],
    ["吹哨 交警 环卫", "whistle"],
    ["回退 不属于本路段", "return"],
    ["同意延时", "approve_extension"],
    ["不同意延期 理由不充分", "reject_extension"],
    ["商都大道民康路口垃圾桶满了", "report"],
  ])("%s → %s", (text, type) => {
    expect(p(text).command.type).toBe(type);
  });

  it("reads the extension amount, unit and reason", () => {
    expect(p("延时 2天 等待配件").command).toMatchObject({
      type: "request_extension",
      amount: 2,
      unit: "work_day",
      reason: "等待配件",
    });
    expect(p("申请延期4小时，材料未到").command).toMatchObject({
      amount: 4,
      unit: "hour",
      reason: "材料未到",
    });
    expect(p("延时").command).toMatchObject({ amount: null });
  });

  it("finds case numbers anywhere and queries by number", () => {
    expect(p("查询 ZM20261126-007")).toMatchObject({
      command: { type: "query", caseNumber: "ZM20261126-007" },
    });
    expect(p("zm20261126-007")).toMatchObject({ command: { type: "query", caseNumber: "ZM20261126-007" } });
    expect(p("ZM20261126-003 收到")).toMatchObject({
      command: { type: "acknowledge" },
      caseNumbers: ["ZM20261126-003"],
    });
  });

  it("keeps reasons and departments", () => {
    expect(p("回退：不是我们的路段").command).toMatchObject({ type: "return", reason: "不是我们的路段" });
    expect(p("吹哨 交警、环卫").command).toMatchObject({ type: "whistle", departments: "交警 环卫" });
  });
});
