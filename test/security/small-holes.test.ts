/**
 * Issue 13 §13: LLM error bodies that echo the key, control and bidi characters in inbound text, a
 * signed Lark body that decrypts to null, stale Lark timestamps, and formula-looking export cells.
 * (The simulator page's CSP and frame protection are checked in simulator-exposure.test.ts.)
 */
import { randomBytes } from "node:crypto";
import Fastify from "fastify";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { larkSignature, registerLarkWebhook } from "../../bots/lark/lark-webhook.ts";
import { loadTaxonomy } from "../../src/app/taxonomy-load.ts";
import { createExtractor } from "../../src/extraction/create-extractor.ts";
import { loadRosterIndex } from "../../src/store/roster-repo.ts";
import { neutralizeCell } from "../../src/web/console/cell-safety.ts";
import { llmSettings } from "../extraction/llm-fixtures.ts";
import { larkEncrypt } from "../fakes/lark-fake-events.ts";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("LLM errors", () => {
  it("keep a code and a scrubbed message: a provider echoing the key leaks nothing", async () => {
    t = await startTestApp();
    const key = `sk-live-${randomBytes(16).toString("hex")}`;
    // A provider that answers 401 with the key it was sent in the body.
    const fetch = (async (_url: unknown, init?: { headers?: Record<string, string> }) => {
      const auth = new Headers(init?.headers).get("authorization") ?? "";
      return new Response(
        JSON.stringify({ error: { message: `Incorrect API key provided: ${auth.slice(7)} (${auth})` } }),
        {
          status: 401,
          headers: { "content-type": "application/json" },
        },
      );
    }) as typeof globalThis.fetch;
    const lines: string[] = [];
    const log = pino({ level: "warn" }, { write: (l: string) => void lines.push(l) });
    const extractor = await createExtractor({
      roster: await loadRosterIndex(t.app.prisma),
      taxonomy: loadTaxonomy(),
      llm: llmSettings("http://127.0.0.1:9/v1", { text: { model: "m", readApiKey: () => key } }),
      log,
      fetch,
    });
    const result = await extractor.extract({ text: "商都大道与文明路交叉口垃圾桶满了", imageCount: 0 });
    expect(result.reason).toMatch(/接口报错：HTTP 401/);
    expect(result.reason).not.toContain(key);
    expect(result.reason).not.toContain(key.slice(8));
    const logged = lines.join("\n");
    expect(logged).toContain('"code":"http"');
    expect(logged).not.toContain(key.slice(8));
  });
});

/** NUL, ESC, RIGHT-TO-LEFT OVERRIDE. */
const FORBIDDEN = ["\u0000", "\u001b", "\u202e"];
const clean = (text: string) => FORBIDDEN.every((c) => !text.includes(c));

describe("inbound text", () => {
  it("drops NUL, ESC and bidi controls before storing and echoing", async () => {
    t = await startTestApp();
    await t.say("黄卫东", "商都大道与文明路交叉口\u0000往西50米\u001b[31m垃圾桶满了\u202egpj.exe");
    const stored = await t.app.prisma.inboxMessage.findFirstOrThrow();
    const text = (JSON.parse(stored.raw) as { text: string }).text;
    expect(clean(text)).toBe(true);
    expect(text).toContain("往西50米[31m垃圾桶满了gpj.exe");
    for (const m of await t.botMessages()) expect(clean(m.text)).toBe(true);
    const event = await t.app.prisma.caseEvent.findFirstOrThrow({ where: { type: "reported" } });
    expect(clean(event.data)).toBe(true);
    expect(event.data).not.toMatch(/\\u0000|\\u001b/);
  });
});

describe("Lark webhook", () => {
  const encryptKey = "test-encrypt-key";
  async function server(now = Date.now()) {
    const app = Fastify();
    const seen: unknown[] = [];
    registerLarkWebhook(app, {
      path: "/lark/events",
      encryptKey,
      verificationToken: null,
      dispatcher: { invoke: async (d) => void seen.push(d) },
      log: pino({ level: "silent" }),
      now: () => now,
    });
    await app.ready();
    return { app, seen };
  }
  const post = (app: Awaited<ReturnType<typeof server>>["app"], plain: string, timestampSec: number) => {
    const body = JSON.stringify({ encrypt: larkEncrypt(plain, encryptKey) });
    const timestamp = String(timestampSec);
    const nonce = randomBytes(8).toString("hex");
    return app.inject({
      method: "POST",
      url: "/lark/events",
      headers: {
        "content-type": "application/json",
        "x-lark-request-timestamp": timestamp,
        "x-lark-request-nonce": nonce,
        "x-lark-signature": larkSignature(timestamp, nonce, encryptKey, body),
      },
      payload: body,
    });
  };

  it("answers a signed body that decrypts to null with 400, no internals", async () => {
    const { app, seen } = await server();
    for (const plain of ["null", "42", "[]"]) {
      const res = await post(app, plain, Math.floor(Date.now() / 1000));
      expect(res.statusCode, plain).toBe(400);
      expect(res.body).not.toMatch(/Cannot read|TypeError|stack/);
    }
    expect(seen).toHaveLength(0);
  });

  it("refuses a signed request whose timestamp is days old (or far ahead), accepts a fresh one", async () => {
    const now = Date.now();
    const { app, seen } = await server(now);
    const event = JSON.stringify({
      schema: "2.0",
      header: { event_id: "e1", event_type: "im.message.receive_v1" },
      event: {},
    });
    expect((await post(app, event, Math.floor(now / 1000) - 3 * 86_400)).statusCode).toBe(401);
    expect((await post(app, event, Math.floor(now / 1000) + 2 * 3_600)).statusCode).toBe(401);
    expect(seen).toHaveLength(0);
    expect((await post(app, event, Math.floor(now / 1000) - 60)).statusCode).toBe(200);
    expect(seen).toHaveLength(1);
  });
});

describe("Excel exports", () => {
  it("neutralise cells that a spreadsheet would read as a formula", async () => {
    for (const v of ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"])
      expect(neutralizeCell(v)).toBe(`'${v}`);
    expect(neutralizeCell("商都大道垃圾桶满了")).toBe("商都大道垃圾桶满了");
    expect(neutralizeCell(42)).toBe(42);
    // Through the real export: a report whose summary starts with "=".
    t = await startTestApp({ env: { CONSOLE_PASSWORD: "correct-horse-battery" } });
    await t.say("黄卫东", '=HYPERLINK("http://evil") 商都大道与文明路交叉口往西50米垃圾桶满了');
    const { signIn } = await import("../console/console-harness.ts");
    const { client } = await signIn(t);
    const res = await client.get("/console/export/cases.xlsx");
    expect(res.statusCode).toBe(200);
    const ExcelJS = (await import("exceljs")).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const cells: string[] = [];
    wb.worksheets[0]?.eachRow((row) => row.eachCell((c) => void cells.push(String(c.value ?? ""))));
    expect(cells.some((c) => c.includes("HYPERLINK"))).toBe(true);
    for (const c of cells) expect(c).not.toMatch(/^[=+@]/);
  });
});
