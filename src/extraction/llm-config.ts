/**
 * LLM configuration: the LLM_* environment variables, validated with zod, and the settings they
 * become. src/config.ts spreads `llmEnvShape` into its schema, so a bad value stops the service at
 * start with a message naming the variable. Every variable is described in .env.example and
 * docs/extraction.md. With LLM_BASE_URL unset the service runs on the offline rules extractor.
 */
import { z } from "zod";
import type { LlmEndpoint, LlmSettings } from "./llm-settings.ts";

/** The SDK's own default is 10 minutes; a chat user should not wait more than a few seconds. */
export const DEFAULT_LLM_TIMEOUT_MS = 20_000;
/** A report's JSON is 100–400 tokens; several problems in one message stay well below this. */
export const DEFAULT_LLM_MAX_TOKENS = 800;
/** Requests in flight per endpoint: queued reports do not wait for each other one by one. */
export const DEFAULT_LLM_CONCURRENCY = 4;
/** A broken or unreachable LLM is left alone this long, then tried again with one request. */
export const DEFAULT_LLM_PAUSE_SECONDS = 300;
/** Timeouts (or refused connections) in a row that count as an outage. */
export const DEFAULT_LLM_PAUSE_AFTER_TIMEOUTS = 3;

/** Fields the service sets itself; LLM_EXTRA_BODY may not replace them. */
const RESERVED_BODY_KEYS = ["model", "messages", "stream", "response_format", "max_tokens", "temperature"];

const url = z
  .url({ message: "应为 http(s) 地址，如 https://api.deepseek.com/v1 或 http://127.0.0.1:11434/v1" })
  .optional();
const mode = z.enum(["json_schema", "json_object", "prompt"], {
  message: "应为 json_schema、json_object 或 prompt",
});
const int = (min: number, max: number, def: number, unit = "") =>
  z.coerce
    .number({ message: `应为 ${min}–${max} 的整数${unit}` })
    .int(`应为 ${min}–${max} 的整数${unit}`)
    .min(min, `应为 ${min}–${max} 的整数${unit}`)
    .max(max, `应为 ${min}–${max} 的整数${unit}`)
    .default(def);
const bool = (def: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no", "on", "off"], { message: "应为 true 或 false" })
    .default(def ? "true" : "false")
    .transform((v) => ["true", "1", "yes", "on"].includes(v));

/** A JSON object given as text (LLM_EXTRA_BODY), at most 4 KB. */
const jsonObject = z
  .string()
  .max(4096, "最长 4096 个字符")
  .transform((s, ctx) => {
    let v: unknown;
    try {
      v = JSON.parse(s);
    } catch {
      ctx.addIssue({ code: "custom", message: `不是 JSON：应为一个对象，如 {"enable_thinking": false}` });
      return z.NEVER;
    }
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      ctx.addIssue({ code: "custom", message: `应为 JSON 对象，如 {"thinking": {"type": "disabled"}}` });
      return z.NEVER;
    }
    const reserved = Object.keys(v).filter((k) => RESERVED_BODY_KEYS.includes(k));
    if (reserved.length > 0) {
      ctx.addIssue({
        code: "custom",
        message: `不能包含 ${reserved.join("、")}：这些由服务自己设置（温度用 LLM_TEMPERATURE，长度用 LLM_MAX_TOKENS）`,
      });
      return z.NEVER;
    }
    return v as Record<string, unknown>;
  })
  .optional();

/** "none" (or an empty value, see toLlmConfig) means: do not send a temperature. */
const temperature = z
  .string()
  .refine((s) => /^(none|omit)$/i.test(s.trim()) || (/^\d+(\.\d+)?$/.test(s.trim()) && Number(s) <= 2), {
    message: "应在 0 到 2 之间；留空或写 none 表示不发送（用服务商的默认值）",
  })
  .optional();

export const llmEnvShape = {
  LLM_BASE_URL: url,
  LLM_API_KEY: z.string().optional(),
  LLM_MODEL: z.string().min(1).optional(),
  LLM_RESPONSE_MODE: mode.default("json_object"),
  LLM_TEMPERATURE: temperature,
  LLM_MAX_TOKENS: int(64, 32_768, DEFAULT_LLM_MAX_TOKENS),
  LLM_EXTRA_BODY: jsonObject,
  LLM_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000, "至少 1000（毫秒）")
    .max(600_000, "最多 600000（毫秒）")
    .default(DEFAULT_LLM_TIMEOUT_MS),
  LLM_VISION_MODEL: z.string().min(1).optional(),
  LLM_VISION_BASE_URL: url,
  LLM_VISION_API_KEY: z.string().optional(),
  LLM_VISION_RESPONSE_MODE: mode.optional(),
  LLM_VISION_EXTRA_BODY: jsonObject,
  LLM_CONCURRENCY: int(1, 32, DEFAULT_LLM_CONCURRENCY),
  LLM_PAUSE_SECONDS: int(10, 86_400, DEFAULT_LLM_PAUSE_SECONDS, "（秒）"),
  LLM_PAUSE_AFTER_TIMEOUTS: int(1, 20, DEFAULT_LLM_PAUSE_AFTER_TIMEOUTS),
  LLM_CHECK_AT_START: bool(true),
};

