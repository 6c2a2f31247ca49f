/**
 * Matching what people say against the roster's names, in tiers: the exact name (or alias); a name
 * family (朝阳路 when the roster has 朝阳东路 and 朝阳西路, 朝阳中路 when it has 朝阳东路/朝阳西路);
 * one character of the same sound (冬城路 → 东城路, via pinyin); one character off (丰月路 → 丰乐路,
 * 黄河道 → 黄河大道). Each tier returns every roster value that fits: two equally close names are
 * a question for the reporter, never a guess. A direction character is never edited away (东边路 is
 * not 东胜路; 朝阳南路 is the 朝阳 family, not a typo of 朝阳东路).
 */
import { soundsAlike } from "./homophones.ts";
import { nameKey, withoutPlaceWords } from "./place-names.ts";

export type MatchTier = "exact" | "family" | "part" | "sound" | "typo";

export interface NameMatch<T> {
  values: T[];
  tier: MatchTier;
  /** A direction the said name carried that the matched name lacks ("新华东路" → 新华路, 东). */
  qualifier?: string;
}

/** Characters that qualify a road name by direction (朝阳东路, 胜利北路, 朝阳中路). */
export const DIRECTION_CHARS = "东西南北中";
/** Endings of road names, longest first. */
const ROAD_SUFFIXES = ["大道", "大街", "胡同", "路", "街", "道", "巷"];
/** Last characters that may stand for each other in a three-character name (光华路 for 光华街). */
const SUFFIX_CHARS = "路街道巷";
/** Cost of a substitution by a character of the same sound; any other edit costs 1. */
const SOUND_COST = 0.5;

function splitSuffix(key: string): { stem: string; suffix: string } | null {
  const suffix = ROAD_SUFFIXES.find((s) => key.endsWith(s) && key.length > s.length);
  return suffix ? { stem: key.slice(0, -suffix.length), suffix } : null;
}

/**
 * Cost of substituting `b` (roster) for `a` (said) at position `i` of a name of `len`; null: never.
 * At the qualifier position (朝阳东路's 东) a direction is a different road of the family, not a typo.
 */
function substitutionCost(a: string, b: string, i: number, len: number, qualifierAt: number): number | null {
  if (i === qualifierAt && (DIRECTION_CHARS.includes(a) || DIRECTION_CHARS.includes(b))) return null;
  if (len === 3 && i === 2 && !(SUFFIX_CHARS.includes(a) && SUFFIX_CHARS.includes(b))) return null;
  return soundsAlike(a, b) ? SOUND_COST : 1;
}

/** Cost of turning `said` into `cand` (same length): substitutions only, at most two of the same sound. */
function sameLengthCost(said: string, cand: string): number | null {
  let cost = 0;
  const parts = splitSuffix(cand);
  const qualifierAt = parts ? parts.stem.length - 1 : -1;
  for (let i = 0; i < said.length; i++) {
    const a = said[i] as string;
    const b = cand[i] as string;
    if (a === b) continue;
    const c = substitutionCost(a, b, i, said.length, qualifierAt);
    if (c === null) return null;
    cost += c;
    if (cost > 1) return null;
  }
  return cost === 1 && said.length < 3 ? null : cost;
}

/** Whether `long` is `short` with one character inserted, that character not a direction word. */
function oneInserted(short: string, long: string): boolean {
  let i = 0;
  while (i < short.length && short[i] === long[i]) i++;
  if (DIRECTION_CHARS.includes(long[i] ?? "")) return false;
  return short.slice(i) === long.slice(i + 1);
}

/** A name table: keys (names and aliases, normalized) to the canonical value they stand for. */
export class NameTable<T> {
  private readonly byKey = new Map<string, T>();
  private readonly byLength = new Map<number, { key: string; value: T }[]>();
  /** "朝阳路" → the values of 朝阳东路, 朝阳西路 … (stem + direction + suffix). */
  private readonly families = new Map<string, T[]>();
  /** keys() is asked for every message; the table only changes while a roster is loaded. */
  private sortedKeys: string[] | null = null;

