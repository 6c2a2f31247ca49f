/**
 * Text from chat (a report's summary, a reporter's name) ends up in the Excel exports. A cell that
 * starts with = + - @ (or a tab or carriage return) is read as a formula by spreadsheet programs once
 * the sheet is re-saved as CSV or pasted elsewhere (OWASP "CSV injection"): such text gets a leading
 * apostrophe, the spreadsheet convention for "this is text".
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** `v` safe to put in a spreadsheet cell; numbers, dates and safe text unchanged. */
export function neutralizeCell<T>(v: T): T | string {
  return typeof v === "string" && FORMULA_START.test(v) ? `'${v}` : v;
}

/** Every value of a row passed through neutralizeCell. */
export function neutralizeRow<R extends Record<string, unknown>>(row: R): R {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, neutralizeCell(v)])) as R;
}
