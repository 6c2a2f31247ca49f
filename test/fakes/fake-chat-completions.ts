/**
 * A local OpenAI-compatible chat-completions server (node:http) for tests with the real `openai`
 * client. Each request is recorded; replies come from a script of steps, the last one repeating.
 * `quirks` make it behave like a provider's documented peculiarities (fake-provider-quirks.ts):
 * json_schema refused, thinking on by default, a fixed temperature, a small context that cuts the
 * prompt, an exhausted quota, prefix caching.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { applyQuirks, fakeTokens, type ProviderQuirks, thinkingOn } from "./fake-provider-quirks.ts";

export type { ProviderQuirks } from "./fake-provider-quirks.ts";

type Part = { type: string; text?: string; image_url?: { url: string; detail?: string } };

export interface RecordedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  at: number;
  body: {
    model: string;
    messages: { role: string; content: string | Part[]; reasoning_content?: string }[];
    temperature?: number;
    max_tokens?: number;
    response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: unknown } };
    [key: string]: unknown;
  };
}

/** One scripted reply. */
export type Step =
  | {
      content: string | null;
      refusal?: string;
      finishReason?: string;
      reasoning?: string;
      usage?: { prompt: number; completion: number };
    }
  | { status: number; error: string; code?: string; type?: string; headers?: Record<string, string> }
  | { delayMs: number; reply: Step }
  /**
   * Answers with `answer(userText)`: the text of the last user turn that carries a message (a
   * repair request is answered from the message it repairs), as the model would see it.
   */
  | { answer: (userText: string) => string };

export interface FakeChatServer {
  url: string;
  requests: RecordedRequest[];
  /** Replaces the script (and forgets recorded requests); the last step repeats for any further request. */
  script(...steps: Step[]): void;
  /** Sets the provider quirks (and forgets the cache). */
  quirks(q: ProviderQuirks): void;
  close(): Promise<void>;
}

type Body = RecordedRequest["body"];
type Message = Body["messages"][number];

const textOf = (m: Message) =>
  typeof m.content === "string" ? m.content : m.content.map((p) => p.text ?? "").join("");

/** A chat.completion body as the API returns it. */
function completion(
  step: Extract<Step, { content: string | null }>,
  body: Body,
  q: ProviderQuirks,
  prompt: { tokens: number; cached: number },
) {
  const completionTokens =
    step.usage?.completion ?? fakeTokens(step.content ?? "") + fakeTokens(step.reasoning ?? "");
  const promptTokens = step.usage?.prompt ?? prompt.tokens;
  const usage: Record<string, unknown> = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
  if (q.cache === "openai") usage.prompt_tokens_details = { cached_tokens: prompt.cached };
  if (q.cache === "deepseek") {
    usage.prompt_cache_hit_tokens = prompt.cached;
    usage.prompt_cache_miss_tokens = promptTokens - prompt.cached;
  }
  return {
    id: `chatcmpl-fake-${Math.random().toString(36).slice(2)}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: step.content,
          refusal: step.refusal ?? null,
          ...(step.reasoning ? { reasoning_content: step.reasoning } : {}),
        },
        finish_reason: step.finishReason ?? "stop",
        logprobs: null,
      },
    ],
    usage,
  };
}

export async function startFakeChatServer(initial: ProviderQuirks = {}, port = 0): Promise<FakeChatServer> {
  let steps: Step[] = [{ content: "{}" }];
  let served = 0;
  let q: ProviderQuirks = initial;
  const seenPrefixes = new Set<string>();
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(value));
      };
      // Ollama's /api/ps: the context allocated to each loaded model.
      if (req.method === "GET" && req.url === "/api/ps" && q.contextTokens)
        return json(200, {
          models: [{ name: q.model ?? "fake", model: q.model ?? "fake", context_length: q.contextTokens }],
        });
      // llama.cpp's /props: the generation settings of a slot, its context included.
      if (req.method === "GET" && req.url === "/props" && q.llamaCppSlotContext)
        return json(200, { default_generation_settings: { n_ctx: q.llamaCppSlotContext }, total_slots: 4 });
      if (req.method === "GET") return json(404, { error: { message: "not found" } });
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Body;
      requests.push({ path: req.url ?? "", headers: req.headers, body, at: Date.now() });
      // Prompt size as the provider counts it, cut to its context; the cached part of the prefix.
      const all = body.messages.reduce((n, m) => n + fakeTokens(textOf(m)) + 3, 0);
      const refused = applyQuirks(q, body, all);
      if (refused) return json(refused.status, { error: refused.error }, refused.headers);
      const step = steps[Math.min(served, steps.length - 1)] as Step;
      served += 1;
      const tokens = q.contextTokens ? Math.min(all, q.contextTokens) : all;
      // Prefix caching: the longest run of leading messages some earlier request also began with.
      const keys = body.messages.map((_, k) =>
        createHash("sha256")
          .update(JSON.stringify(body.messages.slice(0, k + 1)))
          .digest("hex"),
      );
      let cachedCount = 0;
      for (let k = keys.length - 1; k >= 1; k--) {
        if (seenPrefixes.has(keys[k - 1] as string)) {
          cachedCount = k;
          break;
        }
      }
      const cached = body.messages.slice(0, cachedCount).reduce((n, m) => n + fakeTokens(textOf(m)) + 3, 0);
      for (const key of keys) seenPrefixes.add(key);
      const thinking = thinkingOn(q, body)
        ? (q.thinkingText ?? "先想一想这条消息说的是哪条路、什么问题……")
        : undefined;
      const answer = (s: Step) => {
        if ("delayMs" in s) {
          const t = setTimeout(() => answer(s.reply), s.delayMs);
          res.on("close", () => clearTimeout(t));
          return;
        }
        if ("status" in s) {
          const error = { message: s.error, type: s.type ?? "fake_error", code: s.code ?? null };
          return json(s.status, { error }, s.headers ?? {});
        }
        if ("answer" in s) {
          const turns = body.messages.filter((m) => m.role === "user").map(textOf);
          const turn = turns.findLast((x) => x.includes("<<<消息开始>>>")) ?? turns.at(-1) ?? "";
          return answer({ content: s.answer(turn), ...(thinking ? { reasoning: thinking } : {}) });
        }
        const withThinking = thinking && !s.reasoning ? { ...s, reasoning: thinking } : s;
        json(200, completion(withThinking, body, q, { tokens, cached }));
      };
      answer(step);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/v1`,
    requests,
    script(...s: Step[]) {
      steps = s;
      served = 0;
      requests.length = 0;
    },
    quirks(next: ProviderQuirks) {
      q = next;
      seenPrefixes.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
