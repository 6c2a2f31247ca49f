/** LLM settings for tests against the fake chat-completions server. */
import type { LlmEndpoint, LlmSettings } from "../../src/extraction/llm-settings.ts";

export interface SettingsOver {
  text?: Partial<LlmEndpoint>;
  /** A vision endpoint (defaults: the text endpoint's URL and key), or null for none. */
  vision?: Partial<LlmEndpoint> | null;
  timeoutMs?: number;
  concurrency?: number;
  breaker?: Partial<LlmSettings["breaker"]>;
}

/** Settings for a fake server at `url`, with a key that must never show up in logs. */
export function llmSettings(url: string, over: SettingsOver = {}): LlmSettings {
  const text: LlmEndpoint = {
    baseUrl: url,
    readApiKey: () => "sk-test-secret-key",
    model: "fake-chat",
    responseMode: "json_object",
    temperature: 0,
    maxTokens: 800,
    extraBody: {},
    ...over.text,
  };
  return {
    text,
    vision: over.vision ? { ...text, model: "fake-vision", ...over.vision } : null,
    timeoutMs: over.timeoutMs ?? 5_000,
    concurrency: over.concurrency ?? 4,
    breaker: { pauseMs: 60_000, timeoutsToPause: 3, ...over.breaker },
    checkAtStart: false,
  };
}
