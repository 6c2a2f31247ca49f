/**
 * Reads a roster from a spreadsheet: `.xlsx` (one workbook, several sheets) or `.csv` (one file
 * per sheet: `<base>.csv` for the segments, `<base>.地标.csv` … next to it). One row per segment
 * (路段); headers are Chinese (docs/roster-spreadsheet.md). The rows become a `RosterFile` — the
 * shape of the JSON format — together with a locator that maps every path of it back to its
 * sheet, row and column, so the shared checks report spreadsheet places.
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import type ExcelJS from "exceljs";
import { loadExcelJs } from "../lazy-exceljs.ts";
import {
  formatPath,
  normalizeItemCode,
  normalizeName,
  normalizePhone,
  type ProblemLocator,
  ROSTER_FORMAT,
  type RosterFile,
  type RosterFileDepartment,
  type RosterFileLandmark,
  type RosterFilePerson,
  type RosterFileRoad,
  type RosterPath,
  type RosterProblem,
  uniq,
} from "./roster-schema.ts";

// ---------------------------------------------------------------------------------------------
// Sheets and columns
// ---------------------------------------------------------------------------------------------

interface ColumnSpec {
  key: string;
  header: string;
  synonyms?: readonly string[];
  required?: boolean;
}

interface SheetSpec {
  sheet: string;
  columns: readonly ColumnSpec[];
}

const personColumns = (prefix: string, key: string, bare: boolean): ColumnSpec[] => [
  { key: `${key}Phone`, header: `${prefix}电话`, synonyms: bare ? ["电话"] : [] },
  { key: `${key}Lark`, header: `${prefix}飞书ID`, synonyms: bare ? ["飞书ID"] : [] },
  { key: `${key}Wechat`, header: `${prefix}微信ID`, synonyms: bare ? ["微信ID"] : [] },
  { key: `${key}Dingtalk`, header: `${prefix}钉钉ID`, synonyms: bare ? ["钉钉ID"] : [] },
  { key: `${key}Title`, header: `${prefix}职务`, synonyms: bare ? ["职务"] : [] },
];

/** Column keys of one person's name and contact fields in a sheet. */
interface PersonKeys {
  name: string;
  phone: string;
  lark: string;
  wechat: string;
  dingtalk: string;
  title: string;
}

export const SEGMENT_SHEET: SheetSpec = {
  sheet: "路段",
  columns: [
    { key: "road", header: "道路", synonyms: ["道路名称", "路名"], required: true },
    { key: "aliases", header: "道路别名", synonyms: ["别名"] },
    { key: "direction", header: "走向", synonyms: ["道路走向"] },
    { key: "order", header: "路口顺序", synonyms: ["顺序"] },
    { key: "from", header: "起点", synonyms: ["起点路口"], required: true },
    { key: "to", header: "终点", synonyms: ["终点路口"], required: true },
    { key: "street", header: "街道", synonyms: ["所属街道"], required: true },
    { key: "id", header: "路段编号", synonyms: ["编号", "路段ID"], required: true },
    { key: "l3", header: "三级路长", required: true },
    ...personColumns("三级路长", "l3", true),
    { key: "l2", header: "二级路长" },
    ...personColumns("二级路长", "l2", false),
    { key: "l1", header: "一级路长" },
    ...personColumns("一级路长", "l1", false),
    { key: "fromLng", header: "起点经度" },
    { key: "fromLat", header: "起点纬度" },
    { key: "toLng", header: "终点经度" },
    { key: "toLat", header: "终点纬度" },
  ],
};

export const CROSSING_SHEET: SheetSpec = {
  sheet: "路口",
  columns: [
    { key: "road", header: "道路", synonyms: ["道路名称"], required: true },
    { key: "name", header: "路口", synonyms: ["路口名称", "名称"], required: true },
    { key: "lng", header: "经度" },
    { key: "lat", header: "纬度" },
  ],
};

export const STREET_SHEET: SheetSpec = {
  sheet: "街道",
  columns: [
    { key: "name", header: "街道", synonyms: ["街道名称", "名称"], required: true },
    { key: "county", header: "县区", synonyms: ["所属县区", "县（区）"] },
  ],
};

export const LANDMARK_SHEET: SheetSpec = {
  sheet: "地标",
  columns: [
    { key: "name", header: "名称", synonyms: ["地标", "地标名称"], required: true },
    { key: "aliases", header: "别名", synonyms: ["地标别名"] },
    { key: "road", header: "道路", synonyms: ["所在道路"], required: true },
    { key: "segment", header: "路段编号", synonyms: ["路段"], required: true },
    { key: "lng", header: "经度" },
    { key: "lat", header: "纬度" },
  ],
};