const llmEnvSchema = z.object(llmEnvShape);
type LlmEnv = z.output<typeof llmEnvSchema>;

/** Cross-field checks, called from the config schema's superRefine. */
export function checkLlmEnv(e: LlmEnv, ctx: z.RefinementCtx): void {
  if (e.LLM_BASE_URL && !e.LLM_MODEL) {
    ctx.addIssue({
      code: "custom",
      path: ["LLM_MODEL"],
      message: "配置了 LLM_BASE_URL 时必须填写模型名，如 deepseek-flash、qwen-plus、qwen2.5:7b",
    });
  }
  const llmVars = [e.LLM_MODEL, e.LLM_API_KEY, e.LLM_VISION_MODEL, e.LLM_VISION_BASE_URL];
  if (!e.LLM_BASE_URL && llmVars.some(Boolean)) {
    ctx.addIssue({
      code: "custom",
      path: ["LLM_BASE_URL"],
      message:
        "填写了 LLM_MODEL / LLM_API_KEY / LLM_VISION_* 但没有 LLM_BASE_URL；请填写接口地址，或清空这些变量以只用规则提取",
    });
  }
  const visionOnly = [e.LLM_VISION_BASE_URL, e.LLM_VISION_API_KEY, e.LLM_VISION_RESPONSE_MODE];
  if (!e.LLM_VISION_MODEL && visionOnly.some(Boolean)) {
    ctx.addIssue({
      code: "custom",
      path: ["LLM_VISION_MODEL"],
      message: "填写了 LLM_VISION_BASE_URL / LLM_VISION_API_KEY / LLM_VISION_RESPONSE_MODE 但没有视觉模型名",
    });
  }
}

/** LLM_TEMPERATURE: a number, or null (not sent) when written as none or set empty. */
function readTemperature(e: LlmEnv, raw: Record<string, string | undefined>): number | null {
  if (raw.LLM_TEMPERATURE !== undefined && raw.LLM_TEMPERATURE.trim() === "") return null;
  if (e.LLM_TEMPERATURE === undefined) return 0;
  return /^(none|omit)$/i.test(e.LLM_TEMPERATURE.trim()) ? null : Number(e.LLM_TEMPERATURE);
}

/**
 * The LLM settings, or null when no LLM is configured (offline rules extraction). `raw` is the
 * environment as given: an empty LLM_TEMPERATURE (which the config drops as unset) means "do not send".
 */
export function toLlmConfig(e: LlmEnv, raw: Record<string, string | undefined> = {}): LlmSettings | null {
  if (!e.LLM_BASE_URL || !e.LLM_MODEL) return null;
  const key = e.LLM_API_KEY ?? "";
  const text: LlmEndpoint = {
    baseUrl: e.LLM_BASE_URL,
    // Behind a function so that logging the config never prints the key.
    readApiKey: () => key,
    model: e.LLM_MODEL,
    responseMode: e.LLM_RESPONSE_MODE,
    temperature: readTemperature(e, raw),
    maxTokens: e.LLM_MAX_TOKENS,
    extraBody: e.LLM_EXTRA_BODY ?? {},
  };
  let vision: LlmEndpoint | null = null;
  if (e.LLM_VISION_MODEL) {
    const sameService = !e.LLM_VISION_BASE_URL || e.LLM_VISION_BASE_URL === e.LLM_BASE_URL;
    const visionKey = e.LLM_VISION_API_KEY ?? (sameService ? key : "");
    vision = {
      ...text,
      baseUrl: e.LLM_VISION_BASE_URL ?? e.LLM_BASE_URL,
      readApiKey: () => visionKey,
      model: e.LLM_VISION_MODEL,
      responseMode: e.LLM_VISION_RESPONSE_MODE ?? e.LLM_RESPONSE_MODE,
      extraBody: e.LLM_VISION_EXTRA_BODY ?? (sameService ? text.extraBody : {}),
    };
  }
  return {
    text,
    vision,
    timeoutMs: e.LLM_TIMEOUT_MS,
    concurrency: e.LLM_CONCURRENCY,
    breaker: { pauseMs: e.LLM_PAUSE_SECONDS * 1000, timeoutsToPause: e.LLM_PAUSE_AFTER_TIMEOUTS },
    checkAtStart: e.LLM_CHECK_AT_START,
  };
}
