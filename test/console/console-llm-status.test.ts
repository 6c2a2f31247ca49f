/**
 * The LLM's state in the console: a key the provider refuses is found by the start check, and the
 * cases page's status API says the LLM is paused, why and what to change, without the key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeChatServer, startFakeChatServer } from "../fakes/fake-chat-completions.ts";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { CONSOLE_PASSWORD, signIn } from "./console-harness.ts";

let llm: FakeChatServer;
let t: TestApp;

beforeAll(async () => {
  llm = await startFakeChatServer();
  llm.script({ status: 401, error: "Incorrect API key provided: sk-wron***key", code: "invalid_api_key" });
  t = await startTestApp({
    env: {
      CONSOLE_PASSWORD,
      LLM_BASE_URL: llm.url,
      LLM_MODEL: "qwen-plus",
      LLM_API_KEY: "sk-wrong-console-key",
    },
  });
  await t.app.llmChecked;
}, 60_000);
afterAll(async () => {
  await t?.close();
  await llm?.close();
});

describe("console: the LLM's state", () => {
  it("shows the pause, the reason and the fix to a signed-in user, never the key", async () => {
    const { client } = await signIn(t);
    const res = await client.get("/console/api/status");
    expect(res.statusCode).toBe(200);
    const { llm: status } = res.json() as {
      llm: { text: { model: string; state: string; check: string; lastError: { fix: string } } };
    };
    expect(status.text).toMatchObject({ model: "qwen-plus", state: "open", check: "failed" });
    expect(status.text.lastError.fix).toContain("LLM_API_KEY 无效、已过期或没有填写");
    expect(res.body).not.toContain("sk-wrong-console-key");
    expect(llm.requests).toHaveLength(1); // a 401 is not retried
  });

  it("is not served without a session", async () => {
    const res = await t.app.server.inject({ method: "GET", url: "/console/api/status" });
    expect(res.statusCode).toBe(401);
  });
});
