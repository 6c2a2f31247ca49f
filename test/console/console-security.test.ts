/**
 * The console refuses what it must: no session, a wrong password or name, a missing, forged or
 * foreign CSRF token; sends strict security headers and cookie flags; generates a password once when
 * none is configured; and keeps the simulator closed outside demo mode.
 */
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { PASSWORD_HASH_KEY } from "../../src/web/console/console-secrets.ts";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { CONSOLE_PASSWORD, CookieJar, INSPECTOR, signIn } from "./console-harness.ts";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const start = (env: Record<string, string> = {}) => startTestApp({ env: { CONSOLE_PASSWORD, ...env } });

async function reportCase(app: TestApp): Promise<string> {
  await app.say("张三", "商都大道民康路口东北角垃圾桶满了");
  return (await app.app.prisma.case.findFirstOrThrow({ orderBy: { id: "desc" } })).number;
}

describe("console sign-in and sessions", () => {
  it("refuses every console route without a session", async () => {
    t = await start();
    const num = await reportCase(t);
    const s = t.app.server;
    for (const url of [
      "/console/api/cases",
      `/console/api/cases/${num}`,
      "/console/api/map",
      "/console/api/roster",
      "/console/export/cases.xlsx",
      "/console/api/rankings?from=2026-11-01&to=2026-11-30",
    ]) {
      const res = await s.inject({ method: "GET", url });
      expect(res.statusCode, url).toBe(401);
      expect(res.json()).toEqual({ ok: false, error: "请先登录" });
    }
    for (const url of [
      "/console/",
      "/console/case?n=x",
      "/console/map",
      "/console/rankings",
      "/console/roster",
      "/console/notice",
    ]) {
      const res = await s.inject({ method: "GET", url });
      expect(res.statusCode, url).toBe(302);
      expect(res.headers.location).toBe(`/console/login?next=${encodeURIComponent(url)}`);
    }
    const post = await s.inject({
      method: "POST",
      url: `/console/api/cases/${num}/actions`,
      payload: { action: "void", reason: "x", requestId: "abcdefgh1234" },
    });
    expect(post.statusCode).toBe(401);
    // A made-up session cookie is no session.
    const forged = await s.inject({
      method: "GET",
      url: "/console/api/cases",
      headers: { cookie: "luzhang_session=abc.def" },
    });
    expect(forged.statusCode).toBe(401);
    // The sign-in page and the static assets are open.
    expect((await s.inject({ method: "GET", url: "/console/login" })).statusCode).toBe(200);
    expect((await s.inject({ method: "GET", url: "/console/assets/js/common.js" })).statusCode).toBe(200);
  });

  it("refuses a wrong password, an unknown name and a chief who is not an inspector", async () => {
    t = await start();
    for (const [name, password, error] of [
      [INSPECTOR, "not-the-password", "姓名或密码不正确"],
      [
        "不存在的人",
        CONSOLE_PASSWORD,
        "名册中没有名为“不存在的人”的督查员或管理员：请检查姓名，或请管理员在名册的“督查员”或“管理员”表中添加此人",
      ],
      [
        "黄卫东", // a 三级路长, not 精细办
        CONSOLE_PASSWORD,
        "名册中没有名为“黄卫东”的督查员或管理员：请检查姓名，或请管理员在名册的“督查员”或“管理员”表中添加此人",
      ],
    ] as const) {
      const { login, client } = await signIn(t, name, password);
      expect(login.statusCode, name).toBe(401);
      expect(login.json()).toEqual({ ok: false, error });
      expect(client.jar.has("luzhang_session")).toBe(false);
      expect((await client.get("/console/api/session")).statusCode).toBe(401);
    }
    // Typed with a space (or a full-width one) in the middle: the roster keeps names without.
    const spaced = await signIn(t, `${INSPECTOR.slice(0, 1)}\u3000${INSPECTOR.slice(1)}`);
    expect(spaced.login.statusCode).toBe(200);
    const { login } = await signIn(t);
    expect(login.statusCode).toBe(200);
    expect(await t.app.prisma.consoleSession.count()).toBe(2);
  });

  it("slows down password guessing from one address", async () => {
    t = await start();
    for (let i = 0; i < 10; i++)
      expect((await signIn(t, INSPECTOR, `guess-${i}`)).login.statusCode).toBe(401);
    const { login } = await signIn(t);
    expect(login.statusCode).toBe(429);
    expect(login.json().error).toMatch(/登录失败次数过多/);
  });

  it("ends the session on sign-out and after the idle time", async () => {
    t = await start({ CONSOLE_SESSION_HOURS: "1" });
    const { client } = await signIn(t);
    expect((await client.get("/console/api/cases")).statusCode).toBe(200);
    t.clock.advance(61 * 60_000);
    expect((await client.get("/console/api/cases")).statusCode).toBe(401);

    const second = (await signIn(t)).client;
    expect((await second.post("/console/api/logout")).statusCode).toBe(200);
    expect((await second.get("/console/api/cases")).statusCode).toBe(401);
  });

  it("stores only a hash of the session token", async () => {
    t = await start();
    const { login } = await signIn(t);
    const cookie = login.cookies.find((c) => c.name === "luzhang_session");
    const token = cookie?.value.split(".")[0] ?? "";
    expect(token.length).toBeGreaterThan(30);
    const rows = await t.app.prisma.consoleSession.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.id).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]?.id).not.toContain(token);
  });
});

