/** The LLM circuit breaker with a fake clock: when it pauses, what it logs, how it comes back. */
import { describe, expect, it } from "vitest";
import { LlmBreaker } from "../../src/extraction/llm-breaker.ts";
import { LlmExtractionError } from "../../src/extraction/llm-errors.ts";

function make(timeoutsToPause = 3) {
  let t = Date.parse("2026-11-26T10:00:00Z");
  const lines: { level: string; msg: string }[] = [];
  const breaker = new LlmBreaker({
    pauseMs: 60_000,
    timeoutsToPause,
    now: () => t,
    label: "qwen-plus",
    log: {
      warn: (_o, msg) => lines.push({ level: "warn", msg }),
      info: (_o, msg) => lines.push({ level: "info", msg }),
    },
  });
  return { breaker, lines, advance: (ms: number) => (t += ms) };
}

const timeout = () => new LlmExtractionError("timeout", "超过 20000 ms 未返回");
const badKey = () =>
  new LlmExtractionError("http", "HTTP 401：invalid api key", { kind: "permanent", fix: "LLM_API_KEY 无效" });

describe("LLM breaker", () => {
  it("pauses at once on a permanent error, with one line naming the fix", () => {
    const { breaker, lines } = make();
    expect(breaker.admit()).toEqual({ ok: true, probe: false });
    breaker.failure(badKey(), false);
    expect(breaker.admit()).toMatchObject({ ok: false, why: "LLM_API_KEY 无效" });
    expect(breaker.status()).toMatchObject({
      state: "open",
      lastError: { code: "http", fix: "LLM_API_KEY 无效" },
    });
    expect(lines).toEqual([{ level: "warn", msg: "LLM 暂停 1 分钟，期间用规则提取：LLM_API_KEY 无效" }]);
  });

  it("pauses after repeated timeouts, not after one; a good reply in between starts the count again", () => {
    const { breaker, lines } = make(3);
    breaker.failure(timeout(), false);
    breaker.failure(timeout(), false);
    breaker.success(false);
    breaker.failure(timeout(), false);
    breaker.failure(timeout(), false);
    expect(breaker.status().state).toBe("closed");
    breaker.failure(timeout(), false);
    expect(breaker.status().state).toBe("open");
    expect(lines).toHaveLength(1);
    expect(lines[0]?.msg).toMatch(/^LLM 连续 3 次超时或连不上，暂停 1 分钟/);
  });

  it("a message the LLM got wrong does not count", () => {
    const { breaker } = make(1);
    breaker.failure(new LlmExtractionError("invalid_output", "不合格"), false);
    expect(breaker.status().state).toBe("closed");
  });

  it("after the pause lets one probe through: failing the same way stays quiet, success resumes with one line", () => {
    const { breaker, lines, advance } = make();
    breaker.failure(badKey(), false);
    advance(60_000);
    expect(breaker.status().state).toBe("half_open");
    const probe = breaker.admit();
    expect(probe).toEqual({ ok: true, probe: true });
    expect(breaker.admit().ok).toBe(false); // one probe at a time
    breaker.failure(badKey(), true);
    expect(breaker.status().state).toBe("open");
    expect(lines).toHaveLength(1); // same reason: not logged again
    advance(60_000);
    expect(breaker.admit()).toEqual({ ok: true, probe: true });
    breaker.success(true);
    expect(breaker.status()).toMatchObject({ state: "closed", consecutiveFailures: 0 });
    expect(lines.at(-1)).toEqual({ level: "info", msg: "LLM qwen-plus 已恢复，重新用 LLM 提取" });
  });
});
