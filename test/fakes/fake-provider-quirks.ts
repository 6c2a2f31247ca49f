/**
 * Providers' documented peculiarities, for the fake chat-completions server. Error bodies use the
 * providers' own wording where docs/extraction.md cites it; where the wording was not found it is
 * marked so.
 */

export interface ProviderQuirks {
  /** The model name /api/ps reports. */
  model?: string;
  /** DeepSeek: response_format json_schema is refused (400 "This response_format type is unavailable now"). */
  rejectJsonSchema?: boolean;
  /**
   * Thinking is on unless the request switches it off, in this provider's way: dashscope
   * `enable_thinking: false`, deepseek / moonshot `thinking: {type: "disabled"}`, selfHosted
   * `chat_template_kwargs: {enable_thinking: false}`. While on, replies carry reasoning_content.
   */
  thinking?: "dashscope" | "deepseek" | "moonshot" | "selfHosted";
  /** DashScope: JSON mode with thinking on answers 400. */
  jsonModeNeedsThinkingOff?: boolean;
  /** Some reasoning endpoints: assistant turns without reasoning_content are refused while thinking. */
  reasoningRequired?: boolean;
  /** Kimi K2.5+: only this temperature is accepted (a request without one is fine). */
  fixedTemperature?: number;
  /** Ollama: the context the model runs with; longer prompts are cut and prompt_tokens capped. */
  contextTokens?: number;
  /**
   * llama.cpp server: the context of one slot (-c divided by -np). GET /props reports it; a longer
   * prompt answers 400 exceed_context_size_error with n_prompt_tokens and n_ctx.
   */
  llamaCppSlotContext?: number;
  /** OpenAI: every request answers 429 insufficient_quota. */
  quotaExhausted?: boolean;
  /** Qwen-VL style: json_schema refused for models whose name contains "vl" (wording not verified). */
  visionRejectsJsonSchema?: boolean;
  /** Report cached prompt tokens of a repeated prefix, OpenAI's or DeepSeek's way. */
  cache?: "openai" | "deepseek";
  /** The thinking text of replies while thinking is on. */
  thinkingText?: string;
}

const CJK = /\p{Script=Han}|[\u3000-\u303f\uff00-\uffef]/u;

/**
 * The fake's own token count (roughly Qwen-like: 0.75 per Chinese character, one per 2.2 other
 * characters). Deliberately not the product's estimator.
 */
export function fakeTokens(text: string): number {
  let cjk = 0;
  let other = 0;
  for (const ch of text) {
    if (CJK.test(ch)) cjk += 1;
    else other += 1;
  }
  return Math.ceil(cjk * 0.75 + other / 2.2);
}

type Body = Record<string, unknown> & { messages?: { role: string; reasoning_content?: string }[] };

/** Whether the request leaves thinking on at a provider that thinks by default. */
export function thinkingOn(q: ProviderQuirks, body: Body): boolean {
  if (!q.thinking) return false;
  if (q.thinking === "dashscope") return body.enable_thinking !== false;
  if (q.thinking === "selfHosted")
    return (
      (body.chat_template_kwargs as { enable_thinking?: unknown } | undefined)?.enable_thinking !== false
    );
  return (body.thinking as { type?: unknown } | undefined)?.type !== "disabled";
}

export interface Refusal {
  status: number;
  error: { message: string; type: string; code: string | number | null; param?: null; [k: string]: unknown };
  headers?: Record<string, string>;
}

const refuse = (
  status: number,
  message: string,
  code: string | null,
  type = "invalid_request_error",
): Refusal => ({
  status,
  error: { message, type, code, param: null },
});

/** The error a provider answers this request with, or null when it accepts it. */
export function applyQuirks(q: ProviderQuirks, body: Body, promptTokens = 0): Refusal | null {
  if (q.llamaCppSlotContext && promptTokens > q.llamaCppSlotContext)
    return {
      status: 400,
      error: {
        code: 400,
        message: `request (${promptTokens} tokens) exceeds the available context size (${q.llamaCppSlotContext} tokens), try increasing it`,
        type: "exceed_context_size_error",
        n_prompt_tokens: promptTokens,
        n_ctx: q.llamaCppSlotContext,
      },
    };
  const format = (body.response_format as { type?: string } | undefined)?.type;
  if (q.quotaExhausted)
    return refuse(
      429,
      "You exceeded your current quota, please check your plan and billing details.",
      "insufficient_quota",
      "insufficient_quota",
    );
  if (q.rejectJsonSchema && format === "json_schema")
    return refuse(400, "This response_format type is unavailable now", "invalid_request_error");
  if (q.visionRejectsJsonSchema && format === "json_schema" && /vl/i.test(String(body.model)))
    return refuse(
      400,
      "The response_format json_schema is not supported by this model",
      "invalid_parameter_error",
    );
  if (
    q.fixedTemperature !== undefined &&
    body.temperature !== undefined &&
    body.temperature !== q.fixedTemperature
  )
    return refuse(400, `invalid temperature: only ${q.fixedTemperature} is allowed for this model`, null);
  const thinking = thinkingOn(q, body);
  if (thinking && q.jsonModeNeedsThinkingOff && format === "json_object")
    return refuse(
      400,
      "Json mode response is not supported when enable_thinking is true",
      "invalid_parameter_error",
    );
  if (thinking && q.reasoningRequired) {
    const i = (body.messages ?? []).findIndex((m) => m.role === "assistant" && !m.reasoning_content);
    if (i >= 0)
      return refuse(
        400,
        `thinking is enabled but reasoning_content is missing in assistant message at index ${i}`,
        null,
      );
  }
  return null;
}
