/** Builds the extractor for one roster snapshot: rules always, the LLM first when configured. */
import type { Extractor } from "../core/ports.ts";
import type { RosterIndex } from "../core/roster-index.ts";
import type { TaxonomyIndex } from "../core/taxonomy.ts";
import { ExtractionPolicy, type PolicyLog } from "./extraction-policy.ts";
import type { LlmRuntime, RuntimeLog } from "./llm-runtime.ts";
import type { LlmSettings } from "./llm-settings.ts";
import { placeHints } from "./place-hints.ts";
import { RulesExtractor } from "./rules-extractor.ts";

export interface CreateExtractorOptions {
  roster: RosterIndex;
  taxonomy: TaxonomyIndex;
  /** null: offline, rules only. */
  llm: LlmSettings | null;
  /** The LLM runtime (clients, breakers) kept across roster reloads; made here when missing. */
  runtime?: LlmRuntime | null;
  log?: PolicyLog & Partial<RuntimeLog>;
  /** Injected fetch for the LLM client (tests). */
  fetch?: typeof fetch;
}

/**
 * The LLM runtime for these settings. The LLM client (openai, sharp for photos) is loaded only
 * when an LLM is configured: an offline service does without ~40 MB.
 */
export async function createLlmRuntime(
  llm: LlmSettings,
  options: { taxonomy: TaxonomyIndex; log?: RuntimeLog; fetch?: typeof fetch },
): Promise<LlmRuntime> {
  const { LlmRuntime } = await import("./llm-runtime.ts");
  return new LlmRuntime(llm, options);
}

/** The extractor the service and the eval harness use for one roster snapshot. */
export async function createExtractor(options: CreateExtractorOptions): Promise<Extractor> {
  const { roster, taxonomy, llm, log } = options;
  const rules = new RulesExtractor(roster, taxonomy);
  let llmExtractor = null;
  if (llm) {
    const runtimeLog = log?.info && log.debug ? (log as RuntimeLog) : undefined;
    const runtime =
      options.runtime ??
      (await createLlmRuntime(llm, {
        taxonomy,
        ...(runtimeLog ? { log: runtimeLog } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }));
    const { LlmExtractor } = await import("./llm-extractor.ts");
    llmExtractor = new LlmExtractor({
      runtime,
      taxonomy,
      placeHints: (text) => placeHints(roster, rules.placeMentions(text)),
    });
  }
  const secrets = llm
    ? [llm.text, llm.vision].flatMap((e) => (e ? [e.readApiKey()] : [])).filter((k) => k !== "")
    : [];
  return new ExtractionPolicy({ roster, rules, llm: llmExtractor, secrets, ...(log ? { log } : {}) });
}
