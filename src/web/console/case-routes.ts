/** The console's case API: filter options, the list, one case, inspector actions, the case export. */
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { ALL_STATES, STATE_LABELS } from "../../core/case-lifecycle.ts";
import { LIGHT_LABELS } from "../../core/light.ts";
import { localParts } from "../../schedule/local-time.ts";
import { toDbDate } from "../../store/sql.ts";
import {
  type ActionOutcome,
  type ActionRequest,
  availableActions,
  CONSOLE_ACTION_NAMES,
  CONSOLE_ACTIONS,
  type ConsoleAction,
  priorOutcome,
  submitAction,
} from "./case-actions.ts";
import { caseByNumber, caseDetail } from "./case-detail.ts";
import { parseCaseQuery } from "./case-filters.ts";
import { listCases, whereOf } from "./case-query.ts";
import { badRequest, type ConsoleContext, personOf, userOf } from "./console-context.ts";
import { attachmentHeader, exportCases } from "./console-export.ts";
import { C } from "./console-texts.ts";

const CASE_NUMBER = /^[A-Za-z]{1,8}\d{8}-\d{3,6}$/;

const actionBody = z.object({
  action: z.enum(CONSOLE_ACTION_NAMES as [ConsoleAction, ...ConsoleAction[]]),
  reason: z.string().max(500).default(""),
  segmentId: z.string().max(100).default(""),
  personId: z.string().max(200).default(""),
  requestId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
});

function answer(reply: FastifyReply, outcome: ActionOutcome) {
  if (outcome.status === "pending")
    return reply.code(202).send({ ok: true, pending: true, message: C.actionPending });
  if (outcome.status === "refused")
    return reply.code(409).send({ ok: false, error: outcome.message || C.actionNotAllowed });
  return reply.send({ ok: true, message: outcome.message || C.actionDone });
}

/** Registers the case routes under the console prefix. */
export function registerCaseRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const { deps } = ctx;
  const viewContext = () => ({
    roster: deps.roster(),
    taxonomy: deps.taxonomy,
    calendar: deps.calendar,
    now: deps.clock.now(),
  });

  app.get("/api/meta", async () => {
    const roster = deps.roster();
    const segments = [...roster.segments.values()];
    return {
      states: ALL_STATES.map((s) => ({ value: s, label: STATE_LABELS[s] })),
      lights: (["red", "yellow", "green"] as const).map((l) => ({ value: l, label: LIGHT_LABELS[l] })),
      streets: [...new Set(segments.map((s) => s.street))].sort((a, b) => a.localeCompare(b, "zh-Hans-CN")),
      departments: [...roster.departments.values()].map((d) => ({ code: d.code, name: d.name })),
      categories: deps.taxonomy.items.map((i) => ({ code: i.code, name: i.name })),
      segments: segments.map((s) => ({
        id: s.id,
        label: `${s.roadName} ${s.from}至${s.to}段（${s.id}）`,
        street: s.street,
        chiefId: s.level3ChiefId,
        chief: s.level3ChiefId ? (roster.people.get(s.level3ChiefId)?.name ?? "") : "",
      })),
      people: [...roster.people.values()]
        .filter((p) => p.roles.length > 0)
        .map((p) => ({ id: p.id, name: p.name, title: p.title })),
      timeZone: deps.config.timeZone,
    };
  });

  app.get("/api/cases", async (req, reply) => {
    const parsed = parseCaseQuery(req.query, deps.config.timeZone);
    if (!parsed) return badRequest(reply);
    if (parsed.filters.light) await ctx.lights.refresh();
    const view = viewContext();
    return listCases(
      deps.sql,
      whereOf(parsed.filters, view.roster, view.now),
      parsed.page,
      parsed.size,
      view,
    );
  });

  app.get("/export/cases.xlsx", async (req, reply) => {
    const parsed = parseCaseQuery(req.query, deps.config.timeZone);
    if (!parsed) return badRequest(reply);
    if (parsed.filters.light) await ctx.lights.refresh();
    const view = viewContext();
    const stream = await exportCases(deps.sql, whereOf(parsed.filters, view.roster, view.now), {
      ...view,
      timeZone: deps.config.timeZone,
    });
    const day = localParts(view.now, deps.config.timeZone).date;
    deps.log.info({ by: userOf(req).personId, filters: req.query }, "cases exported from the console");
    return reply
      .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
      .header("content-disposition", attachmentHeader(`cases-${day}.xlsx`, `案件台账-${day}.xlsx`))
      .header("cache-control", "no-store")
      .send(stream);
  });

  app.get<{ Params: { number: string } }>("/api/cases/:number", async (req, reply) => {
    const num = req.params.number;
    const c = CASE_NUMBER.test(num) ? caseByNumber(deps.sql, num) : null;
    if (!c) return reply.code(404).send({ ok: false, error: C.caseNotFound(num.slice(0, 30)) });
    return caseDetail(c, { ...viewContext(), sql: deps.sql, person: personOf(ctx, req) });
  });

  app.post<{ Params: { number: string } }>("/api/cases/:number/actions", async (req, reply) => {
    const body = actionBody.safeParse(req.body);
    if (!body.success) return badRequest(reply);
    const num = req.params.number;
    const c = CASE_NUMBER.test(num) ? caseByNumber(deps.sql, num) : null;
    if (!c) return reply.code(404).send({ ok: false, error: C.caseNotFound(num.slice(0, 30)) });
    const person = personOf(ctx, req);
    const { action, reason, segmentId, personId, requestId } = body.data;
    const spec = CONSOLE_ACTIONS[action];
    const prior = priorOutcome(deps.sql, c, { action, requestId });
    if (prior) return answer(reply, prior);
    // Checked here with the engine's own rules, so a refusal is said to the inspector, not the group.
    if (!person || !availableActions(c, person, deps.roster()).some((a) => a.action === action)) {
      return reply.code(409).send({ ok: false, error: C.actionNotAllowed });
    }
    if (spec.input === "reason" && !reason.trim()) return badRequest(reply, C.reasonRequired);
    const target = [segmentId, personId]
      .map((s) => s.trim())
      .filter(Boolean)
      .join(" ");
    if (spec.input === "target" && !target) return badRequest(reply, C.targetRequired);
    const request: ActionRequest = { action, extra: spec.input === "target" ? target : reason, requestId };
    const outcome = await submitAction(
      { sql: deps.sql, ingest: deps.ingest, clock: deps.clock },
      c,
      person,
      request,
    );
    deps.log.info({ case: c.number, action, by: person.id, status: outcome.status }, "console action");
    return answer(reply, outcome);
  });

  // 整改通知单发放有档案: printing the notice is recorded on the case.
  app.post<{ Params: { number: string } }>("/api/cases/:number/notice", async (req, reply) => {
    const num = req.params.number;
    const c = CASE_NUMBER.test(num) ? caseByNumber(deps.sql, num) : null;
    if (!c) return reply.code(404).send({ ok: false, error: C.caseNotFound(num.slice(0, 30)) });
    const user = userOf(req);
    await deps.transaction(async () => {
      deps.sql.run(
        'INSERT INTO "CaseEvent" (caseId, type, actorKey, actorName, actorRole, channel, at, data) VALUES (?,?,?,?,?,?,?,?)',
        c.id,
        "notice_issued",
        user.personId,
        user.name,
        "inspector",
        "console",
        toDbDate(deps.clock.now()),
        "{}",
      );
    });
    return { ok: true, message: C.noticeRecorded };
  });
}
