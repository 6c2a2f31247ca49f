/**
 * Distances as people say them: "50米", "五十米", "3百米", "两百五十米", "三四百米" (a range: its
 * middle), "一千二三百米", "百来米", "1.5公里", "一点五公里", "一公里半", "一里多地" (里 = 500 m),
 * and after a direction word a bare number of hundreds ("往西一千五" = 1500 m). "一点", "没几步" is
 * a short way on: it picks the side, not a segment further on.
 */
import { parseChineseNumber } from "./text-normalize.ts";

export interface SpokenDistance {
  meters: number;
  at: number;
  length: number;
}

/** A short way on ("往东一点"): enough to pick the side of a crossing, never a segment further. */
export const SHORT_WAY_M = 20;

const NUM = "[零〇一二两三四五六七八九十百千万\\d.点]";
const UNIT = "(公里|千米|km|米|m(?![a-z])|里)";
const DISTANCE = new RegExp(
  `(${NUM}+?)([一二三四五六七八九])?(百|千)?\\s*(?:多|来|余|几)?\\s*${UNIT}(半)?(?:多)?(?:地)?`,
  "i",
);
/** A bare number of hundreds or thousands right after a direction word: "往西一千五". */
const BARE =
  /^(?:走|开)?(?:个|了)?(?:大概|大约|差不多|约)?([一二两三四五六七八九十]?[百千][零一二两三四五六七八九十]*|\d{3,4})(?![米里公号路街个百千\d])/;
const SHORT =
  /^(?:再)?(?:往前)?(?:走)?(?:一点点|一点儿|一点|一些|几步|没几步|不远|一小段|一段)(?![零〇一二两三四五六七八九十\d])/;

/** Number of a numeral written with digits, Chinese numerals, or both ("3百", "一点五"). */
function numberOf(s: string): number | null {
  const mixed = s.replace(/(\d+(?:\.\d+)?)(?=[十百千万])/g, (d) =>
    Number.isInteger(Number(d)) ? toChinese(Number(d)) : d,
  );
  if (/^\d+(\.\d+)?$/.test(mixed)) return Number(mixed);
  const dot = /^([零〇一二两三四五六七八九十]+)点([零〇一二三四五六七八九]+)$/.exec(mixed);
  if (dot?.[1] && dot[2]) {
    const whole = parseChineseNumber(dot[1]);
    const frac = [...dot[2]].map((c) => parseChineseNumber(c) ?? 0).join("");
    return whole === null ? null : Number(`${whole}.${frac}`);
  }
  return parseChineseNumber(mixed);
}

function toChinese(n: number): string {
  const digits = "零一二三四五六七八九";
  return n < 10 ? (digits[n] ?? "") : String(n);
}

/** The first distance said in `text`, in metres, or null. */
export function readSpokenDistance(text: string): SpokenDistance | null {
  const m = DISTANCE.exec(text);
  if (!m?.[1] || !m[4]) return null;
  let n = m[2] && !m[3] ? numberOf(m[1] + m[2]) : numberOf(m[1]);
  if (n === null) return null;
  if (m[2] && m[3] && /[一二两三四五六七八九]$/.test(m[1])) {
    // A range of two neighbouring numerals: "三四百" → 350, "一千二三百" → 1250.
    const hi = parseChineseNumber(m[2]) ?? 0;
    const unit = m[3] === "千" ? 1000 : 100;
    // "三四百": n = 3; "一千二三百": n = 1200, its last digit (2) is the low end of the range.
    const low = n < 10 ? n : (n % (unit * 10)) / unit;
    const base = n < 10 ? 0 : n - low * unit;
    n = base + ((low + hi) / 2) * unit;
  } else if (m[3]) {
    const whole = m[2] ? numberOf(m[1] + m[2] + m[3]) : null;
    n = whole ?? n * (m[3] === "千" ? 1000 : 100);
  }
  if (n <= 0) return null;
  const unit = m[4].toLowerCase();
  let meters = /公里|千米|km/.test(unit) ? n * 1000 : unit === "里" ? n * 500 : n;
  if (m[5]) meters += /公里|千米|km/.test(unit) ? 500 : 250;
  return { meters, at: m.index, length: m[0].length };
}

/** A distance right after a direction word: spoken, bare hundreds, or a short way. */
export function readDistanceAfterDirection(text: string): SpokenDistance | null {
  const short = SHORT.exec(text);
  if (short) return { meters: SHORT_WAY_M, at: 0, length: short[0].length };
  const bare = BARE.exec(text);
  if (bare?.[1]) {
    const n = numberOf(bare[1]);
    if (n && n >= 100) return { meters: n, at: 0, length: bare[0].length };
  }
  return null;
}
