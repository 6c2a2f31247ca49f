/**
 * Loads a roster file of any supported kind (.json, .xlsx, .csv), checks it, and returns the
 * normalized roster or the list of problems. Nothing here touches the database.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  buildRoster,
  isError,
  jsonLocator,
  type ProblemLocator,
  parseRosterFile,
  type Roster,
  type RosterFile,
  type RosterProblem,
} from "./roster-schema.ts";
import { readRosterSpreadsheet } from "./roster-spreadsheet.ts";
import { validateRosterFile } from "./roster-validate.ts";

export type RosterLoadResult =
  | { ok: true; roster: Roster; warnings: RosterProblem[] }
  | { ok: false; problems: RosterProblem[] };

/**
 * Reads `file` by its extension and checks it. `taxonomyCodes` are the item codes departments may
 * handle (an unknown one is a warning). `ok: false` carries every problem, errors and warnings.
 */
export async function loadRosterFile(
  file: string,
  taxonomyCodes: Iterable<string> = [],
): Promise<RosterLoadResult> {
  const ext = path.extname(file).toLowerCase();
  let problems: RosterProblem[] = [];
  let raw: unknown;
  let locator: ProblemLocator;

  if (ext === ".json") {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (e) {
      return { ok: false, problems: [{ file, message: `无法读取文件：${(e as Error).message}` }] };
    }
    try {
      raw = JSON.parse(text.replace(/^\uFEFF/, ""));
    } catch (e) {
      return { ok: false, problems: [jsonSyntaxProblem(file, text, e as Error)] };
    }
    locator = jsonLocator(file);
  } else if (ext === ".xlsx" || ext === ".csv") {
    const read = await readRosterSpreadsheet(file);
    problems = read.problems;
    if (!read.file) return { ok: false, problems };
    raw = read.file;
    locator = read.locator;
  } else {
    const hint = ext === ".xls" ? "（旧版 .xls 请在 Excel 中另存为 .xlsx）" : "";
    return {
      ok: false,
      problems: [
        { file, message: `不支持的文件类型“${ext || "无扩展名"}”，应为 .json、.xlsx 或 .csv${hint}` },
      ],
    };
  }
  return checkRoster(raw, { locator, taxonomyCodes, problems });
}

/** Schema check, cross-checks and normalization of an already decoded roster (JSON shape). */
export function checkRoster(
  raw: unknown,
  options: { locator?: ProblemLocator; taxonomyCodes?: Iterable<string>; problems?: RosterProblem[] } = {},
): RosterLoadResult {
  const locator = options.locator ?? jsonLocator();
  const problems = [...(options.problems ?? [])];
  const parsed = parseRosterFile(raw, locator);
  if (!parsed.ok) return { ok: false, problems: [...problems, ...parsed.problems] };
  const file: RosterFile = parsed.value;
  problems.push(
    ...validateRosterFile(file, { taxonomyCodes: new Set(options.taxonomyCodes ?? []), locator }),
  );
  if (problems.some(isError)) return { ok: false, problems: sortProblems(problems) };
  return { ok: true, roster: buildRoster(file), warnings: problems };
}

/** Errors before warnings; then by file and sheet (in order of first mention) and row. */
function sortProblems(problems: RosterProblem[]): RosterProblem[] {
  const placeRank = new Map<string, number>();
  for (const p of problems) {
    const key = `${p.file ?? ""}\u0000${p.sheet ?? ""}`;
    if (!placeRank.has(key)) placeRank.set(key, placeRank.size);
  }
  const rank = (p: RosterProblem) => placeRank.get(`${p.file ?? ""}\u0000${p.sheet ?? ""}`) ?? 0;
  return problems
    .map((p, i) => ({ p, i }))
    .sort(
      (a, b) =>
        (isError(a.p) ? 0 : 1) - (isError(b.p) ? 0 : 1) ||
        rank(a.p) - rank(b.p) ||
        (a.p.row ?? 0) - (b.p.row ?? 0) ||
        a.i - b.i,
    )
    .map((x) => x.p);
}

function jsonSyntaxProblem(file: string, text: string, e: Error): RosterProblem {
  // Newer V8 puts the position in the message; Node 20 does not, so find it ourselves.
  const m = /position (\d+)/.exec(e.message);
  const pos = m?.[1] ? Number(m[1]) : jsonErrorOffset(text);
  if (pos === undefined) return { file, message: `JSON 格式错误：${e.message}` };
  const before = text.slice(0, pos);
  const row = before.split("\n").length;
  const col = pos - before.lastIndexOf("\n");
  return { file, row, message: `JSON 格式错误（第 ${row} 行第 ${col} 个字符）：${e.message}` };
}

/** Offset of the first JSON syntax error in `text` (a small recursive-descent scan). */
export function jsonErrorOffset(text: string): number | undefined {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  class Stop {
    constructor(readonly at: number) {}
  }
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text.charAt(i))) i++;
  };
  const expect = (ch: string) => {
    if (text.charAt(i) !== ch) throw new Stop(i);
    i++;
  };
  const str = () => {
    expect('"');
    while (i < text.length && text.charAt(i) !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) throw new Stop(i);
      if (text.charAt(i) === "\\") {
        i++;
        const esc = text.charAt(i);
        if (esc === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) throw new Stop(i);
          i += 4;
        } else if (!'"\\/bfnrt'.includes(esc) || esc === "") throw new Stop(i);
      }
      i++;
    }
    expect('"');
  };
  const value = (): void => {
    ws();
    const c = text.charAt(i);
    if (c === "{") {
      i++;
      ws();
      if (text.charAt(i) === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        str();
        ws();
        expect(":");
        value();
        ws();
        if (text.charAt(i) !== ",") {
          expect("}");
          return;
        }
        i++;
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (text.charAt(i) === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text.charAt(i) !== ",") {
          expect("]");
          return;
        }
        i++;
      }
    }
    if (c === '"') {
      str();
      return;
    }
    const lit = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(
      text.slice(i, i + 400),
    );
    if (!lit) throw new Stop(i);
    i += lit[0].length;
  };
  try {
    value();
    ws();
    return i < text.length ? i : undefined;
  } catch (stop) {
    if (stop instanceof Stop) return stop.at;
    throw stop;
  }
}

/** Item codes of a `luzhang-taxonomy/v1` file. */
export async function readTaxonomyCodes(file: string): Promise<Set<string>> {
  const data = JSON.parse(await readFile(file, "utf8")) as { items?: { code?: unknown }[] };
  return new Set((data.items ?? []).map((i) => i.code).filter((c): c is string => typeof c === "string"));
}
