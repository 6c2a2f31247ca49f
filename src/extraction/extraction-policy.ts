/**
 * The extraction policy (issue 3 §5): the LLM first when one is configured; the rules extractor
 * when none is, or when the LLM fails, times out or returns something invalid. Either way the
 * photo's GPS is added and the question to ask is set, and the result says which path decided
 * and why (recorded on the case as extractor / extractorReason).
 */
import type { ExtractionInput, ExtractionResult, Extractor } from "../core/ports.ts";
import type { RosterIndex } from "../core/roster-index.ts";
import { questionFor } from "./extraction-questions.ts";
import { LlmExtractionError, type LlmExtractor } from "./llm-extractor.ts";
import { photoPosition } from "./photo-gps.ts";
import type { RulesExtractor } from "./rules-extractor.ts";
import { scrubSecrets } from "./scrub-secrets.ts";

/** The logging the policy needs (pino fits). */
export interface PolicyLog {
  warn(obj: object, msg: string): void;
}

export interface ExtractionPolicyOptions {
  roster: RosterIndex;
  rules: RulesExtractor;
  llm?: LlmExtractor | null;
  log?: PolicyLog;
  /** Secrets to hide in error text (the LLM API key). */
  secrets?: readonly string[];
}

const FAILURE_LABELS: Record<LlmExtractionError["code"], string> = {
  timeout: "超时",
  http: "接口报错",
  connection: "无法连接",
  invalid_output: "输出不合格",
  refusal: "拒绝回答",
  truncated: "输出被截断",
};

/** LLM first, rules as fallback; adds photo GPS and the question to ask. */
export class ExtractionPolicy implements Extractor {
  constructor(private readonly options: ExtractionPolicyOptions) {}

  async extract(input: ExtractionInput): Promise<ExtractionResult> {
    const { rules, llm, roster, log } = this.options;
    const images = input.images ?? [];
    const gps = images.length > 0 ? await photoPosition(images) : undefined;
    const hasText = input.text.trim() !== "";
    let result: ExtractionResult;
    if (llm && (hasText || (images.length > 0 && llm.seesPhotos))) {
      try {
        result = await llm.extract(input);
      } catch (e) {
        // A provider's error body may echo the API key: only a code and a scrubbed message are kept,
        // in the log and on the case; never the error object with its cause and headers.
        const code = e instanceof LlmExtractionError ? e.code : "unexpected";
        const message = scrubSecrets(e instanceof Error ? e.message : String(e), this.options.secrets ?? []);
        const why =
          e instanceof LlmExtractionError ? `${FAILURE_LABELS[e.code]}：${message}` : `出错：${message}`;
        log?.warn({ code, message }, "LLM extraction failed, using rules");
        const r = rules.extractSync(input.text, input.imageCount);
        result = { ...r, reason: `LLM ${why.slice(0, 200)}；改用规则。${r.reason}` };
      }
    } else {
      const r = rules.extractSync(input.text, input.imageCount);
      const why = llm ? "仅有照片且未配置视觉模型" : "未配置 LLM";
      result = { ...r, reason: `${why}，使用规则。${r.reason}` };
    }
    if (gps) result = { ...result, location: { ...result.location, gps } };
    const question = questionFor(roster, result) ?? result.question;
    return { ...result, ...(question ? { question } : {}) };
  }
}
