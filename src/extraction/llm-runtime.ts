/**
 * The LLM side of the service, made once at start and kept across roster reloads: the endpoint
 * clients (text, vision) with their breakers, the prompt's fixed prefix, the start check (one small
 * request with the real response format, then the context the server reports), and the status
 * shown in /healthz and the console.
 */
import type {
  ChatCompletionContentPart,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import type { TaxonomyIndex } from "../core/taxonomy.ts";
import { ExtractionPrompt, type PromptTemplates, readPromptTemplates } from "./extraction-prompt.ts";
import type { BreakerLog, BreakerStatus } from "./llm-breaker.ts";
import { probeContext } from "./llm-context-probe.ts";
import { retiredModel } from "./llm-diagnosis.ts";
import { type ContextInfo, EndpointClient } from "./llm-endpoint.ts";
import { emptyUsage, LlmExtractionError } from "./llm-errors.ts";
import type { LlmSettings } from "./llm-settings.ts";
import { LLM_TEXT, varsOf } from "./llm-texts.ts";
import { estimateMessages } from "./prompt-budget.ts";

/** The estimate may be high by a tenth (prompt-budget.ts): pause only when clearly over. */
const ESTIMATE_MARGIN = 0.9;

export interface RuntimeLog extends BreakerLog {
  debug(obj: object, msg: string): void;
}

export interface EndpointStatus extends BreakerStatus {
  model: string;
  /** "pending" until the start check has answered; "off" when LLM_CHECK_AT_START=false. */
  check: "pending" | "ok" | "failed" | "off";
  context: ContextInfo | null;
  /** Estimated tokens of the fixed prompt prefix. */
  prefixTokens: number;
}

export interface LlmStatus {
  text: EndpointStatus;
  vision: EndpointStatus | null;
}

export interface LlmRuntimeOptions {
  taxonomy: TaxonomyIndex;
  templates?: PromptTemplates;
  log?: RuntimeLog;
  fetch?: typeof fetch;
  now?: () => number;
}

/** A tiny gray JPEG for the vision model's start check. */
async function checkImage(): Promise<string> {
  const sharp = (await import("sharp")).default;
  const jpeg = await sharp({ create: { width: 32, height: 32, channels: 3, background: "#888" } })
    .jpeg()
    .toBuffer();
  return `data:image/jpeg;base64,${jpeg.toString("base64")}`;
}

export class LlmRuntime {
  readonly text: EndpointClient;
  readonly vision: EndpointClient | null;
  readonly prompt: ExtractionPrompt;
  private readonly checks = new Map<EndpointClient, EndpointStatus["check"]>();

  constructor(
    readonly settings: LlmSettings,
    private readonly opts: LlmRuntimeOptions,
  ) {
    this.prompt = new ExtractionPrompt(opts.templates ?? readPromptTemplates(), opts.taxonomy);
    const common = {
      timeoutMs: settings.timeoutMs,
      concurrency: settings.concurrency,
      breaker: settings.breaker,
      ...(opts.log ? { log: opts.log } : {}),
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    };
    this.text = new EndpointClient(settings.text, { ...common, role: "text" });
    this.vision = settings.vision ? new EndpointClient(settings.vision, { ...common, role: "vision" }) : null;
    for (const c of this.clients()) {
      this.checks.set(c, settings.checkAtStart ? "pending" : "off");
      const instead = retiredModel(c.endpoint.model);
      if (instead)
        opts.log?.warn({}, LLM_TEXT.retiredAtStart(varsOf(this.roleOf(c)).model, c.endpoint.model, instead));
    }
  }

  /** The messages of one request: the fixed prefix, then this message's user turn. */
  messages(user: string | ChatCompletionContentPart[]): ChatCompletionMessageParam[] {
    return [
      ...this.prompt.prefix.map((m) => ({ role: m.role, content: m.content }) as ChatCompletionMessageParam),
      { role: "user", content: user },
    ];
  }

  /**
   * The start check, for each endpoint: one request with the real prefix and response format. A
   * setup that cannot work is reported once (by the breaker, naming the variable) and the service
   * runs on the rules; then the context the server reports is compared with the prompt's size.
   */
  async check(): Promise<void> {
    await Promise.all(this.clients().map((c) => this.checkOne(c)));
  }

  status(): LlmStatus {
    const one = (c: EndpointClient): EndpointStatus => ({
      model: c.endpoint.model,
      ...c.breaker.status(),
      check: this.checks.get(c) ?? "off",
      context: c.context,
      prefixTokens: estimateMessages(this.prompt.prefix),
    });
    return { text: one(this.text), vision: this.vision ? one(this.vision) : null };
  }

  private clients(): EndpointClient[] {
    return this.vision ? [this.text, this.vision] : [this.text];
  }

  private roleOf(c: EndpointClient): "text" | "vision" {
    return c === this.vision ? "vision" : "text";
  }

  private async checkOne(c: EndpointClient): Promise<void> {
    const log = this.opts.log;
    const text = this.prompt.userText("你好", 0, 0, "名册中可能相关的地名：（消息中没有认出名册里的地名）");
    const user: string | ChatCompletionContentPart[] =
      c === this.vision
        ? [
            { type: "text", text },
            { type: "image_url", image_url: { url: await checkImage(), detail: "low" } },
          ]
        : text;
    const messages = this.messages(user);
    const started = Date.now();
    try {
      await c.complete({
        messages,
        deadline: AbortSignal.timeout(this.settings.timeoutMs),
        usage: emptyUsage(),
      });
      this.checks.set(c, "ok");
      log?.info(
        { llm: c.endpoint.model },
        LLM_TEXT.checkOk(c.endpoint.model, c.endpoint.responseMode, Date.now() - started),
      );
    } catch (e) {
      this.checks.set(c, "failed");
      // A permanent failure was already logged by the breaker, with its fix.
      if (e instanceof LlmExtractionError && e.kind !== "permanent")
        log?.warn(
          { llm: c.endpoint.model, code: e.code },
          LLM_TEXT.checkUnreachable(c.endpoint.model, e.message),
        );
      if (!(e instanceof LlmExtractionError))
        log?.warn({ err: e }, LLM_TEXT.checkUnreachable(c.endpoint.model, String(e)));
      return;
    }
    c.context = await probeContext(
      c.endpoint.baseUrl,
      c.endpoint.model,
      c.endpoint.readApiKey(),
      this.opts.fetch,
    );
    const need = estimateMessages(messages);
    log?.info(
      { llm: c.endpoint.model, context: c.context },
      LLM_TEXT.promptSize(need, c.context?.tokens ?? null, c.context?.source ?? null),
    );
    const ctx = c.context?.tokens;
    if (ctx && need * ESTIMATE_MARGIN > ctx) {
      // The prompt alone overflows: every answer would be made from a cut prompt.
      c.breaker.failure(
        new LlmExtractionError("truncated", `提示词约 ${need} token，上下文 ${ctx} token`, {
          kind: "permanent",
          fix: c.contextFix(need),
        }),
        false,
      );
    } else if (ctx && need + c.endpoint.maxTokens > ctx) {
      log?.warn(
        { llm: c.endpoint.model },
        LLM_TEXT.replyMayNotFit(need, c.endpoint.maxTokens, ctx, c.contextFix(need + c.endpoint.maxTokens)),
      );
    }
  }
}
