/**
 * The offline rules extractor: strong enough to run a county without any LLM. jieba segmentation
 * with the roster's names in its dictionary, the place grammar, a category lexicon built from the
 * taxonomy plus everyday words and the disambiguation rules, and not-a-report detection. It uses
 * only the imported roster and the taxonomy, so it works for any county.
 */
import type { SaidLocation } from "../core/location.ts";
import type { ExtractedProblem, ExtractionInput, ExtractionResult, Extractor } from "../core/ports.ts";
import type { RosterIndex } from "../core/roster-index.ts";
import type { TaxonomyIndex } from "../core/taxonomy.ts";
import { URGENT_WORDS } from "./category-lexicon.ts";
import { type CategoryMatch, CategoryMatcher } from "./category-matcher.ts";
import { detectChat, PROBLEM_HINT } from "./chat-detector.ts";
import { maskNames } from "./place-parse-state.ts";
import { parsePlace } from "./place-parser.ts";
import { enumeratedItems, joinedClauses } from "./problem-split.ts";
import { type Mention, RosterVocabulary } from "./roster-vocabulary.ts";
import { normalizeMessage } from "./text-normalize.ts";

/**
 * Score a list item or joined clause needs to stand for a separate problem: the numbering or the
 * joiner (还有/另外) is the evidence, so one everyday word of two characters is enough.
 */
const SEPARATE_PROBLEM_SCORE = 2;
/** Summaries are kept short: they go into receipts and assignments. */
const SUMMARY_MAX = 30;

/** Codes a disambiguation rule names together: one problem, not several, when both match. */
function siblingGroups(rules: readonly string[]): Set<string>[] {
  return rules.map((r) => new Set([...r.matchAll(/\d{5}/g)].map((m) => m[0])));
}

function cleanSummary(text: string): string {
  return text
    .replace(/□+/g, "")
    .replace(/^[\s,，。.:：;；、!！?？)）]+|[\s,，。.:：;；、!！?？(（]+$/g, "")
    .replace(/^(?:的|有|在|那|这|这里|那里|这儿|那儿)+/, "")
    .slice(0, SUMMARY_MAX);
}

/** The offline extractor: place grammar, category lexicon, chat detection, several problems. */
export class RulesExtractor implements Extractor {
  private readonly vocabulary: RosterVocabulary;
  private readonly categories: CategoryMatcher;
  private readonly siblings: Set<string>[];

  constructor(
    private readonly roster: RosterIndex,
    private readonly taxonomy: TaxonomyIndex,
  ) {
    this.vocabulary = new RosterVocabulary(roster);
    this.categories = new CategoryMatcher(taxonomy);
    this.siblings = siblingGroups(taxonomy.taxonomy.disambiguation);
  }

  /** The roster names in a message (typos included), for the LLM prompt's places block. */
  placeMentions(rawText: string): Mention[] {
    const text = normalizeMessage(rawText).compact;
    return text ? this.vocabulary.findNames(text, this.vocabulary.tokenize(text)) : [];
  }

  async extract(input: ExtractionInput): Promise<ExtractionResult> {
    return this.extractSync(input.text, input.imageCount);
  }

  /** Synchronous core (the harness times it per message). */
  extractSync(rawText: string, imageCount = 0): ExtractionResult {
    const msg = normalizeMessage(rawText);
    const text = msg.compact;
    if (text === "") {
      const isReport = imageCount > 0;
      return {
        isReport,
        problems: isReport ? [{ categoryCode: null, summary: "（见照片）" }] : [],
        location: { raw: "" },
        urgent: false,
        extractor: "rules",
        reason: isReport ? "规则：只有照片，类别待补充" : "规则：空消息",
      };
    }
    const tokens = this.vocabulary.tokenize(text);
    const mentions = this.vocabulary.findNames(text, tokens);
    // Place phrases (names, "过了第二个红绿灯", "往东300米") are masked before the category is read.
    const parsed = parsePlace(this.roster, text, mentions);
    const location = parsed.location;
    const masked = maskNames(text, [...mentions, ...parsed.spans]);
    const best = this.categories.best(masked);
    const hasPlace = Boolean(location.road || location.landmark || location.crossing);
    const verdict = detectChat(masked, {
      hasCategory: best !== null,
      categoryScore: best?.score ?? 0,
      hasPlace,
      mentionsSomeone: msg.mentionsSomeone,
      hasPhotos: imageCount > 0,
    });
    const isReport =
      !verdict.chat && (best !== null || hasPlace || PROBLEM_HINT.test(masked) || imageCount > 0);
    if (!isReport) {
      return {
        isReport: false,
        problems: [],
        location,
        urgent: false,
        extractor: "rules",
        reason: `规则：不是上报（${verdict.why || "未发现问题或位置"}）`,
      };
    }
    const problems = this.problems(text, masked, best, location);
    const urgent =
      URGENT_WORDS.some((w) => masked.includes(w)) ||
      problems.some((p) => (p.categoryCode ? this.taxonomy.get(p.categoryCode)?.urgent_by_default : false));
    const typos = mentions.filter((m) => m.typo).map((m) => `${m.text}→${m.canonical}`);
    const codes = problems.map((p) => p.categoryCode ?? "未识别").join("、");
    const place = location.raw || "未提及";
    return {
      isReport: true,
      problems,
      location,
      urgent,
      extractor: "rules",
      reason: `规则：类别 ${codes}${best ? `（${best.words.join("+")}）` : ""}；位置 ${place}${typos.length ? `（纠正 ${typos.join("、")}）` : ""}`,
    };
  }

  /** One problem per distinct category in a list or joined sentence; else the best one. */
  private problems(
    text: string,
    masked: string,
    best: CategoryMatch | null,
    location: SaidLocation,
  ): ExtractedProblem[] {
    const listed = enumeratedItems(masked)?.items;
    const parts = listed ?? joinedClauses(masked);
    if (parts) {
      const found: { code: string; score: number; text: string }[] = [];
      for (const part of parts) {
        const m = this.categories.best(part);
        if (!m || m.score < SEPARATE_PROBLEM_SCORE) continue;
        const same = found.find((f) => f.code === m.code || this.areSiblings(f.code, m.code));
        if (!same) found.push({ code: m.code, score: m.score, text: part });
        else if (m.score > same.score) Object.assign(same, { code: m.code, score: m.score, text: part });
      }
      if (found.length >= 2) {
        return found.map((f) => ({
          categoryCode: f.code,
          summary: cleanSummary(f.text) || this.name(f.code),
        }));
      }
    }
    // The summary is the message without the place phrase (masked text has the same offsets).
    const at = location.raw ? text.indexOf(location.raw) : -1;
    const withoutPlace = at >= 0 ? masked.slice(0, at) + masked.slice(at + location.raw.length) : masked;
    const code = best?.code ?? null;
    return [{ categoryCode: code, summary: cleanSummary(withoutPlace) || (code ? this.name(code) : "") }];
  }

  private areSiblings(a: string, b: string): boolean {
    return this.siblings.some((g) => g.has(a) && g.has(b));
  }

  private name(code: string): string {
    return this.taxonomy.get(code)?.name ?? "";
  }
}
