/**
 * Sign-in for the console: one office password (CONSOLE_PASSWORD or generated), the person signing in
 * named by their roster name (an inspector or admin: actions are recorded as theirs), a session cookie
 * (HttpOnly, SameSite=Strict, Secure unless on localhost), CSRF tokens bound to the session on every
 * state change, and a brake on password guessing.
 */
import csrf from "@fastify/csrf-protection";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Person } from "../../core/types.ts";
import { normalizeName } from "../../roster/roster-schema.ts";
import type { SecureCookieMode } from "./console-config.ts";
import type { ConsoleDeps } from "./console-context.ts";
import type { ConsoleSecrets } from "./console-secrets.ts";
import type { ConsoleSessions } from "./console-sessions.ts";
import { C } from "./console-texts.ts";

export const SESSION_COOKIE = "luzhang_session";
export const CSRF_COOKIE = "luzhang_csrf";
/** Header the pages send the CSRF token in (never a query parameter: those end up in logs). */
export const CSRF_HEADER = "x-csrf-token";
const COOKIE_PATH = "/console";

/** Failed sign-ins per client address before a pause (OWASP: throttle, do not lock accounts forever). */
const MAX_FAILURES = 10;
const FAILURE_WINDOW_MS = 15 * 60_000;

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[?::1\]?)$/i;

/** Whether cookies for this request carry Secure. */
export function secureCookies(req: FastifyRequest, mode: SecureCookieMode): boolean {
  if (mode === "always") return true;
  if (mode === "never") return false;
  return !LOOPBACK.test(req.hostname);
}

/** People who may sign in: inspectors (督查员) and admins of the roster. */
export function mayUseConsole(p: Person): boolean {
  return p.roles.includes("inspector") || p.roles.includes("admin");
}

const loginBody = z.object({ name: z.string().trim().min(1).max(50), password: z.string().min(1).max(200) });

/** Counts failures per address in memory (one process; a restart forgets, which is acceptable). */
class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  blocked(ip: string, now: number): number {
    const recent = (this.failures.get(ip) ?? []).filter((t) => now - t < FAILURE_WINDOW_MS);
    this.failures.set(ip, recent);
    if (recent.length < MAX_FAILURES) return 0;
    return Math.ceil(((recent[0] ?? now) + FAILURE_WINDOW_MS - now) / 60_000);
  }
  fail(ip: string, now: number) {
    this.failures.set(ip, [...(this.failures.get(ip) ?? []), now]);
  }
  clear(ip: string) {
    this.failures.delete(ip);
  }
}

/**
 * Registers CSRF protection, the session hook (every route but sign-in and static assets needs a
 * session) and the sign-in, sign-out and session routes, in the console's own encapsulated context.
 */
