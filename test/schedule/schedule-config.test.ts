/** The schedule's configuration: defaults, the ladder and weights syntax, and errors that name the variable. */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";

const base = { DATA_DIR: "/tmp/luzhang-config-test" };

describe("schedule configuration", () => {
  it("has sensible defaults", () => {
    const s = loadConfig(base).schedule;
    expect(s).toMatchObject({
      enabled: true,
      digestMinute: 8 * 60 + 30,
      digestWorkdaysOnly: true,
      digestChats: ["sim:demo"],
      eveningBriefMinute: null,
      rankingMinute: 9 * 60,
      rankingWeekday: 1,
      deadlineCheckMinutes: 15,
      quietHours: { start: 21 * 60, end: 8 * 60 },
      remindersEnabled: true,
      reminderMaxPerRun: 50,
      escalationLadder: [
        { role: "chief2", afterLimits: 0 },
        { role: "chief1", afterLimits: 1 },
      ],
      scoreWeights: {
        disposalRate: 30,
        onTimeDisposalRate: 20,
        reworkRate: 20,
        overdueOpenRate: 20,
        extensionRate: 10,
      },
      gradeThresholds: { A: 90, B: 75, C: 60, D: 40 },
    });
    expect(loadConfig({ ...base, SIMULATOR: "false" }).schedule.digestChats).toEqual([]);
  });

  it("reads every setting", () => {
    const s = loadConfig({
      ...base,
      DIGEST_TIME: "07:45",
      DIGEST_CHATS: "lark:oc_a, wechat:1@chatroom",
      EVENING_BRIEF_TIME: "17:30",
      QUIET_HOURS: "none",
      ESCALATION_LADDER: "chief1:2,chief2:0.5",
      SCORE_WEIGHTS: "处置率:40,按期处置率:20,返工率:20,超期待处置率:10,延期率:10",
      GRADE_THRESHOLDS: "a:95,b:80,c:65,d:50",
      REMINDERS_ENABLED: "false",
    }).schedule;
    expect(s.digestMinute).toBe(7 * 60 + 45);
    expect(s.digestChats).toEqual(["lark:oc_a", "wechat:1@chatroom"]);
    expect(s.eveningBriefMinute).toBe(17 * 60 + 30);
    expect(s.quietHours).toBeNull();
    expect(s.escalationLadder).toEqual([
      { role: "chief2", afterLimits: 0.5 },
      { role: "chief1", afterLimits: 2 },
    ]);
    expect(s.scoreWeights.disposalRate).toBe(40);
    expect(s.gradeThresholds).toEqual({ A: 95, B: 80, C: 65, D: 50 });
    expect(s.remindersEnabled).toBe(false);
    expect(loadConfig({ ...base, DIGEST_CHATS: "none", ESCALATION_LADDER: "none" }).schedule).toMatchObject({
      digestChats: [],
      escalationLadder: [],
    });
  });

  it.each([
    ["DIGEST_TIME", "8:30"],
    ["QUIET_HOURS", "21:00-21:00"],
    ["ESCALATION_LADDER", "chief3:1"],
    ["SCORE_WEIGHTS", "处置率:50,按期处置率:20,返工率:20,超期待处置率:20,延期率:10"],
    ["GRADE_THRESHOLDS", "A:60,B:75,C:60,D:40"],
    ["DEADLINE_CHECK_MINUTES", "7"],
    ["RANKING_WEEKDAY", "8"],
    ["DIGEST_CHATS", "oc_without_platform"],
  ])("refuses %s=%s and names the variable", (name, value) => {
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(new RegExp(`${name}:`));
  });
});
