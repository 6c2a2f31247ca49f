import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";

const base = { DATA_DIR: "/tmp/luzhang-config-test" };

describe("WeChat configuration", () => {
  it("is off unless WECHAT_PUPPET is set", () => {
    expect(loadConfig(base).wechat).toBeNull();
  });

  it("reads rooms with roles, the session file under the data folder, and the pace", () => {
    const c = loadConfig({
      ...base,
      WECHAT_PUPPET: "wechat4u",
      WECHAT_ROOMS: "商都大道路长工作群=report；中牟县路长制领导群 = leadership;\n广惠街工作群",
      WECHAT_NAME: "zhongmou",
    }).wechat;
    expect(c?.rooms).toEqual([
      { topic: "商都大道路长工作群", role: "report" },
      { topic: "中牟县路长制领导群", role: "leadership" },
      { topic: "广惠街工作群", role: "report" },
    ]);
    expect(c?.sessionName).toBe("/tmp/luzhang-config-test/wechat/zhongmou");
    expect(c?.minSendIntervalMs).toBe(1500);
    expect(c?.sendJitterMs).toBe(1000);
  });

  it("names the variable and the fix when something is wrong", () => {
    expect(() => loadConfig({ ...base, WECHAT_PUPPET: "wechat4u" })).toThrow(
      /WECHAT_ROOMS: 启用微信时至少要配置一个群/,
    );
    expect(() => loadConfig({ ...base, WECHAT_PUPPET: "service", WECHAT_ROOMS: "群=report" })).toThrow(
      /WECHAT_PUPPET_TOKEN/,
    );
    expect(() => loadConfig({ ...base, WECHAT_PUPPET: "padlocal" })).toThrow(
      /WECHAT_PUPPET: 应为 wechat4u、service 或 mock/,
    );
    expect(() => loadConfig({ ...base, WECHAT_PUPPET: "mock", WECHAT_ROOMS: "群=boss" })).toThrow(
      /WECHAT_ROOMS: “群=boss”应写成/,
    );
    expect(() => loadConfig({ ...base, WECHAT_PUPPET: "mock", WECHAT_ROOMS: "群;群" })).toThrow(/写了两次/);
    expect(() =>
      loadConfig({ ...base, WECHAT_PUPPET: "mock", WECHAT_ROOMS: "群", WECHAT_NAME: "../x" }),
    ).toThrow(/WECHAT_NAME/);
  });

  it("never prints the puppet token with the configuration", () => {
    const c = loadConfig({
      ...base,
      WECHAT_PUPPET: "service",
      WECHAT_PUPPET_TOKEN: "puppet_secret_123",
      WECHAT_ROOMS: "群",
    });
    expect(c.wechat?.readToken()).toBe("puppet_secret_123");
    expect(JSON.stringify(c)).not.toContain("puppet_secret_123");
  });
});
