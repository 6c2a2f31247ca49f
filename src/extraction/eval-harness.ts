/**
 * The accuracy harness behind `npm run eval`: imports a roster into a temporary database (the same
 * load/migrate/apply code as the service), runs every labelled case through the same extractor
 * the service uses, and scores report/not-report, category, segment, asking for a location and
 * latency. Case file: JSON lines `{"id","text","images"?,"expect":{…}}` (docs/extraction.md).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { loadTaxonomy } from "../app/taxonomy-load.ts";
import { resolveLocation } from "../core/location.ts";
import type { ExtractionResult, Extractor } from "../core/ports.ts";
import type { RosterIndex } from "../core/roster-index.ts";
import { applyRoster } from "../roster/roster-apply.ts";
import { loadRosterFile } from "../roster/roster-load.ts";
import { formatProblem } from "../roster/roster-validate.ts";
import { openDatabase } from "../store/db.ts";
import { migrateDatabase } from "../store/migrate.ts";
import { loadRosterIndex } from "../store/roster-repo.ts";
import { createExtractor } from "./create-extractor.ts";
import { type CaseUsage, summarizeUsage, type UsageSummary } from "./eval-usage.ts";
import type { LlmSettings } from "./llm-settings.ts";

const code = z.string().regex(/^\d{5}$/, "事项代码应为 5 位数字");

export const EvalCaseSchema = z.object({
  id: z.string().min(1),
  text: z.string(),
  images: z.array(z.string()).optional(),
  expect: z.object({
    is_report: z.boolean(),
    /** Acceptable codes for the (each) problem. */
    category: z.array(code).min(1).optional(),
    /** Several problems: one list of acceptable codes per expected problem (replaces `category`). */
    problems: z.array(z.array(code).min(1)).min(1).optional(),
    /** Acceptable segment ids; null: the place cannot be pinned and the bot must ask. */
    segment: z.array(z.string()).min(1).nullable().optional(),
    needs_location: z.boolean().optional(),
    /** Whether the (each) problem is urgent: one flag, or one per entry of `problems`. */
    urgent: z.union([z.boolean(), z.array(z.boolean())]).optional(),
    /** Segments the bot should offer when it must ask which of a few. */
    choices: z.array(z.string()).optional(),
  }),
  /** What the case exercises (style, kind of place phrase, kind of non-report): metrics per tag. */
  tags: z.array(z.string().min(1)).optional(),
  note: z.string().optional(),
});
export type EvalCase = z.infer<typeof EvalCaseSchema>;

export class EvalInputError extends Error {
  readonly code = "EVAL_INPUT_INVALID";
}

export interface CaseOutcome {
  id: string;
  text: string;
  tags: string[];
  expect: EvalCase["expect"];
  got: {
    isReport: boolean;
    codes: (string | null)[];
    segment: string | null;
    asks: boolean;
    choices: string[];
  };
  ok: { report: boolean; category: boolean | null; segment: boolean | null; both: boolean | null };
  latencyMs: number;
  extractor: string;
  reason: string;
  tokens: number | null;
  usage: CaseUsage | null;
  fellBack: boolean;
}

export interface EvalMetrics {
  cases: number;
  reportAccuracy: number;
  category: { accuracy: number; n: number };
  segment: { accuracy: number; n: number };
  bothCorrect: { accuracy: number; n: number };
  askLocation: { precision: number; recall: number; expected: number; asked: number };
  /** Cases that expect choices and where the bot asked: offered exactly those, or at least those. */
  choices: { exact: number; covered: number; n: number };
  latencyMs: { median: number; p95: number };
  tokensPerReport: number | null;
  llmFallbacks: number;
  /** Tokens per message and per report, cached and uncached (null: no LLM was asked). */
  usage: UsageSummary | null;
}

export interface EvalReport {
  extractor: "rules" | "llm";
  roster: string;
  county: string;
  casesFile: string;
  metrics: EvalMetrics;
  /** The same metrics over the cases carrying each tag (empty when the file has no tags). */
  byTag: { tag: string; metrics: EvalMetrics }[];
  failures: CaseOutcome[];
  outcomes: CaseOutcome[];
}

