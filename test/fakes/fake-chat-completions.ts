/**
 * A local OpenAI-compatible chat-completions server (node:http) for tests with the real `openai`
 * client. Each request is recorded; replies come from a script of steps, the last one repeating.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: {
    model: string;
    messages: {
      role: string;
      content: string | { type: string; text?: string; image_url?: { url: string; detail?: string } }[];
    }[];
    temperature?: number;
    response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: unknown } };
  };
}

/** One scripted reply. */
export type Step =
  | {
      content: string | null;
      refusal?: string;
      finishReason?: string;
      usage?: { prompt: number; completion: number };
    }
  | { status: number; error: string; headers?: Record<string, string> }
  | { delayMs: number; reply: Step };

export interface FakeChatServer {
  url: string;
  requests: RecordedRequest[];
  /** Replaces the script (and forgets recorded requests); the last step repeats for any further request. */
  script(...steps: Step[]): void;
  close(): Promise<void>;
}

/** A chat.completion body as the API returns it. */
function completion(step: Extract<Step, { content: string | null }>, model: string) {
  return {
    id: `chatcmpl-fake-${Math.random().toString(36).slice(2)}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: step.content, refusal: step.refusal ?? null },
        finish_reason: step.finishReason ?? "stop",
        logprobs: null,
      },
    ],
    usage: {
      prompt_tokens: step.usage?.prompt ?? 1200,
      completion_tokens: step.usage?.completion ?? 80,
      total_tokens: (step.usage?.prompt ?? 1200) + (step.usage?.completion ?? 80),
    },
  };
}

export async function startFakeChatServer(): Promise<FakeChatServer> {
  let steps: Step[] = [{ content: "{}" }];
  let served = 0;
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as RecordedRequest["body"];
      requests.push({ path: req.url ?? "", headers: req.headers, body });
      const step = steps[Math.min(served, steps.length - 1)] as Step;
      served += 1;
      const answer = (s: Step) => {
        if ("delayMs" in s) {
          const t = setTimeout(() => answer(s.reply), s.delayMs);
          res.on("close", () => clearTimeout(t));
          return;
        }
        if ("status" in s) {
          res.writeHead(s.status, { "content-type": "application/json", ...(s.headers ?? {}) });
          res.end(JSON.stringify({ error: { message: s.error, type: "fake_error", code: null } }));
          return;
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(completion(s, body.model)));
      };
      answer(step);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script(...s: Step[]) {
      steps = s;
      served = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
