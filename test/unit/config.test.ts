/** The service's own settings: a bad value stops start-up with a Chinese message naming the variable. */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";

const base = { DATA_DIR: "/tmp/luzhang-config-test" };

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig({ ...base, ...env });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("work calendar settings", () => {
  it("accepts the defaults and a valid calendar", () => {
    expect(loadConfig(base).workHours).toEqual([
      { start: "08:30", end: "12:00" },
      { start: "14:00", end: "18:00" },
    ]);
    expect(loadConfig({ ...base, TIME_ZONE: "Asia/Urumqi", HOLIDAYS_OVERRIDE: "2026-12-31" }).timeZone).toBe(
      "Asia/Urumqi",
    );
  });

  it("names the variable and says how to fix it, before the service touches the database", () => {
    expect(errorOf({ TIME_ZONE: "Beijing" })).toContain(
      "TIME_ZONE: 未知的时区“Beijing”，应为 IANA 时区名，如 Asia/Shanghai",
    );
    expect(errorOf({ WORK_HOURS: "18:00-08:30" })).toContain("WORK_HOURS: 第 1 段“18:00-08:30”无效");
    expect(errorOf({ WORK_HOURS: "08:30-12:00,11:00-18:00" })).toContain(
      "WORK_HOURS: 第 2 段“11:00-18:00”无效",
    );
    expect(errorOf({ HOLIDAYS_OVERRIDE: "2026-02-30" })).toContain(
      "HOLIDAYS_OVERRIDE: “2026-02-30”不是有效日期（YYYY-MM-DD）",
    );
    expect(errorOf({ HOLIDAYS_OVERRIDE: "2026-10-10", WORKDAYS_OVERRIDE: "2026-10-10" })).toContain(
      "WORKDAYS_OVERRIDE: 2026-10-10 同时写在 HOLIDAYS_OVERRIDE 和 WORKDAYS_OVERRIDE 里，请只保留一处",
    );
  });

  it("answers a bad port, text limit or log level in Chinese", () => {
    expect(errorOf({ PORT: "abc" })).toContain("PORT: 应为 0–65535 的端口号");
    expect(errorOf({ MAX_TEXT_LENGTH: "10" })).toContain("MAX_TEXT_LENGTH: 应为 50–100000 的整数");
    expect(errorOf({ LOG_LEVEL: "verbose" })).toContain(
      "LOG_LEVEL: 应为 fatal、error、warn、info、debug、trace 或 silent",
    );
  });
});
