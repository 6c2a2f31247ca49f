/**
 * GET /healthz for monitors: it reads the database (the inbox and outbox backlog), so a database that
 * cannot be read answers 503, and so does a backlog that has stopped moving. It also shows the LLM's
 * state (paused or not, the last error scrubbed of secrets).
 */
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { Clock } from "../core/types.ts";
import { readBacklog } from "../store/db-health.ts";
import type { Sql } from "../store/sql.ts";

/** An inbound message waiting longer than this means processing is stuck (an LLM call takes seconds). */
export const MAX_WAITING_SECONDS = 300;

export function registerHealthRoute(
  server: FastifyInstance,
  deps: { sql: Sql; clock: Clock; log: Logger; llmStatus?: () => unknown },
): void {
  server.get("/healthz", async (_req, reply) => {
    reply.header("cache-control", "no-store");
    try {
      const backlog = readBacklog(deps.sql, deps.clock.now());
      const stuck = backlog.inboxWaiting > 0 && backlog.oldestWaitingSeconds > MAX_WAITING_SECONDS;
      // The LLM's state (breaker, last error scrubbed of secrets) shows here and in the console.
      const llm = deps.llmStatus?.() ?? null;
      return reply.code(stuck ? 503 : 200).send({ ok: !stuck, database: "ok", backlog, llm });
    } catch (err) {
      // No internals in the answer: the log has them.
      deps.log.error({ err }, "health check could not read the database");
      return reply.code(503).send({ ok: false, database: "error" });
    }
  });
}
