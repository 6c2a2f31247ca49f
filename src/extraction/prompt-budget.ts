/**
 * Rough prompt sizes, without a tokenizer: enough to tell "fits" from "does not fit" and to notice
 * a provider that silently cut the prompt. Calibrated with OpenAI's o200k tokenizer on this project's
 * own texts: 0.95 token per Chinese character (the 258 demo reports: 3,831 tokens for 3,792 Chinese
 * characters) and 0.33 per other character (JSON, codes: 64 tokens for 227 characters); the start
 * check's request is 3,724 tokens by o200k. Tokenizers differ: the issue measured the former prompt
 * at 4,250 tokens on Qwen's tokenizer and 3,500 on DeepSeek's, where o200k says about 3,940.
 */

const CJK = /\p{Script=Han}|[\u3000-\u303f\uff00-\uffef]/u;

/** Per-message overhead of the chat template (role markers), a few tokens. */
const MESSAGE_OVERHEAD = 4;

/**
 * A reported prompt_tokens below this share of the estimate means the provider dropped part of the
 * prompt. Tokenizers differ by ±20 % (DeepSeek reads this prompt as 0.82 of Qwen's count); Ollama,
 * when a prompt overflows its context, keeps only half of the context (num_ctx/2 + 2 tokens).
 */
export const TRUNCATION_RATIO = 0.6;

/** Estimated tokens of a text. */
export function estimateTokens(text: string): number {
  let cjk = 0;
  let other = 0;
  for (const ch of text) {
    if (CJK.test(ch)) cjk += 1;
    else other += 1;
  }
  return Math.ceil(cjk * 0.95 + other * 0.33);
}

type Content = string | readonly { type: string; text?: string }[] | null | undefined;

/** Estimated prompt tokens of chat messages (text parts only: photos add more). */
export function estimateMessages(messages: readonly { content?: Content }[]): number {
  let total = 0;
  for (const m of messages) {
    const c = m.content;
    const text =
      typeof c === "string"
        ? c
        : Array.isArray(c)
          ? c.map((p) => (p.type === "text" ? (p.text ?? "") : "")).join("")
          : "";
    total += estimateTokens(text) + MESSAGE_OVERHEAD;
  }
  return total;
}

/**
 * Whether a provider's prompt_tokens shows the prompt was cut: it fills the whole context the
 * provider reported, or it is far below what the prompt should cost.
 */
export function looksTruncated(promptTokens: number, expected: number, context: number | null): boolean {
  if (!(promptTokens > 0)) return false;
  if (context !== null && promptTokens >= context) return true;
  return promptTokens < expected * TRUNCATION_RATIO;
}
