/**
 * The one extraction result schema (zod), in the snake_case JSON an LLM writes and the eval harness
 * prints: is it a report; one or more problems, each a taxonomy code and a short Chinese summary;
 * the location as said; urgency; the question to ask when something needed is missing. Every field
 * is required (nullable where it may be unknown) so the same schema serves strict `json_schema`.
 */
import { z } from "zod";
import type { SaidLocation } from "../core/location.ts";
import type { ExtractionResult } from "../core/ports.ts";
import type { TaxonomyIndex } from "../core/taxonomy.ts";

export const ProblemSchema = z.object({
  category: z.string().nullable().describe("分类表中的 5 位事项代码；看不出是哪一类时为 null"),
  summary: z.string().describe("问题的简短中文概括，不超过 30 字"),
});

export const SaidLocationSchema = z.object({
  road: z.string().nullable().describe("所在道路，如“X路与Y路交叉口”中的 X"),
  crossing: z.string().nullable().describe("相交道路或路口，如 Y"),
  crossing2: z.string().nullable().describe("“X路上，Y和Z之间”中的 Z"),
  landmark: z.string().nullable().describe("地标，如医院、学校、公园"),
  landmark_relation: z.string().nullable().describe("与地标的关系：门口、对面、附近……"),
  direction: z.string().nullable().describe("方位词原样：往东、北侧、以南、西北角……"),
  distance_m: z.number().nullable().describe("距离（米）"),
  house_number: z.string().nullable().describe("门牌号，如 88号"),
  raw: z.string().describe("原文中描述位置的短语；没有则为空字符串"),
});

export const ExtractionSchema = z.object({
  is_report: z.boolean().describe("是否在上报城市管理问题；问候、闲聊、工作事务、向同事提问为 false"),
  problems: z.array(ProblemSchema).describe("每个不同的问题一项；不是上报时为空数组"),
  location: SaidLocationSchema,
  urgent: z.boolean().describe("是否危及安全、需要立即处置"),
  question: z.string().nullable().describe("缺少位置或问题类别时要问上报人的一句话，否则为 null"),
});

export type ExtractionJson = z.infer<typeof ExtractionSchema>;

/** The longest summary kept: receipts and assignments quote it. */
const SUMMARY_MAX = 60;

/**
 * Checks what the schema cannot: every category is a code of this taxonomy. Returns the problems
 * in Chinese (they go back to the model in the repair prompt), or an empty list.
 */
export function taxonomyIssues(json: ExtractionJson, taxonomy: TaxonomyIndex): string[] {
  const issues: string[] = [];
  json.problems.forEach((p, i) => {
    if (p.category !== null && !taxonomy.get(p.category)) {
      issues.push(
        `problems[${i}].category “${p.category}” 不是分类表中的代码；请从分类表中选择 5 位代码，或写 null`,
      );
    }
  });
  if (json.is_report && json.problems.length === 0) issues.push("is_report 为 true 时 problems 至少要有一项");
  return issues;
}

/**
 * Forgiving clean-up before validation, for models that drift from the format in harmless ways:
 * a code written as "06042 垃圾站满溢" or as a number, a distance as "50米", "null" as a string.
 */
export function coerceExtractionJson(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  const v = { ...(value as Record<string, unknown>) };
  if (Array.isArray(v.problems)) {
    v.problems = v.problems.map((p) => {
      if (typeof p !== "object" || p === null) return p;
      const q = { ...(p as Record<string, unknown>) };
      if (typeof q.category === "number") q.category = String(q.category).padStart(5, "0");
      if (typeof q.category === "string") {
        const code = /\d{5}/.exec(q.category)?.[0];
        q.category = code ?? (/^(null|none|unknown|)$/i.test(q.category.trim()) ? null : q.category);
      }
      if (q.summary === null || q.summary === undefined) q.summary = "";
      return q;
    });
  }
  if (typeof v.location === "object" && v.location !== null) {
    const loc = { ...(v.location as Record<string, unknown>) };
    for (const [k, x] of Object.entries(loc)) if (x === "" && k !== "raw") loc[k] = null;
    if (typeof loc.distance_m === "string") {
      const n = Number.parseFloat(loc.distance_m);
      loc.distance_m = Number.isFinite(n) ? n : null;
    }
    if (loc.raw === null || loc.raw === undefined) loc.raw = "";
    v.location = loc;
  }
  if (v.question === "") v.question = null;
  return v;
}

/** The port's ExtractionResult from validated JSON. */
export function toExtractionResult(
  json: ExtractionJson,
  how: { extractor: string; reason: string; usage?: ExtractionResult["usage"] },
): ExtractionResult {
  const l = json.location;
  const location: SaidLocation = { raw: l.raw };
  if (l.road) location.road = l.road;
  if (l.crossing) location.crossing = l.crossing;
  if (l.crossing2) location.crossing2 = l.crossing2;
  if (l.landmark) location.landmark = l.landmark;
  if (l.landmark_relation) location.landmarkRelation = l.landmark_relation;
  if (l.direction) location.direction = l.direction;
  if (l.distance_m !== null && l.distance_m > 0) location.distanceMeters = l.distance_m;
  if (l.house_number) location.houseNumber = l.house_number;
  return {
    isReport: json.is_report,
    problems: json.is_report
      ? json.problems.map((p) => ({ categoryCode: p.category, summary: p.summary.slice(0, SUMMARY_MAX) }))
      : [],
    location,
    urgent: json.urgent,
    ...(json.question ? { question: json.question } : {}),
    extractor: how.extractor,
    reason: how.reason,
    ...(how.usage ? { usage: how.usage } : {}),
  };
}

/** The schema's JSON form of a result (for the eval harness and tests). */
export function toExtractionJson(r: ExtractionResult): ExtractionJson {
  const l = r.location;
  return {
    is_report: r.isReport,
    problems: r.problems.map((p) => ({ category: p.categoryCode, summary: p.summary })),
    location: {
      road: l.road ?? null,
      crossing: l.crossing ?? null,
      crossing2: l.crossing2 ?? null,
      landmark: l.landmark ?? null,
      landmark_relation: l.landmarkRelation ?? null,
      direction: l.direction ?? null,
      distance_m: l.distanceMeters ?? null,
      house_number: l.houseNumber ?? null,
      raw: l.raw,
    },
    urgent: r.urgent,
    question: r.question ?? null,
  };
}