/** Reads and checks a JSON-lines case file; every bad line is reported with its number. */
export async function readCases(file: string): Promise<EvalCase[]> {
  const text = await readFile(file, "utf8");
  const cases: EvalCase[] = [];
  const problems: string[] = [];
  const ids = new Set<string>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim() || line.trim().startsWith("//")) return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      problems.push(`第 ${i + 1} 行不是 JSON：${(e as Error).message}`);
      return;
    }
    const parsed = EvalCaseSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(
        `第 ${i + 1} 行：${parsed.error.issues.map((x) => `${x.path.join(".")} ${x.message}`).join("；")}`,
      );
      return;
    }
    if (ids.has(parsed.data.id)) problems.push(`第 ${i + 1} 行：id “${parsed.data.id}” 重复`);
    ids.add(parsed.data.id);
    cases.push(parsed.data);
  });
  if (problems.length > 0) throw new EvalInputError(`用例文件 ${file} 有误：\n  ${problems.join("\n  ")}`);
  if (cases.length === 0) throw new EvalInputError(`用例文件 ${file} 没有用例`);
  return cases;
}

/** Imports a roster file into a throw-away SQLite database and reads it back as the service does. */
export async function loadRosterForEval(
  rosterFile: string,
): Promise<{ roster: RosterIndex; county: string }> {
  const taxonomy = loadTaxonomy();
  const loaded = await loadRosterFile(rosterFile, new Set(taxonomy.items.map((i) => i.code)));
  if (!loaded.ok) {
    throw new EvalInputError(
      `名册 ${rosterFile} 有误：\n  ${loaded.problems.map(formatProblem).join("\n  ")}`,
    );
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), "luzhang-eval-"));
  try {
    const dbFile = path.join(dir, "eval.db");
    await migrateDatabase({ dbFile, log: () => {} });
    const db = openDatabase({ dbFile });
    try {
      await applyRoster(db.prisma, loaded.roster);
      return { roster: await loadRosterIndex(db.prisma), county: loaded.roster.county ?? "" };
    } finally {
      await db.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function categoryOk(expect: EvalCase["expect"], codes: (string | null)[]): boolean | null {
  if (!expect.is_report) return null;
  if (expect.problems) {
    if (codes.length !== expect.problems.length) return false;
    const left = [...codes];
    for (const acceptable of expect.problems) {
      const i = left.findIndex((c) => c !== null && acceptable.includes(c));
      if (i < 0) return false;
      left.splice(i, 1);
    }
    return true;
  }
  if (!expect.category) return null;
  return codes.length > 0 && codes.every((c) => c !== null && expect.category?.includes(c));
}

function scoreCase(c: EvalCase, r: ExtractionResult, roster: RosterIndex, latencyMs: number): CaseOutcome {
  const place = resolveLocation(roster, r.location);
  const segment = place.ok ? place.segment.id : null;
  const codes = r.isReport ? r.problems.map((p) => p.categoryCode) : [];
  const asks = r.isReport && !place.ok;
  const choices = asks ? (r.placeChoices ?? []).map((c) => c.segmentId) : [];
  const report = r.isReport === c.expect.is_report;
  const category = categoryOk(c.expect, codes);
  let seg: boolean | null = null;
  if (c.expect.is_report && c.expect.segment !== undefined) {
    seg = c.expect.segment === null ? !place.ok : segment !== null && c.expect.segment.includes(segment);
  }
  const both = c.expect.is_report ? r.isReport && category !== false && seg !== false : null;
  const tokens = r.usage ? r.usage.promptTokens + r.usage.completionTokens : null;
  const usage = r.usage
    ? {
        prompt: r.usage.promptTokens,
        cached: r.usage.cachedPromptTokens ?? 0,
        completion: r.usage.completionTokens,
      }
    : null;
  return {
    id: c.id,
    text: c.text,
    tags: c.tags ?? [],
    expect: c.expect,
    got: { isReport: r.isReport, codes, segment, asks, choices },
    ok: { report, category, segment: seg, both },
    latencyMs,
    extractor: r.extractor,
    reason: r.reason,
    tokens,
    usage,
    fellBack: r.reason.startsWith("LLM ") && r.extractor === "rules",
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? 0;
}

const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);

/** Aggregates case outcomes into the harness's metrics. */
export function computeMetrics(outcomes: readonly CaseOutcome[]): EvalMetrics {
  const count = (f: (o: CaseOutcome) => boolean) => outcomes.filter(f).length;
  const cat = outcomes.filter((o) => o.ok.category !== null);
  const seg = outcomes.filter((o) => o.ok.segment !== null);
  const both = outcomes.filter((o) => o.ok.both !== null);
  const expectAsk = (o: CaseOutcome) =>
    o.expect.is_report &&
    (o.expect.needs_location ?? (o.expect.segment === null ? true : o.expect.segment ? false : null));
  const judged = outcomes.filter((o) => expectAsk(o) !== null);
  const tp = judged.filter((o) => expectAsk(o) === true && o.got.asks).length;
  const asked = judged.filter((o) => o.got.asks).length;
  const expected = judged.filter((o) => expectAsk(o) === true).length;
  const lat = outcomes.map((o) => o.latencyMs).sort((a, b) => a - b);
  const withTokens = outcomes.filter((o) => o.tokens !== null && o.got.isReport);
  const choiceCases = outcomes.filter((o) => o.expect.choices?.length && o.got.asks);
  const same = (o: CaseOutcome) => {
    const want = new Set(o.expect.choices);
    return o.got.choices.length === want.size && o.got.choices.every((c) => want.has(c));
  };
  const covers = (o: CaseOutcome) => (o.expect.choices ?? []).every((c) => o.got.choices.includes(c));
  return {
    cases: outcomes.length,
    reportAccuracy: ratio(
      count((o) => o.ok.report),
      outcomes.length,
    ),
    category: { accuracy: ratio(cat.filter((o) => o.ok.category).length, cat.length), n: cat.length },
    segment: { accuracy: ratio(seg.filter((o) => o.ok.segment).length, seg.length), n: seg.length },
    bothCorrect: { accuracy: ratio(both.filter((o) => o.ok.both).length, both.length), n: both.length },
    askLocation: { precision: ratio(tp, asked), recall: ratio(tp, expected), expected, asked },
    choices: {
      exact: ratio(choiceCases.filter(same).length, choiceCases.length),
      covered: ratio(choiceCases.filter(covers).length, choiceCases.length),
      n: choiceCases.length,
    },
    latencyMs: { median: percentile(lat, 50), p95: percentile(lat, 95) },
    tokensPerReport: withTokens.length
      ? withTokens.reduce((s, o) => s + (o.tokens ?? 0), 0) / withTokens.length
      : null,
    llmFallbacks: count((o) => o.fellBack),
    usage: summarizeUsage(outcomes.map((o) => ({ usage: o.usage, isReport: o.got.isReport }))),
  };
}

export interface EvalOptions {
  rosterFile: string;
  casesFile: string;
  extractor: "rules" | "llm";
  /** Required for `llm`. */
  llm?: LlmSettings | null;
  /** Replaces the extractor built from the roster (tests). */
  makeExtractor?: (roster: RosterIndex) => Extractor;
}

/** Runs every case and scores it. */
export async function runEvaluation(options: EvalOptions): Promise<EvalReport> {
  if (options.extractor === "llm" && !options.llm && !options.makeExtractor) {
    throw new EvalInputError("--extractor llm 需要配置 LLM_BASE_URL 和 LLM_MODEL（见 docs/extraction.md）");
  }
  const cases = await readCases(options.casesFile);
  const { roster, county } = await loadRosterForEval(options.rosterFile);
  const taxonomy = loadTaxonomy();
  const extractor =
    options.makeExtractor?.(roster) ??
    (await createExtractor({
      roster,
      taxonomy,
      llm: options.extractor === "llm" ? (options.llm ?? null) : null,
    }));
  const baseDir = path.dirname(path.resolve(options.casesFile));
  const outcomes: CaseOutcome[] = [];
  for (const c of cases) {
    const images = await Promise.all(
      (c.images ?? []).map(async (p) => {
        try {
          return { data: new Uint8Array(await readFile(path.resolve(baseDir, p))) };
        } catch (e) {
          throw new EvalInputError(`用例 ${c.id} 的照片 ${p} 无法读取：${(e as Error).message}`);
        }
      }),
    );
    const started = performance.now();
    const result = await extractor.extract({ text: c.text, imageCount: images.length, images });
    const latency = performance.now() - started;
    outcomes.push(scoreCase(c, result, roster, latency));
  }
  const metrics = computeMetrics(outcomes);
  const byTag = metricsByTag(outcomes);
  const failures = outcomes.filter((o) => !o.ok.report || o.ok.category === false || o.ok.segment === false);
  return {
    extractor: options.extractor,
    roster: options.rosterFile,
    county,
    casesFile: options.casesFile,
    metrics,
    byTag,
    failures,
    outcomes,
  };
}

/** Metrics over the cases carrying each tag, tags in alphabetical order. */
export function metricsByTag(outcomes: readonly CaseOutcome[]): { tag: string; metrics: EvalMetrics }[] {
  const tags = [...new Set(outcomes.flatMap((o) => o.tags))].sort();
  return tags.map((tag) => ({ tag, metrics: computeMetrics(outcomes.filter((o) => o.tags.includes(tag))) }));
}
export { formatReport, reportJson } from "./eval-report.ts";