export const DEPARTMENT_SHEET: SheetSpec = {
  sheet: "部门",
  columns: [
    { key: "code", header: "部门代码", synonyms: ["代码"], required: true },
    { key: "name", header: "部门名称", synonyms: ["部门"], required: true },
    { key: "handles", header: "负责事项", synonyms: ["事项代码", "负责事项代码"] },
    { key: "contact", header: "联系人", synonyms: ["联系人姓名"] },
    ...personColumns("联系人", "contact", false),
  ],
};

const personSheet = (sheet: string): SheetSpec => ({
  sheet,
  columns: [
    { key: "name", header: "姓名", required: true },
    { key: "title", header: "职务" },
    { key: "phone", header: "电话" },
    { key: "lark", header: "飞书ID" },
    { key: "wechat", header: "微信ID" },
    { key: "dingtalk", header: "钉钉ID" },
  ],
});
export const INSPECTOR_SHEET: SheetSpec = personSheet("督查员");
export const ADMIN_SHEET: SheetSpec = personSheet("管理员");

/** Sheets besides the segments sheet, by name. */
export const AUX_SHEETS: readonly SheetSpec[] = [
  CROSSING_SHEET,
  STREET_SHEET,
  LANDMARK_SHEET,
  DEPARTMENT_SHEET,
  INSPECTOR_SHEET,
  ADMIN_SHEET,
];

/**
 * Canonical form of a header: full-width → half-width, no spaces or "*"/"（必填）" marks, lower
 * case, and a few spellings folded: 飞书OpenID → 飞书id, 微信号 → 微信id, 手机号/联系电话 → 电话.
 */
export function canonicalHeader(raw: string): string {
  return raw
    .normalize("NFKC")
    .replace(/\s+/g, "")
    .replace(/\*/g, "")
    .replace(/\((必填|选填|可选|可不填)\)/g, "")
    .toLowerCase()
    .replace(/open_?id/g, "id")
    .replace(/微信号/g, "微信id")
    .replace(/手机号码|手机号|手机|联系电话/g, "电话");
}

// ---------------------------------------------------------------------------------------------
// Raw tables
// ---------------------------------------------------------------------------------------------

/** A sheet as text: rows with their 1-based row numbers, cells by 0-based column. */
export interface RawTable {
  file: string;
  sheet: string;
  rows: { row: number; cells: string[] }[];
}

function cellText(value: ExcelJS.CellValue): string {
  if (value == null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "object") {
    if ("richText" in value && Array.isArray(value.richText))
      return value.richText.map((r) => r.text).join("");
    if ("formula" in value || "sharedFormula" in value) {
      const result = (value as { result?: unknown }).result;
      return result == null || typeof result === "object" ? "" : String(result);
    }
    if ("text" in value) {
      const t = (value as { text: unknown }).text;
      if (typeof t === "string") return t;
      if (t && typeof t === "object" && "richText" in t) return cellText(t as ExcelJS.CellValue);
    }
  }
  return "";
}

async function readWorkbook(file: string): Promise<RawTable[]> {
  const Excel = await loadExcelJs();
  const workbook = new Excel.Workbook();
  await workbook.xlsx.readFile(file);
  return workbook.worksheets.map((ws) => {
    const rows: RawTable["rows"] = [];
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const cells: string[] = [];
      for (let c = 1; c <= row.cellCount; c++) cells.push(cellText(row.getCell(c).value));
      rows.push({ row: rowNumber, cells });
    });
    return { file, sheet: ws.name.trim(), rows };
  });
}

/** Decodes UTF-8 (with or without BOM); a file that is not UTF-8 is read as GB18030 (Excel's 中文 CSV). */
function decodeCsv(buf: Buffer): { text: string; gbk: boolean } {
  try {
    return { text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(buf), gbk: false };
  } catch {
    return { text: new TextDecoder("gb18030").decode(buf), gbk: true };
  }
}

async function readCsv(file: string, sheet: string, problems: RosterProblem[]): Promise<RawTable> {
  const { text, gbk } = decodeCsv(await readFile(file));
  if (gbk) {
    problems.push({
      file,
      sheet,
      severity: "warning",
      message: "文件不是 UTF-8 编码，已按 GBK/GB18030 读取；建议另存为「CSV UTF-8（逗号分隔）」",
    });
  }
  let records: string[][];
  try {
    records = parseCsv(text, { relax_column_count: true, relax_quotes: true, bom: true });
  } catch (e) {
    problems.push({ file, sheet, message: `无法解析 CSV：${(e as Error).message}` });
    return { file, sheet, rows: [] };
  }
  return {
    file,
    sheet,
    rows: records
      .map((cells, i) => ({ row: i + 1, cells }))
      .filter((r) => r.cells.some((c) => c.trim() !== "")),
  };
}

