/**
 * The LLM extractor: any OpenAI-compatible chat-completions endpoint through the `openai` package.
 * Response mode per provider (json_schema | json_object | prompt), tolerant JSON reading, zod
 * validation, one repair retry, one deadline for the whole extraction, photos to a vision model.
 * It only extracts: code resolves places, routes, and sets states and deadlines.
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import type {
  ChatCompletionContentPart,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import type { ExtractionInput, ExtractionResult } from "../core/ports.ts";
import type { RosterIndex } from "../core/roster-index.ts";
import type { TaxonomyIndex } from "../core/taxonomy.ts";
import { ExtractionPrompt, type PromptTemplates, readPromptTemplates } from "./extraction-prompt.ts";
import {
  coerceExtractionJson,
  ExtractionSchema,
  taxonomyIssues,
  toExtractionResult,
} from "./extraction-schema.ts";
import { parseTolerantJson } from "./tolerant-json.ts";
import { visionDataUrls } from "./vision-images.ts";

export type ResponseMode = "json_schema" | "json_object" | "prompt";

/** LLM settings (config.ts reads them from LLM_* variables). */
export interface LlmSettings {
  baseUrl: string;
  /** The API key, behind a function so that logging settings never prints it ("" for none). */
  readApiKey: () => string;
  model: string;
  /** Model for messages with photos; null: photos are not sent (text models such as DeepSeek). */
  visionModel: string | null;
  responseMode: ResponseMode;
  temperature: number;
  /** Deadline for one whole extraction, retries and repair included. */
  timeoutMs: number;
}

export type LlmFailure = "timeout" | "http" | "connection" | "invalid_output" | "refusal" | "truncated";

/** Why the LLM gave no usable extraction; the policy falls back to the rules extractor. */
export class LlmExtractionError extends Error {
  readonly code: LlmFailure;
  constructor(code: LlmFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "LlmExtractionError";
    this.code = code;
  }
}

/** The SDK retries 408/409/429/5xx and connection errors this many times, with backoff. */
const SDK_MAX_RETRIES = 2;
const SCHEMA_NAME = "road_report_extraction";

export interface LlmExtractorOptions {
  settings: LlmSettings;
  roster: RosterIndex;
  taxonomy: TaxonomyIndex;
  templates?: PromptTemplates;
  /** Injected fetch (tests, proxies). */
  fetch?: typeof fetch;
}

/** Extracts one message with an LLM; throws LlmExtractionError when nothing usable comes back. */
export class LlmExtractor {
  private readonly client: OpenAI;
  readonly prompt: ExtractionPrompt;
  private readonly settings: LlmSettings;
  private readonly taxonomy: TaxonomyIndex;

