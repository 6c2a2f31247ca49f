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
      LLM_VISION_MODEL: "qwen2.5vl:7b",
      LLM_RESPONSE_MODE: "json_schema",
      LLM_TEMPERATURE: "1",
      LLM_TIMEOUT_MS: "8000",
      LLM_API_KEY: "sk-secret",
    });
    expect(c.llm).toMatchObject({
      baseUrl: "http://127.0.0.1:11434/v1",
      model: "qwen2.5:7b",
      visionModel: "qwen2.5vl:7b",
      responseMode: "json_schema",
      temperature: 1,
      timeoutMs: 8000,
    });
    expect(c.llm?.readApiKey()).toBe("sk-secret");
    expect(JSON.stringify(c)).not.toContain("sk-secret");
  });

  it("defaults to json_object, temperature 0 and a 20 s timeout", () => {
    const c = loadConfig({ LLM_BASE_URL: "https://api.deepseek.com/v1", LLM_MODEL: "deepseek-chat" });
    expect(c.llm).toMatchObject({
      responseMode: "json_object",
      temperature: 0,
      timeoutMs: 20_000,
      visionModel: null,
    });
  });

  it.each([
    [{ LLM_BASE_URL: "https://x.example/v1" }, "LLM_MODEL"],
    [{ LLM_MODEL: "deepseek-chat" }, "LLM_BASE_URL"],
    [{ LLM_BASE_URL: "not a url", LLM_MODEL: "m" }, "LLM_BASE_URL"],
    [{ LLM_BASE_URL: "https://x.example/v1", LLM_MODEL: "m", LLM_RESPONSE_MODE: "xml" }, "LLM_RESPONSE_MODE"],
    [{ LLM_BASE_URL: "https://x.example/v1", LLM_MODEL: "m", LLM_TIMEOUT_MS: "5" }, "LLM_TIMEOUT_MS"],
    [{ LLM_BASE_URL: "https://x.example/v1", LLM_MODEL: "m", LLM_TEMPERATURE: "3" }, "LLM_TEMPERATURE"],
  ])("refuses %j naming %s", (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(variable);
  });
});
