/**
 * Place-name normalization and matching shared by every extractor and the location resolver:
 * full-width forms, a few traditional characters, capital numerals (纬叁路 → 纬三路), digits inside
 * road names (纬3路 → 纬三路), and one-character typos (丰月路 → 丰乐路) when exactly one roster
 * name fits. Names come from the imported roster only.
 */

/** Capital (大写) numerals and other numeral variants people type, to the everyday ones. */
const NUMERAL_VARIANTS: Record<string, string> = {
  壹: "一",
  贰: "二",
  貳: "二",
  叁: "三",
  參: "三",
  弎: "三",
  肆: "四",
  伍: "五",
  陆: "六",
  陸: "六",
  柒: "七",
  捌: "八",
  玖: "九",
  拾: "十",
  〇: "零",
};

/** Traditional (and Japanese) character forms that show up when people type on other keyboards. */
const TRADITIONAL: Record<string, string> = {
  東: "东",
  風: "风",
  廣: "广",
  門: "门",
  縣: "县",
  醫: "医",
  場: "场",
  車: "车",
  橋: "桥",
  樓: "楼",
  區: "区",
  鄭: "郑",
  華: "华",
  興: "兴",
  園: "园",
  陽: "阳",
  農: "农",
  業: "业",
  環: "环",
  衛: "卫",
  這: "这",
  裡: "里",
  邊: "边",
  號: "号",
  館: "馆",
  學: "学",
  鐵: "铁",
  運: "运",
  長: "长",
  張: "张",
  馬: "马",
  龍: "龙",
  寧: "宁",
  濱: "滨",
  淨: "净",
  髒: "脏",
  亂: "乱",
  満: "满",
  発: "发",
  広: "广",
};

const DIGITS = "零一二三四五六七八九";

/** 3 → 三, 12 → 十二, 20 → 二十 (road numbers are small). */
export function smallNumberToChinese(n: number): string {
  if (n < 10) return DIGITS[n] ?? String(n);
  if (n < 20) return `十${n % 10 ? DIGITS[n % 10] : ""}`;
  if (n < 100) return `${DIGITS[Math.floor(n / 10)]}十${n % 10 ? DIGITS[n % 10] : ""}`;
  return String(n);
}

/** Road-name suffixes after which a number is part of the name (纬3路 = 纬三路). */
const NUMBERED_ROAD = /(\p{Script=Han})(\d{1,2})(?=大道|大街|路|街|巷|道|胡同)/gu;

/**
 * Normalizes text for place matching: NFKC (full-width → half-width), traditional and capital
 * numerals to simplified, digits inside road names to Chinese numerals. Keeps string length
 * except for the digit rewrite, which only happens inside names.
 */
export function normalizePlaceText(text: string): string {
  let out = "";
  for (const ch of text.normalize("NFKC")) out += NUMERAL_VARIANTS[ch] ?? TRADITIONAL[ch] ?? ch;
  return out.replace(
    NUMBERED_ROAD,
    (_m, han: string, num: string) => han + smallNumberToChinese(Number(num)),
  );
}

/** Key a name is matched by: normalized, without spaces and punctuation. */
export function nameKey(name: string): string {
  return normalizePlaceText(name).replace(/[\s·・.\-—_()（）]/g, "");
}

/** Words a name is often said with ("X路口", "X路附近"), as an LLM may copy them into a name. */
const PLACE_WORD_SUFFIXES = [
  "交叉口",
  "十字路口",
  "丁字路口",
  "口",
  "附近",
  "一带",
  "沿线",
  "周边",
  "旁边",
  "上",
  "边",
  "段",
];

/** The key without one trailing place word ("丰乐路口" → "丰乐路"). */
function withoutPlaceWords(key: string): string[] {
  return PLACE_WORD_SUFFIXES.filter((w) => key.endsWith(w) && key.length - w.length >= 2).map((w) =>
    key.slice(0, -w.length),
  );
}

/** Number of positions where two equally long strings differ. */
function hamming(a: string, b: string): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) d += 1;
  return d;
}

/** A name table: keys (names and aliases, normalized) to the canonical value they stand for. */
export class NameTable<T> {
  private readonly byKey = new Map<string, T>();
  private readonly byLength = new Map<number, { key: string; value: T }[]>();
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
  }

  exact(name: string): T | undefined {
    return this.byKey.get(nameKey(name));
  }

  /**
   * The value of `name` exactly, or of the one name one character away from it. A typo is only
   * accepted in names of three or more characters, in a three-character name never in the last
   * character (路/街 carry the meaning there), and only when a single roster value fits.
   */
  match(name: string): { value: T; typo: boolean } | undefined {
    const key = nameKey(name);
    for (const k of [key, ...withoutPlaceWords(key)]) {
      const hit = this.byKey.get(k);
      if (hit !== undefined) return { value: hit, typo: false };
    }
    const fuzzy = this.fuzzyKey(key);
    return fuzzy === undefined ? undefined : { value: fuzzy, typo: true };
  }

  /** The single value one substitution away from `key` (already normalized), if any. */
  fuzzyKey(key: string): T | undefined {
    if (key.length < 3) return undefined;
    const found = new Set<T>();
    for (const cand of this.byLength.get(key.length) ?? []) {
      if (key.length === 3 && cand.key.at(-1) !== key.at(-1)) continue;
      if (hamming(cand.key, key) === 1) found.add(cand.value);
    }
    return found.size === 1 ? [...found][0] : undefined;
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
