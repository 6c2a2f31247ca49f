import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRosterFile, type RosterLoadResult } from "../../src/roster/roster-load.ts";
import type { Roster, RosterProblem } from "../../src/roster/roster-schema.ts";
import { canonicalHeader } from "../../src/roster/roster-spreadsheet.ts";
import { formatProblem } from "../../src/roster/roster-validate.ts";
import {
  type Cell,
  DEMO_JSON,
  demoRoster,
  demoSheets,
  dropColumn,
  ROOT,
  type Sheets,
  setCell,
  taxonomyCodes,
  tempDir,
  writeCsvSet,
  writeXlsx,
} from "./roster-fixtures.ts";

let codes: Set<string>;
let tmp: { dir: string; cleanup: () => Promise<void> };
let expected: Roster;
let sheets: () => Promise<Sheets>;

beforeAll(async () => {
  codes = await taxonomyCodes();
  tmp = await tempDir();
  const json = await loadRosterFile(DEMO_JSON, codes);
  if (!json.ok) throw new Error("demo roster does not load");
  expected = json.roster;
  sheets = async () => demoSheets(await demoRoster());
});
afterAll(async () => {
  await tmp.cleanup();
});

let counter = 0;
const file = (ext: string) => path.join(tmp.dir, `roster-${++counter}${ext}`);

function ok(result: RosterLoadResult): Roster {
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join("\n"));
  return result.roster;
}

function errors(result: RosterLoadResult): RosterProblem[] {
  if (result.ok) throw new Error("expected the file to be refused");
  return result.problems.filter((p) => p.severity !== "warning");
}

describe("xlsx roster", () => {
  it("imports the demo data to the same roster as the JSON file", async () => {
    const f = file(".xlsx");
    await writeXlsx(f, await sheets());
    const result = await loadRosterFile(f, codes);
    expect(ok(result)).toEqual(expected);
    // The same warning as the JSON, placed on the 部门 sheet.
    expect(result.ok && result.warnings).toEqual([
      {
        file: f,
        sheet: "部门",
        row: 8,
        column: "负责事项",
        severity: "warning",
        message: "第 8 行「负责事项」列：部门“交通运输局”负责的事项代码 02005 不在事项分类表中，请核对",
      },
    ]);
  });

  it("reads phones written as numbers, a title row above the header and merged road cells", async () => {
    const s = await sheets();
    const seg = s.路段 ?? [];
    const phoneCols = seg[0]?.flatMap((h, i) => (String(h).endsWith("电话") ? [i] : [])) ?? [];
    for (const row of seg.slice(1)) for (const i of phoneCols) row[i] = Number(row[i]);
    const f = file(".xlsx");
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("路段");
    ws.addRow(["中牟县路长名册（2026 年 11 月）"]);
    for (const row of seg) ws.addRow(row);
    // 商都大道's three rows (sheet rows 3–5) with one merged 道路 cell.
    ws.mergeCells("A3:A5");
    for (const [name, rows] of Object.entries(s)) {
      if (name === "路段") continue;
      const other = wb.addWorksheet(name);
      for (const row of rows) other.addRow(row);
    }
    await wb.xlsx.writeFile(f);
    expect(ok(await loadRosterFile(f, codes))).toEqual(expected);
  });

  it("builds crossings from 起点/终点 in row order when there is no 路口 sheet", async () => {
    const f = file(".xlsx");
    await writeXlsx(f, demoSheets(await demoRoster(), { crossingSheet: false }));
    const roster = ok(await loadRosterFile(f, codes));
    expect(roster.roads[0]?.crossings).toEqual([
      { name: "人文路", seq: 0, lat: 34.73, lng: 113.96 },
      { name: "新圃街", seq: 1, lat: 34.73, lng: 113.974 },
      { name: "文明路", seq: 2, lat: 34.73, lng: 113.988 },
      { name: "泰安街", seq: 3, lat: 34.73, lng: 113.995 },
    ]);
    expect(roster.roads.map((r) => r.segments)).toEqual(expected.roads.map((r) => r.segments));
  });

  it("refuses a missing column, naming the sheet and the column", async () => {
    const s = await sheets();
    s.路段 = dropColumn(s.路段 ?? [], "街道");
    s.地标 = dropColumn(s.地标 ?? [], "路段编号");
    const f = file(".xlsx");
    await writeXlsx(f, s);
    expect(errors(await loadRosterFile(f, codes))).toEqual([
      {
        file: f,
        sheet: "路段",
        row: 1,
        column: "街道",
        message: "「路段」表缺少必需列「街道」（表头在第 1 行）",
      },
      {
        file: f,
        sheet: "地标",
        row: 1,
        column: "路段编号",
        message: "「地标」表缺少必需列「路段编号」（表头在第 1 行）",
      },
    ]);
  });

  it("refuses an unknown street at row 5, column 街道", async () => {
    const s = await sheets();
    setCell(s.路段 ?? [], 5, "街道", "东风街道");
    const f = file(".xlsx");
    await writeXlsx(f, s);
    expect(errors(await loadRosterFile(f, codes))).toEqual([
      {
        file: f,
        sheet: "路段",
        row: 5,
        column: "街道",
        message: "第 5 行「街道」列：未知街道“东风街道”，应为 青年路街道、东风路街道、广惠街街道 之一",
      },
    ]);
  });

  it("refuses a duplicate segment id, naming both rows", async () => {
    const s = await sheets();
    setCell(s.路段 ?? [], 7, "路段编号", "SD-1");
    const f = file(".xlsx");
    await writeXlsx(f, s);
    expect(errors(await loadRosterFile(f, codes))).toEqual([
      {
        file: f,
        sheet: "路段",
        row: 7,
        column: "路段编号",
        message: "第 7 行「路段编号」列：路段编号“SD-1”重复：第 2 行已使用该编号",
      },
    ]);
  });

  it("refuses inconsistent rows and empty cells with their places", async () => {
    const s = await sheets();
    const seg = s.路段 ?? [];
    setCell(seg, 3, "一级路长", "张三");
    setCell(seg, 4, "起点", null);
    setCell(seg, 6, "三级路长电话", "13907000005"); // 魏雨桐's phone under another name
    setCell(s.督查员 ?? [], 2, "电话", "139-0700-0002"); // 余鹏飞's phone under 廖红梅
    const f = file(".xlsx");
    await writeXlsx(f, s);
    const problems = errors(await loadRosterFile(f, codes));
    expect(problems.map((p) => [p.sheet, p.row, p.column, p.message])).toEqual([
      [
        "路段",
        3,
        "一级路长",
        "第 3 行「一级路长」列：道路“商都大道”的一级路长“张三”与第 2 行“金静”不一致（一条道路只有一位一级路长）",
      ],
      ["路段", 4, "起点", "第 4 行「起点」列：不能为空"],
      [
        "路段",
        6,
        "三级路长",
        "第 6 行「三级路长」列：电话“13907000005”在第 2 行登记为“魏雨桐”，此处姓名为“程敏”",
      ],
      [
        "督查员",
        2,
        "姓名",
        "第 2 行「姓名」列：电话“13907000002”在「路段」表第 2 行登记为“余鹏飞”，此处姓名为“廖红梅”",
      ],
    ]);
  });
});

