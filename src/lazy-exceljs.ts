/**
 * exceljs, loaded at the first spreadsheet export or import rather than at start: it costs ~27 MB of
 * RSS that an idle service does not need (measured for issue 6's memory budget).
 */
import type ExcelJS from "exceljs";

export async function loadExcelJs(): Promise<typeof ExcelJS> {
  return (await import("exceljs")).default;
}
