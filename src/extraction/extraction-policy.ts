/**
 * The extraction policy (issue 3 §5): the LLM first when one is configured; the rules extractor
 * when none is, or when the LLM fails, times out, is paused by its breaker or returns something
 * invalid. Either way the photo's GPS is added and the question to ask is set, and the result says
 * which path decided and why (recorded on the case as extractor / extractorReason). Tokens the LLM
 * spent before failing stay on the result, so cost is not undercounted.
 */

import { locatePlace } from "../core/place-locate.ts";
import type { ExtractionInput, ExtractionResult, Extractor } from "../core/ports.ts";
import type { RosterIndex } from "../core/roster-index.ts";
import { placeFields, questionFor } from "./extraction-questions.ts";
import { LlmExtractionError, type LlmExtractor } from "./llm-extractor.ts";
import { photoPosition } from "./photo-gps.ts";
import type { RulesExtractor } from "./rules-extractor.ts";
import { scrubSecrets } from "./scrub-secrets.ts";

/** The logging the policy needs (pino fits). */
export interface PolicyLog {
  warn(obj: object, msg: string): void;
  info?(obj: object, msg: string): void;
  debug?(obj: object, msg: string): void;
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
  truncated: "截断",
  paused: "已暂停",
  busy: "排队超时",
};

/** LLM first, rules as fallback; adds photo GPS and the question to ask. */
export class ExtractionPolicy implements Extractor {
  constructor(private readonly options: ExtractionPolicyOptions) {}

  async extract(input: ExtractionInput): Promise<ExtractionResult> {
    const { rules, llm, roster } = this.options;
    const images = input.images ?? [];
    const gps = images.length > 0 ? await photoPosition(images) : undefined;
    const hasText = input.text.trim() !== "";
    let result: ExtractionResult;
    if (llm && (hasText || (images.length > 0 && llm.seesPhotos))) {
      try {
        result = await llm.extract(input);
      } catch (e) {
        const r = rules.extractSync(input.text, input.imageCount);
        // A provider's error body may echo the API key: only a code and a scrubbed message are kept,
        // in the log and on the case; never the error object with its cause and headers.
        const message = scrubSecrets(e instanceof Error ? e.message : String(e), this.options.secrets ?? []);
        const why =
          e instanceof LlmExtractionError ? `${FAILURE_LABELS[e.code]}：${message}` : `出错：${message}`;
        this.logFailure(e, message);
        const usage = e instanceof LlmExtractionError ? e.usage : null;
        result = {
          ...r,
          reason: `LLM ${why.slice(0, 200)}；改用规则。${r.reason}`,
          ...(usage && usage.promptTokens + usage.completionTokens > 0 ? { usage } : {}),
        };
      }
    } else {
      const r = rules.extractSync(input.text, input.imageCount);
      const why = llm ? "仅有照片且未配置视觉模型" : "未配置 LLM";
      result = { ...r, reason: `${why}，使用规则。${r.reason}` };
    }
    if (gps) result = { ...result, location: { ...result.location, gps } };
    const located = locatePlace(roster, result.location);
    const question = questionFor(roster, result, located) ?? result.question;
    return { ...result, ...placeFields(located), ...(question ? { question } : {}) };
  }

  /**
   * Setup problems and outages are logged once by the breaker; a message the LLM got wrong is
   * noted per message; anything unexpected is a warning.
   */
  /** Logs a failure by its code and scrubbed message, never the error object (its cause may hold the key). */
  private logFailure(e: unknown, message: string): void {
    const { log } = this.options;
    if (!(e instanceof LlmExtractionError)) {
      log?.warn({ code: "unexpected", message }, "LLM 提取出错，本条改用规则");
      return;
    }
    if (e.kind === "message" && e.code !== "paused" && e.code !== "busy")
      (log?.info ?? log?.warn)?.call(
        log,
        { code: e.code },
        `LLM 未给出可用结果（${message.slice(0, 120)}），本条改用规则`,
      );
    else log?.debug?.({ code: e.code, kind: e.kind }, "LLM unavailable for this message; rules used");
  }
}
