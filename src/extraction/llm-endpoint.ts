/**
 * One chat-completions endpoint (the text or the vision model) through the `openai` package: the
 * request as configured (response format, max_tokens, temperature or none, provider options), a
 * bounded number of requests in flight, retries only where a retry can help, the breaker, usage
 * (cached tokens too), and the signs of a setup that works badly: a cut prompt, thinking left on.
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { ExtractionSchema } from "./extraction-schema.ts";
import { type BreakerLog, LlmBreaker } from "./llm-breaker.ts";
import { diagnose, providerKind, thinkingOff } from "./llm-diagnosis.ts";
import { LlmExtractionError, type LlmUsage, scrubSecrets } from "./llm-errors.ts";
import type { LlmEndpoint } from "./llm-settings.ts";
import { LLM_TEXT, varsOf } from "./llm-texts.ts";
import { estimateMessages, looksTruncated } from "./prompt-budget.ts";
import { Slots } from "./slots.ts";

const SCHEMA_NAME = "road_report_extraction";
/** Tries per request for rate limits, overload and connection trouble. */
const MAX_ATTEMPTS = 3;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 8_000;

export interface EndpointOptions {
  role: "text" | "vision";
  timeoutMs: number;
  concurrency: number;
  breaker: { pauseMs: number; timeoutsToPause: number };
  log?: BreakerLog;
  now?: () => number;
  fetch?: typeof fetch;
}

export interface CompleteRequest {
  messages: ChatCompletionMessageParam[];
  deadline: AbortSignal;
  usage: LlmUsage;
}

export interface Reply {
  content: string;
  /** The model's thinking, when the provider returns it (reasoning_content). */
  reasoning: string | null;
  promptTokens: number;
}

/** What the provider says its context is (set by the start check). */
export interface ContextInfo {
  tokens: number;
  source: "ollama" | "llama.cpp" | "vllm" | "models";
}

/**
 * Some servers answer errors without OpenAI's `{"error": …}` wrapper (DashScope's native shape:
 * `{"code", "message"}`); the SDK would then report "no body". Wrap them so the message survives.
 */