export async function registerAuth(
  app: FastifyInstance,
  opts: { deps: ConsoleDeps; secrets: ConsoleSecrets; sessions: ConsoleSessions },
): Promise<void> {
  const { deps, secrets, sessions } = opts;
  const mode = deps.config.console.secureCookie;
  const throttle = new LoginThrottle();

  await app.register(csrf, {
    sessionPlugin: "@fastify/cookie",
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: COOKIE_PATH, sameSite: "strict", httpOnly: true, signed: true },
    // Tokens are bound to the session: a token from before sign-in (or another session) is refused.
    getUserInfo: (req: FastifyRequest) => req.consoleUser?.sessionId ?? "anonymous",
    csrfOpts: { hmacKey: secrets.sessionSecret },
    getToken: (req: FastifyRequest) => {
      const v = req.headers[CSRF_HEADER];
      return typeof v === "string" ? v : "";
    },
  });

  const csrfToken = (req: FastifyRequest, reply: FastifyReply) =>
    reply.generateCsrf({
      userInfo: req.consoleUser?.sessionId ?? "anonymous",
      path: COOKIE_PATH,
      sameSite: "strict",
      httpOnly: true,
      signed: true,
      secure: secureCookies(req, mode),
    });

  app.decorateRequest("consoleUser", null);
  app.addHook("onRequest", async (req, reply) => {
    req.consoleUser = null;
    const raw = req.cookies[SESSION_COOKIE];
    if (raw) {
      const unsigned = req.unsignCookie(raw);
      if (unsigned.valid && unsigned.value) req.consoleUser = await sessions.lookup(unsigned.value);
    }
    const url = req.url.split("?")[0] ?? "";
    const open =
      url.startsWith(`${COOKIE_PATH}/assets/`) ||
      url === `${COOKIE_PATH}/login` ||
      url.startsWith(`${COOKIE_PATH}/api/login`);
    if (!req.consoleUser && !open) {
      if (
        url.startsWith(`${COOKIE_PATH}/api/`) ||
        url.startsWith(`${COOKIE_PATH}/export/`) ||
        req.method !== "GET"
      ) {
        return reply.code(401).send({ ok: false, error: C.loginRequired });
      }
      // Back to the page after sign-in (login.js only follows paths inside the console).
      return reply.redirect(`${COOKIE_PATH}/login?next=${encodeURIComponent(req.url)}`);
    }
  });
  // Every state change carries the token of its session (after the session hook: it needs the user).
  app.addHook("onRequest", (req, reply, done) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return done();
    app.csrfProtection(req, reply, done);
  });

  app.get("/api/login", async (req, reply) => ({ csrfToken: csrfToken(req, reply) }));

  app.post("/api/login", async (req, reply) => {
    const ip = req.ip;
    const now = Date.now();
    const wait = throttle.blocked(ip, now);
    if (wait > 0) return reply.code(429).send({ ok: false, error: C.loginThrottled(wait) });
    const body = loginBody.safeParse(req.body);
    if (!body.success) return reply.code(400).send({ ok: false, error: C.loginFailed });
    // The password is checked first and always, so a wrong name costs as long as a wrong password.
    const passwordOk = await secrets.verifyPassword(body.data.password);
    const roster = deps.roster();
    // Roster names are stored normalized (spaces, full-width spaces): compare the typed name the same way.
    const name = normalizeName(body.data.name);
    const candidates = [...roster.people.values()].filter((p) => p.name === name && mayUseConsole(p));
    const person = candidates.length === 1 ? candidates[0] : undefined;
    if (!passwordOk || !person) {
      throttle.fail(ip, now);
      deps.log.warn({ ip, name: name.slice(0, 50) }, "console sign-in refused");
      // Only with the office password right does the answer say what is wrong with the name: whoever
      // holds it is office staff, who need to know how to get in; a guesser learns nothing.
      const error = !passwordOk
        ? C.loginFailed
        : candidates.length > 1
          ? C.loginNameAmbiguous(name, candidates.length)
          : C.loginNotOnRoster(name);
      return reply.code(401).send({ ok: false, error });
    }
    throttle.clear(ip);
    const token = await sessions.create(person);
    const secure = secureCookies(req, mode);
    reply.setCookie(SESSION_COOKIE, token, {
      path: COOKIE_PATH,
      httpOnly: true,
      sameSite: "strict",
      secure,
      signed: true,
    });
    // A fresh CSRF secret for the new session: nothing from before sign-in carries over.
    reply.clearCookie(CSRF_COOKIE, { path: COOKIE_PATH });
    deps.log.info({ personId: person.id }, "console sign-in");
    return { ok: true, name: person.name };
  });

  app.post("/api/logout", async (req, reply) => {
    const raw = req.cookies[SESSION_COOKIE];
    const unsigned = raw ? req.unsignCookie(raw) : null;
    if (unsigned?.valid && unsigned.value) await sessions.destroy(unsigned.value);
    reply.clearCookie(SESSION_COOKIE, { path: COOKIE_PATH });
    reply.clearCookie(CSRF_COOKIE, { path: COOKIE_PATH });
    return { ok: true };
  });

  app.get("/api/session", async (req, reply) => {
    const user = req.consoleUser;
    if (!user) return reply.code(401).send({ ok: false, error: C.loginRequired });
    const person = deps.roster().people.get(user.personId);
    return {
      name: user.name,
      title: person?.title ?? "",
      canAct: Boolean(person && mayUseConsole(person)),
      csrfToken: csrfToken(req, reply),
      simulator: deps.config.simulator,
      timeZone: deps.config.timeZone,
    };
  });
}
