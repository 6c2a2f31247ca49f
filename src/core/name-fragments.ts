/**
 * Parts of landmark names as people shorten them: "好又多" for 好又多超市东店 and 好又多超市西店,
 * "二中" for both gates of 城关二中, "中石油加油站" for 中石油城东加油站. A part maps to every
 * landmark whose name or alias contains it (as one piece, or as a head and a tail with a gap), so a
 * short name that fits two branches is a question, not a guess.
 */
import type { NameMatch } from "./name-table.ts";
import { nameKey } from "./place-names.ts";

/** Characters that say nothing about which place is meant on their own (门, 东门, 县, 店 …). */
const VAGUE_CHARS = new Set("门口东西南北中店区县院路街道大小的号楼前后侧边里外内");
/** Two-character ends of names that say the kind of place a reporter means by them alone (医院门口). */
const PLACE_KINDS = new Set([
  "医院",
  "学校",
  "小学",
  "中学",
  "公园",
  "超市",
  "商场",
  "车站",
  "银行",
  "酒店",
  "宾馆",
]);
/** Shortest part worth matching (two characters: 二中, 银座). */
const MIN_PART = 2;

/**
 * Whether a part names something by itself (not only 北门, 东院, 县). The end of a name (医院, 公园)
 * says what kind of place it is: one telling character is enough there.
 */
function distinctive(part: string, isEnd: boolean): boolean {
  let telling = 0;
  for (const ch of part) if (!VAGUE_CHARS.has(ch)) telling += 1;
  return telling >= 2 || (telling >= 1 && (part.length >= 3 || (isEnd && PLACE_KINDS.has(part))));
}

/** The parts of one name: every piece of two or more characters, and head + tail pairs. */
function partsOf(key: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < key.length; i++)
    for (let j = i + MIN_PART; j <= key.length; j++) out.add(key.slice(i, j));
  // 中石油 + 加油站 from 中石油城东加油站: a head and a tail of the name, something left out between.
  for (let h = MIN_PART; h < key.length; h++)
    for (let t = MIN_PART; h + t < key.length; t++) out.add(key.slice(0, h) + key.slice(key.length - t));
  return out;
}

/** Parts of names (landmarks) to the values whose names contain them. */
export class FragmentTable<T> {
  private readonly byPart = new Map<string, T[]>();
  private maxLength = 0;

  /** @param ignore parts that are not telling here (the county's own name, street names …). */
  constructor(private readonly ignore: ReadonlySet<string> = new Set()) {}

  add(name: string, value: T): void {
    const key = nameKey(name);
    for (const part of partsOf(key)) {
      if (this.ignore.has(part) || !distinctive(part, key.endsWith(part))) continue;
      const list = this.byPart.get(part) ?? [];
      if (!list.includes(value)) list.push(value);
      this.byPart.set(part, list);
      this.maxLength = Math.max(this.maxLength, part.length);
    }
  }

  /** The values whose names contain `name` as a part. */
  lookup(name: string): NameMatch<T> | undefined {
    const values = this.byPart.get(nameKey(name));
    return values ? { values: [...values], tier: "part" } : undefined;
  }

  /** Longest part length (for scanning free text). */
  longest(): number {
    return this.maxLength;
  }
}