function wrappingErrors(base: typeof fetch): typeof fetch {
  return async (input, init) => {
    const res = await base(input, init);
    if (res.ok) return res;
    const text = await res.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    const wrapped =
      body && typeof body === "object" && "error" in body
        ? text
        : JSON.stringify({ error: body ?? { message: text.slice(0, 500) } });
    return new Response(wrapped, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

function retryAfterMs(headers: Headers | undefined, attempt: number): number {
  const ms = Number(headers?.get("retry-after-ms"));
  if (Number.isFinite(ms) && ms >= 0 && headers?.has("retry-after-ms")) return ms;
  const s = Number(headers?.get("retry-after"));
  if (Number.isFinite(s) && s >= 0 && headers?.has("retry-after")) return s * 1000;
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt) * (0.75 + Math.random() * 0.5);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

export class EndpointClient {
  readonly breaker: LlmBreaker;
  context: ContextInfo | null = null;
  private readonly client: OpenAI;
  private readonly slots: Slots;
  private thinkingWarned = false;

  constructor(
    readonly endpoint: LlmEndpoint,
    private readonly opts: EndpointOptions,
  ) {
    this.breaker = new LlmBreaker({
      ...opts.breaker,
      label: endpoint.model,
      ...(opts.log ? { log: opts.log } : {}),
      ...(opts.now ? { now: opts.now } : {}),
    });
    this.slots = new Slots(opts.concurrency);
    this.client = new OpenAI({
      baseURL: endpoint.baseUrl,
      // Local servers (Ollama, vLLM) take no key, but the SDK insists on one.
      apiKey: endpoint.readApiKey() || "none",
      timeout: opts.timeoutMs,
      // Retries are ours: a 429 for an exhausted quota must not be tried again.
      maxRetries: 0,
      fetch: wrappingErrors(opts.fetch ?? globalThis.fetch),
    });
  }

  /** One chat completion under the extraction's deadline. Throws LlmExtractionError. */
  async complete(req: CompleteRequest): Promise<Reply> {
    const release = await this.slots.acquire(req.deadline).catch(() => {
      throw new LlmExtractionError("busy", `排队等待超过 ${this.opts.timeoutMs} ms`, { kind: "message" });
    });
    try {
      const admitted = this.breaker.admit();
      if (!admitted.ok)
        throw new LlmExtractionError("paused", `暂停中：${admitted.why}`, { kind: "message" });
      try {
        const reply = await this.attempts(req);
        this.breaker.success(admitted.probe);
        return reply;
      } catch (e) {
        const err = e instanceof LlmExtractionError ? e : this.toError(e);
        this.breaker.failure(err, admitted.probe);
        throw err;
      }
    } finally {
      release();
    }
  }

  private async attempts(req: CompleteRequest): Promise<Reply> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(req);
      } catch (e) {
        if (e instanceof LlmExtractionError) throw e;
        const err = this.toError(e);
        const wait = retryAfterMs(e instanceof APIError ? e.headers : undefined, attempt);
        const retryable = err.kind === "unavailable" && err.code !== "timeout";
        if (!retryable || attempt + 1 >= MAX_ATTEMPTS || req.deadline.aborted) throw err;
        await sleep(wait, req.deadline);
        if (req.deadline.aborted) throw this.timeoutError();
      }
    }
  }

  private async once(req: CompleteRequest): Promise<Reply> {
    const { endpoint } = this;
    const body: Record<string, unknown> = {
      ...endpoint.extraBody,
      model: endpoint.model,
      messages: req.messages,
    };
    if (!("max_completion_tokens" in endpoint.extraBody)) body.max_tokens = endpoint.maxTokens;
    if (endpoint.temperature !== null) body.temperature = endpoint.temperature;
    if (endpoint.responseMode === "json_schema")
      body.response_format = zodResponseFormat(ExtractionSchema, SCHEMA_NAME);
    if (endpoint.responseMode === "json_object") body.response_format = { type: "json_object" };
    const deadline = req.deadline;
    // The race also ends a hanging connection at the deadline.
    const completion = await Promise.race([
      this.client.chat.completions.create(
        body as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming,
        {
          signal: deadline,
        },
      ),
      new Promise<never>((_, reject) => {
        const fail = () => reject(this.timeoutError());
        if (deadline.aborted) fail();
        else deadline.addEventListener("abort", fail, { once: true });
      }),
    ]);
    const usage = completion.usage as
      | (OpenAI.CompletionUsage & { prompt_cache_hit_tokens?: number; cached_tokens?: number })
      | undefined;
    const promptTokens = usage?.prompt_tokens ?? 0;
    req.usage.promptTokens += promptTokens;
    req.usage.completionTokens += usage?.completion_tokens ?? 0;
    req.usage.cachedPromptTokens +=
      usage?.prompt_tokens_details?.cached_tokens ??
      usage?.prompt_cache_hit_tokens ??
      usage?.cached_tokens ??
      0;
    const expected = estimateMessages(req.messages as { content?: string }[]);
    if (looksTruncated(promptTokens, expected, this.context?.tokens ?? null)) {
      throw new LlmExtractionError("truncated", `提示词被截断：服务只读了 ${promptTokens} token`, {
        kind: "permanent",
        fix: LLM_TEXT.truncated(promptTokens, expected, this.contextFix(expected)),
      });
    }
    const choice = completion.choices[0];
    const message = choice?.message as
      | (OpenAI.ChatCompletionMessage & { reasoning_content?: string; reasoning?: string })
      | undefined;
    const reasoning = message?.reasoning_content || message?.reasoning || null;
    if (reasoning) this.warnThinking(usage?.completion_tokens ?? 0);
    if (message?.refusal)
      throw new LlmExtractionError("refusal", `模型拒绝：${message.refusal.slice(0, 200)}`);
    if (choice?.finish_reason === "length")
      throw new LlmExtractionError("truncated", `回复超出 LLM_MAX_TOKENS=${endpoint.maxTokens} 被截断`);
    if (choice?.finish_reason === "content_filter") throw new LlmExtractionError("refusal", "回复被内容过滤");
    return { content: message?.content ?? "", reasoning, promptTokens };
  }

  /** The fix for a prompt that does not fit, as precise as what the provider told us. */
  contextFix(need: number): string {
    const ctx = this.context;
    if (ctx?.source === "ollama") return LLM_TEXT.ollamaContext(ctx.tokens, need);
    if (ctx?.source === "llama.cpp") return LLM_TEXT.llamaCppContext(ctx.tokens, need);
    if (ctx?.source === "vllm") return LLM_TEXT.vllmContext(ctx.tokens, need);
    if (ctx) return LLM_TEXT.genericContext(ctx.tokens, need, varsOf(this.opts.role).model);
    if (providerKind(this.endpoint.baseUrl) === "ollama") return LLM_TEXT.ollamaContext(4096, need);
    return LLM_TEXT.truncatedGeneric;
  }

  private warnThinking(tokens: number): void {
    if (this.thinkingWarned) return;
    this.thinkingWarned = true;
    const v = varsOf(this.opts.role).extra;
    const off = thinkingOff(this.endpoint.baseUrl);
    this.opts.log?.warn(
      { llm: this.endpoint.model },
      off ? LLM_TEXT.thinkingOn(v, off, tokens) : LLM_TEXT.thinkingOnNoSwitch(v),
    );
  }

  private timeoutError(): LlmExtractionError {
    return new LlmExtractionError("timeout", `超过 ${this.opts.timeoutMs} ms 未返回`);
  }

  /** Maps SDK and network errors to one error; messages never contain the API key. */
  toError(e: unknown): LlmExtractionError {
    if (e instanceof LlmExtractionError) return e;
    if (e instanceof APIUserAbortError || e instanceof APIConnectionTimeoutError) {
      return new LlmExtractionError("timeout", `超过 ${this.opts.timeoutMs} ms 未返回`, { cause: e });
    }
    const secrets = [this.endpoint.readApiKey()];
    if (e instanceof APIConnectionError)
      return new LlmExtractionError("connection", scrubSecrets(`无法连接：${e.message}`, secrets), {
        cause: e,
      });
    if (e instanceof APIError) {
      const body = (e.error ?? {}) as { message?: unknown; n_prompt_tokens?: unknown; n_ctx?: unknown };
      const raw = typeof body.message === "string" ? body.message : e.message;
      const d = diagnose(
        {
          status: e.status,
          code: typeof e.code === "string" ? e.code : undefined,
          type: typeof e.type === "string" ? e.type : undefined,
          message: raw,
          ...(typeof body.n_prompt_tokens === "number" ? { promptTokens: body.n_prompt_tokens } : {}),
          ...(typeof body.n_ctx === "number" ? { contextTokens: body.n_ctx } : {}),
        },
        this.endpoint,
        this.opts.role,
      );
      const msg = scrubSecrets(`HTTP ${e.status ?? "?"}：${raw.slice(0, 200)}`, secrets);
      return new LlmExtractionError("http", msg, { cause: e, kind: d.kind, fix: d.fix });
    }
    const message = e instanceof Error ? e.message : String(e);
    return new LlmExtractionError("connection", scrubSecrets(message, secrets), { cause: e });
  }
}
