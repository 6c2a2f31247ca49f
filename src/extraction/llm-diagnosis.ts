/**
 * Reads a provider's error into what it means for the next messages and what the operator should
 * change. The wordings matched here are the providers' own (docs/extraction.md cites them): DeepSeek
 * "This response_format type is unavailable now", DashScope "parameter.enable_thinking must be set to
 * false for non-streaming calls" / "Json mode response is not supported when enable_thinking is true"
 * / code Arrearage / data_inspection_failed, Kimi "invalid temperature: only 1 is allowed for this
 * model" / "thinking is enabled but reasoning_content is missing", OpenAI code insufficient_quota,
 * llama.cpp exceed_context_size_error.
 */
import type { FailureKind } from "./llm-errors.ts";
import type { LlmEndpoint } from "./llm-settings.ts";
import { LLM_TEXT, THINKING_OFF, THINKING_OFF_ANY, varsOf } from "./llm-texts.ts";

export type ProviderKind = "deepseek" | "dashscope" | "moonshot" | "openai" | "ollama" | "other";

/** The provider behind a base URL, for tailoring fixes (never for changing what is sent). */
export function providerKind(baseUrl: string): ProviderKind {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch {
    return "other";
  }
  const host = u.hostname;
  if (host.endsWith("deepseek.com")) return "deepseek";
  if (host.endsWith("aliyuncs.com")) return "dashscope";
  if (host.includes("moonshot") || host.endsWith("kimi.com")) return "moonshot";
  if (host === "api.openai.com") return "openai";
  if (u.port === "11434") return "ollama";
  return "other";
}

/**
 * The request body fragment that switches thinking off at this provider; every documented switch
 * when the provider cannot be told from the URL; null where none is documented (OpenAI, Ollama).
 */
export function thinkingOff(baseUrl: string): string | null {
  const kind = providerKind(baseUrl);
  if (kind === "dashscope" || kind === "deepseek" || kind === "moonshot") return THINKING_OFF[kind] ?? null;
  return kind === "other" ? THINKING_OFF_ANY : null;
}

/** Model names their provider has retired, and what to use instead. */
const RETIRED_MODELS: Record<string, string> = {
  "deepseek-chat": "deepseek-flash（并在 LLM_EXTRA_BODY 中关闭思考）",
  "deepseek-reasoner": "deepseek-flash",
};

export function retiredModel(model: string): string | null {
  return RETIRED_MODELS[model] ?? null;
}

export interface ProviderError {
  status: number | undefined;
  code: string | undefined;
  type: string | undefined;
  message: string;
  /** llama.cpp's exceed_context_size_error says both sizes. */
  promptTokens?: number;
  contextTokens?: number;
}

export interface Diagnosis {
  kind: FailureKind;
  /** What to change, in Chinese (permanent failures). */
  fix: string | null;
  /** Worth another try after a short wait (rate limits, overload, connection trouble). */
  retry: boolean;
}

const permanent = (fix: string): Diagnosis => ({ kind: "permanent", fix, retry: false });

/** What an HTTP error from one endpoint means. */
export function diagnose(e: ProviderError, endpoint: LlmEndpoint, role: "text" | "vision"): Diagnosis {
  const v = varsOf(role);
  const text = `${e.code ?? ""} ${e.type ?? ""} ${e.message}`.toLowerCase();
  const status = e.status ?? 0;
  const off = thinkingOff(endpoint.baseUrl);
  if (/data_inspection_failed|datainspectionfailed|inappropriate content/.test(text))
    return { kind: "message", fix: null, retry: false };
  if (
    /insufficient_quota|arrearage|good standing|insufficient balance|余额不足|欠费/.test(text) ||
    status === 402
  )
    return permanent(LLM_TEXT.noBalance(v.key));
  if (status === 429 || status === 408 || status === 409 || status >= 500)
    return { kind: "unavailable", fix: null, retry: true };
  if (status === 401) return permanent(LLM_TEXT.badKey(v.key));
  if (status === 403) return permanent(LLM_TEXT.forbidden(v.model, endpoint.model));
  if (
    /model[ _]?not[ _]?(exist|found)|does not exist|no such model|unknown model/.test(text) ||
    status === 404
  ) {
    const instead = retiredModel(endpoint.model);
    return permanent(
      instead
        ? LLM_TEXT.retiredModel(v.model, endpoint.model, instead)
        : LLM_TEXT.notFound(v.model, endpoint.model, v.url),
    );
  }
  if (/enable_thinking/.test(text))
    // The error names DashScope's own switch.
    return permanent(LLM_TEXT.thinkingMustBeOff(v.extra, THINKING_OFF.dashscope ?? ""));
  if (/reasoning_content|thinking (mode|is enabled)/.test(text))
    return permanent(off ? LLM_TEXT.thinkingMustBeOff(v.extra, off) : LLM_TEXT.thinkingOnNoSwitch(v.extra));
  if (/response_format|json_schema|json mode|json_object|structured output/.test(text)) {
    if (endpoint.responseMode === "json_schema")
      return permanent(LLM_TEXT.schemaUnsupported(v.mode, endpoint.responseMode));
    if (endpoint.responseMode === "json_object") return permanent(LLM_TEXT.jsonUnsupported(v.mode));
  }
  if (/temperature/.test(text)) {
    const only = /only ([\d.]+) is allowed/.exec(text)?.[1];
    return permanent(only ? LLM_TEXT.temperatureOnly(only) : LLM_TEXT.temperatureRefused());
  }
  if (/max_tokens|max_completion_tokens|maximum output/.test(text)) return permanent(LLM_TEXT.maxTokens());
  if (e.type === "exceed_context_size_error" && e.contextTokens && e.promptTokens)
    return permanent(LLM_TEXT.llamaCppContext(e.contextTokens, e.promptTokens));
  if (/context|too long|exceed/.test(text))
    return permanent(LLM_TEXT.contextTooSmall(LLM_TEXT.truncatedGeneric));
  if (status === 400 || status === 422) return permanent(LLM_TEXT.refused(v.model, v.mode, v.extra));
  return { kind: "unavailable", fix: null, retry: true };
}
