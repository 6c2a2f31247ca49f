/** Matching department words said in chat (交警, 环卫, 住建, HW …) to roster departments. */
import type { RosterDepartment } from "../core/roster-index.ts";

/** True when every character of `short` appears in `name` in order (住建 → 住房和城乡建设局). */
function isAbbreviation(short: string, name: string): boolean {
  let i = 0;
  for (const ch of name) if (ch === short[i]) i += 1;
  return i === short.length;
}

/** Splits "交警 环卫、执法" into departments; words that match nothing are returned as unknown. */
export function resolveDepartments(words: string, all: readonly RosterDepartment[]) {
  const departments: RosterDepartment[] = [];
  const unknown: string[] = [];
  for (const w of words.split(/[\s,，、和及与]+/).filter(Boolean)) {
    const d =
      all.find((x) => x.code.toLowerCase() === w.toLowerCase() || x.name === w) ??
      all.find((x) => x.name.includes(w)) ??
      (w.length >= 2 ? all.find((x) => isAbbreviation(w, x.name)) : undefined);
    if (d) {
      if (!departments.includes(d)) departments.push(d);
    } else unknown.push(w);
  }
  return { departments, unknown };
}
