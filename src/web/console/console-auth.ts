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
import { LoginGuard } from "./login-guard.ts";

export const SESSION_COOKIE = "luzhang_session";
export const CSRF_COOKIE = "luzhang_csrf";
/** Header the pages send the CSRF token in (never a query parameter: those end up in logs). */
export const CSRF_HEADER = "x-csrf-token";
const COOKIE_PATH = "/console";

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[?::1\]?)$/i;

/** Whether cookies for this request carry Secure. */
export function secureCookies(req: FastifyRequest, mode: SecureCookieMode): boolean {
  if (mode === "always") return true;
  if (mode === "never") return false;
  return !LOOPBACK.test(req.hostname);
}

/** Whether the database (not a cached roster) still gives this person inspector or admin rights. */
export function staffInDatabase(deps: Pick<ConsoleDeps, "sql">, personId: string): boolean {
  const row = deps.sql.get<{ roles: string }>('SELECT roles FROM "Person" WHERE id = ?', personId);
  return Boolean(row && (row.roles.includes('"inspector"') || row.roles.includes('"admin"')));
}

/** People who may sign in: inspectors (督查员) and admins of the roster. */
export function mayUseConsole(p: Person): boolean {
  return p.roles.includes("inspector") || p.roles.includes("admin");
}

const loginBody = z.object({ name: z.string().trim().min(1).max(50), password: z.string().min(1).max(200) });

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
  const guard = new LoginGuard();

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
      if (unsigned.valid && unsigned.value) {
        const user = await sessions.lookup(unsigned.value);
        // Rights are read from the database on every request: a revoked inspector's session ends here.
        if (user && !staffInDatabase(deps, user.personId)) {
          await sessions.destroyPerson(user.personId);
          deps.log.info({ personId: user.personId }, "console session ended: no longer inspector or admin");
        } else req.consoleUser = user;
      }
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
    const body = loginBody.safeParse(req.body);
    if (!body.success) return reply.code(400).send({ ok: false, error: C.loginFailed });
    // Roster names are stored normalized (spaces, full-width spaces): compare the typed name the same way.
    const name = normalizeName(body.data.name);
    // Recorded before anything is awaited: a burst of guesses counts in full.
    const attempt = guard.begin(ip, name);
    if (!attempt.ok) {
      deps.log.warn({ ip, reason: attempt.reason }, "console sign-in throttled");
      const error = attempt.reason === "busy" ? C.loginBusy : C.loginThrottled(attempt.waitMinutes);
      return reply.code(429).send({ ok: false, error });
    }
    // The password is checked first and always, so a wrong name costs as long as a wrong password.
    const free = await guard.slot();
    const passwordOk = await secrets.verifyPassword(body.data.password).finally(free);
    const roster = deps.roster();
    const candidates = [...roster.people.values()].filter(
      (p) => p.name === name && mayUseConsole(p) && staffInDatabase(deps, p.id),
    );
    const person = candidates.length === 1 ? candidates[0] : undefined;
    attempt.finish(Boolean(passwordOk && person));
    if (!passwordOk || !person) {
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