// ---------------------------------------------------------------------------------------------
// Header binding
// ---------------------------------------------------------------------------------------------

interface Loc {
  file: string;
  sheet: string;
  row: number;
  column?: string;
}

class BoundTable {
  constructor(
    readonly spec: SheetSpec,
    readonly file: string,
    readonly sheet: string,
    readonly headerRow: number,
    /** key → column index and header text as written */
    readonly columns: Map<string, { index: number; header: string }>,
    readonly rows: { row: number; cells: string[] }[],
  ) {}

  has(key: string): boolean {
    return this.columns.has(key);
  }

  /** Trimmed text of a cell, "" when the column is absent. */
  get(row: { cells: string[] }, key: string): string {
    const col = this.columns.get(key);
    if (!col) return "";
    return (row.cells[col.index] ?? "").replace(/\u00a0|\u3000/g, " ").trim();
  }

  /** The column's header as written, or its standard name when the column is absent. */
  header(key: string): string {
    return this.columns.get(key)?.header ?? this.spec.columns.find((c) => c.key === key)?.header ?? key;
  }

  loc(row: { row: number }, key?: string): Loc {
    return { file: this.file, sheet: this.sheet, row: row.row, ...(key ? { column: this.header(key) } : {}) };
  }
}

/** Finds the header row (a title row above it is allowed) and maps columns; reports missing ones. */
function bindHeaders(table: RawTable, spec: SheetSpec, problems: RosterProblem[]): BoundTable | null {
  const lookup = new Map<string, ColumnSpec>();
  for (const col of spec.columns) {
    for (const name of [col.header, ...(col.synonyms ?? [])]) {
      const key = canonicalHeader(name);
      if (!lookup.has(key)) lookup.set(key, col);
    }
  }
  const candidates = table.rows.slice(0, 10);
  const matches = (cells: string[]) =>
    cells.filter((c) => lookup.has(canonicalHeader(c))).map((c) => canonicalHeader(c));
  const headerIndex = candidates.findIndex((r) => {
    const found = matches(r.cells);
    return found.length >= 2 || found.some((h) => lookup.get(h)?.required);
  });
  const header = table.rows[headerIndex === -1 ? 0 : headerIndex];
  if (!header) {
    problems.push({ file: table.file, sheet: spec.sheet, message: `「${spec.sheet}」表是空的` });
    return null;
  }

  const columns = new Map<string, { index: number; header: string }>();
  let ok = true;
  header.cells.forEach((text, index) => {
    const col = lookup.get(canonicalHeader(text));
    if (!col || text.trim() === "") return;
    // Exact names win over synonyms: "电话" fills 三级路长电话 only when that column is absent.
    const existing = columns.get(col.key);
    if (existing) {
      const exactNew = canonicalHeader(text) === canonicalHeader(col.header);
      const exactOld = canonicalHeader(existing.header) === canonicalHeader(col.header);
      if (exactNew === exactOld) {
        problems.push({
          file: table.file,
          sheet: spec.sheet,
          row: header.row,
          column: text.trim(),
          message: `第 ${header.row} 行（表头）：「${text.trim()}」列与「${existing.header}」列重复`,
        });
        ok = false;
        return;
      }
      if (exactOld) return;
    }
    columns.set(col.key, { index, header: text.trim() });
  });
  for (const col of spec.columns) {
    if (col.required && !columns.has(col.key)) {
      problems.push({
        file: table.file,
        sheet: spec.sheet,
        row: header.row,
        column: col.header,
        message: `「${spec.sheet}」表缺少必需列「${col.header}」（表头在第 ${header.row} 行）`,
      });
      ok = false;
    }
  }
  if (!ok) return null;
  // Rows below the header with something in a known column (a row with only a 备注 is skipped).
  const used = [...columns.values()].map((c) => c.index);
  const rows = table.rows.filter(
    (r) => r.row > header.row && used.some((i) => (r.cells[i] ?? "").trim() !== ""),
  );
  return new BoundTable(spec, table.file, spec.sheet, header.row, columns, rows);
}

// ---------------------------------------------------------------------------------------------
// Locator
// ---------------------------------------------------------------------------------------------

/** Maps RosterFile paths to sheet/row/column; a path without its own entry uses its nearest parent's. */
export class SheetLocator implements ProblemLocator {
  readonly locs = new Map<string, Loc>();

  set(path: RosterPath, loc: Loc): void {
    this.locs.set(formatPath(path), loc);
  }

