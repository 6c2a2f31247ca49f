/**
 * Place-name normalization shared by every extractor and the location resolver: full-width forms,
 * a few traditional characters, capital numerals (纬叁路 → 纬三路), digits inside road names
 * (纬3路 → 纬三路). Matching against the roster's names is in name-table.ts.
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
export function withoutPlaceWords(key: string): string[] {
  return PLACE_WORD_SUFFIXES.filter((w) => key.endsWith(w) && key.length - w.length >= 2).map((w) =>
    key.slice(0, -w.length),
  );
}
