/**
 * First offline rules extractor: roster names (roads, crossings, landmarks with aliases) and category
 * keywords. Uses only the imported roster and the taxonomy, so it works for any county.
 */
import type { ExtractionResult, Extractor } from "../core/ports.ts";
import type { SaidLocation } from "../core/location.ts";
import type { RosterIndex } from "../core/roster-index.ts";
import type { TaxonomyIndex } from "../core/taxonomy.ts";
import { CATEGORY_KEYWORDS, NOT_REPORT_PATTERNS, URGENT_WORDS } from "./category-lexicon.ts";

type NameKind = "road" | "landmark" | "crossing";
interface NameEntry {
  text: string;
  kind: NameKind;
  canonical: string;
}
interface Mention extends NameEntry {
  at: number;
}

const DIRECTION_RE = /(?:往|向|以|偏)?(东北|东南|西北|西南|东|西|南|北)(?:侧|角|边|面|方向|约|\d|往|$)/;
const DISTANCE_RE = /(\d+(?:\.\d+)?)\s*(?:米|m\b)/;
const BETWEEN_RE = /之间|中间/;

/** Builds the name table once per roster. */
function buildNames(roster: RosterIndex): NameEntry[] {
  const names: NameEntry[] = [];
  for (const road of roster.roads.values()) {
    names.push({ text: road.name, kind: "road", canonical: road.name });
    for (const a of road.aliases) names.push({ text: a, kind: "road", canonical: road.name });
    for (const c of road.crossings) {
      if (!roster.roads.has(c.name)) names.push({ text: c.name, kind: "crossing", canonical: c.name });
    }
  }
  for (const lm of roster.landmarks) {
    names.push({ text: lm.name, kind: "landmark", canonical: lm.name });
    for (const a of lm.aliases) names.push({ text: a, kind: "landmark", canonical: lm.name });
  }
  // Longest first so 商都大道 wins over 商都路 … and 县人民医院 over 人民医院.
  return names.sort((a, b) => b.text.length - a.text.length);
}

function findMentions(text: string, names: readonly NameEntry[]): Mention[] {
  const taken = new Array<boolean>(text.length).fill(false);
  const found: Mention[] = [];
  for (const n of names) {
    let from = 0;
    for (;;) {
      const at = text.indexOf(n.text, from);
      if (at < 0) break;
      from = at + 1;
      let free = true;
      for (let i = at; i < at + n.text.length; i++) if (taken[i]) free = false;
      if (!free) continue;
      for (let i = at; i < at + n.text.length; i++) taken[i] = true;
      found.push({ ...n, at });
    }
  }
  return found.sort((a, b) => a.at - b.at);
}

export class RulesExtractor implements Extractor {
  private readonly names: NameEntry[];

  constructor(
    private readonly roster: RosterIndex,
    private readonly taxonomy: TaxonomyIndex,
  ) {
    this.names = buildNames(roster);
  }

  async extract(input: { text: string; imageCount: number }): Promise<ExtractionResult> {
    return this.extractSync(input.text);
  }

  /** Synchronous core, for callers that batch. */
  extractSync(rawText: string): ExtractionResult {
    const text = rawText.normalize("NFKC").replace(/\s+/g, "");
    const location = this.findLocation(text);
    const code = this.findCategory(text);
    const urgent = URGENT_WORDS.some((w) => text.includes(w)) || Boolean(code && this.taxonomy.get(code)?.urgent_by_default);
    const chat = NOT_REPORT_PATTERNS.some((re) => re.test(text));
    const hasPlace = Boolean(location.road || location.landmark);
    const isReport = !chat && (code !== null || hasPlace);
    const item = code ? this.taxonomy.get(code) : undefined;
    return {
      isReport,
      problems: isReport ? [{ categoryCode: code, summary: item?.name ?? "" }] : [],
      location,
      urgent,
      extractor: "rules",
      reason: code ? `关键词匹配 ${code}` : "未识别问题类别",
    };
  }

  private findCategory(text: string): string | null {
    for (const [code, words] of CATEGORY_KEYWORDS) {
      if (words.some((w) => text.includes(w)) && this.taxonomy.get(code)) return code;
    }
    for (const item of this.taxonomy.items) if (text.includes(item.name)) return item.code;
    return null;
  }

  private findLocation(text: string): SaidLocation {
    const mentions = findMentions(text, this.names);
    const said: SaidLocation = { raw: "" };
    const landmark = mentions.find((m) => m.kind === "landmark");
    const firstRoad = mentions.find((m) => m.kind === "road");
    if (firstRoad) {
      said.road = firstRoad.canonical;
      const road = this.roster.roads.get(firstRoad.canonical);
      const crossings = mentions.filter(
        (m) => m.at > firstRoad.at && road?.crossings.some((c) => c.name === m.canonical),
      );
      if (crossings[0]) said.crossing = crossings[0].canonical;
      if (crossings[1] && BETWEEN_RE.test(text)) said.crossing2 = crossings[1].canonical;
      const last = crossings[0] ?? firstRoad;
      const after = text.slice(last.at + last.text.length);
      const dir = DIRECTION_RE.exec(after);
      if (dir?.[1]) said.direction = dir[1];
      const dist = DISTANCE_RE.exec(after);
      if (dist?.[1]) said.distanceMeters = Number(dist[1]);
    }
    if (landmark && (!firstRoad || landmark.at < firstRoad.at || !said.crossing)) said.landmark = landmark.canonical;
    const first = mentions[0];
    said.raw = first ? text.slice(first.at, Math.min(text.length, first.at + 30)) : "";
    return said;
  }
}
