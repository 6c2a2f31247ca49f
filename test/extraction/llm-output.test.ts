/** Reading model replies (tolerant JSON), the extraction schema, and the LLM_* configuration. */
import { describe, expect, it } from "vitest";
import { loadTaxonomy } from "../../src/app/taxonomy-load.ts";
import { ConfigError, loadConfig } from "../../src/config.ts";
import {
  coerceExtractionJson,
  ExtractionSchema,
  taxonomyIssues,
  toExtractionResult,
} from "../../src/extraction/extraction-schema.ts";
import { parseTolerantJson } from "../../src/extraction/tolerant-json.ts";
import { extractionJson } from "./extraction-fixtures.ts";

describe("parseTolerantJson", () => {
  const obj = { a: 1, b: "x}{" };
  it.each([
    ["plain", JSON.stringify(obj)],
    ["fenced", `\`\`\`json\n${JSON.stringify(obj)}\n\`\`\``],
    ["fenced without language", `\`\`\`\n${JSON.stringify(obj)}\n\`\`\``],
    ["think block first", `<think>先想想 {"a": 2}</think>${JSON.stringify(obj)}`],
    ["text around it", `结果：${JSON.stringify(obj)}。以上。`],
    ["opening tag stripped by the server", `想了一下……</think>\n${JSON.stringify(obj)}`],
  ])("%s", (_name, reply) => {
    expect(parseTolerantJson(reply)).toEqual({ ok: true, value: obj });
  });

  it("says why when there is no object", () => {
    expect(parseTolerantJson("<think>还没想完")).toMatchObject({ ok: false });
    expect(parseTolerantJson("[1,2]")).toMatchObject({
      ok: false,
      error: expect.stringContaining("不是对象"),
    });
    expect(parseTolerantJson('{"a":')).toMatchObject({ ok: false, error: expect.stringContaining("JSON") });
  });
});

describe("extraction schema", () => {
  const taxonomy = loadTaxonomy();

  it("coerces harmless drift before validation", () => {
    const drifted = {
      ...extractionJson({ problems: [] }),
      problems: [
        { category: "06042 垃圾站(箱)满溢", summary: null },
        { category: 6013, summary: "坑" },
      ],
      location: { ...extractionJson().location, distance_m: "50米", road: "" },
      question: "",
    };
    const parsed = ExtractionSchema.parse(coerceExtractionJson(drifted));
    expect(parsed.problems.map((p) => p.category)).toEqual(["06042", "06013"]);
    expect(parsed.location.distance_m).toBe(50);
    expect(parsed.location.road).toBeNull();
    expect(parsed.question).toBeNull();
  });

  it("names codes the taxonomy does not have", () => {
    const json = extractionJson({ problems: [{ category: "12345", summary: "x" }] });
    expect(taxonomyIssues(json, taxonomy)[0]).toContain("12345");
    expect(taxonomyIssues(extractionJson({ problems: [] }), taxonomy)[0]).toContain("至少要有一项");
  });

  it("maps to the port's result; extra fields of a fooled model are dropped", () => {
    const raw = {
      ...extractionJson({
        problems: [{ category: "09006", summary: "摆摊" }],
        location: {
          road: "商都大道",
          crossing: "民康路",
          direction: "往东",
          distance_m: 50,
          raw: "商都大道民康路口往东50米",
        },
      }),
      state: "closed",
      assignee: "一级路长",
    };
    const r = toExtractionResult(ExtractionSchema.parse(raw), { extractor: "llm", reason: "test" });
    expect(r).toEqual({
      isReport: true,
      problems: [{ categoryCode: "09006", summary: "摆摊" }],
      location: {
        raw: "商都大道民康路口往东50米",
        road: "商都大道",
        crossing: "民康路",
        direction: "往东",
        distanceMeters: 50,
      },
      urgent: false,
      extractor: "llm",
      reason: "test",
    });
  });
});

