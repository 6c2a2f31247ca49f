/**
 * Whether two characters sound alike (同音字): people typing place names by pinyin pick the wrong
 * character of the right sound (冬城路 for 东城路, 锦 → 金, 望 → 旺). Readings come from
 * `@napi-rs/pinyin` (all readings of a polyphone), toneless, with the merges of the region's
 * accents that input methods tolerate too (in/ing, en/eng, z/zh, c/ch, s/sh).
 */
import { pinyin } from "@napi-rs/pinyin";

const cache = new Map<string, readonly string[]>();

/** Accent merges: 新业路 for 兴业路 (xin/xing), 陈/程 … */
function fold(syllable: string): string {
  return syllable
    .replace(/^([zcs])h/, "$1")
    .replace(/ing$/, "in")
    .replace(/eng$/, "en");
}

/** Toneless readings of one character (empty for a non-Han character). */
function readings(ch: string): readonly string[] {
  let r = cache.get(ch);
  if (!r) {
    const out = pinyin(ch, { heteronym: true }) as string[][];
    r = [...new Set((out[0] ?? []).filter((s) => /^[a-zü]+$/.test(s)).map(fold))];
    cache.set(ch, r);
  }
  return r;
}

/** True when `a` and `b` are different characters that share a reading. */
export function soundsAlike(a: string, b: string): boolean {
  if (a === b) return false;
  const ra = readings(a);
  if (ra.length === 0) return false;
  const rb = readings(b);
  return ra.some((s) => rb.includes(s));
}
