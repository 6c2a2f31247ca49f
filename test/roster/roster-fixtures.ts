/** Shared helpers of the roster tests: the demo roster as sheets, files and a fresh database. */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import BetterSqlite3 from "better-sqlite3";
import ExcelJS from "exceljs";
import { readTaxonomyCodes } from "../../src/roster/roster-load.ts";
import { openDatabase } from "../../src/store/db.ts";
import { migrateDatabase } from "../../src/store/migrate.ts";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const DEMO_JSON = path.join(ROOT, "src/data/roster-zhongmou.json");
export const TAXONOMY_JSON = path.join(ROOT, "src/data/taxonomy.json");

export const taxonomyCodes = () => readTaxonomyCodes(TAXONOMY_JSON);

// Loose view of the demo JSON, enough to build sheets and variants.
export interface DemoPerson {
  name: string;
  title?: string;
  phone?: string;
  lark_open_id?: string;
  wechat_id?: string;
  dingtalk_id?: string;
}
export interface DemoRoster {
  format: string;
  county: string;
  streets: string[];
  departments: { code: string; name: string; handles: string[]; contacts?: DemoPerson[] }[];
  roads: {
    name: string;
    aliases: string[];
    direction: string;
    crossings_order: string;
    level1: DemoPerson;
    crossings: { name: string; lat: number; lng: number }[];
    segments: {
      id: string;
      from: string;
      to: string;
      street: string;
      chiefs: { level3: DemoPerson; level2: DemoPerson };
    }[];
  }[];
  landmarks: { name: string; aliases: string[]; road: string; segment: string }[];
  inspectors: DemoPerson[];
  admins?: DemoPerson[];
}

/** A fresh deep copy of the demo roster. */
export async function demoRoster(): Promise<DemoRoster> {
  return JSON.parse(await readFile(DEMO_JSON, "utf8")) as DemoRoster;
}

export type Cell = string | number | null;
/** Sheet name → rows, the first row being the header. */
export type Sheets = Record<string, Cell[][]>;

export const SEGMENT_HEADERS = [
  "道路",
  "道路别名",
  "走向",
  "路口顺序",
  "起点",
  "终点",
  "街道",
  "路段编号",
  "三级路长",
  "三级路长电话",
  "三级路长飞书ID",
  "三级路长微信ID",
  "三级路长钉钉ID",
  "二级路长",
  "二级路长电话",
  "二级路长飞书ID",
  "二级路长微信ID",
  "二级路长钉钉ID",
  "一级路长",
  "一级路长电话",
  "一级路长飞书ID",
  "一级路长微信ID",
  "一级路长钉钉ID",
  "起点经度",
  "起点纬度",
  "终点经度",
  "终点纬度",
];

/** The demo roster as the sheets of docs/roster-spreadsheet.md. */
export function demoSheets(demo: DemoRoster, options: { crossingSheet?: boolean } = {}): Sheets {
  const who = (p: DemoPerson | undefined): Cell[] => [
    p?.name ?? null,
    p?.phone ?? null,
    p?.lark_open_id ?? null,
    p?.wechat_id ?? null,
    p?.dingtalk_id ?? null,
  ];
  const segments: Cell[][] = [SEGMENT_HEADERS];
  for (const road of demo.roads) {
    const at = (name: string) => road.crossings.find((c) => c.name === name);
    for (const seg of road.segments) {
      const from = at(seg.from);
      const to = at(seg.to);
      segments.push([
        road.name,
        road.aliases.join("、"),
        road.direction,
        road.crossings_order,
        seg.from,
        seg.to,
        seg.street,
        seg.id,
        ...who(seg.chiefs.level3),
        ...who(seg.chiefs.level2),
        ...who(road.level1),
        from?.lng ?? null,
        from?.lat ?? null,
        to?.lng ?? null,
        to?.lat ?? null,
      ]);
    }
  }
  const sheets: Sheets = {
    路段: segments,
    街道: [["街道", "县区"], ...demo.streets.map((s, i): Cell[] => [s, i === 0 ? demo.county : null])],
    地标: [
      ["名称", "别名", "道路", "路段编号"],
      ...demo.landmarks.map((l): Cell[] => [l.name, l.aliases.join("、"), l.road, l.segment]),
    ],
    部门: [
      ["部门代码", "部门名称", "负责事项", "联系人", "联系人电话", "联系人飞书ID", "联系人微信ID"],
      ...demo.departments.map((d): Cell[] => [d.code, d.name, d.handles.join("、"), null, null, null, null]),
    ],
    督查员: [
      ["姓名", "职务", "电话", "飞书ID", "微信ID", "钉钉ID"],
      ...demo.inspectors.map((p): Cell[] => [
        p.name,
        p.title ?? null,
        p.phone ?? null,
        p.lark_open_id ?? null,
        p.wechat_id ?? null,
        p.dingtalk_id ?? null,
      ]),
    ],
  };
  if (options.crossingSheet !== false) {
    sheets.路口 = [
      ["道路", "路口", "经度", "纬度"],
      ...demo.roads.flatMap((r) => r.crossings.map((c): Cell[] => [r.name, c.name, c.lng, c.lat])),
    ];
  }
  return sheets;
}

