/**
 * The fake chat-completions server as a program, for `npm run eval -- --extractor llm` without a
 * real provider: it answers every message with what the offline rules understand of it (so the
 * figures measure tokens and cost, not an LLM's accuracy) and behaves like the chosen provider's
 * documented quirks (fake-provider-quirks.ts).
 *
 *   npx tsx test/fakes/fake-llm-cli.ts --roster src/data/roster-zhongmou.json --provider deepseek --port 18080
 *   LLM_BASE_URL=http://127.0.0.1:18080/v1 LLM_MODEL=deepseek-flash LLM_EXTRA_BODY='{"thinking":{"type":"disabled"}}' \
 *     npm run eval -- --roster src/data/roster-zhongmou.json --cases eval/zhongmou.jsonl --extractor llm \
 *     --price-input 2 --price-cached 0.04 --price-output 8
 */
import { parseArgs } from "node:util";
import { loadTaxonomy } from "../../src/app/taxonomy-load.ts";
import { loadRosterForEval } from "../../src/extraction/eval-harness.ts";
import { toExtractionJson } from "../../src/extraction/extraction-schema.ts";
import { RulesExtractor } from "../../src/extraction/rules-extractor.ts";
import { startFakeChatServer } from "./fake-chat-completions.ts";
import type { ProviderQuirks } from "./fake-provider-quirks.ts";

/** Each provider's documented behaviour, as far as the fake imitates it. */
export const PROVIDER_PRESETS: Record<string, ProviderQuirks> = {
  openai: { cache: "openai" },
  deepseek: { rejectJsonSchema: true, thinking: "deepseek", cache: "deepseek" },
  dashscope: {
    thinking: "dashscope",
    jsonModeNeedsThinkingOff: true,
    visionRejectsJsonSchema: true,
    cache: "openai",
  },
  kimi: { fixedTemperature: 1, thinking: "moonshot", cache: "openai" },
  ollama: { contextTokens: 4096 },
};

const { values } = parseArgs({
  options: {
    roster: { type: "string", default: "src/data/roster-zhongmou.json" },
    provider: { type: "string", default: "openai" },
    port: { type: "string", default: "18080" },
  },
});
const quirks = PROVIDER_PRESETS[values.provider ?? "openai"];
if (!quirks) throw new Error(`--provider: one of ${Object.keys(PROVIDER_PRESETS).join(", ")}`);

const { roster } = await loadRosterForEval(values.roster ?? "");
const rules = new RulesExtractor(roster, loadTaxonomy());
const server = await startFakeChatServer(quirks, Number(values.port));
server.script({
  answer: (turn) => {
    const message = /<<<消息开始>>>\n([\s\S]*?)\n<<<消息结束>>>/.exec(turn)?.[1] ?? "";
    const photos = Number(/消息附有 (\d+) 张照片/.exec(turn)?.[1] ?? 0);
    const text = message === "（无文字）" ? "" : message;
    return JSON.stringify(toExtractionJson(rules.extractSync(text, photos)));
  },
});
console.log(`fake ${values.provider} chat-completions listening on ${server.url}`);
