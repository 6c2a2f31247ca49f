/**
 * The LLM settings the extractor runs on (llm-config.ts reads them from the LLM_* variables). Two
 * endpoints: the text model, and optionally a vision model with its own URL, key, response mode
 * and provider options (a Qwen-VL model next to a DeepSeek text model).
 */

export type ResponseMode = "json_schema" | "json_object" | "prompt";

/** One chat-completions endpoint and how to ask it. */
export interface LlmEndpoint {
  baseUrl: string;
  /** The API key, behind a function so that logging settings never prints it ("" for none). */
  readApiKey: () => string;
  model: string;
  responseMode: ResponseMode;
  /** null: not sent, the provider's own default applies (Kimi K2.5+ accepts only its own value). */
  temperature: number | null;
  /** Upper bound of the reply (`max_tokens`): a report's JSON needs a few hundred tokens. */
  maxTokens: number;
  /** Merged into every request body: thinking switches and other provider options. */
  extraBody: Record<string, unknown>;
}

/** LLM settings (config.ts reads them from LLM_* variables). */
export interface LlmSettings {
  text: LlmEndpoint;
  /** For messages with photos; null: photos are not sent (their GPS is still used). */
  vision: LlmEndpoint | null;
  /** Deadline for one whole extraction, waiting for a free slot, retries and repair included. */
  timeoutMs: number;
  /** Requests in flight at once per endpoint (a local server's parallel slots). */
  concurrency: number;
  /** How long a failing LLM is left alone, and how many timeouts in a row make it fail. */
  breaker: { pauseMs: number; timeoutsToPause: number };
  /** Send one small request at start to find a setup that cannot work. */
  checkAtStart: boolean;
}