/** Removes a column (by header) from a sheet. */
export function dropColumn(rows: Cell[][], header: string): Cell[][] {
  const i = rows[0]?.indexOf(header) ?? -1;
  if (i < 0) throw new Error(`no column ${header}`);
  return rows.map((r) => r.filter((_, j) => j !== i));
}

/** Sets a cell by 1-based spreadsheet row and header. */
export function setCell(rows: Cell[][], row: number, header: string, value: Cell): void {
  const col = rows[0]?.indexOf(header) ?? -1;
  const r = rows[row - 1];
  if (col < 0 || !r) throw new Error(`no cell ${header}${row}`);
  r[col] = value;
}

export async function writeXlsx(file: string, sheets: Sheets): Promise<void> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const ws = wb.addWorksheet(name);
    for (const row of rows) ws.addRow(row);
  }
  await wb.xlsx.writeFile(file);
}

function csvText(rows: Cell[][]): string {
  const esc = (v: Cell) => {
    const s = v == null ? "" : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${rows.map((r) => r.map(esc).join(",")).join("\r\n")}\r\n`;
}

/** Writes `<base>.csv` (the 路段 sheet) and `<base>.<sheet>.csv` for the others. */
export async function writeCsvSet(
  base: string,
  sheets: Sheets,
  options: { bom?: boolean } = {},
): Promise<string> {
  const bom = options.bom ? "\uFEFF" : "";
  for (const [name, rows] of Object.entries(sheets)) {
    const file = name === "路段" ? `${base}.csv` : `${base}.${name}.csv`;
    await writeFile(file, bom + csvText(rows), "utf8");
  }
  return `${base}.csv`;
}

export async function tempDir(
  prefix = "luzhang-roster-",
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A migrated database file and an open client on it. */
export async function freshDatabase(dbFile: string) {
  await migrateDatabase({ dbFile, log: () => {} });
  return openDatabase({ dbFile });
}

/** Every row of every table (but the migration log), for before/after comparisons. */
export function dumpDatabase(dbFile: string): Record<string, unknown[]> {
  const db = new BetterSqlite3(dbFile, { readonly: true });
  try {
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%' ORDER BY name",
      )
      .all() as { name: string }[];
    return Object.fromEntries(
      tables.map((t) => [t.name, db.prepare(`SELECT * FROM "${t.name}" ORDER BY rowid`).all()]),
    );
  } finally {
    db.close();
  }
}

/** Row counts of the roster tables and Case. */
export function rowCounts(dbFile: string): Record<string, number> {
  const dump = dumpDatabase(dbFile);
  const names = ["Person", "Department", "Street", "Road", "Crossing", "Segment", "Landmark", "Case"];
  return Object.fromEntries(names.map((n) => [n, dump[n]?.length ?? -1]));
}
