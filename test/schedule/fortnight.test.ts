/**
 * A simulated fortnight, 2026-09-28 (Mon) to 2026-10-11 (Sun), with the fake clock moved in
 * 15-minute checks: National Day 10-01…10-07 is off (chinese-days: 10-06 and 10-07 are the make-up
 * days off), Saturday 10-10 is a make-up working day (调休). Every digest, evening brief, ranking,
 * reminder and escalation must appear exactly once at the right time; a second run of the same story
 * with restarts in the middle (one cut off in the middle of a digest, one in the middle of a deadline
 * check) must send exactly the same messages at the same times.
 */
import { describe, expect, it } from "vitest";
import { overdueBy, yellowAt } from "../../src/core/deadline-stages.ts";
import { createWorkCalendar } from "../../src/core/work-calendar.ts";
import { PNG_1PX, type ScheduleHarness, type Sent, startScheduleApp } from "./schedule-harness.ts";

const ENV = { DIGEST_CHATS: "sim:demo,sim:leaders", EVENING_BRIEF_TIME: "17:30" };
const START = "2026-09-28T00:00:00+08:00";
const END = "2026-10-12T00:00:00+08:00";
const STEP_MS = 15 * 60_000;
const SCHEDULED_KINDS = new Set(["digest", "evening_brief", "ranking", "reminder", "escalation"]);

const at = (local: string) => new Date(`${local}:00+08:00`).getTime();

/** What people do in the groups during the fortnight, at local times. */
const STORY: [string, (h: ScheduleHarness) => Promise<void>][] = [
  // A: 2 working hours (06042), SD-2: 黄卫东 / 二级 赵伟 / 一级 金静.
  ["2026-09-28T09:00", (h) => h.say("张三", "报告A 商都大道民康路口垃圾箱满了")],
  // E: 4 working hours (06010), QN-2: 顾晨曦 / 余鹏飞 / 黄浩然; extended by one working day.
  ["2026-09-28T14:00", (h) => h.say("张三", "报告E 青年路民康路口暴露垃圾")],
  ["2026-09-28T15:00", (h) => h.say("顾晨曦", "延时 1天 等待清运车 ZM20260928-002")],
  ["2026-09-28T15:10", (h) => h.say("廖红梅", "同意延时 ZM20260928-002")],
  [
    "2026-09-29T10:00",
    (h) => h.say("黄卫东", "已整改 ZM20260928-001", { images: [{ data: PNG_1PX, mime: "image/png" }] }),
  ],
  ["2026-09-29T10:30", (h) => h.say("廖红梅", "核查通过 ZM20260928-001")],
  // B: 1 working day (09001), HA-2: 程敏 / 卢磊 / 孙国庆; its day runs across the holiday.
  ["2026-09-30T17:00", (h) => h.say("张三", "报告B 恒安路民康路口游商占道")],
  // F: 4 natural hours, not urgent (01013), DF-2: 董志强 / 赵伟 / 崔雨桐; due in the holiday night.
  ["2026-09-30T20:00", (h) => h.say("张三", "报告F 东风路民康路口消防栓损坏")],
  // C: urgent, 2 natural hours (01023), RW-1: 黎伟 / 赵伟 / 胡嘉怡; reported on a holiday night.
  ["2026-10-03T22:00", (h) => h.say("张三", "报告C 人文路青年路口井盖缺失")],
  [
    "2026-10-04T08:00",
    (h) => h.say("黎伟", "已整改 ZM20261003-001", { images: [{ data: PNG_1PX, mime: "image/png" }] }),
  ],
  ["2026-10-04T08:10", (h) => h.say("廖红梅", "核查通过 ZM20261003-001")],
  // The whistle: 交警's contact becomes a co-handler of B and answers like the chief.
  ["2026-10-08T10:00", (h) => h.say("程敏", "吹哨 交警 ZM20260930-001")],
  ["2026-10-08T10:30", (h) => h.say("王警官", "收到 ZM20260930-001")],
  // G: 4 natural hours, not urgent, LH-2: 林浩然 / 卢磊 / 曾红梅; its last rung falls at midnight.
  ["2026-10-09T16:00", (h) => h.say("张三", "报告G 陇海路民康路口消防栓漏水")],
];

