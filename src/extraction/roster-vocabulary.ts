/**
 * The words of one roster for the rules extractor: road, crossing, landmark and street names with
 * their aliases (and people's names), added to a jieba dictionary so segmentation keeps them
 * whole, plus a scanner that finds them (and one-character typos of them) in a message.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Jieba } from "@node-rs/jieba";
import { placeIndex } from "../core/location.ts";
import { NameTable } from "../core/name-table.ts";
import { nameKey } from "../core/place-names.ts";
import type { RosterIndex } from "../core/roster-index.ts";

export type NameKind = "road" | "crossing" | "landmark" | "street" | "person";

export interface PlaceName {
  kind: NameKind;
  /** The roster's own spelling (road name, crossing name, landmark name …). */
  canonical: string;
}

/** A name found in a message: [start, end) in the compact text. */
export interface Mention extends PlaceName {
  start: number;
  end: number;
  text: string;
  typo: boolean;
  /** The text is a shortened landmark name (好又多 for 好又多超市东店). */
  part?: boolean;
  /** Every roster name the text may mean when it fits several (好又多 → both branches; 新华街 → 新华路, 新民街). */
  alternatives?: PlaceName[];
}

export interface Token {
  word: string;
  tag: string;
  start: number;
  end: number;
}

/**
 * Frequency given to roster words in the jieba dictionary: far above any common word (the
 * shipped dict tops out near 1e6 for 的), so a name is never split into everyday words.
 */
const ROSTER_WORD_FREQ = 2_000_000;

/** Words of these parts of speech are never part of a misspelt name (方位, 处所, 代词, 数词, 量词, 时间). */
const NOT_IN_NAME_TAGS = /^(f|s|r|m|q|t)/;
/** Single characters that are function words here, never part of a misspelt name. */
const FUNCTION_CHARS = new Set(
  "在往向朝从与和跟到至及或的了是有这那个条上下里边旁对把被给让叫离沿于等就也都还很",
);

/** Whether a token can be part of a misspelt roster name. */
function canBeInName(t: Token): boolean {
  if (!/\p{Script=Han}/u.test(t.word)) return false;
  if (t.word.length === 1) return !FUNCTION_CHARS.has(t.word);
  return !NOT_IN_NAME_TAGS.test(t.tag);
}

/**
 * Words of the shipped dictionary kept in the base dictionary: those at least this frequent, plus
 * every word whose part of speech `canBeInName` reads (NOT_IN_NAME_TAGS).
 *
 * Why not the whole dict.txt (about 350,000 words): a jieba built from it holds about 38 MB of native
 * memory, and importing `@node-rs/jieba/dict.js` to get it keeps dict.txt and idf.txt as Buffers
 * (11 MB more). The extractor only needs segmentation for the name scanner: roster words are added at
 * top frequency, so they stay whole with any base, and the typo scan reads token boundaries and the
 * parts of speech above. With the roughly 18,000 words kept here, the eval sets give exactly the same
 * extraction results (categories, segments, reasons) as with the whole dictionary, and the jieba costs
 * about 9 MB instead of 49 MB. Keeping the tagged words matters: a base with no words at all makes the
 * typo scan read 有人在路 as a misspelt road name.
 */
const BASE_MIN_FREQ = 5000;

/** Whether the dict.txt line buf[start, end) (`word freq tag`) belongs in the base dictionary. */
function keepBaseWord(buf: Buffer, start: number, end: number): boolean {
  const space1 = buf.indexOf(0x20, start);
  const space2 = space1 < 0 ? -1 : buf.indexOf(0x20, space1 + 1);
  if (space1 < 0 || space2 < 0 || space2 >= end) return false;
  let freq = 0;
  for (let i = space1 + 1; i < space2; i++) freq = freq * 10 + (buf[i] ?? 0x30) - 0x30;
  return freq >= BASE_MIN_FREQ || NOT_IN_NAME_TAGS.test(buf.toString("latin1", space2 + 1, end));
}