  find(path: RosterPath): Loc | undefined {
    for (let n = path.length; n >= 0; n--) {
      const loc = this.locs.get(formatPath(path.slice(0, n)));
      if (loc) return loc;
    }
    return undefined;
  }

  at(path: RosterPath): Omit<RosterProblem, "message" | "severity"> {
    const loc = this.find(path);
    if (!loc) return {};
    return { file: loc.file, sheet: loc.sheet, row: loc.row, ...(loc.column ? { column: loc.column } : {}) };
  }

  label(path: RosterPath): string {
    const loc = this.find(path);
    if (!loc) return "";
    return loc.column ? `第 ${loc.row} 行「${loc.column}」列` : `第 ${loc.row} 行`;
  }

  ref(path: RosterPath, from: RosterPath): string {
    const loc = this.find(path);
    if (!loc) return formatPath(path);
    const here = this.find(from);
    return here && here.sheet === loc.sheet && here.file === loc.file
      ? `第 ${loc.row} 行`
      : `「${loc.sheet}」表第 ${loc.row} 行`;
  }
}

// ---------------------------------------------------------------------------------------------
// Rows → RosterFile
// ---------------------------------------------------------------------------------------------

export interface SpreadsheetRead {
  /** The roster in the JSON file's shape; undefined when a sheet could not be read at all. */
  file?: RosterFile;
  locator: SheetLocator;
  problems: RosterProblem[];
}

/** Splits a list cell: 、 , ， ; ； or line breaks. */
export function splitList(text: string): string[] {
  return uniq(
    text
      .split(/[、,，;；\n\r]+/)
      .map((s) => s.trim())
      .filter((s) => s !== ""),
  );
}

interface Tables {
  segments: RawTable | undefined;
  aux: Map<string, RawTable>;
}

