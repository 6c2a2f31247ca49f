/** Builds the extractor for one roster snapshot: rules always, the LLM first when configured. */
import type { Extractor } from "../core/ports.ts";
import type { RosterIndex } from "../core/roster-index.ts";
import type { TaxonomyIndex } from "../core/taxonomy.ts";
import { ExtractionPolicy, type PolicyLog } from "./extraction-policy.ts";
import type { LlmSettings } from "./llm-extractor.ts";
import { RulesExtractor } from "./rules-extractor.ts";

export interface CreateExtractorOptions {
  roster: RosterIndex;
  taxonomy: TaxonomyIndex;
  /** null: offline, rules only. */
  llm: LlmSettings | null;
  log?: PolicyLog;
  /** Injected fetch for the LLM client (tests). */
  fetch?: typeof fetch;
}

/**
 * The extractor the service and the eval harness use for one roster snapshot. The LLM client (openai,
 * sharp for photos) is loaded only when an LLM is configured: an offline service does without ~40 MB.
 */
export async function createExtractor(options: CreateExtractorOptions): Promise<Extractor> {
  const { roster, taxonomy, llm, log } = options;
  const rules = new RulesExtractor(roster, taxonomy);
  const llmExtractor = llm
    ? new (await import("./llm-extractor.ts")).LlmExtractor({
        settings: llm,
        roster,
        taxonomy,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      })
    : null;
  const secrets = llm ? [llm.readApiKey()].filter((k) => k !== "") : [];
  return new ExtractionPolicy({ roster, rules, llm: llmExtractor, secrets, ...(log ? { log } : {}) });
}
