/**
 * The service's state for the office: how reports are understood now (the LLM, paused or not, and
 * why, scrubbed of secrets, with what to change), shown on the cases page.
 */
import type { FastifyInstance } from "fastify";
import type { ConsoleContext } from "./console-context.ts";

/** Registers GET /console/api/status. */
export function registerStatusRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  app.get("/api/status", async () => ({ llm: ctx.deps.llmStatus?.() ?? null }));
}