/** The schedule, worked out by hand from the rules in docs/schedule.md (case ids: A1 E2 B3 F4 C5 G6). */
const EXPECTED: [string, string[]][] = [
  ["2026-09-28T08:30", ["digest:sim:demo:2026-09-28", "digest:sim:leaders:2026-09-28"]],
  ["2026-09-28T09:00", ["ranking:sim:demo:2026-09-28", "ranking:sim:leaders:2026-09-28"]],
  // A: yellow at 80 % of 2 working hours = 10:36, seen by the 10:45 check; overdue 11:00.
  ["2026-09-28T10:45", ["remind:1:yellow"]],
  ["2026-09-28T11:00", ["remind:1:red", "escalate:1:chief2"]],
  // A further full time limit: 11:00–12:00 and 14:00–15:00.
  ["2026-09-28T15:00", ["escalate:1:chief1"]],
  ["2026-09-28T17:30", ["evening_brief:sim:demo:2026-09-28", "evening_brief:sim:leaders:2026-09-28"]],
  ["2026-09-29T08:30", ["digest:sim:demo:2026-09-29", "digest:sim:leaders:2026-09-29"]],
  // E after its extension: due 09-29 18:00, 690 working minutes from its start; 80 % = 15:42.
  ["2026-09-29T15:45", ["remind:2:yellow~x1"]],
  ["2026-09-29T17:30", ["evening_brief:sim:demo:2026-09-29", "evening_brief:sim:leaders:2026-09-29"]],
  ["2026-09-29T18:00", ["remind:2:red~x1", "escalate:2:chief2~x1"]],
  ["2026-09-30T08:30", ["digest:sim:demo:2026-09-30", "digest:sim:leaders:2026-09-30"]],
  ["2026-09-30T14:30", ["escalate:2:chief1~x1"]],
  ["2026-09-30T17:30", ["evening_brief:sim:demo:2026-09-30", "evening_brief:sim:leaders:2026-09-30"]],
  // C is urgent: reminded in quiet hours on a holiday.
  ["2026-10-03T23:45", ["remind:5:yellow"]],
  ["2026-10-04T00:00", ["remind:5:red", "escalate:5:chief2"]],
  ["2026-10-04T02:00", ["escalate:5:chief1"]],
  // F is not urgent: everything it reached over the holiday waits for the first working-day check
  // after the quiet hours; its yellow is stale by then and dropped.
  ["2026-10-08T08:00", ["remind:4:red", "escalate:4:chief2", "escalate:4:chief1"]],
  ["2026-10-08T08:30", ["digest:sim:demo:2026-10-08", "digest:sim:leaders:2026-10-08"]],
  // Monday 10-05 was a holiday: the ranking goes out on the first working day of that week.
  ["2026-10-08T09:00", ["ranking:sim:demo:2026-10-05", "ranking:sim:leaders:2026-10-05"]],
  // B: 60 working minutes on 09-30, the rest on 10-08; 80 % at 15:30, due 17:00.
  ["2026-10-08T15:30", ["remind:3:yellow"]],
  ["2026-10-08T17:00", ["remind:3:red", "escalate:3:chief2"]],
  ["2026-10-08T17:30", ["evening_brief:sim:demo:2026-10-08", "evening_brief:sim:leaders:2026-10-08"]],
  ["2026-10-09T08:30", ["digest:sim:demo:2026-10-09", "digest:sim:leaders:2026-10-09"]],
  ["2026-10-09T17:00", ["escalate:3:chief1"]],
  ["2026-10-09T17:30", ["evening_brief:sim:demo:2026-10-09", "evening_brief:sim:leaders:2026-10-09"]],
  // G: 16:00 + 80 % of 4 h = 19:12; due 20:00; one more limit ends at midnight (quiet) → 08:00 on the
  // make-up working Saturday.
  ["2026-10-09T19:15", ["remind:6:yellow"]],
  ["2026-10-09T20:00", ["remind:6:red", "escalate:6:chief2"]],
  ["2026-10-10T08:00", ["escalate:6:chief1"]],
  ["2026-10-10T08:30", ["digest:sim:demo:2026-10-10", "digest:sim:leaders:2026-10-10"]],
  ["2026-10-10T17:30", ["evening_brief:sim:demo:2026-10-10", "evening_brief:sim:leaders:2026-10-10"]],
];

interface Cut {
  /** Which log record to stop the service at (once). */
  when: (r: Record<string, unknown>) => boolean;
  label: string;
}

/** Restarts of run 2 cut off in the middle of a run (one more, between runs, is PLAIN_RESTART). */
const CUTS: Cut[] = [
  {
    label: "mid-digest 09-29 08:30, after the first chat",
    when: (r) => r.msg === "scheduled report queued" && r.key === "digest:sim:demo:2026-09-29",
  },
  {
    label: "mid-deadline-check 10-08 17:00, after the red reminder",
    when: (r) => r.msg === "reminder or escalation queued" && r.key === "remind:3:red",
  },
];
const PLAIN_RESTART = at("2026-10-02T12:00");