describe("CSRF protection on every state change", () => {
  it("refuses sign-in without a token or with a forged one", async () => {
    t = await start();
    const s = t.app.server;
    const jar = new CookieJar();
    jar.take(await s.inject({ method: "GET", url: "/console/api/login" }));
    const payload = { name: INSPECTOR, password: CONSOLE_PASSWORD };
    const missing = await s.inject({
      method: "POST",
      url: "/console/api/login",
      headers: { cookie: jar.header() },
      payload,
    });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().error).toMatch(/安全校验失败/);
    const forged = await s.inject({
      method: "POST",
      url: "/console/api/login",
      headers: { cookie: jar.header(), "x-csrf-token": "forged-token" },
      payload,
    });
    expect(forged.statusCode).toBe(403);
    // A token without its secret cookie (another browser's) does not work either.
    const pre = await s.inject({ method: "GET", url: "/console/api/login" });
    const noCookie = await s.inject({
      method: "POST",
      url: "/console/api/login",
      headers: { "x-csrf-token": pre.json().csrfToken },
      payload,
    });
    expect(noCookie.statusCode).toBe(403);
    expect(missing.cookies.some((c) => c.name === "luzhang_session")).toBe(false);
  });

  it("refuses a case action without a token, with a forged one, or with another session's", async () => {
    t = await start();
    const num = await reportCase(t);
    const { client } = await signIn(t);
    const other = (await signIn(t, "宋学军")).client;
    const body = { action: "void", reason: "测试", requestId: "req-0000-0001" };
    const url = `/console/api/cases/${num}/actions`;
    const tries = [
      await client.post(url, body, { "x-csrf-token": "" }),
      await client.post(url, body, { "x-csrf-token": "AAAA-forged-BBBB" }),
      await client.post(url, body, { "x-csrf-token": other.csrf }),
      // The form-field spelling is not read: only the header counts.
      await client.post(url, { ...body, _csrf: client.csrf }, { "x-csrf-token": "" }),
    ];
    for (const res of tries) {
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({
        ok: false,
        error: "安全校验失败（页面已过期或请求来源不明），请刷新页面后重试",
      });
    }
    expect((await t.app.prisma.case.findUniqueOrThrow({ where: { number: num } })).state).toBe("dispatched");
    expect(await t.app.prisma.inboxMessage.count({ where: { channel: "console" } })).toBe(0);
    // With its own token the same request goes through.
    const ok = await client.post(url, body);
    expect(ok.statusCode).toBe(200);
    expect((await t.app.prisma.case.findUniqueOrThrow({ where: { number: num } })).state).toBe("voided");
  });

  it("refuses roster uploads and edits and sign-out without a token", async () => {
    t = await start();
    const { client } = await signIn(t);
    const edit = await client.post(
      "/console/api/roster/segments/SD-1",
      { street: "广惠街街道" },
      { "x-csrf-token": "" },
    );
    expect(edit.statusCode).toBe(403);
    const person = await client.post(
      "/console/api/roster/people/p_13907000006",
      { name: "改名" },
      { "x-csrf-token": "x" },
    );
    expect(person.statusCode).toBe(403);
    const upload = await client.post("/console/api/roster/upload", "--x--", {
      "x-csrf-token": "",
      "content-type": "multipart/form-data; boundary=x",
    });
    expect(upload.statusCode).toBe(403);
    expect((await client.post("/console/api/logout", undefined, { "x-csrf-token": "" })).statusCode).toBe(
      403,
    );
    expect(t.app.roster().segments.get("SD-1")?.street).toBe("东风路街道");
    expect((await client.get("/console/api/session")).statusCode).toBe(200);
  });
});

