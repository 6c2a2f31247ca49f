/**
 * The 精细办 web console under /console: pages (plain HTML and ES modules from ./public, no build
 * step), its JSON API and exports, all in one encapsulated fastify context with its own security
 * headers (helmet, a strict CSP: no inline script or style), cookies, sessions and CSRF checks.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import cookie from "@fastify/cookie";
import helmet from "@fastify/helmet";
import fastifyStatic from "@fastify/static";
import type { FastifyError, FastifyInstance } from "fastify";
import { projectPath } from "../../project-root.ts";
import { STRICT_CSP_DIRECTIVES } from "../exposure.ts";
import { registerBindingRoutes } from "./binding-routes.ts";
import { registerCalendarRoutes } from "./calendar-routes.ts";
import { CaseLightCache } from "./case-lights.ts";
import { registerCaseRoutes } from "./case-routes.ts";
import { registerAuth } from "./console-auth.ts";
import type { ConsoleContext, ConsoleDeps } from "./console-context.ts";
import { loadConsoleSecrets } from "./console-secrets.ts";
import { ConsoleSessions } from "./console-sessions.ts";
import { C } from "./console-texts.ts";
import { registerReportRoutes } from "./report-routes.ts";
import { registerRosterRoutes } from "./roster-routes.ts";
import { registerStatusRoutes } from "./status-routes.ts";

export type { ConsoleDeps } from "./console-context.ts";

const PUBLIC_DIR = projectPath("src/web/console/public");
/** ECharts' prebuilt bundle, served as a file (there is no CDN on an intranet). */
const ECHARTS_DIR = path.dirname(createRequire(import.meta.url).resolve("echarts/dist/echarts.min.js"));

/** Setting key: the work calendar the cached case lights were computed with. */
const LIGHT_CALENDAR_KEY = "console.lightCalendar";

/** Page path under /console → its HTML file. */
const PAGES: Record<string, string> = {
  "/": "cases.html",
  "/case": "case.html",
  "/map": "map.html",
  "/rankings": "rankings.html",
  "/roster": "roster.html",
  "/notice": "notice.html",
  "/calendar": "calendar.html",
  "/login": "login.html",
};

/** Directives of the Content-Security-Policy: only this origin, nothing inline, no frames. */
export const CSP_DIRECTIVES = STRICT_CSP_DIRECTIVES;

/**
 * Registers the console on the app's server. Without SIMULATOR the bare `/` leads to the console
 * (with it, `/` is the demo chat simulator).
 */
export async function registerConsole(server: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  const secrets = await loadConsoleSecrets({
    prisma: deps.prisma,
    config: deps.config.console,
    log: deps.log,
  });
  const sessions = new ConsoleSessions({
    sql: deps.sql,
    transaction: deps.transaction,
    clock: deps.clock,
    idleHours: deps.config.console.sessionHours,
  });
  const lights = new CaseLightCache({
    sql: deps.sql,
    transaction: deps.transaction,
    calendar: deps.calendar,
  });
  const ctx: ConsoleContext = { deps, lights };
  const pageCache = new Map<string, string>();

  await server.register(
    async (app) => {
      // Security headers on every console response (this context only: other pages keep theirs).
      await app.register(helmet, {
        contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
        global: true,
      });
      await app.register(cookie, { secret: secrets.sessionSecret });
      app.setErrorHandler((error: FastifyError, req, reply) => {
        if (error.code?.startsWith("FST_CSRF")) {
          req.log.warn({ url: req.url }, "console request with a missing or wrong CSRF token");
          return reply.code(403).send({ ok: false, error: C.csrfFailed });
        }
        const status = error.statusCode ?? 500;
        if (status >= 500) {
          deps.log.error({ err: error, url: req.url }, "console request failed");
          return reply.code(500).send({ ok: false, error: C.internalError });
        }
        return reply.code(status).send({ ok: false, error: C.badRequest });
      });
      await registerAuth(app, { deps, secrets, sessions });

      await app.register(fastifyStatic, {
        root: PUBLIC_DIR,
        prefix: "/assets/",
        decorateReply: false,
        index: false,
      });
      await app.register(fastifyStatic, {
        root: ECHARTS_DIR,
        prefix: "/assets/vendor/",
        decorateReply: false,
        index: false,
        allowedPath: (p) => p === "/echarts.min.js",
      });

      for (const [route, file] of Object.entries(PAGES)) {
        app.get(route, async (_req, reply) => {
          let html = pageCache.get(file);
          if (html === undefined) {
            html = await readFile(path.join(PUBLIC_DIR, file), "utf8");
            pageCache.set(file, html);
          }
          return reply.type("text/html; charset=utf-8").header("cache-control", "no-store").send(html);
        });
      }

      registerCaseRoutes(app, ctx);
      registerReportRoutes(app, ctx);
      registerStatusRoutes(app, ctx);
      await registerRosterRoutes(app, ctx);
      registerCalendarRoutes(app, ctx);
      registerBindingRoutes(app, ctx);
    },
    { prefix: "/console" },
  );

  if (!deps.config.simulator) server.get("/", async (_req, reply) => reply.redirect("/console/"));
  // Cached yellow instants depend on the work calendar: a changed calendar makes them all stale.
  const { timeZone, workHours, holidaysOverride, workdaysOverride } = deps.config;
  const fingerprint = JSON.stringify({ timeZone, workHours, holidaysOverride, workdaysOverride });
  const stored = await deps.prisma.setting.findUnique({ where: { key: LIGHT_CALENDAR_KEY } });
  if (await lights.forgetIfCalendarChanged(fingerprint, stored?.value ?? null)) {
    deps.log.info("工作日历配置已变化，重新计算案件灯色");
  }
  await deps.prisma.setting.upsert({
    where: { key: LIGHT_CALENDAR_KEY },
    create: { key: LIGHT_CALENDAR_KEY, value: fingerprint },
    update: { value: fingerprint },
  });
  // Lights of existing cases are computed once in the background; later calls only do what changed.
  lights.refresh().catch((err: unknown) => deps.log.error({ err }, "computing case lights failed"));
}