/** Reads an .xlsx or .csv roster; .csv looks for `<base>.<sheet>.csv` siblings. */
export async function readRosterSpreadsheet(file: string): Promise<SpreadsheetRead> {
  const problems: RosterProblem[] = [];
  const ext = path.extname(file).toLowerCase();
  const tables: Tables = { segments: undefined, aux: new Map() };
  if (ext === ".xlsx") {
    let sheets: RawTable[];
    try {
      sheets = await readWorkbook(file);
    } catch (e) {
      problems.push({ file, message: `无法读取 Excel 文件：${(e as Error).message}` });
      return { locator: new SheetLocator(), problems };
    }
    const byName = new Map<string, RawTable>();
    for (const t of sheets) {
      const name = t.sheet.replace(/表$/, "");
      if (!byName.has(name)) byName.set(name, t);
    }
    for (const spec of AUX_SHEETS) {
      const t = byName.get(spec.sheet);
      if (t) tables.aux.set(spec.sheet, { ...t, sheet: spec.sheet });
    }
    const main =
      byName.get(SEGMENT_SHEET.sheet) ?? sheets.find((t) => !tables.aux.has(t.sheet.replace(/表$/, "")));
    if (!main) {
      problems.push({ file, message: "找不到路段表：请把路段放在名为「路段」的工作表（或第一个工作表）" });
      return { locator: new SheetLocator(), problems };
    }
    tables.segments = { ...main, sheet: SEGMENT_SHEET.sheet };
  } else if (ext === ".csv") {
    tables.segments = await readCsv(file, SEGMENT_SHEET.sheet, problems);
    const base = file.slice(0, file.length - ext.length);
    for (const spec of AUX_SHEETS) {
      const sibling = `${base}.${spec.sheet}.csv`;
      if (await isFile(sibling)) tables.aux.set(spec.sheet, await readCsv(sibling, spec.sheet, problems));
    }
  } else {
    problems.push({ file, message: `不支持的表格格式“${ext}”，应为 .xlsx 或 .csv` });
    return { locator: new SheetLocator(), problems };
  }
  return rosterFromTables(tables, problems);
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

function rosterFromTables(tables: Tables, problems: RosterProblem[]): SpreadsheetRead {
  const locator = new SheetLocator();
  const bind = (spec: SheetSpec, raw: RawTable | undefined) =>
    raw ? bindHeaders(raw, spec, problems) : undefined;
  const segTable = bind(SEGMENT_SHEET, tables.segments);
  const crossingTable = bind(CROSSING_SHEET, tables.aux.get(CROSSING_SHEET.sheet));
  const streetTable = bind(STREET_SHEET, tables.aux.get(STREET_SHEET.sheet));
  const landmarkTable = bind(LANDMARK_SHEET, tables.aux.get(LANDMARK_SHEET.sheet));
  const departmentTable = bind(DEPARTMENT_SHEET, tables.aux.get(DEPARTMENT_SHEET.sheet));
  const inspectorTable = bind(INSPECTOR_SHEET, tables.aux.get(INSPECTOR_SHEET.sheet));
  const adminTable = bind(ADMIN_SHEET, tables.aux.get(ADMIN_SHEET.sheet));
  // A sheet that is there but unreadable (missing columns) stops here: its rows would only add noise.
  if (
    !segTable ||
    crossingTable === null ||
    streetTable === null ||
    landmarkTable === null ||
    departmentTable === null ||
    inspectorTable === null ||
    adminTable === null
  ) {
    return { locator, problems };
  }

  const reader = new RowReader(locator, problems);
  const roads = reader.roads(segTable, crossingTable);
  const { streets, county } = reader.streets(streetTable, roads);
  const file: RosterFile = {
    format: ROSTER_FORMAT,
    county,
    streets,
    departments: departmentTable ? reader.departments(departmentTable) : undefined,
    roads,
    landmarks: landmarkTable ? reader.landmarks(landmarkTable) : undefined,
    inspectors: inspectorTable ? reader.people(inspectorTable, "inspectors") : undefined,
    admins: adminTable ? reader.people(adminTable, "admins") : undefined,
  };
  return { file, locator, problems };
}

type Row = { row: number; cells: string[] };

class RowReader {
  constructor(
    private readonly locator: SheetLocator,
    private readonly problems: RosterProblem[],
  ) {}

  private error(loc: Loc, detail: string, severity?: "warning"): void {
    const label = loc.column ? `第 ${loc.row} 行「${loc.column}」列` : `第 ${loc.row} 行`;
    this.problems.push({
      file: loc.file,
      sheet: loc.sheet,
      row: loc.row,
      ...(loc.column ? { column: loc.column } : {}),
      message: `${label}：${detail}`,
      ...(severity ? { severity } : {}),
    });
  }

  /** Required cell: reports an empty one. */
  private required(t: BoundTable, row: Row, key: string): string | undefined {
    const v = t.get(row, key);
    if (v === "") {
      this.error(t.loc(row, key), "不能为空");
      return undefined;
    }
    return v;
  }

  private number(t: BoundTable, row: Row, key: string): number | undefined {
    const raw = t.get(row, key).normalize("NFKC");
    if (raw === "") return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n)) {
      this.error(t.loc(row, key), `“${raw}”不是数字`);
      return undefined;
    }
    return n;
  }

  /** A person of a row from `name`/`…Phone`/`…Lark`/`…Wechat` columns; marks the paths. */
  private person(
    t: BoundTable,
    row: Row,
    keys: PersonKeys,
    path: RosterPath,
    defaultTitle: string,
    mark = true,
  ): RosterFilePerson | undefined {
    const name = normalizeName(t.get(row, keys.name));
    const phone = normalizePhone(t.get(row, keys.phone));
    const lark = t.get(row, keys.lark).normalize("NFKC");
    const wechat = t.get(row, keys.wechat).normalize("NFKC");
    const dingtalk = t.get(row, keys.dingtalk).normalize("NFKC");
    const title = t.get(row, keys.title) || defaultTitle;
    if (name === "") {
      if (phone || lark || wechat || dingtalk) this.error(t.loc(row, keys.name), "填写了联系方式但缺少姓名");
      return undefined;
    }
    if (mark) this.markPerson(t, row, keys, path);
    return {
      name,
      title: title || undefined,
      phone: phone || undefined,
      lark_open_id: lark || undefined,
      wechat_id: wechat || undefined,
      dingtalk_id: dingtalk || undefined,
    };
  }

  private markPerson(t: BoundTable, row: Row, keys: PersonKeys, path: RosterPath): void {
    this.locator.set(path, t.loc(row, keys.name));
    this.locator.set([...path, "name"], t.loc(row, keys.name));
    this.locator.set([...path, "title"], t.loc(row, t.has(keys.title) ? keys.title : keys.name));
    this.locator.set([...path, "phone"], t.loc(row, t.has(keys.phone) ? keys.phone : keys.name));
    this.locator.set([...path, "lark_open_id"], t.loc(row, t.has(keys.lark) ? keys.lark : keys.name));
    this.locator.set([...path, "wechat_id"], t.loc(row, t.has(keys.wechat) ? keys.wechat : keys.name));
    this.locator.set([...path, "dingtalk_id"], t.loc(row, t.has(keys.dingtalk) ? keys.dingtalk : keys.name));
  }

  roads(t: BoundTable, crossingTable: BoundTable | undefined): RosterFileRoad[] {
    interface RoadAcc {
      road: RosterFileRoad;
      index: number;
      /** Where each road-level value was first given. */
      firstAt: Map<string, { row: number; value: string }>;
      /** Crossings seen in segment rows: name → coordinates and place. */
      ends: Map<string, { lat?: number; lng?: number; loc: Loc; coordRow?: number }>;
      level1Row?: Row;
    }
    const roads = new Map<string, RoadAcc>();
    const ordered: RoadAcc[] = [];
    const personKeys = (k: string, nameKey: string) => ({
      name: nameKey,
      phone: `${k}Phone`,
      lark: `${k}Lark`,
      wechat: `${k}Wechat`,
      dingtalk: `${k}Dingtalk`,
      title: `${k}Title`,
    });

    const newRoad = (name: string, row: Row): RoadAcc => {
      const acc: RoadAcc = {
        road: {
          name,
          aliases: [],
          direction: undefined,
          crossings_order: undefined,
          segments: [],
          crossings: [],
        },
        index: ordered.length,
        firstAt: new Map(),
        ends: new Map(),
      };
      roads.set(name, acc);
      ordered.push(acc);
      this.locator.set(["roads", acc.index], t.loc(row, "road"));
      this.locator.set(["roads", acc.index, "name"], t.loc(row, "road"));
      return acc;
    };

    for (const row of t.rows) {
      const roadName = this.required(t, row, "road");
      const from = this.required(t, row, "from");
      const to = this.required(t, row, "to");
      const street = this.required(t, row, "street");
      const id = this.required(t, row, "id");
      if (!roadName || !from || !to || !street || !id) continue;

      const acc = roads.get(roadName) ?? newRoad(roadName, row);
      const r = acc.index;
      const road = acc.road;

      // Road-level values: the first non-empty one counts; a different one later is an error.
      const roadValue = (key: string, field: string, value: string, display = value) => {
        if (value === "") return false;
        const first = acc.firstAt.get(key);
        if (!first) {
          acc.firstAt.set(key, { row: row.row, value });
          this.locator.set(["roads", r, field], t.loc(row, key));
          return true;
        }
        if (first.value !== value) {
          this.error(
            t.loc(row, key),
            `道路“${roadName}”的${t.header(key)}“${display}”与第 ${first.row} 行“${first.value}”不一致`,
          );
        }
        return false;
      };
      const aliases = splitList(t.get(row, "aliases"));
      if (roadValue("aliases", "aliases", aliases.join("、"))) road.aliases = aliases;
      const direction = t.get(row, "direction");
      if (roadValue("direction", "direction", direction)) road.direction = direction;
      const order = t.get(row, "order");
      if (roadValue("order", "crossings_order", order)) road.crossings_order = order;

      const level1 = this.person(
        t,
        row,
        personKeys("l1", "l1"),
        ["roads", r, "level1"],
        `${roadName}一级路长`,
        road.level1 == null,
      );
      if (level1) this.mergeLevel1(t, row, acc, level1, roadName);

      const s = road.segments.length;
      const base = ["roads", r, "segments", s];
      this.locator.set(base, t.loc(row));
      this.locator.set([...base, "id"], t.loc(row, "id"));
      this.locator.set([...base, "from"], t.loc(row, "from"));
      this.locator.set([...base, "to"], t.loc(row, "to"));
      this.locator.set([...base, "street"], t.loc(row, "street"));
      const level3 = this.person(
        t,
        row,
        personKeys("l3", "l3"),
        [...base, "chiefs", "level3"],
        `${roadName}${from}至${to}段三级路长`,
      );
      const level2 = this.person(
        t,
        row,
        personKeys("l2", "l2"),
        [...base, "chiefs", "level2"],
        `${street}二级路长`,
      );
      road.segments.push({ id, from, to, street, chiefs: { level3, level2 } });

      this.noteEnd(
        t,
        row,
        acc.ends,
        from,
        "from",
        this.number(t, row, "fromLat"),
        this.number(t, row, "fromLng"),
      );
      this.noteEnd(t, row, acc.ends, to, "to", this.number(t, row, "toLat"), this.number(t, row, "toLng"));
    }

    // Crossings: the 路口 sheet when it lists the road, else segment ends in row order.
    const listed = new Map<string, Row[]>();
    if (crossingTable) {
      for (const row of crossingTable.rows) {
        const roadName = this.required(crossingTable, row, "road");
        const name = this.required(crossingTable, row, "name");
        if (!roadName || !name) continue;
        if (!roads.has(roadName)) {
          this.error(crossingTable.loc(row, "road"), `道路“${roadName}”在「路段」表中没有路段`);
          continue;
        }
        const list = listed.get(roadName) ?? [];
        list.push(row);
        listed.set(roadName, list);
      }
    }
    for (const acc of ordered) {
      const crossings: NonNullable<RosterFileRoad["crossings"]> = [];
      const rows = listed.get(acc.road.name);
      if (rows && crossingTable) {
        for (const row of rows) {
          const name = crossingTable.get(row, "name");
          const i = crossings.length;
          const end = acc.ends.get(name);
          const lat = this.number(crossingTable, row, "lat") ?? end?.lat;
          const lng = this.number(crossingTable, row, "lng") ?? end?.lng;
          crossings.push({ name, lat: lat ?? null, lng: lng ?? null });
          this.locator.set(["roads", acc.index, "crossings", i], crossingTable.loc(row, "name"));
          this.locator.set(["roads", acc.index, "crossings", i, "name"], crossingTable.loc(row, "name"));
          this.locator.set(["roads", acc.index, "crossings", i, "lat"], crossingTable.loc(row, "lat"));
          this.locator.set(["roads", acc.index, "crossings", i, "lng"], crossingTable.loc(row, "lng"));
        }
      } else {
        for (const [name, end] of acc.ends) {
          const i = crossings.length;
          crossings.push({ name, lat: end.lat ?? null, lng: end.lng ?? null });
          this.locator.set(["roads", acc.index, "crossings", i], end.loc);
          this.locator.set(["roads", acc.index, "crossings", i, "name"], end.loc);
        }
      }
      acc.road.crossings = crossings;
    }
    return ordered.map((a) => a.road);
  }

  private mergeLevel1(
    t: BoundTable,
    row: Row,
    acc: { road: RosterFileRoad; level1Row?: Row; index: number },
    person: RosterFilePerson,
    roadName: string,
  ): void {
    const current = acc.road.level1;
    const firstRow = acc.level1Row;
    if (!current || !firstRow) {
      acc.road.level1 = person;
      acc.level1Row = row;
      return;
    }
    // Later rows only repeat (or complete) the road's one 一级路长; the first row's paths stay.
    const path = ["roads", acc.index, "level1"];
    if (person.name !== current.name) {
      this.error(
        t.loc(row, "l1"),
        `道路“${roadName}”的一级路长“${person.name}”与第 ${firstRow.row} 行“${current.name}”不一致（一条道路只有一位一级路长）`,
      );
      return;
    }
    const fields = [
      ["phone", "l1Phone", "电话"],
      ["lark_open_id", "l1Lark", "飞书ID"],
      ["wechat_id", "l1Wechat", "微信ID"],
      ["dingtalk_id", "l1Dingtalk", "钉钉ID"],
    ] as const;
    for (const [field, key, label] of fields) {
      const mine = person[field];
      if (!mine) continue;
      const theirs = current[field];
      if (!theirs) {
        current[field] = mine;
        this.locator.set([...path, field], t.loc(row, key));
      } else if (theirs !== mine) {
        this.error(
          t.loc(row, key),
          `一级路长“${person.name}”的${label}“${mine}”与第 ${firstRow.row} 行“${theirs}”不一致`,
        );
      }
    }
  }

  private noteEnd(
    t: BoundTable,
    row: Row,
    ends: Map<string, { lat?: number; lng?: number; loc: Loc; coordRow?: number }>,
    name: string,
    which: "from" | "to",
    lat: number | undefined,
    lng: number | undefined,
  ): void {
    const end = ends.get(name);
    if (!end) {
      ends.set(name, {
        loc: t.loc(row, which),
        ...(lat !== undefined ? { lat } : {}),
        ...(lng !== undefined ? { lng } : {}),
        ...(lat !== undefined || lng !== undefined ? { coordRow: row.row } : {}),
      });
      return;
    }
    if (lat === undefined && lng === undefined) return;
    if (end.lat === undefined && end.lng === undefined) {
      if (lat !== undefined) end.lat = lat;
      if (lng !== undefined) end.lng = lng;
      end.coordRow = row.row;
      return;
    }
    if ((lat !== undefined && lat !== end.lat) || (lng !== undefined && lng !== end.lng)) {
      const key = which === "from" ? "fromLat" : "toLat";
      this.error(
        t.loc(row, key),
        `路口“${name}”的坐标与第 ${end.coordRow} 行不一致，采用第 ${end.coordRow} 行的坐标`,
        "warning",
      );
    }
  }

  streets(t: BoundTable | undefined, roads: RosterFileRoad[]): { streets: string[]; county?: string } {
    if (!t) {
      // Without a 街道 sheet the streets are those the segments name (nothing to check them against).
      const streets = uniq(roads.flatMap((r) => r.segments.map((s) => s.street)));
      return { streets };
    }
    const streets: string[] = [];
    let county: string | undefined;
    for (const row of t.rows) {
      const name = this.required(t, row, "name");
      if (!name) continue;
      if (!streets.includes(name)) {
        this.locator.set(["streets", streets.length], t.loc(row, "name"));
        streets.push(name);
      }
      const c = t.get(row, "county");
      if (c && !county) {
        county = c;
        this.locator.set(["county"], t.loc(row, "county"));
      }
    }
    return county ? { streets, county } : { streets };
  }

  landmarks(t: BoundTable): RosterFileLandmark[] {
    const out: RosterFileLandmark[] = [];
    for (const row of t.rows) {
      const name = this.required(t, row, "name");
      const road = this.required(t, row, "road");
      const segment = this.required(t, row, "segment");
      if (!name || !road || !segment) continue;
      const i = out.length;
      this.locator.set(["landmarks", i], t.loc(row, "name"));
      this.locator.set(["landmarks", i, "name"], t.loc(row, "name"));
      this.locator.set(["landmarks", i, "aliases"], t.loc(row, "aliases"));
      this.locator.set(["landmarks", i, "road"], t.loc(row, "road"));
      this.locator.set(["landmarks", i, "segment"], t.loc(row, "segment"));
      this.locator.set(["landmarks", i, "lat"], t.loc(row, "lat"));
      this.locator.set(["landmarks", i, "lng"], t.loc(row, "lng"));
      const lat = this.number(t, row, "lat");
      const lng = this.number(t, row, "lng");
      out.push({
        name,
        aliases: splitList(t.get(row, "aliases")),
        road,
        segment,
        ...(lat !== undefined ? { lat } : {}),
        ...(lng !== undefined ? { lng } : {}),
      });
    }
    return out;
  }

  departments(t: BoundTable): RosterFileDepartment[] {
    const out: RosterFileDepartment[] = [];
    const byCode = new Map<
      string,
      { dep: RosterFileDepartment; index: number; row: number; handlesMarked: boolean }
    >();
    for (const row of t.rows) {
      const code = this.required(t, row, "code");
      if (!code) continue;
      let acc = byCode.get(code);
      const name = t.get(row, "name");
      if (!acc) {
        if (!name) {
          this.error(t.loc(row, "name"), "不能为空");
          continue;
        }
        const index = out.length;
        acc = { dep: { code, name, handles: [], contacts: [] }, index, row: row.row, handlesMarked: false };
        byCode.set(code, acc);
        out.push(acc.dep);
        this.locator.set(["departments", index], t.loc(row, "code"));
        this.locator.set(["departments", index, "code"], t.loc(row, "code"));
        this.locator.set(["departments", index, "name"], t.loc(row, "name"));
        this.locator.set(["departments", index, "handles"], t.loc(row, "handles"));
      } else if (name && name !== acc.dep.name) {
        this.error(
          t.loc(row, "name"),
          `部门“${code}”的名称“${name}”与第 ${acc.row} 行“${acc.dep.name}”不一致`,
        );
      }
      const handles = splitList(t.get(row, "handles")).map(normalizeItemCode);
      if (handles.length > 0 && !acc.handlesMarked) {
        this.locator.set(["departments", acc.index, "handles"], t.loc(row, "handles"));
        acc.handlesMarked = true;
      }
      acc.dep.handles = uniq([...acc.dep.handles, ...handles]);
      const contacts = acc.dep.contacts ?? [];
      const contact = this.person(
        t,
        row,
        {
          name: "contact",
          phone: "contactPhone",
          lark: "contactLark",
          wechat: "contactWechat",
          dingtalk: "contactDingtalk",
          title: "contactTitle",
        },
        ["departments", acc.index, "contacts", contacts.length],
        `${acc.dep.name}联系人`,
      );
      if (contact) contacts.push(contact);
      acc.dep.contacts = contacts;
    }
    for (const dep of out) if (dep.contacts?.length === 0) dep.contacts = undefined;
    return out;
  }

  people(t: BoundTable, field: "inspectors" | "admins"): RosterFilePerson[] {
    const out: RosterFilePerson[] = [];
    for (const row of t.rows) {
      if (!this.required(t, row, "name")) continue;
      const p = this.person(
        t,
        row,
        {
          name: "name",
          phone: "phone",
          lark: "lark",
          wechat: "wechat",
          dingtalk: "dingtalk",
          title: "title",
        },
        [field, out.length],
        "",
      );
      if (p) out.push(p);
    }
    return out;
  }
}
