/**
 * Excel exports with Chinese headers: the filtered case list (整改台账), streamed so 100,000 rows do
 * not sit in memory, and the rankings of a period (streets, departments, segments, trend).
 */

import { PassThrough } from "node:stream";
import type ExcelJS from "exceljs";
import { STATE_LABELS } from "../../core/case-lifecycle.ts";
import { INDICATOR_LABELS, type IndicatorReport, type UnitIndicators } from "../../core/indicators.ts";
import { loadExcelJs } from "../../lazy-exceljs.ts";
import { localParts } from "../../schedule/local-time.ts";
import type { Sql } from "../../store/sql.ts";
import { type CaseViewContext, describeRow, LIST_COLUMNS, type ListRow, type Where } from "./case-query.ts";
import { neutralizeRow } from "./cell-safety.ts";
import { C, CASE_EXPORT_HEADERS } from "./console-texts.ts";
import type { TrendBucket } from "./rankings-data.ts";

/** Rows read per query while streaming (keyset paging by id). */
const EXPORT_CHUNK = 2_000;

/** Excel has no time zones: a local wall time is written as that date and time. */
export function excelDate(iso: string | null, timeZone: string): Date | null {
  if (!iso) return null;
  const local = localParts(new Date(iso), timeZone);
  const [y = 1970, m = 1, d = 1] = local.date.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d, Math.floor(local.minute / 60), local.minute % 60));
}

/** "2026-11-26 17:30" in the given time zone. */
export function localStamp(d: Date, timeZone: string): string {
  const local = localParts(d, timeZone);
  const hh = String(Math.floor(local.minute / 60)).padStart(2, "0");
  const mm = String(local.minute % 60).padStart(2, "0");
  return `${local.date} ${hh}:${mm}`;
}

