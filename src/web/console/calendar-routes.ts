/**
 * The work calendar in the console (工作日历): a year's holidays and make-up working days with where
 * each comes from (package, entered, override); the warning banner every page shows while a year is
 * unknown; and, for admins, entering the State Council's notice — parsed to a calendar to check first,
 * then confirmed (src/calendar/calendar-service.ts stores it, recomputes open deadlines, tells the
 * inspectors). The confirmed text is parsed again on the server: nothing the page sends back is trusted.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { CT, KIND_LABELS, SOURCE_LABELS, YEAR_SOURCE_LABELS } from "../../calendar/calendar-texts.ts";
import { localMinute } from "../../calendar/deadline-recompute.ts";
import { MAX_NOTICE_CHARS } from "../../core/holiday-notice.ts";
import type { SpecialDay, WorkCalendar } from "../../core/work-calendar.ts";
import { recentEntries } from "../../store/calendar-repo.ts";
import { badRequest, type ConsoleContext, personOf } from "./console-context.ts";

/** Years the page may ask for (the package starts at 2004; a decade ahead is plenty). */
const MIN_YEAR = 2000;
const MAX_YEARS_AHEAD = 10;
/** Recomputed cases listed in the answer (the summary counts all of them). */
const LISTED_CHANGES = 50;

const noticeBody = z.object({ text: z.string().min(1).max(MAX_NOTICE_CHARS) });
const entryBody = noticeBody.extend({ year: z.number().int().min(MIN_YEAR).max(9999) });

function dayView(d: SpecialDay) {
  return { ...d, kindLabel: KIND_LABELS[d.kind], sourceLabel: SOURCE_LABELS[d.source] };
}

function yearView(calendar: WorkCalendar, year: number) {
  const source = calendar.yearSource(year);
  return {
    year,
    yearSource: source,
    yearSourceLabel: YEAR_SOURCE_LABELS[source] ?? source,
    days: calendar.specialDays(year).map(dayView),
  };
}

/** Registers the calendar API under the console prefix. */
export function registerCalendarRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const { deps } = ctx;
  const service = deps.calendars;
  const isAdmin = (req: FastifyRequest) => Boolean(personOf(ctx, req)?.roles.includes("admin"));
  const warningView = () => {
    const w = service.warning(deps.clock.now());
    return w ? { ...w, title: CT.warningTitle(w), steps: CT.warningSteps(w) } : null;
  };
  /** A body that is no notice, or too long for one, gets the parser's own refusal text. */
  const refuseBody = (reply: FastifyReply, error: z.ZodError) => {
    const tooLong = error.issues.some((i) => i.code === "too_big" && i.path[0] === "text");
    return badRequest(
      reply,
      tooLong
        ? CT.noticeRefused({ line: null, text: "", problem: { code: "too_long", max: MAX_NOTICE_CHARS } })
        : undefined,
    );
  };

  app.get("/api/calendar/status", async (req) => ({ warning: warningView(), canEnter: isAdmin(req) }));

  app.get<{ Querystring: { year?: string } }>("/api/calendar", async (req, reply) => {
    const thisYear = Number(service.calendar.localDate(deps.clock.now()).slice(0, 4));
    const year = req.query.year === undefined ? thisYear : Number(req.query.year);
    if (!Number.isInteger(year) || year < MIN_YEAR || year > thisYear + MAX_YEARS_AHEAD)
      return badRequest(reply);
    const entries = await recentEntries(deps.prisma);
    return {
      ...yearView(service.calendar, year),
      thisYear,
      warning: warningView(),
      canEnter: isAdmin(req),
      sourceLabels: SOURCE_LABELS,
      kindLabels: KIND_LABELS,
      entries: entries.map((e) => ({ ...e, enteredAt: e.enteredAt.toISOString() })),
    };
  });

  app.post("/api/calendar/preview", async (req, reply) => {
    if (!isAdmin(req)) return reply.code(403).send({ ok: false, error: CT.adminOnly });
    const body = noticeBody.safeParse(req.body);
    if (!body.success) return refuseBody(reply, body.error);
    const preview = service.preview(body.data.text);
    if (!preview.ok) {
      return reply
        .code(422)
        .send({ ok: false, error: CT.noticeRefused(preview.error), line: preview.error.line });
    }
    return {
      ok: true,
      ...yearView(preview.calendar, preview.year),
      currentSource: service.calendar.yearSource(preview.year),
      currentSourceLabel: YEAR_SOURCE_LABELS[service.calendar.yearSource(preview.year)] ?? "",
    };
  });

  app.post("/api/calendar/entries", async (req, reply) => {
    const person = personOf(ctx, req);
    if (!person?.roles.includes("admin")) return reply.code(403).send({ ok: false, error: CT.adminOnly });
    const body = entryBody.safeParse(req.body);
    if (!body.success) return refuseBody(reply, body.error);
    const outcome = await service.enter({ text: body.data.text, previewedYear: body.data.year, person });
    if (!outcome.ok) {
      const error =
        "error" in outcome
          ? CT.noticeRefused(outcome.error)
          : CT.yearChanged(outcome.yearChanged.previewed, outcome.yearChanged.parsed);
      return reply.code(422).send({ ok: false, error });
    }
    // Cached yellow instants were counted on the old days: forget them all and count again.
    await ctx.lights.forgetIfCalendarChanged(`calendar-entry:${outcome.entryId}`, null);
    ctx.lights.refresh().catch((err: unknown) => deps.log.error({ err }, "computing case lights failed"));
    const tz = service.calendar.timeZone;
    const { changed, unchanged, unexplained } = outcome.result;
    return {
      ok: true,
      message: CT.entered(outcome.year, changed.length),
      year: outcome.year,
      unchanged,
      unexplained,
      changed: changed.slice(0, LISTED_CHANGES).map((c) => ({
        number: c.number,
        from: localMinute(c.from, tz),
        to: localMinute(c.to, tz),
      })),
      changedCount: changed.length,
    };
  });
}