interface RunResult {
  sent: Sent[];
  runs: { job: string; periodKey: string; status: string; note: string }[];
  restarts: string[];
}

/** Plays the fortnight. With `restarts`, the service is stopped and started again at the cut points. */
async function playFortnight(restarts: boolean): Promise<RunResult> {
  const cuts = restarts ? [...CUTS] : [];
  let cutHit: string | null = null;
  const restartsDone: string[] = [];
  const onLog = (r: Record<string, unknown>, app: () => import("../../src/app/create-app.ts").App) => {
    const i = cuts.findIndex((c) => c.when(r));
    if (i < 0) return;
    cutHit = cuts[i]?.label ?? "";
    cuts.splice(i, 1);
    // Stops the scheduler between two units of work, as a shutdown signal would.
    void app().scheduler.stop();
  };
  let h = await startScheduleApp({ now: START, env: ENV, onLog });
  const dir = h.dir;
  // 交警大队 gets a contact person, as a county's roster would have.
  await h.app.prisma.person.create({
    data: { id: "p_jj01", name: "王警官", title: "交警大队联络员", roles: '["department"]' },
  });
  await h.app.prisma.department.update({ where: { code: "JJ" }, data: { contacts: '["p_jj01"]' } });
  await h.app.reloadRoster();

  const restart = async (now: number) => {
    await h.close();
    h = await startScheduleApp({ dir, now: new Date(now).toISOString(), env: ENV, onLog });
  };
  const story = STORY.map(([t, act]) => [at(t), act] as const);
  let plainRestartDone = !restarts;
  for (let t = new Date(START).getTime(); t < new Date(END).getTime(); t += STEP_MS) {
    for (const [when, act] of story) {
      if (when > t - STEP_MS && when < t) {
        h.clock.set(new Date(when).toISOString());
        await act(h);
      }
    }
    h.clock.set(new Date(t).toISOString());
    if (!plainRestartDone && t >= PLAIN_RESTART) {
      plainRestartDone = true;
      await restart(t);
      restartsDone.push("plain restart 10-02 12:00");
    }
    for (const [when, act] of story) if (when === t) await act(h);
    await h.tick();
    if (cutHit) {
      restartsDone.push(cutHit);
      cutHit = null;
      // A new process at the same instant: it resumes the cut-off run.
      await restart(t);
      await h.tick();
    }
  }
  const sent = await h.sent();
  const runs = await h.app.prisma.jobRun.findMany({
    where: { job: { not: "deadline" } },
    orderBy: { id: "asc" },
  });
  await h.close();
  return { sent, runs, restarts: restartsDone };
}

function scheduled(sent: Sent[]): Sent[] {
  return sent.filter((m) => SCHEDULED_KINDS.has(m.kind));
}

let reference: RunResult | null = null;

