/**
 * The LLM extractor: the prompt (fixed prefix, then the places the message could mean and the
 * message), tolerant JSON reading, zod validation, one repair retry, one deadline for the whole
 * extraction, photos to the vision model and, when that fails, the text model without the photo.
 * Tokens spent are counted through failures and repairs. It only extracts: code resolves places,
 * routes, and sets states and deadlines.
 */
import type {
  ChatCompletionContentPart,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import type { ExtractionInput, ExtractionResult } from "../core/ports.ts";
import type { TaxonomyIndex } from "../core/taxonomy.ts";
import {
  coerceExtractionJson,
  ExtractionSchema,
  taxonomyIssues,
  toExtractionResult,
} from "./extraction-schema.ts";
import type { EndpointClient } from "./llm-endpoint.ts";
import { emptyUsage, LlmExtractionError, type LlmUsage } from "./llm-errors.ts";
import type { LlmRuntime } from "./llm-runtime.ts";
import { parseTolerantJson } from "./tolerant-json.ts";
import { visionDataUrls } from "./vision-images.ts";

export { LlmExtractionError, type LlmFailure } from "./llm-errors.ts";
export type { LlmEndpoint, LlmSettings, ResponseMode } from "./llm-settings.ts";

export interface LlmExtractorOptions {
  runtime: LlmRuntime;
  taxonomy: TaxonomyIndex;
  /** The places block for a message (place-hints.ts over the roster). */
  placeHints: (text: string) => string;
}

type Checked =
  | { ok: true; value: ReturnType<typeof ExtractionSchema.parse> }
  | { ok: false; issues: string[] };

/** Extracts one message with an LLM; throws LlmExtractionError when nothing usable comes back. */
export class LlmExtractor {
  constructor(private readonly options: LlmExtractorOptions) {}

  /** Whether photos are shown to a model. */
  get seesPhotos(): boolean {
    return this.options.runtime.vision !== null;
  }

  /** Extracts one message; throws LlmExtractionError (with the tokens spent) when nothing usable comes back. */
  async extract(input: ExtractionInput): Promise<ExtractionResult> {
    const { runtime } = this.options;
    const deadline = AbortSignal.timeout(runtime.settings.timeoutMs);
    const usage = emptyUsage();
    const places = this.options.placeHints(input.text);
    try {
      let visionNote = "";
      if (runtime.vision && input.images?.length) {
        const photos = await visionDataUrls(input.images);
        if (photos.urls.length > 0) {
          try {
            return await this.run(runtime.vision, input, places, photos.urls, deadline, usage, "");
          } catch (e) {
            if (!(e instanceof LlmExtractionError) || !input.text.trim()) throw e;
            visionNote = `，视觉模型未成功（${e.message.slice(0, 80)}），改用文字模型`;
          }
        }
      }
      return await this.run(runtime.text, input, places, [], deadline, usage, visionNote);
    } catch (e) {
      if (e instanceof LlmExtractionError) e.usage = usage;
      throw e;
    }
  }

  private async run(
    client: EndpointClient,
    input: ExtractionInput,
    places: string,
    photoUrls: string[],
    deadline: AbortSignal,
    usage: LlmUsage,
    note: string,
  ): Promise<ExtractionResult> {
    const { runtime } = this.options;
    const text = runtime.prompt.userText(input.text, input.imageCount, photoUrls.length, places);
    const content: string | ChatCompletionContentPart[] =
      photoUrls.length > 0
        ? [
            { type: "text", text },
            ...photoUrls.map(
              (url): ChatCompletionContentPart => ({ type: "image_url", image_url: { url, detail: "low" } }),
            ),
          ]
        : text;
    const messages: ChatCompletionMessageParam[] = runtime.messages(content);
    let reply = (await client.complete({ messages, deadline, usage })).content;
    let checked = this.check(reply);
    let repaired = false;
    if (!checked.ok) {
      messages.push(
        { role: "assistant", content: reply },
        { role: "user", content: runtime.prompt.repairText(checked.issues) },
      );
      reply = (await client.complete({ messages, deadline, usage })).content;
      checked = this.check(reply);
      repaired = true;
      if (!checked.ok) {
        throw new LlmExtractionError(
          "invalid_output",
          `修复后仍不合格：${checked.issues.join("；").slice(0, 300)}`,
        );
      }
    }
    const { model, responseMode } = client.endpoint;
    const photoNote = photoUrls.length > 0 ? `，看了 ${photoUrls.length} 张照片` : "";
    return toExtractionResult(checked.value, {
      extractor: "llm",
      reason: `LLM ${model}（${responseMode}${repaired ? "，修复重试一次" : ""}${photoNote}${note}）`,
      usage: { ...usage },
    });
  }

  private check(reply: string): Checked {
    const parsed = parseTolerantJson(reply);
    if (!parsed.ok) return { ok: false, issues: [parsed.error] };
    const valid = ExtractionSchema.safeParse(coerceExtractionJson(parsed.value));
    if (!valid.success) {
      return {
        ok: false,
        issues: valid.error.issues.slice(0, 8).map((i) => `${i.path.join(".") || "（根）"}：${i.message}`),
      };
    }
    const issues = taxonomyIssues(valid.data, this.options.taxonomy);
    return issues.length > 0 ? { ok: false, issues } : { ok: true, value: valid.data };
  }
}