/** `attachment` with an ASCII fallback name and the UTF-8 one (RFC 6266). */
export function attachmentHeader(asciiName: string, name: string): string {
  return `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

const HEADER_STYLE: Partial<ExcelJS.Style> = {
  font: { bold: true },
  fill: { type: "pattern", pattern: "solid", fgColor: { argb: "FFE8EEF9" } },
  alignment: { vertical: "middle", horizontal: "center" },
};

const DATE_FORMAT = "yyyy-mm-dd hh:mm";

/** Streams the cases matching `where`, newest first, as an .xlsx workbook. */
export async function exportCases(
  sql: Sql,
  where: Where,
  ctx: CaseViewContext & { timeZone: string },
): Promise<PassThrough> {
  const Excel = await loadExcelJs();
  const out = new PassThrough();
  const wb = new Excel.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const ws = wb.addWorksheet("案件台账", { views: [{ state: "frozen", ySplit: 1 }] });
  const H = CASE_EXPORT_HEADERS;
  ws.columns = [
    { header: H.number, key: "number", width: 18 },
    { header: H.state, key: "state", width: 9 },
    { header: H.light, key: "light", width: 7 },
    { header: H.category, key: "category", width: 18 },
    { header: H.categoryCode, key: "categoryCode", width: 9 },
    { header: H.summary, key: "summary", width: 36 },
    { header: H.location, key: "location", width: 28 },
    { header: H.segment, key: "segment", width: 26 },
    { header: H.street, key: "street", width: 14 },
    { header: H.department, key: "department", width: 12 },
    { header: H.handler, key: "handler", width: 10 },
    { header: H.reporter, key: "reporter", width: 10 },
    { header: H.createdAt, key: "createdAt", width: 17, style: { numFmt: DATE_FORMAT } },
    { header: H.deadline, key: "deadline", width: 17, style: { numFmt: DATE_FORMAT } },
    { header: H.acknowledgedAt, key: "acknowledgedAt", width: 17, style: { numFmt: DATE_FORMAT } },
    { header: H.fixedAt, key: "fixedAt", width: 17, style: { numFmt: DATE_FORMAT } },
    { header: H.closedAt, key: "closedAt", width: 17, style: { numFmt: DATE_FORMAT } },
    { header: H.reworkCount, key: "reworkCount", width: 9 },
    { header: H.extensionCount, key: "extensionCount", width: 9 },
    { header: H.urgent, key: "urgent", width: 6 },
  ];
  ws.getRow(1).eachCell((cell) => {
    cell.style = HEADER_STYLE;
  });
  ws.getRow(1).commit();
  const tz = ctx.timeZone;

  const write = async () => {
    let before = Number.MAX_SAFE_INTEGER;
    for (;;) {
      const rows = sql.all<ListRow>(
        `SELECT ${LIST_COLUMNS} FROM "Case" WHERE (${where.sql}) AND "id" < ? ORDER BY "id" DESC LIMIT ${EXPORT_CHUNK}`,
        ...where.params,
        before,
      );
      for (const r of rows) {
        const d = describeRow(r, ctx);
        ws.addRow(
          neutralizeRow({
            number: r.number,
            state: STATE_LABELS[r.state] ?? r.state,
            light: d.lightLabel,
            category: d.category,
            categoryCode: r.categoryCode ?? "",
            summary: r.summary,
            location: d.location,
            segment: d.segment ? `${d.place}（${d.segment}）` : "",
            street: d.street,
            department: d.department,
            handler: d.handler,
            reporter: r.reporterName,
            createdAt: excelDate(r.createdAt, tz),
            deadline: excelDate(r.deadline, tz),
            acknowledgedAt: excelDate(r.acknowledgedAt, tz),
            fixedAt: excelDate(r.fixedAt, tz),
            closedAt: excelDate(r.closedAt, tz),
            reworkCount: r.reworkCount,
            extensionCount: r.extensionCount,
            urgent: r.urgent ? C.yes : C.no,
          }),
        ).commit();
      }
      const last = rows.at(-1);
      if (!last || rows.length < EXPORT_CHUNK) break;
      before = last.id;
      // Let other requests run between chunks of a large export.
      await new Promise((r) => setImmediate(r));
    }
    ws.commit();
    await wb.commit();
  };
  write().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return out;
}

type RateKey = keyof UnitIndicators["rates"];
const COUNT_KEYS = [
  "toDispose",
  "disposed",
  "disposedOnTime",
  "overdueUndisposed",
  "toClose",
  "closed",
  "closedOnTime",
  "reworked",
  "extended",
  "overdueOpen",
] as const;
const RATE_KEYS: readonly RateKey[] = [
  "disposalRate",
  "onTimeDisposalRate",
  "reworkRate",
  "closureRate",
  "onTimeClosureRate",
  "overdueOpenRate",
  "extensionRate",
];

function rankingSheet(wb: ExcelJS.Workbook, title: string, unitLabel: string, report: IndicatorReport) {
  const ws = wb.addWorksheet(title, { views: [{ state: "frozen", ySplit: 1, xSplit: 2 }] });
  ws.columns = [
    { header: INDICATOR_LABELS.rank, key: "rank", width: 6 },
    { header: unitLabel, key: "name", width: 30 },
    { header: INDICATOR_LABELS.score, key: "score", width: 9, style: { numFmt: "0.00" } },
    { header: INDICATOR_LABELS.grade, key: "grade", width: 6 },
    ...COUNT_KEYS.map((k) => ({ header: INDICATOR_LABELS[k], key: k, width: 11 })),
    ...RATE_KEYS.map((k) => ({ header: INDICATOR_LABELS[k], key: k, width: 11, style: { numFmt: "0.0%" } })),
    {
      header: INDICATOR_LABELS.averageDisposalHours,
      key: "averageDisposalHours",
      width: 12,
      style: { numFmt: "0.0" },
    },
  ];
  ws.getRow(1).eachCell((cell) => {
    cell.style = HEADER_STYLE;
  });
  const add = (u: UnitIndicators) =>
    ws.addRow(
      neutralizeRow({
        rank: u.rank ?? "",
        name: u.name,
        score: u.score ?? "",
        grade: u.grade ?? "",
        ...u.counts,
        ...Object.fromEntries(RATE_KEYS.map((k) => [k, u.rates[k] ?? ""])),
        averageDisposalHours: u.rates.averageDisposalHours ?? "",
      }),
    );
  for (const u of report.units) add(u);
  const total = add(report.total);
  total.font = { bold: true };
}

export interface RankingExport {
  periodLabel: string;
  generatedAt: string;
  sheets: { title: string; unitLabel: string; report: IndicatorReport }[];
  trend: TrendBucket[];
  notes: string[];
}

/** The rankings of a period as an .xlsx workbook (in memory: a few thousand rows at most). */
export async function exportRankings(data: RankingExport): Promise<Buffer> {
  const Excel = await loadExcelJs();
  const wb = new Excel.Workbook();
  wb.created = new Date();
  for (const s of data.sheets) rankingSheet(wb, s.title, s.unitLabel, s.report);
  const trend = wb.addWorksheet("趋势");
  trend.columns = [
    { header: "时段", key: "label", width: 16 },
    { header: "起始日期", key: "firstDay", width: 12 },
    { header: "新增案件", key: "created", width: 10 },
    { header: "结案数", key: "closed", width: 10 },
    { header: INDICATOR_LABELS.onTimeDisposalRate, key: "rate", width: 12, style: { numFmt: "0.0%" } },
  ];
  trend.getRow(1).eachCell((cell) => {
    cell.style = HEADER_STYLE;
  });
  for (const b of data.trend) {
    trend.addRow({
      label: b.label,
      firstDay: b.firstDay,
      created: b.created,
      closed: b.closed,
      rate: b.onTimeDisposalRate ?? "",
    });
  }
  const about = wb.addWorksheet("说明");
  about.columns = [
    { header: "项目", key: "k", width: 16 },
    { header: "内容", key: "v", width: 80 },
  ];
  about.getRow(1).eachCell((cell) => {
    cell.style = HEADER_STYLE;
  });
  about.addRow({ k: "统计区间", v: data.periodLabel });
  about.addRow({ k: "生成时间", v: data.generatedAt });
  for (const n of data.notes) about.addRow({ k: "说明", v: n });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
