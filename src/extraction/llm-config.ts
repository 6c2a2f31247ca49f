/**
 * LLM configuration: the LLM_* environment variables, validated with zod, and the settings they
 * become. src/config.ts spreads `llmEnvShape` into its schema, so a bad value stops the service at
 * start with a message naming the variable. Every variable is described in .env.example and
 * docs/extraction.md. With LLM_BASE_URL unset the service runs on the offline rules extractor.
 */
import { z } from "zod";
import type { LlmSettings } from "./llm-extractor.ts";

/** The SDK's own default is 10 minutes; a chat user should not wait more than a few seconds. */
export const DEFAULT_LLM_TIMEOUT_MS = 20_000;

export const llmEnvShape = {
  LLM_BASE_URL: z
    .url({ message: "应为 http(s) 地址，如 https://api.deepseek.com/v1 或 http://127.0.0.1:11434/v1" })
    .optional(),
  LLM_API_KEY: z.string().optional(),
  LLM_MODEL: z.string().min(1).optional(),
  LLM_VISION_MODEL: z.string().min(1).optional(),
  LLM_RESPONSE_MODE: z
    .enum(["json_schema", "json_object", "prompt"], { message: "应为 json_schema、json_object 或 prompt" })
    .default("json_object"),
  LLM_TEMPERATURE: z.coerce.number().min(0, "应在 0 到 2 之间").max(2, "应在 0 到 2 之间").default(0),
  LLM_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000, "至少 1000（毫秒）")
    .max(600_000, "最多 600000（毫秒）")
    .default(DEFAULT_LLM_TIMEOUT_MS),
};

const llmEnvSchema = z.object(llmEnvShape);
type LlmEnv = z.output<typeof llmEnvSchema>;

/** Cross-field checks, called from the config schema's superRefine. */
export function checkLlmEnv(e: LlmEnv, ctx: z.RefinementCtx): void {
  if (e.LLM_BASE_URL && !e.LLM_MODEL) {
    ctx.addIssue({
      code: "custom",
      path: ["LLM_MODEL"],
      message: "配置了 LLM_BASE_URL 时必须填写模型名，如 deepseek-chat",
    });
  }
  if (!e.LLM_BASE_URL && (e.LLM_MODEL || e.LLM_API_KEY || e.LLM_VISION_MODEL)) {
    ctx.addIssue({
      code: "custom",
      path: ["LLM_BASE_URL"],
      message:
        "填写了 LLM_MODEL / LLM_API_KEY 但没有 LLM_BASE_URL；请填写接口地址，或清空这些变量以只用规则提取",
    });
  }
}

/** The LLM settings, or null when no LLM is configured (offline rules extraction). */
export function toLlmConfig(e: LlmEnv): LlmSettings | null {
  if (!e.LLM_BASE_URL || !e.LLM_MODEL) return null;
  const key = e.LLM_API_KEY ?? "";
  return {
    baseUrl: e.LLM_BASE_URL,
    // Behind a function so that logging the config never prints the key.
    readApiKey: () => key,
    model: e.LLM_MODEL,
    visionModel: e.LLM_VISION_MODEL ?? null,
    responseMode: e.LLM_RESPONSE_MODE,
    temperature: e.LLM_TEMPERATURE,
    timeoutMs: e.LLM_TIMEOUT_MS,
  };
}
