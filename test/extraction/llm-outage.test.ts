/**
 * An LLM outage through the whole service: reports queued while the LLM hangs are all answered
 * within one timeout plus a few seconds (not one timeout after another), the breaker pauses the
 * LLM, and /healthz shows its state and last error without secrets.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeChatServer, startFakeChatServer } from "../fakes/fake-chat-completions.ts";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { extractionJson } from "./extraction-fixtures.ts";

let llm: FakeChatServer;
let t: TestApp | undefined;

beforeAll(async () => {
  llm = await startFakeChatServer();
});
afterAll(async () => {
  await llm?.close();
});
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const TIMEOUT_MS = 1_500;
/** Processing ten reports on the rules, storing and answering them, on a busy 2-core machine. */
const SLACK_MS = 2_000;

const REPORTS = [
  "商都大道民康路口垃圾桶满了",
  "恒安路文明路口有人摆摊",
  "商都大道民康路口东北角井盖没了",
  "文明路上路灯不亮",
  "商都大道民康路口往东50米电动车乱停",
  "恒安路文明路口垃圾桶满了",
  "商都大道民康路口有人乱扔垃圾",
  "恒安路文明路口往西30米路面坑洼",
  "商都大道民康路口共享单车乱停",
  "恒安路文明路口广告牌破了",
];

describe("LLM outage", () => {
  it("10 queued reports are all answered within one timeout plus a few seconds; /healthz shows the pause", async () => {
    const good = JSON.stringify(extractionJson({ problems: [{ category: "06042", summary: "垃圾桶满溢" }] }));
    llm.script({ delayMs: 60_000, reply: { content: good } }); // the LLM hangs
    t = await startTestApp({
      env: {
        LLM_BASE_URL: llm.url,
        LLM_MODEL: "fake-chat",
        LLM_API_KEY: "sk-outage-secret",
        LLM_TIMEOUT_MS: String(TIMEOUT_MS),
        LLM_CHECK_AT_START: "false",
      },
    });
    const app = t.app;
    const started = Date.now();
    const people = [...app.roster().people.values()];
    await Promise.all(
      REPORTS.map((text, i) =>
        app.ingest({
          channel: "sim",
          chatId: "sim:demo",
          messageId: `outage-${i}`,
          sender: {
            key: `sim:${people[i % people.length]?.id}`,
            name: people[i % people.length]?.name ?? "",
          },
          text: `@路长通 ${text}`,
          mentionsBot: true,
          mentions: [],
          images: [],
          sentAt: t?.clock.now() ?? new Date(),
        }),
      ),
    );
    await app.inbox.idle();
    await app.outbox.drain();
    const elapsed = Date.now() - started;
    // One after another this would take at least 10 × 1.5 s.
    expect(elapsed).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    const rows = await app.prisma.inboxMessage.findMany({
      where: { platformMessageId: { startsWith: "outage-" } },
    });
    expect(rows.map((r) => r.status).sort()).toEqual(Array(10).fill("processed"));
    // Some reports are linked to an earlier case of the same kind and place (duplicates).
    const cases = await app.prisma.case.findMany();
    expect(cases.length).toBeGreaterThan(0);
    expect(cases.every((c) => c.extractor === "rules")).toBe(true);
    const answered = new Set((await t.botMessages()).map((m) => m.replyTo));
    for (let i = 0; i < 10; i++) expect(answered.has(`outage-${i}`)).toBe(true);
    // At most LLM_CONCURRENCY requests went out; the others gave up waiting at the same deadline.
    expect(llm.requests.length).toBeLessThanOrEqual(4);

    const health = await app.server.inject({ method: "GET", url: "/healthz" });
    const body = health.json() as {
      ok: boolean;
      llm: { text: { state: string; lastError: { message: string } } };
    };
    expect(body.ok).toBe(true);
    expect(body.llm.text.state).toBe("open");
    expect(body.llm.text.lastError.message).toContain(`超过 ${TIMEOUT_MS} ms 未返回`);
    expect(health.body).not.toContain("sk-outage-secret");

    // While paused, a new report is answered at once, without asking the LLM.
    const before = llm.requests.length;
    const t0 = Date.now();
    await t.say("张三", "商都大道民康路口垃圾桶又满了");
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(llm.requests.length).toBe(before);
  });
});
