/**
 * Real providers, as documented: the fake server behaves like each provider's known quirk, and each
 * setup ends in the documented outcome with exactly one operator message (Chinese, naming the
 * variable and the fix); a setup that cannot work is found by the start check and the LLM is
 * paused, so later messages go to the rules without a request each.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadTaxonomy } from "../../src/app/taxonomy-load.ts";
import type { Extractor } from "../../src/core/ports.ts";
import type { RosterIndex } from "../../src/core/roster-index.ts";
import { createExtractor, createLlmRuntime } from "../../src/extraction/create-extractor.ts";
import { loadRosterForEval } from "../../src/extraction/eval-harness.ts";
import type { LlmRuntime } from "../../src/extraction/llm-runtime.ts";
import {
  type FakeChatServer,
  type ProviderQuirks,
  startFakeChatServer,
} from "../fakes/fake-chat-completions.ts";
import { extractionJson } from "./extraction-fixtures.ts";
import { llmSettings, type SettingsOver } from "./llm-fixtures.ts";

const taxonomy = loadTaxonomy();
let roster: RosterIndex;
let server: FakeChatServer;

beforeAll(async () => {
  ({ roster } = await loadRosterForEval("src/data/roster-zhongmou.json"));
  server = await startFakeChatServer();
});
afterAll(async () => {
  await server?.close();
});

const warns: string[] = [];
const infos: string[] = [];
const log = {
  warn: (_obj: object, msg: string) => warns.push(msg),
  info: (_obj: object, msg: string) => infos.push(msg),
  debug: () => {},
};
beforeEach(() => {
  warns.length = 0;
  infos.length = 0;
});

const GOOD = JSON.stringify(
  extractionJson({
    problems: [{ category: "06042", summary: "垃圾桶满溢" }],
    location: { road: "商都大道", crossing: "民康路", direction: "东北角", raw: "商都大道民康路口东北角" },
  }),
);
const TEXT = "商都大道民康路口东北角垃圾桶满了";

async function setup(
  quirks: ProviderQuirks,
  over: SettingsOver = {},
): Promise<{ runtime: LlmRuntime; x: Extractor }> {
  server.quirks(quirks);
  server.script({ answer: () => GOOD });
  const settings = llmSettings(server.url, over);
  const runtime = await createLlmRuntime(settings, { taxonomy, log });
  const x = await createExtractor({ roster, taxonomy, llm: settings, runtime, log });
  return { runtime, x };
}

describe("provider setups, as their documentation says", () => {
  it("DeepSeek refuses json_schema: the start check says so once, then every message goes to the rules unasked", async () => {
    const { runtime, x } = await setup({ rejectJsonSchema: true }, { text: { responseMode: "json_schema" } });
    await runtime.check();
    expect(warns).toHaveLength(1);
    expect(warns[0]).toContain("LLM_RESPONSE_MODE=json_schema 不被该服务支持，请改为 json_object");
    expect(runtime.status().text).toMatchObject({ state: "open", check: "failed" });
    for (let i = 0; i < 3; i++) {
      const r = await x.extract({ text: TEXT, imageCount: 0 });
      expect(r.extractor).toBe("rules");
      expect(r.reason).toContain("已暂停");
    }
    expect(server.requests).toHaveLength(1); // only the check
    expect(warns).toHaveLength(1);

    const fixed = await setup({ rejectJsonSchema: true }, { text: { responseMode: "json_object" } });
    await fixed.runtime.check();
    expect((await fixed.x.extract({ text: TEXT, imageCount: 0 })).extractor).toBe("llm");
    expect(warns).toHaveLength(1);
  });

  it("DashScope answers 400 for JSON mode with thinking on; LLM_EXTRA_BODY {enable_thinking:false} makes it work", async () => {
    const quirks: ProviderQuirks = { thinking: "dashscope", jsonModeNeedsThinkingOff: true };
    const { x } = await setup(quirks);
    const r = await x.extract({ text: TEXT, imageCount: 0 });
    expect(r.extractor).toBe("rules");
    expect(server.requests).toHaveLength(1); // a 400 is not retried
    expect(warns).toEqual([expect.stringContaining('请在 LLM_EXTRA_BODY 中加入 {"enable_thinking": false}')]);
    await x.extract({ text: TEXT, imageCount: 0 });
    expect(server.requests).toHaveLength(1); // paused
    expect(warns).toHaveLength(1);

    const off = await setup(quirks, { text: { extraBody: { enable_thinking: false } } });
    const ok = await off.x.extract({ text: TEXT, imageCount: 0 });
    expect(ok.extractor).toBe("llm");
    expect(server.requests[0]?.body.enable_thinking).toBe(false);
    expect(warns).toHaveLength(1);
  });

  it("Kimi accepts only its own temperature: LLM_TEMPERATURE=0 is named with the fix; empty (not sent) works", async () => {
    const { x } = await setup({ fixedTemperature: 1 });
    expect((await x.extract({ text: TEXT, imageCount: 0 })).extractor).toBe("rules");
    expect(warns).toEqual([
      expect.stringContaining("请把 LLM_TEMPERATURE 留空或写 none（不发送），或改为 1"),
    ]);

    const none = await setup({ fixedTemperature: 1 }, { text: { temperature: null } });
    expect((await none.x.extract({ text: TEXT, imageCount: 0 })).extractor).toBe("llm");
    expect(server.requests[0]?.body).not.toHaveProperty("temperature");
    expect(server.requests[0]?.body.max_tokens).toBe(800);
    expect(warns).toHaveLength(1);
  });

  it("thinking left on (DeepSeek: reasoning_content in replies) still extracts, counts the tokens and warns once how to switch it off", async () => {
    const { x } = await setup({ thinking: "deepseek", thinkingText: "用户说垃圾桶满了。".repeat(40) });
    const a = await x.extract({ text: TEXT, imageCount: 0 });
    await x.extract({ text: "恒安路文明路口垃圾桶满了", imageCount: 0 });
    expect(a.extractor).toBe("llm");
    expect(a.usage?.completionTokens ?? 0).toBeGreaterThan(300); // the thinking is paid for
    // Behind a local URL the provider is unknown: the message lists each provider's documented switch.
    expect(warns).toEqual([
      expect.stringMatching(
        /请在 LLM_EXTRA_BODY 中加入.*DeepSeek、Kimi：\{"thinking": \{"type": "disabled"\}\}.*关闭思考/,
      ),
    ]);

    const off = await setup(
      { thinking: "deepseek", thinkingText: "想" },
      { text: { extraBody: { thinking: { type: "disabled" } } } },
    );
    const b = await off.x.extract({ text: TEXT, imageCount: 0 });
    expect(b.usage?.completionTokens ?? 0).toBeLessThan(300);
    expect(warns).toHaveLength(1);
  });

  it("an endpoint that refuses assistant turns without reasoning_content while thinking: one message, thinking off fixes it", async () => {
    const { x } = await setup({ thinking: "moonshot", reasoningRequired: true });
    expect((await x.extract({ text: TEXT, imageCount: 0 })).extractor).toBe("rules");
    expect(warns).toEqual([expect.stringContaining('{"thinking": {"type": "disabled"}}')]);
    const off = await setup(
      { thinking: "moonshot", reasoningRequired: true },
      { text: { extraBody: { thinking: { type: "disabled" } } } },
    );
    expect((await off.x.extract({ text: TEXT, imageCount: 0 })).extractor).toBe("llm");
  });

  it("an exhausted quota (429 insufficient_quota) is asked once, not retried, and pauses the LLM", async () => {
    const { x } = await setup({ quotaExhausted: true });
    const started = Date.now();
    const r = await x.extract({ text: TEXT, imageCount: 0 });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(r.extractor).toBe("rules");
    expect(server.requests).toHaveLength(1);
    expect(warns).toEqual([
      expect.stringContaining("账户余额不足或欠费：请在服务商控制台充值，或换用另一个账户的 LLM_API_KEY"),
    ]);
    await x.extract({ text: TEXT, imageCount: 0 });
    expect(server.requests).toHaveLength(1);
    expect(warns).toHaveLength(1);
  });

  it("Ollama's default 4,096-token context holds the prompt but hardly the reply: the check says so once, naming OLLAMA_CONTEXT_LENGTH", async () => {
    const { runtime, x } = await setup({ contextTokens: 4096, model: "fake-chat" });
    await runtime.check();
    expect(warns).toEqual([
      expect.stringMatching(/加上回复上限 LLM_MAX_TOKENS=800.*OLLAMA_CONTEXT_LENGTH=8192/),
    ]);
    expect(runtime.status().text.context).toEqual({ tokens: 4096, source: "ollama" });
    expect(
      infos.some((m) => /提示词约 \d+ token（估算），服务报告的上下文 4096 token（ollama）/.test(m)),
    ).toBe(true);
    const r = await x.extract({ text: TEXT, imageCount: 0 });
    expect(r.extractor).toBe("llm");
    expect(r.usage?.promptTokens ?? 0).toBeLessThan(4096);
  });

  it("a context that cuts the prompt (prompt_tokens capped) is noticed: one message naming OLLAMA_CONTEXT_LENGTH, the rules decide", async () => {
    // The fake cuts the prompt and reports prompt_tokens capped at its context.
    const { runtime, x } = await setup({ contextTokens: 2048, model: "fake-chat" });
    const r = await x.extract({ text: TEXT, imageCount: 0 });
    expect(r.extractor).toBe("rules");
    expect(r.usage?.promptTokens).toBe(2048); // paid for, though useless
    expect(warns).toEqual([expect.stringContaining("OLLAMA_CONTEXT_LENGTH=8192")]);
    expect(runtime.status().text.state).toBe("open");
  });

  it("Qwen-VL refuses json_schema: the photo message falls back to the text model without the photo, then a vision mode of its own fixes it", async () => {
    const sharp = (await import("sharp")).default;
    const photo = {
      data: new Uint8Array(
        await sharp({ create: { width: 64, height: 64, channels: 3, background: "#7a7" } })
          .jpeg()
          .toBuffer(),
      ),
    };
    const input = { text: TEXT, imageCount: 1, images: [photo] };
    const { x } = await setup(
      { visionRejectsJsonSchema: true },
      { text: { responseMode: "json_schema" }, vision: { model: "qwen-vl-plus" } },
    );
    const r = await x.extract(input);
    expect(r.extractor).toBe("llm");
    expect(r.reason).toMatch(/视觉模型未成功.*改用文字模型/);
    expect(server.requests.map((q) => q.body.model)).toEqual(["qwen-vl-plus", "fake-chat"]);
    expect(warns).toEqual([
      expect.stringContaining("LLM_VISION_RESPONSE_MODE=json_schema 不被该服务支持，请改为 json_object"),
    ]);

    const own = await setup(
      { visionRejectsJsonSchema: true },
      {
        text: { responseMode: "json_schema" },
        vision: { model: "qwen-vl-plus", responseMode: "json_object" },
      },
    );
    const v = await own.x.extract(input);
    expect(v.reason).toContain("看了 1 张照片");
    expect(server.requests[0]?.body.response_format?.type).toBe("json_object");
  });

  it("a DeepSeek text model pairs with a Qwen-VL vision model on its own URL and key", async () => {
    const vision = await startFakeChatServer();
    try {
      vision.script({ answer: () => GOOD });
      const { x } = await setup(
        {},
        {
          text: { model: "deepseek-flash" },
          vision: {
            model: "qwen-vl-max",
            baseUrl: vision.url,
            readApiKey: () => "sk-vision-key",
            extraBody: { enable_thinking: false },
          },
        },
      );
      const sharp = (await import("sharp")).default;
      const data = new Uint8Array(
        await sharp({ create: { width: 8, height: 8, channels: 3, background: "#000" } })
          .jpeg()
          .toBuffer(),
      );
      const r = await x.extract({ text: "这里垃圾桶满了", imageCount: 1, images: [{ data }] });
      expect(r.reason).toContain("qwen-vl-max");
      expect(vision.requests[0]?.headers.authorization).toBe("Bearer sk-vision-key");
      expect(vision.requests[0]?.body.enable_thinking).toBe(false);
      expect(server.requests).toHaveLength(0);
      await x.extract({ text: TEXT, imageCount: 0 });
      expect(server.requests[0]?.body.model).toBe("deepseek-flash");
      expect(server.requests[0]?.headers.authorization).toBe("Bearer sk-test-secret-key");
    } finally {
      await vision.close();
    }
  });

  it("Qwen3 on vLLM thinks unless chat_template_kwargs switches it off, as Qwen's vLLM guide says", async () => {
    const { x } = await setup(
      { thinking: "selfHosted" },
      { text: { extraBody: { chat_template_kwargs: { enable_thinking: false } } } },
    );
    const r = await x.extract({ text: TEXT, imageCount: 0 });
    expect(r.extractor).toBe("llm");
    expect(server.requests[0]?.body.chat_template_kwargs).toEqual({ enable_thinking: false });
    expect(warns).toEqual([]);
  });

  it("llama.cpp with too small a slot (-c split by -np): the check reads /props, the refusal names -c", async () => {
    const { runtime } = await setup({ llamaCppSlotContext: 2048 });
    await runtime.check();
    expect(warns).toEqual([
      expect.stringContaining("llama.cpp 每个槽位只有 2048 token 的上下文（-c 的总长除以 -np 槽位数）"),
    ]);
    expect(runtime.status().text).toMatchObject({ state: "open", check: "failed" });

    const fits = await setup({ llamaCppSlotContext: 8192 });
    await fits.runtime.check();
    expect(fits.runtime.status().text.context).toEqual({ tokens: 8192, source: "llama.cpp" });
    expect(warns).toHaveLength(1);
  });

  it("a retired model name (deepseek-chat) is named at start with its successor", async () => {
    await setup({}, { text: { model: "deepseek-chat" } });
    expect(warns).toEqual([
      expect.stringContaining(
        "LLM_MODEL=deepseek-chat 是服务商宣布停用的旧模型名（DeepSeek 2026-07-24 起），请改为 deepseek-flash",
      ),
    ]);
  });

  it("counts tokens through a failure and a repair, cached prompt tokens included", async () => {
    server.quirks({ cache: "deepseek" });
    server.script({ content: "不是 JSON" }, { content: GOOD });
    const settings = llmSettings(server.url);
    const x = await createExtractor({ roster, taxonomy, llm: settings, log });
    const r = await x.extract({ text: TEXT, imageCount: 0 });
    expect(r.extractor).toBe("llm");
    expect(r.usage?.promptTokens ?? 0).toBeGreaterThan(2 * 2500); // two requests
    // The repair repeats the first request as its prefix: the provider served that from its cache.
    expect(r.usage?.cachedPromptTokens ?? 0).toBeGreaterThan(2500);

    server.script({ content: "不是 JSON" });
    const failed = await x.extract({ text: TEXT, imageCount: 0 });
    expect(failed.extractor).toBe("rules");
    expect(failed.usage?.promptTokens ?? 0).toBeGreaterThan(2 * 2500);
  });
});
