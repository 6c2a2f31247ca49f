/** Why the LLM gave no usable extraction, and what an operator can do about it. */

export type LlmFailure =
  | "timeout"
  | "http"
  | "connection"
  | "invalid_output"
  | "refusal"
  | "truncated"
  | "paused"
  | "busy";

/**
 * How a failure bears on the next messages: `permanent` — the setup cannot work until someone fixes
 * it (wrong key, unsupported response mode, no quota); `unavailable` — the service is down or slow;
 * `message` — only this message went wrong (invalid output, content filter).
 */
export type FailureKind = "permanent" | "unavailable" | "message";

/** Tokens one extraction spent, failed attempts and repairs included. */
export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens the provider served from its cache (0 when it does not say). */
  cachedPromptTokens: number;
}

export function emptyUsage(): LlmUsage {
  return { promptTokens: 0, completionTokens: 0, cachedPromptTokens: 0 };
}

/** Why the LLM gave no usable extraction; the policy falls back to the rules extractor. */
export class LlmExtractionError extends Error {
  readonly code: LlmFailure;
  readonly kind: FailureKind;
  /** The operator's fix in Chinese, naming the variable (permanent failures). */
  readonly fix: string | null;
  /** Tokens spent before the failure (set by the extractor). */
  usage: LlmUsage | null = null;

  constructor(
    code: LlmFailure,
    message: string,
    options: { cause?: unknown; kind?: FailureKind; fix?: string | null } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "LlmExtractionError";
    this.code = code;
    this.kind = options.kind ?? (code === "timeout" || code === "connection" ? "unavailable" : "message");
    this.fix = options.fix ?? null;
  }
}

export { scrubSecrets } from "./scrub-secrets.ts";