describe("security headers and cookies", () => {
  it("sends a strict CSP and the usual headers on pages and API", async () => {
    t = await start();
    const { client } = await signIn(t);
    for (const url of ["/console/", "/console/api/cases", "/console/login"]) {
      const res = await client.get(url);
      const csp = String(res.headers["content-security-policy"]);
      expect(csp, url).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).not.toContain("unsafe-eval");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["x-frame-options"]).toBe("SAMEORIGIN");
      expect(res.headers["referrer-policy"]).toBe("no-referrer");
    }
    const page = await client.get("/console/");
    expect(page.body).not.toMatch(/<script>(?!<\/script>)|<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page.headers["cache-control"]).toBe("no-store");
  });

  it("marks cookies HttpOnly and SameSite=Strict, and Secure unless on localhost", async () => {
    t = await start();
    const local = await signIn(t);
    const cookie = local.login.cookies.find((c) => c.name === "luzhang_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/console" });
    expect(cookie?.secure).toBeFalsy();

    const s = t.app.server;
    const host = { host: "luzhang.zhongmou.gov.cn" };
    const pre = await s.inject({ method: "GET", url: "/console/api/login", headers: host });
    expect(pre.cookies.find((c) => c.name === "luzhang_csrf")).toMatchObject({
      secure: true,
      httpOnly: true,
      sameSite: "Strict",
    });
    const login = await s.inject({
      method: "POST",
      url: "/console/api/login",
      headers: {
        ...host,
        cookie: pre.cookies.map((c) => `${c.name}=${c.value}`).join("; "),
        "x-csrf-token": pre.json().csrfToken,
      },
      payload: { name: INSPECTOR, password: CONSOLE_PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    expect(login.cookies.find((c) => c.name === "luzhang_session")).toMatchObject({
      secure: true,
      httpOnly: true,
      sameSite: "Strict",
    });
  });
});

describe("password and demo mode", () => {
  it("generates a password at first start, logs it once, keeps only its hash", async () => {
    const lines: string[] = [];
    const log = pino({ level: "info" }, { write: (line: string) => void lines.push(line) });
    const { createApp } = await import("../../src/app/create-app.ts");
    const { loadConfig } = await import("../../src/config.ts");
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "luzhang-console-pw-"));
    const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: "info" });
    const first = await createApp({ config, log, startOutbox: false });
    const said = lines.filter((l) => l.includes("初始密码"));
    expect(said).toHaveLength(1);
    const password = /初始密码：(\S+) /.exec(JSON.parse(said[0] ?? "{}").msg)?.[1] ?? "";
    expect(password).toMatch(/^[2-9a-zA-Z]{16}$/);
    const stored = await first.prisma.setting.findUniqueOrThrow({ where: { key: PASSWORD_HASH_KEY } });
    expect(stored.value).toMatch(/^scrypt\$/);
    expect(stored.value).not.toContain(password);
    await first.close();

    lines.length = 0;
    const second = await createApp({ config, log, startOutbox: false });
    expect(lines.filter((l) => l.includes("初始密码"))).toEqual([]);
    const fake = { app: second } as TestApp;
    expect((await signIn(fake, INSPECTOR, password)).login.statusCode).toBe(200);
    expect((await signIn(fake, INSPECTOR, `${password}x`)).login.statusCode).toBe(401);
    await second.close();
  });

  it("without SIMULATOR the simulator is closed and / leads to the console", async () => {
    t = await start({ SIMULATOR: "false" });
    const s = t.app.server;
    const root = await s.inject({ method: "GET", url: "/" });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe("/console/");
    expect((await s.inject({ method: "GET", url: "/api/sim/messages" })).statusCode).toBe(404);
    expect((await s.inject({ method: "GET", url: "/sim/app.js" })).statusCode).toBe(404);
    const { client } = await signIn(t);
    expect((await client.get("/console/api/session")).json().simulator).toBe(false);
  });
});
