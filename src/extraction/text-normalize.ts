/** Message normalization and Chinese number reading for the rules extractor. */
import { normalizePlaceText } from "../core/place-names.ts";

/** Other people @-mentioned in the text ("@黄卫东 下午开会吗"): names end at a space or punctuation. */
const AT_MENTION = /@[^\s@,，。:：;；!！?？]{1,20}/g;

export interface NormalizedMessage {
  /** Normalized text with whitespace kept (enumerations like "1.xx 2.yy" need it). */
  spaced: string;
  /** Normalized text without whitespace: what the place grammar and lexicon read. */
  compact: string;
  /** Whether the text @-mentioned somebody (a question to a colleague, usually). */
  mentionsSomeone: boolean;
}

/** NFKC, simplified place characters, no @-mentions, single spaces. */
export function normalizeMessage(text: string): NormalizedMessage {
  const mentionsSomeone = AT_MENTION.test(text);
  AT_MENTION.lastIndex = 0;
  // NFKC turns ① into a bare 1: keep circled list numbers as "1." so lists stay lists.
  const listed = text.replace(/[①②③④⑤⑥⑦⑧⑨]/g, (c) => ` ${"①②③④⑤⑥⑦⑧⑨".indexOf(c) + 1}.`);
  const spaced = normalizePlaceText(listed.replace(AT_MENTION, " "))
    .replace(/[\u200b-\u200f\u2005\ufeff]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return { spaced, compact: spaced.replace(/\s+/g, ""), mentionsSomeone };
}

const CN_DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const CN_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 10000 };

/** "五十" → 50, "一百五" → 150, "两百" → 200, "百" → 100, "十五" → 15; null if not a number. */
export function parseChineseNumber(s: string): number | null {
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  if (!/^[零〇一二两三四五六七八九十百千万]+$/.test(s)) return null;
  let total = 0;
  let digit: number | null = null;
  let lastUnit = 1;
  for (const ch of s) {
    const d = CN_DIGITS[ch];
    if (d !== undefined) {
      digit = d;
      continue;
    }
    const unit = CN_UNITS[ch] ?? 1;
    total += (digit ?? 1) * unit;
    digit = null;
    lastUnit = unit;
  }
  // "一百五" means 150: a trailing digit after a unit counts in the next lower unit.
  if (digit !== null) total += lastUnit > 1 ? (digit * lastUnit) / 10 : digit;
  return total;
}

const DISTANCE =
  /(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)\s*(?:多|来|余|几)?\s*(公里|千米|km|米|m(?![a-z]))/i;

/** A distance said in metres or kilometres ("50米", "五十米", "200多米", "1公里"), or null. */
export function readDistance(text: string): { meters: number; at: number; length: number } | null {
  const m = DISTANCE.exec(text);
  if (!m?.[1] || !m[2]) return null;
  const n = parseChineseNumber(m[1]);
  if (n === null || n <= 0) return null;
  const km = /公里|千米|km/i.test(m[2]);
  return { meters: km ? n * 1000 : n, at: m.index, length: m[0].length };
}