  /** Adds `name` for `value`; the first value added under a key wins. */
  add(name: string, value: T): void {
    const key = nameKey(name);
    if (!key || this.byKey.has(key)) return;
    this.byKey.set(key, value);
    this.sortedKeys = null;
    const list = this.byLength.get(key.length) ?? [];
    list.push({ key, value });
    this.byLength.set(key.length, list);
    const parts = splitSuffix(key);
    const d = parts?.stem.at(-1);
    if (parts && d && DIRECTION_CHARS.includes(d) && parts.stem.length >= 3) {
      const base = parts.stem.slice(0, -1) + parts.suffix;
      const members = this.families.get(base) ?? [];
      if (!members.includes(value)) members.push(value);
      this.families.set(base, members);
    }
  }

  exact(name: string): T | undefined {
    return this.byKey.get(nameKey(name));
  }

  /** Every roster value `name` may mean, in the first tier that has any (see the file comment). */
  lookup(name: string): NameMatch<T> | undefined {
    const key = nameKey(name);
    const keys = [key, ...withoutPlaceWords(key)];
    for (const k of keys) {
      const hit = this.byKey.get(k);
      if (hit !== undefined) return { values: [hit], tier: "exact" };
    }
    for (const k of keys) {
      const fam = this.family(k);
      if (fam) return fam;
    }
    return this.fuzzy(key);
  }

  /** The family a stem names ("朝阳路"), or the one a wrong qualifier names ("朝阳南路", "新华东路"). */
  private family(key: string): NameMatch<T> | undefined {
    const members = this.families.get(key);
    if (members?.length) return { values: [...members], tier: "family" };
    const parts = splitSuffix(key);
    const d = parts?.stem.at(-1);
    if (!parts || !d || !DIRECTION_CHARS.includes(d) || parts.stem.length < 3) return undefined;
    const base = parts.stem.slice(0, -1) + parts.suffix;
    const siblings = this.families.get(base);
    if (siblings?.length) return { values: [...siblings], tier: "family", qualifier: d };
    const plain = this.byKey.get(base);
    return plain === undefined ? undefined : { values: [plain], tier: "family", qualifier: d };
  }

  /** The values one edit away from `key` (already normalized), at the lowest cost found. */
  fuzzy(key: string): NameMatch<T> | undefined {
    if (key.length < 3) return undefined;
    let best = Number.POSITIVE_INFINITY;
    const found: T[] = [];
    const consider = (cost: number | null, value: T) => {
      if (cost === null || cost > best) return;
      if (cost < best) {
        best = cost;
        found.length = 0;
      }
      if (!found.includes(value)) found.push(value);
    };
    for (const c of this.byLength.get(key.length) ?? []) consider(sameLengthCost(key, c.key), c.value);
    for (const c of this.byLength.get(key.length + 1) ?? [])
      consider(oneInserted(key, c.key) ? 1 : null, c.value);
    if (key.length >= 4)
      for (const c of this.byLength.get(key.length - 1) ?? [])
        consider(oneInserted(c.key, key) ? 1 : null, c.value);
    if (found.length === 0) return undefined;
    return { values: found, tier: best <= SOUND_COST ? "sound" : "typo" };
  }

  /**
   * The single value `name` stands for: the exact name, or the one family member or near name that
   * fits. Undefined when nothing or several fit.
   */
  match(name: string): { value: T; typo: boolean } | undefined {
    const m = this.lookup(name);
    const only = m?.values.length === 1 ? m.values[0] : undefined;
    return m && only !== undefined ? { value: only, typo: m.tier !== "exact" } : undefined;
  }

  /** Every key, longest first (for scanning free text). */
  keys(): readonly string[] {
    this.sortedKeys ??= [...this.byKey.keys()].sort((a, b) => b.length - a.length);
    return this.sortedKeys;
  }

  get(key: string): T | undefined {
    return this.byKey.get(key);
  }

  /** Key lengths present in the table. */
  lengths(): number[] {
    return [...this.byLength.keys()];
  }
}