describe("LLM configuration", () => {
  it("is off by default (rules only)", () => {
    expect(loadConfig({}).llm).toBeNull();
  });

  it("reads every LLM_* variable", () => {
    const c = loadConfig({
      LLM_BASE_URL: "http://127.0.0.1:11434/v1",
      LLM_MODEL: "qwen2.5:7b",
      LLM_RESPONSE_MODE: "json_schema",
      LLM_TEMPERATURE: "1",
      LLM_MAX_TOKENS: "600",
      LLM_EXTRA_BODY: '{"chat_template_kwargs": {"enable_thinking": false}}',
      LLM_TIMEOUT_MS: "8000",
      LLM_API_KEY: "sk-secret",
      LLM_VISION_MODEL: "qwen-vl-plus",
      LLM_VISION_BASE_URL: "https://dashscope.aliyuncs.com/compatible-mode/v1",
      LLM_VISION_API_KEY: "sk-vision-secret",
      LLM_VISION_RESPONSE_MODE: "json_object",
      LLM_CONCURRENCY: "2",
      LLM_PAUSE_SECONDS: "120",
      LLM_PAUSE_AFTER_TIMEOUTS: "2",
      LLM_CHECK_AT_START: "false",
    });
    expect(c.llm).toMatchObject({
      text: {
        baseUrl: "http://127.0.0.1:11434/v1",
        model: "qwen2.5:7b",
        responseMode: "json_schema",
        temperature: 1,
        maxTokens: 600,
        extraBody: { chat_template_kwargs: { enable_thinking: false } },
      },
      vision: {
        baseUrl: "https://dashscope.aliyuncs.com/compatible-mode/v1",
        model: "qwen-vl-plus",
        responseMode: "json_object",
        // Another service: the text model's provider options are not sent there.
        extraBody: {},
      },
      timeoutMs: 8000,
      concurrency: 2,
      breaker: { pauseMs: 120_000, timeoutsToPause: 2 },
      checkAtStart: false,
    });
    expect(c.llm?.text.readApiKey()).toBe("sk-secret");
    expect(c.llm?.vision?.readApiKey()).toBe("sk-vision-secret");
    expect(JSON.stringify(c)).not.toContain("sk-secret");
    expect(JSON.stringify(c)).not.toContain("sk-vision-secret");
  });

  it("defaults: json_object, temperature 0, 800 output tokens, a 20 s timeout; the vision model shares the text model's service", () => {
    const c = loadConfig({
      LLM_BASE_URL: "https://dashscope.aliyuncs.com/compatible-mode/v1",
      LLM_MODEL: "qwen-plus",
      LLM_API_KEY: "sk-one",
      LLM_EXTRA_BODY: '{"enable_thinking": false}',
      LLM_VISION_MODEL: "qwen-vl-max",
    });
    expect(c.llm).toMatchObject({
      text: {
        responseMode: "json_object",
        temperature: 0,
        maxTokens: 800,
        extraBody: { enable_thinking: false },
      },
      vision: {
        model: "qwen-vl-max",
        baseUrl: "https://dashscope.aliyuncs.com/compatible-mode/v1",
        extraBody: { enable_thinking: false },
      },
      timeoutMs: 20_000,
      concurrency: 4,
      breaker: { pauseMs: 300_000, timeoutsToPause: 3 },
      checkAtStart: true,
    });
    expect(c.llm?.vision?.readApiKey()).toBe("sk-one");
    expect(loadConfig({ LLM_BASE_URL: "https://x.example/v1", LLM_MODEL: "m" }).llm?.vision).toBeNull();
  });

  it("an empty LLM_TEMPERATURE (or none) means: do not send one", () => {
    const base = { LLM_BASE_URL: "https://api.moonshot.cn/v1", LLM_MODEL: "kimi-k2.6" };
    expect(loadConfig({ ...base, LLM_TEMPERATURE: "" }).llm?.text.temperature).toBeNull();
    expect(loadConfig({ ...base, LLM_TEMPERATURE: "none" }).llm?.text.temperature).toBeNull();
    expect(loadConfig(base).llm?.text.temperature).toBe(0);
  });

  it.each([
    [{ LLM_BASE_URL: "https://x.example/v1" }, "LLM_MODEL"],
    [{ LLM_MODEL: "deepseek-flash" }, "LLM_BASE_URL"],
    [{ LLM_BASE_URL: "not a url", LLM_MODEL: "m" }, "LLM_BASE_URL"],
    [{ LLM_BASE_URL: "https://x.example/v1", LLM_MODEL: "m", LLM_RESPONSE_MODE: "xml" }, "LLM_RESPONSE_MODE"],
    [{ LLM_BASE_URL: "https://x.example/v1", LLM_MODEL: "m", LLM_TIMEOUT_MS: "5" }, "LLM_TIMEOUT_MS"],
    [{ LLM_BASE_URL: "https://x.example/v1", LLM_MODEL: "m", LLM_TEMPERATURE: "3" }, "LLM_TEMPERATURE"],
    [{ LLM_BASE_URL: "https://x.example/v1", LLM_MODEL: "m", LLM_MAX_TOKENS: "10" }, "LLM_MAX_TOKENS"],
    [
      { LLM_BASE_URL: "https://x.example/v1", LLM_MODEL: "m", LLM_EXTRA_BODY: "{thinking: off}" },
      "LLM_EXTRA_BODY",
    ],
    [{ LLM_BASE_URL: "https://x.example/v1", LLM_MODEL: "m", LLM_EXTRA_BODY: "[1]" }, "LLM_EXTRA_BODY"],
    [
      { LLM_BASE_URL: "https://x.example/v1", LLM_MODEL: "m", LLM_EXTRA_BODY: '{"temperature": 1}' },
      "LLM_TEMPERATURE",
    ],
    [
      { LLM_BASE_URL: "https://x.example/v1", LLM_MODEL: "m", LLM_VISION_BASE_URL: "https://y.example/v1" },
      "LLM_VISION_MODEL",
    ],
    [{ LLM_BASE_URL: "https://x.example/v1", LLM_MODEL: "m", LLM_CONCURRENCY: "0" }, "LLM_CONCURRENCY"],
  ])("refuses %j naming %s", (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(variable);
  });
});