describe("a fortnight with National Day and a make-up Saturday", () => {
  it("the work calendar knows the fortnight as chinese-days does", () => {
    const cal = createWorkCalendar();
    const workdays = [
      "09-28",
      "09-29",
      "09-30",
      "10-01",
      "10-02",
      "10-03",
      "10-04",
      "10-05",
      "10-06",
      "10-07",
      "10-08",
      "10-09",
      "10-10",
      "10-11",
    ].filter((d) => cal.isWorkday(`2026-${d}`));
    expect(workdays).toEqual(["09-28", "09-29", "09-30", "10-08", "10-09", "10-10"]);
    expect(cal.isWorkday("2026-09-20")).toBe(true); // Sunday, make-up working day before 国庆
    // The stage instants the expected schedule relies on.
    const a = {
      startedAt: new Date(at("2026-09-28T09:00")),
      deadline: new Date(at("2026-09-28T11:00")),
      timeLimit: { value: 2, unit: "work_hour" as const },
    };
    expect(yellowAt(a, cal).toISOString()).toBe(new Date(at("2026-09-28T10:36")).toISOString());
    expect(overdueBy(a, 1, cal).toISOString()).toBe(new Date(at("2026-09-28T15:00")).toISOString());
  });

  it("sends every digest, brief, ranking, reminder and escalation exactly once at the right time", {
    timeout: 240_000,
  }, async () => {
    reference = await playFortnight(false);
    if (process.env.DUMP_FORTNIGHT) {
      const { writeFileSync } = await import("node:fs");
      writeFileSync(
        process.env.DUMP_FORTNIGHT,
        scheduled(reference.sent)
          .map((m) => `### ${m.at} ${m.key}\n${m.text}`)
          .join("\n\n"),
      );
    }
    const got = scheduled(reference.sent).map((m) => [m.at, m.key]);
    const want = EXPECTED.flatMap(([t, keys]) => keys.map((k) => [new Date(at(t)).toISOString(), k]));
    expect(got).toEqual(want);
    // Once each: no key twice in the transcript (the simulator stores each key once anyway, so also
    // check the outbox never held two rows of one kind for one case and stage — keys are unique).
    expect(new Set(got.map(([, k]) => k)).size).toBe(got.length);

    const byKey = new Map(reference.sent.map((m) => [m.key, m]));
    // Who was @-mentioned.
    const names = (key: string) => byKey.get(key)?.mentions.map((m) => m.name);
    expect(names("remind:1:yellow")).toEqual(["黄卫东"]);
    expect(names("escalate:1:chief2")).toEqual(["赵伟"]);
    expect(names("escalate:1:chief1")).toEqual(["金静"]);
    expect(names("remind:2:red~x1")).toEqual(["顾晨曦"]);
    expect(names("escalate:2:chief1~x1")).toEqual(["黄浩然"]);
    // After the whistle, 交警's contact is reminded with the chief.
    expect(names("remind:3:yellow")).toEqual(["程敏", "王警官"]);
    expect(names("escalate:3:chief2")).toEqual(["卢磊"]);
    expect(names("escalate:5:chief1")).toEqual(["胡嘉怡"]);
    expect(byKey.get("remind:5:yellow")?.text).toContain("【紧急】");
    expect(byKey.get("remind:1:red")?.caseNumber).toBe("ZM20260928-001");

    // The digest after the holiday covers the holiday and chases the red cases' chiefs.
    const digest = byKey.get("digest:sim:demo:2026-10-08");
    expect(digest?.text).toContain("【路长通每日简报】10月8日（周四）");
    expect(digest?.text).toContain("9月30日至10月7日新增 3 件，结案 1 件，其中按期处置 0 件");
    expect(digest?.text).toContain("ZM20260928-002");
    expect(digest?.text).toContain("@顾晨曦");
    expect(digest?.mentions.map((m) => m.name)).toEqual(expect.arrayContaining(["顾晨曦", "董志强"]));
    expect(digest?.imageHashes?.length).toBe(1);
    expect(byKey.get("digest:sim:demo:2026-09-29")?.text).toContain("昨日（9月28日）新增 2 件");
    // The moved ranking covers the last full week and September.
    const ranking = byKey.get("ranking:sim:demo:2026-10-05");
    expect(ranking?.text).toContain("上周（9月28日至10月4日）");
    expect(ranking?.text).toContain("本月累计（9月1日至9月30日）");
    expect(ranking?.imageHashes?.length).toBe(1);
    const brief = byKey.get("evening_brief:sim:demo:2026-10-08");
    expect(brief?.text).toContain("【路长通晚间简报】10月8日（周四）");
    expect(brief?.mentions).toEqual([]);

    // No digest or brief on the holiday or on Sunday 10-11; a done record for each period.
    expect(reference.runs.map((r) => `${r.job}:${r.periodKey}:${r.status}`)).toEqual(
      expect.arrayContaining([
        "digest:2026-10-10:done",
        "ranking:2026-10-05:done",
        "evening_brief:2026-10-10:done",
      ]),
    );
    expect(reference.runs.every((r) => r.status === "done")).toBe(true);
    expect(reference.runs.filter((r) => r.job === "digest").map((r) => r.periodKey)).toEqual([
      "2026-09-28",
      "2026-09-29",
      "2026-09-30",
      "2026-10-08",
      "2026-10-09",
      "2026-10-10",
    ]);
  });

  it("restarts in the middle, including one in the middle of a digest, change nothing in what was sent", {
    timeout: 240_000,
  }, async () => {
    expect(reference, "runs after the reference run").not.toBeNull();
    const withRestarts = await playFortnight(true);
    expect(withRestarts.restarts).toEqual([
      "mid-digest 09-29 08:30, after the first chat",
      "plain restart 10-02 12:00",
      "mid-deadline-check 10-08 17:00, after the red reminder",
    ]);
    const strip = (m: Sent) => ({
      at: m.at,
      key: m.key,
      chatId: m.chatId,
      text: m.text,
      mentions: m.mentions,
      images: m.imageHashes ?? [],
    });
    expect(withRestarts.sent.map(strip)).toEqual(reference?.sent.map(strip));
    // The cut-off digest run was resumed, not run again from scratch.
    const resumed = withRestarts.runs.find((r) => r.job === "digest" && r.periodKey === "2026-09-29");
    expect(resumed?.status).toBe("done");
    expect(resumed?.note).toMatch(/^attempt 2: queued for 1 of 2 chat/);
  });
});