/**
 * The base dictionary, filtered from the package's dict.txt. Works on the bytes, in place: no
 * string per line and a single 5 MB allocation, freed once the kept part is copied out.
 */
function loadBaseDict(): Buffer {
  const buf = readFileSync(createRequire(import.meta.url).resolve("@node-rs/jieba/dict.txt"));
  let kept = 0;
  for (let start = 0; start < buf.length; ) {
    const newline = buf.indexOf(0x0a, start);
    const end = newline < 0 ? buf.length : newline;
    if (keepBaseWord(buf, start, end)) {
      buf.copy(buf, kept, start, end); // kept <= start, and Buffer#copy allows overlapping ranges
      buf[kept + end - start] = 0x0a;
      kept += end - start + 1;
    }
    start = end + 1;
  }
  return Buffer.from(buf.subarray(0, kept));
}

let baseDict: Buffer | undefined;

/** One jieba instance with the base dictionary and the roster's words. */
function buildJieba(words: Iterable<[string, NameKind]>): Jieba {
  baseDict ??= loadBaseDict();
  const jieba = Jieba.withDict(baseDict);
  const lines: string[] = [];
  for (const [w, kind] of words) if (!/\s/.test(w)) lines.push(`${w} ${ROSTER_WORD_FREQ} x${kind}`);
  if (lines.length > 0) jieba.loadDict(Buffer.from(`${lines.join("\n")}\n`));
  return jieba;
}

/** The roster's names, the jieba instance that knows them, and the name scanner. */
export class RosterVocabulary {
  readonly names = new NameTable<PlaceName>();
  readonly jieba: Jieba;
  /** Lengths of text windows that may hold a misspelt name (a name's length, one more, one less). */
  private readonly windows: number[];

  constructor(readonly roster: RosterIndex) {
    const add = (name: string, value: PlaceName) => this.names.add(name, value);
    // Order matters: the first kind added under a name wins (a road that is also a crossing is a road).
    for (const road of roster.roads.values()) {
      add(road.name, { kind: "road", canonical: road.name });
      for (const a of road.aliases) add(a, { kind: "road", canonical: road.name });
    }
    for (const lm of roster.landmarks) {
      add(lm.name, { kind: "landmark", canonical: lm.name });
      for (const a of lm.aliases) add(a, { kind: "landmark", canonical: lm.name });
    }
    for (const road of roster.roads.values()) {
      for (const c of road.crossings) add(c.name, { kind: "crossing", canonical: c.name });
    }
    for (const seg of roster.segments.values()) add(seg.street, { kind: "street", canonical: seg.street });
    for (const p of roster.people.values())
      if (p.name.length >= 2) add(p.name, { kind: "person", canonical: p.name });
    const words: [string, NameKind][] = [];
    const lengths = new Set<number>();
    for (const key of this.names.keys()) {
      const v = this.names.get(key);
      if (!v) continue;
      words.push([key, v.kind]);
      if (v.kind !== "person" && key.length >= 3) lengths.add(key.length);
    }
    const windows = new Set([...lengths].flatMap((n) => [n + 1, n, n - 1]).filter((n) => n >= 3));
    this.windows = [...windows].sort((a, b) => b - a);
    this.jieba = buildJieba(words);
  }

  /** Segments compact text into tokens with offsets. */
  tokenize(compact: string): Token[] {
    const tokens: Token[] = [];
    let at = 0;
    for (const t of this.jieba.tag(compact, true)) {
      tokens.push({ word: t.word, tag: t.tag, start: at, end: at + t.word.length });
      at += t.word.length;
    }
    return tokens;
  }

