/**
 * The category lexicon of the rules extractor, built once from the taxonomy (item names with their
 * bracketed variants, the synonyms written in its disambiguation rules) and the everyday words of
 * category-lexicon.ts, and the scoring that picks one code for a piece of text.
 */
import type { TaxonomyIndex } from "../core/taxonomy.ts";
import { ANOMALY_WORDS, CATEGORY_PATTERNS } from "./category-lexicon.ts";

interface Pattern {
  groups: string[][];
  /** Taxonomy names said outright beat everyday words of the same length. */
  bonus: number;
}

interface Entry {
  code: string;
  patterns: Pattern[];
}

export interface CategoryMatch {
  code: string;
  score: number;
  /** The words that matched, for the case's extraction reason. */
  words: string[];
}

/** Extra score per group beyond the first: co-occurring words are more specific. */
const GROUP_BONUS = 2;

function compile(pattern: string, bonus = 0): Pattern {
  const groups = pattern.split("+").map((g) =>
    g
      .trim()
      .replace("@坏", ANOMALY_WORDS)
      .split("|")
      .map((w) => w.trim())
      .filter(Boolean)
      .sort((a, b) => b.length - a.length),
  );
  return { groups, bonus };
}

/** "垃圾站(箱)满溢" → 垃圾站满溢, 垃圾箱满溢; "边坡(挡土墙)破损" → 边坡破损, 挡土墙破损. */
export function nameVariants(name: string): string[] {
  const m = /^(.*?)[(（]([^)）]+)[)）](.*)$/.exec(name);
  if (!m) return splitEnumeration(name);
  const [, before = "", inside = "", after = ""] = m;
  const out = [before + after];
  for (const alt of inside.split(/[、,，]/)) {
    if (!alt) continue;
    out.push(
      alt.length <= 2 ? before.slice(0, Math.max(0, before.length - alt.length)) + alt + after : alt + after,
    );
  }
  return out.flatMap(splitEnumeration);
}

/** "焚烧垃圾、树叶" → 焚烧垃圾, 焚烧树叶 (the shared head is the first part minus the second's length). */
function splitEnumeration(name: string): string[] {
  const parts = name.split("、");
  const first = parts[0] ?? name;
  if (parts.length === 1) return [name];
  const out = [first];
  for (const p of parts.slice(1)) {
    const head = first.slice(0, Math.max(0, first.length - p.length));
    out.push(head && p.length < first.length ? head + p : p);
  }
  return out;
}

/** Synonyms a disambiguation rule gives in brackets: "09005 店外经营（出店经营、突店经营）". */
export function ruleSynonyms(rules: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const rule of rules) {
    for (const m of rule.matchAll(/(\d{5})\s*([^（(：:；;]+)[（(]([^)）]+)[)）]/g)) {
      const code = m[1] ?? "";
      for (const w of (m[3] ?? "").split(/[、,，]/)) if (w.trim().length >= 2) out.push([code, w.trim()]);
    }
  }
  return out;
}

/** Scores taxonomy codes for a piece of text (names masked out beforehand). */
export class CategoryMatcher {
  private readonly entries: Entry[] = [];

  constructor(taxonomy: TaxonomyIndex) {
    const byCode = new Map<string, Entry>();
    const entry = (code: string) => {
      let e = byCode.get(code);
      if (!e) {
        e = { code, patterns: [] };
        byCode.set(code, e);
        this.entries.push(e);
      }
      return e;
    };
    // Hand-written patterns first: their order breaks ties (specific before general).
    for (const [code, ...patterns] of CATEGORY_PATTERNS) {
      if (!taxonomy.get(code)) continue;
      for (const p of patterns) entry(code).patterns.push(compile(p));
    }
    // The taxonomy's own names: said outright, they are the most reliable words there are.
    for (const item of taxonomy.items) {
      for (const v of nameVariants(item.name)) {
        if (v.length >= 3) entry(item.code).patterns.push({ groups: [[v]], bonus: 2 });
        // A facility item ("路灯异常"): the facility plus an anomaly word (the facility alone is
        // no problem: "路灯下有人摆摊").
        const facility = v.endsWith("异常") ? v.slice(0, -2) : "";
        if (facility.length >= 2) entry(item.code).patterns.push(compile(`${facility} + @坏`));
      }
    }
    for (const [code, word] of ruleSynonyms(taxonomy.taxonomy.disambiguation)) {
      if (taxonomy.get(code)) entry(code).patterns.push({ groups: [[word]], bonus: 2 });
    }
  }

  /** Every code whose patterns match `text`, best first. */
  scoreAll(text: string): CategoryMatch[] {
    const out: CategoryMatch[] = [];
    for (const e of this.entries) {
      let best: CategoryMatch | undefined;
      for (const p of e.patterns) {
        let score = p.bonus + GROUP_BONUS * (p.groups.length - 1);
        const words: string[] = [];
        for (const g of p.groups) {
          const w = g.find((alt) => text.includes(alt));
          if (w === undefined) {
            score = -1;
            break;
          }
          score += w.length;
          words.push(w);
        }
        if (score > 0 && (!best || score > best.score)) best = { code: e.code, score, words };
      }
      if (best) out.push(best);
    }
    // Stable sort: equal scores keep the lexicon's order.
    return out.sort((a, b) => b.score - a.score);
  }

  /** The best code for `text`, or null. */
  best(text: string): CategoryMatch | null {
    return this.scoreAll(text)[0] ?? null;
  }
}