describe("csv roster", () => {
  for (const bom of [true, false]) {
    it(`imports the demo data from UTF-8 csv files ${bom ? "with" : "without"} BOM`, async () => {
      const base = path.join(tmp.dir, `csv-${bom ? "bom" : "plain"}`);
      const f = await writeCsvSet(base, await sheets(), { bom });
      expect(ok(await loadRosterFile(f, codes))).toEqual(expected);
    });
  }

  it("accepts the short headers of the issue (电话, 飞书ID, 微信ID for the 三级路长)", async () => {
    const s = await sheets();
    const header = s.路段?.[0] as Cell[];
    header[header.indexOf("三级路长电话")] = "电话";
    header[header.indexOf("三级路长飞书ID")] = "飞书 ID";
    header[header.indexOf("三级路长微信ID")] = "微信号";
    header[header.indexOf("二级路长电话")] = "二级路长手机号";
    const f = await writeCsvSet(path.join(tmp.dir, "short"), s);
    expect(ok(await loadRosterFile(f, codes))).toEqual(expected);
  });

  it("reads a GBK csv (Excel's default in Chinese Windows) with a warning", async () => {
    // "道路" in GBK is B5C0 C2B7 (Node has no GBK encoder to write a whole file).
    const gbk = path.join(tmp.dir, "gbk.csv");
    await writeFile(gbk, Buffer.from([0xb5, 0xc0, 0xc2, 0xb7, 0x0d, 0x0a]));
    const result = await loadRosterFile(gbk, codes);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.find((p) => p.severity === "warning")?.message).toContain("已按 GBK/GB18030 读取");
    // The header was decoded: 道路 is found, the other required columns are reported missing.
    expect(result.problems.map((p) => p.column)).not.toContain("道路");
    expect(result.problems.map((p) => p.column)).toContain("起点");
  });

  it("refuses an unknown street at row 5 in a csv too", async () => {
    const s = await sheets();
    setCell(s.路段 ?? [], 5, "街道", "东风街道");
    const f = await writeCsvSet(path.join(tmp.dir, "street"), s);
    expect(errors(await loadRosterFile(f, codes))).toEqual([
      {
        file: f,
        sheet: "路段",
        row: 5,
        column: "街道",
        message: "第 5 行「街道」列：未知街道“东风街道”，应为 青年路街道、东风路街道、广惠街街道 之一",
      },
    ]);
  });
});

describe("canonicalHeader", () => {
  it("folds widths, marks and common spellings", () => {
    expect(canonicalHeader(" 三级路长飞书OpenID ")).toBe(canonicalHeader("三级路长飞书ID"));
    expect(canonicalHeader("街道（必填）")).toBe("街道");
    expect(canonicalHeader("道路*")).toBe("道路");
    expect(canonicalHeader("联系电话")).toBe("电话");
  });
});

describe("docs/roster-spreadsheet.md", () => {
  it("has an example table that imports", async () => {
    const md = await readFile(path.join(ROOT, "docs/roster-spreadsheet.md"), "utf8");
    const start = md.indexOf("示例（「路段」表");
    const lines = md
      .slice(start)
      .split("\n")
      .filter((l) => l.startsWith("|"));
    const table = lines
      .slice(
        0,
        lines.findIndex((l, i) => i > 2 && !l.startsWith("| 商都大道")),
      )
      .filter((l) => !/^\|[\s|:-]+$/.test(l))
      .map((l) =>
        l
          .slice(1, -1)
          .split("|")
          .map((c): Cell => c.trim() || null),
      );
    expect(table).toHaveLength(4);
    const f = await writeCsvSet(path.join(tmp.dir, "docs-example"), { 路段: table });
    const roster = ok(await loadRosterFile(f, codes));
    expect(roster.roads[0]?.segments).toEqual(expected.roads[0]?.segments);
    expect(roster.people.find((p) => p.id === "p_13907000004")?.roles).toEqual(["chief1"]);
  });
});
