import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkRoster, loadRosterFile } from "../../src/roster/roster-load.ts";
import { personId, type Roster, type RosterProblem } from "../../src/roster/roster-schema.ts";
import { formatProblem } from "../../src/roster/roster-validate.ts";
import { DEMO_JSON, type DemoRoster, demoRoster, taxonomyCodes, tempDir } from "./roster-fixtures.ts";

let codes: Set<string>;
let tmp: { dir: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  codes = await taxonomyCodes();
  tmp = await tempDir();
});
afterAll(async () => {
  await tmp.cleanup();
});

function ok(result: Awaited<ReturnType<typeof loadRosterFile>>): Roster {
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join("\n"));
  return result.roster;
}

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("the demo roster changed");
  return value;
}

function problemsOf(demo: DemoRoster): RosterProblem[] {
  const result = checkRoster(demo, { taxonomyCodes: codes });
  if (result.ok) throw new Error("expected problems");
  return result.problems.filter((p) => p.severity !== "warning");
}

describe("loadRosterFile (JSON)", () => {
  it("loads the demo roster: one person per phone, with the union of roles", async () => {
    const result = await loadRosterFile(DEMO_JSON, codes);
    const roster = ok(result);
    expect(roster.county).toBe("中牟县");
    expect(roster.streets).toEqual(["青年路街道", "东风路街道", "广惠街街道"]);
    expect(roster.roads).toHaveLength(12);
    expect(roster.roads.flatMap((r) => r.segments)).toHaveLength(30);
    expect(roster.people).toHaveLength(48);
    expect(new Set(roster.people.map((p) => p.id)).size).toBe(48);

    const huang = roster.people.find((p) => p.id === "p_13907000006");
    expect(huang).toEqual({
      id: "p_13907000006",
      name: "黄卫东",
      title: "商都大道新圃街至文明路段三级路长",
      phone: "13907000006",
      larkOpenId: "ou_zm0006",
      wechatId: "wxid_zm0006",
      dingtalkId: "zm0006",
      roles: ["chief3"],
    });
    // 余鹏飞 is the 二级路长 of several segments: still one person.
    const segmentsOfYu = roster.roads
      .flatMap((r) => r.segments)
      .filter((s) => s.level2ChiefId === "p_13907000002");
    expect(segmentsOfYu.length).toBeGreaterThan(1);
    expect(roster.people.filter((p) => p.name === "余鹏飞")).toHaveLength(1);

    const sd = roster.roads[0];
    expect(sd?.crossings.map((c) => [c.name, c.seq])).toEqual([
      ["人文路", 0],
      ["听篌街", 1],
      ["新圃街", 2],
      ["民康路", 3],
      ["文明路", 4],
      ["泰安街", 5],
    ]);
    expect(sd?.level1ChiefId).toBe("p_13907000004");
    expect(roster.inspectorIds).toEqual(["p_13907000046", "p_13907000047", "p_13907000048"]);
    expect(roster.landmarks[0]).toEqual({
      name: "县政府",
      aliases: ["县委县政府", "政府大院"],
      roadName: "商都大道",
      segmentId: "SD-1",
      lat: null,
      lng: null,
    });
    // The demo's 交通运输局 lists 02005, which the taxonomy does not have: a warning, not a refusal.
    expect(result.ok && result.warnings.map((w) => w.message)).toEqual([
      "departments[6].handles：部门“交通运输局”负责的事项代码 02005 不在事项分类表中，请核对",
    ]);
  });

  it("merges a person named in several places and unites the roles", async () => {
    const demo = await demoRoster();
    const chief = demo.roads[0]?.segments[1]?.chiefs.level3;
    if (!chief) throw new Error("demo changed");
    demo.inspectors.push({ ...chief, title: "兼职督查员" });
    must(demo.departments[0]).contacts = [{ name: chief.name, phone: chief.phone }];
    demo.admins = [{ name: chief.name, lark_open_id: chief.lark_open_id }];
    const result = checkRoster(demo, { taxonomyCodes: codes });
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join("\n"));
    const person = result.roster.people.find((p) => p.id === "p_13907000006");
    expect(person?.roles).toEqual(["chief3", "department", "inspector", "admin"]);
    expect(person?.title).toBe("商都大道新圃街至文明路段三级路长");
    expect(result.roster.departments[0]?.contactIds).toEqual(["p_13907000006"]);
    expect(result.roster.adminIds).toEqual(["p_13907000006"]);
    expect(result.roster.people).toHaveLength(48);
  });

  it("derives ids from phone, else Lark id, else WeChat id, else name", () => {
    expect(personId({ name: "甲", phone: "13907000006", lark_open_id: "ou_1" })).toBe("p_13907000006");
    expect(personId({ name: "甲", lark_open_id: "ou_1", wechat_id: "wx" })).toBe("p_ou_1");
    expect(personId({ name: "甲", wechat_id: "wxid_1" })).toBe("p_wxid_1");
    expect(personId({ name: "甲" })).toBe("p_甲");
  });

  it("normalizes phones (spaces, dashes, +86) and joins a name-only mention to its person", async () => {
    const demo = await demoRoster();
    const seg = demo.roads[0]?.segments[1];
    if (!seg) throw new Error("demo changed");
    seg.chiefs.level3 = { name: "黄卫东", phone: "+86 139-0700-0006" };
    const roads2 = demo.roads[1]?.segments[0];
    if (!roads2) throw new Error("demo changed");
    roads2.chiefs.level2 = { name: "余鹏飞" };
    const result = checkRoster(demo, { taxonomyCodes: codes });
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join("\n"));
    const seg2 = result.roster.roads[0]?.segments[1];
    expect(seg2?.level3ChiefId).toBe("p_13907000006");
    expect(result.roster.roads[1]?.segments[0]?.level2ChiefId).toBe("p_13907000002");
  });

  it("reports an unknown street with its JSON path", async () => {
    const demo = await demoRoster();
    must(must(demo.roads[0]).segments[1]).street = "东风街道";
    expect(problemsOf(demo)).toEqual([
      {
        path: "roads[0].segments[1].street",
        message:
          "roads[0].segments[1].street：未知街道“东风街道”，应为 青年路街道、东风路街道、广惠街街道 之一",
      },
    ]);
  });

  it("refuses the same phone under two names", async () => {
    const demo = await demoRoster();
    must(must(demo.roads[1]).segments[0]).chiefs.level3 = { name: "黄伟东", phone: "13907000006" };
    const problems = problemsOf(demo);
    expect(problems.map((p) => p.message)).toContain(
      "roads[1].segments[0].chiefs.level3.name：电话“13907000006”在roads[0].segments[1].chiefs.level3登记为“黄卫东”，此处姓名为“黄伟东”",
    );
  });

  it("checks segment ends, duplicate ids, landmarks and departments", async () => {
    const demo = await demoRoster();
    must(must(demo.roads[0]).segments[0]).to = "解放路";
    must(must(demo.roads[1]).segments[0]).id = "SD-1";
    must(demo.landmarks[0]).segment = "HA-2";
    must(demo.landmarks[1]).road = "不存在路";
    demo.departments.push({ code: "HW", name: "重复部门", handles: [] });
    const messages = problemsOf(demo).map((p) => p.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        "roads[0].segments[0].to：终点“解放路”不是道路“商都大道”的路口，应为 人文路、听篌街、新圃街、民康路、文明路、泰安街 之一",
        "roads[1].segments[0].id：路段编号“SD-1”重复：roads[0].segments[0].id已使用该编号",
        "landmarks[0].segment：路段“HA-2”属于道路“恒安路”，不属于“商都大道”",
        "landmarks[1].road：未知道路“不存在路”",
        "departments[7].code：部门代码“HW”重复（departments[0].code已有）",
      ]),
    );
  });

  it("reports schema problems with paths and in Chinese", async () => {
    const demo = (await demoRoster()) as unknown as Record<string, unknown>;
    demo.format = "luzhang-roster/v0";
    must((demo.roads as { name: unknown }[])[2]).name = "";
    must((demo.inspectors as Record<string, unknown>[])[0]).mobile = "1";
    const result = checkRoster(demo);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.message)).toEqual(
      expect.arrayContaining([
        'format：format 应为 "luzhang-roster/v1"',
        "roads[2].name：道路名称不能为空",
        "inspectors[0]：未知字段 “mobile”",
      ]),
    );
  });

  it("refuses unsupported extensions and broken JSON", async () => {
    const txt = path.join(tmp.dir, "roster.txt");
    await writeFile(txt, "x");
    const r1 = await loadRosterFile(txt, codes);
    expect(r1).toEqual({
      ok: false,
      problems: [{ file: txt, message: "不支持的文件类型“.txt”，应为 .json、.xlsx 或 .csv" }],
    });

    const bad = path.join(tmp.dir, "bad.json");
    await writeFile(bad, '{\n  "format": "luzhang-roster/v1",\n  "roads": [,]\n}');
    const r2 = await loadRosterFile(bad, codes);
    expect(r2.ok).toBe(false);
    if (!r2.ok) {
      expect(r2.problems[0]?.row).toBe(3);
      expect(r2.problems[0]?.message).toMatch(/^JSON 格式错误（第 3 行/);
    }
  });
});
