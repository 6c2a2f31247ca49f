/** What the console's route files share: the app's services, the light cache, the signed-in user. */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "pino";
import type { CalendarService } from "../../calendar/calendar-service.ts";
import type { Config } from "../../config.ts";
import type { IngestFn } from "../../core/ports.ts";
import type { RosterIndex } from "../../core/roster-index.ts";
import type { TaxonomyIndex } from "../../core/taxonomy.ts";
import type { Clock, Person } from "../../core/types.ts";
import type { WorkCalendar } from "../../core/work-calendar.ts";
import type { LlmStatus } from "../../extraction/llm-runtime.ts";
import type { PrismaClient } from "../../store/generated/client.ts";
import type { Sql } from "../../store/sql.ts";
import type { CaseLightCache } from "./case-lights.ts";
import type { ConsoleUser } from "./console-sessions.ts";
import { C } from "./console-texts.ts";

/** The app's services the console uses (wired in src/app/create-app.ts). */
export interface ConsoleDeps {
  config: Config;
  prisma: PrismaClient;
  sql: Sql;
  /** The app's transaction gate on the shared connection; every console write goes through it. */
  transaction: <T>(work: () => Promise<T>) => Promise<T>;
  roster: () => RosterIndex;
  reloadRoster: () => Promise<void>;
  taxonomy: TaxonomyIndex;
  calendar: WorkCalendar;
  /** The work calendar's entered years and warning (the 工作日历 page, the banner). */
  calendars: CalendarService;
  clock: Clock;
  log: Logger;
  /** The inbox: console actions enter the case engine here, like chat messages. */
  ingest: IngestFn;
  /** The LLM's state (breaker, last error); absent or null without an LLM. */
  llmStatus?: () => LlmStatus | null;
}

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the console's session hook; null when not signed in. */
    consoleUser: ConsoleUser | null;
  }
}

export interface ConsoleContext {
  deps: ConsoleDeps;
  lights: CaseLightCache;
}

/** The signed-in user (the session hook has already refused requests without one). */
export function userOf(req: FastifyRequest): ConsoleUser {
  if (!req.consoleUser) throw new Error("console route reached without a session");
  return req.consoleUser;
}

/** The signed-in user's roster entry, or null when they are no longer on the roster. */
export function personOf(ctx: ConsoleContext, req: FastifyRequest): Person | null {
  return ctx.deps.roster().people.get(userOf(req).personId) ?? null;
}

/** Sends a 400 with the Chinese message. */
export function badRequest(reply: FastifyReply, message: string = C.badRequest) {
  return reply.code(400).send({ ok: false, error: message });
}