  /**
   * Roster names in the text: whole tokens first (jieba keeps roster words whole), then any exact
   * name the segmentation merged into a longer word, then one-character typos that line up with
   * token boundaries and contain no function word.
   */
  findNames(compact: string, tokens: readonly Token[]): Mention[] {
    const taken = new Array<boolean>(compact.length).fill(false);
    const found: Mention[] = [];
    const take = (start: number, end: number, value: PlaceName, typo: boolean) => {
      for (let i = start; i < end; i++) taken[i] = true;
      found.push({ ...value, start, end, text: compact.slice(start, end), typo });
    };
    const free = (start: number, end: number) => {
      for (let i = start; i < end; i++) if (taken[i]) return false;
      return true;
    };
    for (const t of tokens) {
      const v = this.names.get(nameKey(t.word));
      if (v && free(t.start, t.end)) take(t.start, t.end, v, false);
    }
    for (const key of this.names.keys()) {
      let from = 0;
      for (;;) {
        const at = compact.indexOf(key, from);
        if (at < 0) break;
        from = at + 1;
        const v = this.names.get(key);
        if (v && v.kind !== "person" && free(at, at + key.length)) take(at, at + key.length, v, false);
      }
    }
    this.findTypos(compact, tokens, free, (start, end, values) => {
      const first = values[0];
      if (!first) return;
      take(start, end, first, true);
      const m = found.at(-1);
      if (m && values.length > 1) m.alternatives = values;
    });
    this.findParts(compact, tokens, found, taken);
    return found.sort((a, b) => a.start - b.start);
  }

  /**
   * Shortened landmark names (好又多, 二中, 妇幼医院, 加油站): pieces of one or more landmarks' names
   * that line up with token boundaries. A longer piece wins over a shorter exact name inside it
   * (北门菜市 over the crossing 北门).
   */
  private findParts(compact: string, tokens: readonly Token[], found: Mention[], taken: boolean[]): void {
    const parts = placeIndex(this.roster).landmarkParts;
    const ends = new Set(tokens.map((t) => t.end));
    for (const first of tokens) {
      if (!/^\p{Script=Han}/u.test(first.word) || FUNCTION_CHARS.has(first.word)) continue;
      for (let len = Math.min(parts.longest(), compact.length - first.start); len >= 2; len--) {
        const start = first.start;
        const end = start + len;
        if (!ends.has(end)) continue;
        const inside = found.filter((m) => m.start < end && m.end > start);
        if (inside.some((m) => m.start < start || m.end > end || m.end - m.start >= len)) continue;
        const hit = parts.lookup(compact.slice(start, end));
        if (!hit) continue;
        for (const m of inside) found.splice(found.indexOf(m), 1);
        for (let i = start; i < end; i++) taken[i] = true;
        const values = hit.values.map((l) => ({ kind: "landmark" as const, canonical: l.name }));
        const one = values[0] as PlaceName;
        found.push({
          ...one,
          start,
          end,
          text: compact.slice(start, end),
          typo: false,
          part: true,
          ...(values.length > 1 ? { alternatives: values } : {}),
        });
        break;
      }
    }
  }

  private findTypos(
    compact: string,
    tokens: readonly Token[],
    free: (s: number, e: number) => boolean,
    take: (s: number, e: number, values: PlaceName[]) => void,
  ): void {
    const tokenAt = (i: number) => tokens.find((t) => t.start <= i && i < t.end);
    for (const first of tokens) {
      if (!canBeInName(first)) continue;
      for (const len of this.windows) {
        const start = first.start;
        const end = start + len;
        if (end > compact.length || !free(start, end)) continue;
        // The name may end inside a token only when that token starts with the name's last
        // character (路口, 路上, 街边 …).
        const endToken = tokenAt(end - 1);
        if (endToken && endToken.end !== end && endToken.start !== end - 1) continue;
        // A function character may sit inside a misspelt name (清和路 for 清河路), never start it.
        const inside = tokens.filter((t) => t.start > start && t.end <= end);
        if (!inside.every((t) => (t.word.length === 1 ? /\p{Script=Han}/u.test(t.word) : canBeInName(t))))
          continue;
        const m = this.names.lookup(compact.slice(start, end));
        if (!m || m.tier === "exact") continue;
        const values = m.values.filter((v) => v.kind !== "person" && v.kind !== "street");
        if (values.length > 0 && values.length === m.values.length) take(start, end, values);
      }
    }
  }
}