  constructor(options: LlmExtractorOptions) {
    this.settings = options.settings;
    this.taxonomy = options.taxonomy;
    this.prompt = new ExtractionPrompt(
      options.templates ?? readPromptTemplates(),
      options.roster,
      options.taxonomy,
    );
    this.client = new OpenAI({
      baseURL: options.settings.baseUrl,
      // Local servers (Ollama, vLLM) take no key, but the SDK insists on one.
      apiKey: options.settings.readApiKey() || "none",
      timeout: options.settings.timeoutMs,
      maxRetries: SDK_MAX_RETRIES,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  /** Whether photos are shown to a model. */
  get seesPhotos(): boolean {
    return Boolean(this.settings.visionModel);
  }

  /** Extracts one message; throws LlmExtractionError when the LLM gives nothing usable. */
  async extract(input: ExtractionInput): Promise<ExtractionResult> {
    const { settings } = this;
    const deadline = AbortSignal.timeout(settings.timeoutMs);
    const photos = settings.visionModel && input.images?.length ? await visionDataUrls(input.images) : null;
    const shown = photos?.urls.length ?? 0;
    const model = shown > 0 && settings.visionModel ? settings.visionModel : settings.model;
    const text = this.prompt.userText(input.text, input.imageCount, shown);
    const content: string | ChatCompletionContentPart[] =
      shown > 0
        ? [
            { type: "text", text },
            ...(photos?.urls ?? []).map(
              (url): ChatCompletionContentPart => ({ type: "image_url", image_url: { url, detail: "low" } }),
            ),
          ]
        : text;
    const messages: ChatCompletionMessageParam[] = [
      ...this.prompt.prefix.map((m) => ({ role: m.role, content: m.content }) as ChatCompletionMessageParam),
      { role: "user", content },
    ];
    const usage = { promptTokens: 0, completionTokens: 0 };

    let reply = await this.complete(model, messages, deadline, usage);
    let checked = this.check(reply);
    let repaired = false;
    if (!checked.ok) {
      messages.push(
        { role: "assistant", content: reply },
        { role: "user", content: this.prompt.repairText(checked.issues) },
      );
      reply = await this.complete(model, messages, deadline, usage);
      checked = this.check(reply);
      repaired = true;
      if (!checked.ok) {
        throw new LlmExtractionError(
          "invalid_output",
          `修复后仍不合格：${checked.issues.join("；").slice(0, 300)}`,
        );
      }
    }
    const photoNote = shown > 0 ? `，看了 ${shown} 张照片` : "";
    return toExtractionResult(checked.value, {
      extractor: "llm",
      reason: `LLM ${model}（${settings.responseMode}${repaired ? "，修复重试一次" : ""}${photoNote}）`,
      usage,
    });
  }

  private check(
    reply: string,
  ): { ok: true; value: ReturnType<typeof ExtractionSchema.parse> } | { ok: false; issues: string[] } {
    const parsed = parseTolerantJson(reply);
    if (!parsed.ok) return { ok: false, issues: [parsed.error] };
    const valid = ExtractionSchema.safeParse(coerceExtractionJson(parsed.value));
    if (!valid.success) {
      return {
        ok: false,
        issues: valid.error.issues.slice(0, 8).map((i) => `${i.path.join(".") || "（根）"}：${i.message}`),
      };
    }
    const issues = taxonomyIssues(valid.data, this.taxonomy);
    return issues.length > 0 ? { ok: false, issues } : { ok: true, value: valid.data };
  }

  /** One chat completion under the extraction's deadline; returns the reply text. */
  private async complete(
    model: string,
    messages: ChatCompletionMessageParam[],
    deadline: AbortSignal,
    usage: { promptTokens: number; completionTokens: number },
  ): Promise<string> {
    const { settings } = this;
    const body: ChatCompletionCreateParamsNonStreaming = {
      model,
      messages,
      temperature: settings.temperature,
    };
    if (settings.responseMode === "json_schema")
      body.response_format = zodResponseFormat(ExtractionSchema, SCHEMA_NAME);
    if (settings.responseMode === "json_object") body.response_format = { type: "json_object" };
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      // The race also ends SDK back-off sleeps (a long Retry-After) at the deadline.
      completion = await Promise.race([
        this.client.chat.completions.create(body, { signal: deadline }),
        new Promise<never>((_, reject) => {
          const fail = () =>
            reject(new LlmExtractionError("timeout", `超过 ${settings.timeoutMs} ms 未返回`));
          if (deadline.aborted) fail();
          else deadline.addEventListener("abort", fail, { once: true });
        }),
      ]);
    } catch (e) {
      throw toLlmError(e, settings.timeoutMs);
    }
    usage.promptTokens += completion.usage?.prompt_tokens ?? 0;
    usage.completionTokens += completion.usage?.completion_tokens ?? 0;
    const choice = completion.choices[0];
    const message = choice?.message;
    if (message?.refusal)
      throw new LlmExtractionError("refusal", `模型拒绝：${message.refusal.slice(0, 200)}`);
    if (choice?.finish_reason === "length") throw new LlmExtractionError("truncated", "回复超出长度被截断");
    if (choice?.finish_reason === "content_filter") throw new LlmExtractionError("refusal", "回复被内容过滤");
    return message?.content ?? "";
  }
}

/** Maps SDK and network errors to one code; messages never contain the API key. */
function toLlmError(e: unknown, timeoutMs: number): LlmExtractionError {
  if (e instanceof LlmExtractionError) return e;
  if (e instanceof APIUserAbortError || e instanceof APIConnectionTimeoutError) {
    return new LlmExtractionError("timeout", `超过 ${timeoutMs} ms 未返回`, { cause: e });
  }
  if (e instanceof APIConnectionError)
    return new LlmExtractionError("connection", `无法连接：${e.message}`, { cause: e });
  if (e instanceof APIError) {
    return new LlmExtractionError("http", `HTTP ${e.status ?? "?"}：${e.message.slice(0, 200)}`, {
      cause: e,
    });
  }
  return new LlmExtractionError("connection", e instanceof Error ? e.message : String(e), { cause: e });
}
