/**
 * Chat senders known by name only (a WeChat group nickname that equals a roster name, from a WeChat
 * account the roster does not list): they act as plain reporters until console staff confirm, once,
 * that this sender is that person. The decision is kept in SenderBinding; a confirmed binding is an
 * identity from then on (RosterIndex.personByBinding). Nobody confirms a binding to themselves.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { toDbDate } from "../../store/sql.ts";
import { badRequest, type ConsoleContext, userOf } from "./console-context.ts";
import { C } from "./console-texts.ts";

const decision = z.object({
  senderKey: z.string().min(1).max(200),
  decision: z.enum(["confirm", "reject"]),
});

/** Registers GET /api/roster/bindings and POST /api/roster/bindings under the console prefix. */
export function registerBindingRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const { deps } = ctx;

  app.get("/api/roster/bindings", async () => {
    const rows = await deps.prisma.senderBinding.findMany({
      where: { status: "pending" },
      orderBy: { firstSeenAt: "asc" },
      take: 200,
    });
    const people = deps.roster().people;
    return {
      pending: rows.map((r) => ({
        senderKey: r.senderKey,
        senderName: r.senderName,
        chatId: r.chatId,
        firstSeenAt: r.firstSeenAt.toISOString(),
        personId: r.personId,
        personName: people.get(r.personId)?.name ?? r.personId,
        personTitle: people.get(r.personId)?.title ?? "",
      })),
    };
  });

  app.post("/api/roster/bindings", async (req, reply) => {
    const body = decision.safeParse(req.body);
    if (!body.success) return badRequest(reply);
    const user = userOf(req);
    const row = await deps.prisma.senderBinding.findUnique({ where: { senderKey: body.data.senderKey } });
    if (row?.status !== "pending") return reply.code(404).send({ ok: false, error: C.bindingNotFound });
    if (row.personId === user.personId) return reply.code(403).send({ ok: false, error: C.bindingSelf });
    const status = body.data.decision === "confirm" ? "confirmed" : "rejected";
    await deps.transaction(async () => {
      deps.sql.run(
        "UPDATE \"SenderBinding\" SET status = ?, decidedBy = ?, decidedAt = ? WHERE senderKey = ? AND status = 'pending'",
        status,
        user.personId,
        toDbDate(deps.clock.now()),
        row.senderKey,
      );
    });
    await deps.reloadRoster();
    deps.log.info(
      { senderKey: row.senderKey, personId: row.personId, status, by: user.personId },
      "sender binding decided",
    );
    return { ok: true, message: status === "confirmed" ? C.bindingConfirmed : C.bindingRejected };
  });
}
