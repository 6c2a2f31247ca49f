/**
 * The roster in the console: upload a file through the same importer as `npm run roster:import`
 * (same checks, same row/column problems, one transaction), and see and edit people and segments.
 * Edits change the database; the next import of a file replaces them with what the file says.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import multipart from "@fastify/multipart";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { PersonRole } from "../../core/types.ts";
import { applyRoster } from "../../roster/roster-apply.ts";
import { RosterLockoutError } from "../../roster/roster-coverage.ts";
import { loadRosterFileIsolated } from "../../roster/roster-load-isolated.ts";
import { normalizeName, normalizePhone, ROLE_ORDER, type RosterProblem } from "../../roster/roster-schema.ts";
import { formatProblem } from "../../roster/roster-validate.ts";
import type { Prisma } from "../../store/generated/client.ts";
import { badRequest, type ConsoleContext } from "./console-context.ts";
import { C, PERSON_ROLE_LABELS } from "./console-texts.ts";

/** Largest roster file accepted (a county's spreadsheet is well under 1 MB). */
const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** Roles set by hand; chief roles follow the segments, department roles the departments. */
const EDITABLE_ROLES: readonly PersonRole[] = ["inspector", "admin"];

const parseList = (s: string): string[] => {
  try {
    const v = JSON.parse(s) as unknown;
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
};

/** A problem for the page: where (sheet, row, column or JSON path) and what, with the upload's own name. */
function problemView(p: RosterProblem, fileName: string) {
  const shown = { ...p, file: fileName };
  return {
    severity: p.severity === "warning" ? "warning" : "error",
    sheet: p.sheet ?? "",
    row: p.row ?? null,
    column: p.column ?? "",
    path: p.path ?? "",
    message: p.message,
    line: formatProblem(shown),
  };
}

const personEdit = z.object({
  name: z.string().trim().min(1).max(50),
  title: z.string().trim().max(100).default(""),
  phone: z.string().trim().max(30).default(""),
  larkOpenId: z.string().trim().max(100).default(""),
  wechatId: z.string().trim().max(100).default(""),
  roles: z
    .array(z.enum(EDITABLE_ROLES as [PersonRole, ...PersonRole[]]))
    .max(EDITABLE_ROLES.length)
    .default([]),
});

const segmentEdit = z.object({
  street: z.string().trim().min(1).max(100),
  level3ChiefId: z.string().trim().max(200).nullable().default(null),
  level2ChiefId: z.string().trim().max(200).nullable().default(null),
});

/** Chief roles follow the segments: chief3 for a 三级路长 of any segment, chief2 for a 二级. */
async function recomputeChiefRoles(tx: Prisma.TransactionClient, personIds: string[]) {
  for (const id of new Set(personIds)) {
    const p = await tx.person.findUnique({ where: { id } });
    if (!p) continue;
    const [l3, l2] = await Promise.all([
      tx.segment.count({ where: { level3ChiefId: id } }),
      tx.segment.count({ where: { level2ChiefId: id } }),
    ]);
    const roles = new Set(parseList(p.roles) as PersonRole[]);
    if (l3 > 0) roles.add("chief3");
    else roles.delete("chief3");
    if (l2 > 0) roles.add("chief2");
    else roles.delete("chief2");
    const ordered = ROLE_ORDER.filter((r) => roles.has(r));
    await tx.person.update({ where: { id }, data: { roles: JSON.stringify(ordered) } });
  }
}

/** Registers the roster API under the console prefix. */
export async function registerRosterRoutes(app: FastifyInstance, ctx: ConsoleContext): Promise<void> {
  const { deps } = ctx;
  await app.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 5 } });

  app.get("/api/roster", async () => {
    const [people, segments, streets] = await Promise.all([
      deps.prisma.person.findMany({ orderBy: { id: "asc" } }),
      deps.prisma.segment.findMany({ orderBy: [{ roadName: "asc" }, { id: "asc" }] }),
      deps.prisma.street.findMany({ orderBy: { name: "asc" } }),
    ]);
    const byId = new Map(people.map((p) => [p.id, p.name]));
    return {
      roleLabels: PERSON_ROLE_LABELS,
      editableRoles: EDITABLE_ROLES,
      streets: streets.map((s) => s.name),
      people: people.map((p) => ({
        id: p.id,
        name: p.name,
        title: p.title,
        phone: p.phone,
        larkOpenId: p.larkOpenId ?? "",
        wechatId: p.wechatId ?? "",
        roles: parseList(p.roles),
      })),
      segments: segments.map((s) => ({
        id: s.id,
        road: s.roadName,
        from: s.fromCrossing,
        to: s.toCrossing,
        street: s.street,
        level3ChiefId: s.level3ChiefId,
        level3Name: s.level3ChiefId ? (byId.get(s.level3ChiefId) ?? s.level3ChiefId) : "",
        level2ChiefId: s.level2ChiefId,
        level2Name: s.level2ChiefId ? (byId.get(s.level2ChiefId) ?? s.level2ChiefId) : "",
      })),
    };
  });

  app.post<{ Querystring: { dryRun?: string } }>("/api/roster/upload", async (req, reply) => {
    const file = await req.file();
    if (!file) return badRequest(reply, C.rosterNoFile);
    const bytes = await file.toBuffer().catch(() => null);
    if (!bytes || file.file.truncated)
      return badRequest(reply, C.rosterTooLarge(MAX_UPLOAD_BYTES / 1024 / 1024));
    const fileName = path.basename(file.filename || "roster").slice(0, 200);
    // The importer picks the reader by extension; the user's name never becomes a path.
    const ext = path
      .extname(fileName)
      .toLowerCase()
      .replace(/[^.a-z0-9]/g, "")
      .slice(0, 10);
    const dir = await mkdtemp(path.join(tmpdir(), "luzhang-roster-"));
    try {
      const tmp = path.join(dir, `upload-${randomBytes(6).toString("hex")}${ext}`);
      await writeFile(tmp, bytes);
      const loaded = await loadRosterFileIsolated(
        tmp,
        deps.taxonomy.items.map((i) => i.code),
        deps.config.rosterLimits,
      );
      if (!loaded.ok) {
        return { ok: false, fileName, problems: loaded.problems.map((p) => problemView(p, fileName)) };
      }
      const dryRun = req.query.dryRun === "1" || req.query.dryRun === "true";
      let result: Awaited<ReturnType<typeof applyRoster>>;
      try {
        result = await applyRoster(deps.prisma, loaded.roster, { dryRun });
      } catch (error) {
        if (!(error instanceof RosterLockoutError)) throw error;
        return { ok: false, fileName, problems: [problemView({ message: error.message }, fileName)] };
      }
      if (!dryRun) await deps.reloadRoster();
      deps.log.info({ fileName, dryRun, summary: result.summary }, "roster uploaded in the console");
      return {
        ok: true,
        dryRun,
        fileName,
        summary: dryRun ? `${C.rosterChecked}：${result.summary}` : result.summary,
        warnings: loaded.warnings.map((p) => problemView(p, fileName)),
        kept: result.kept,
        removed: result.removedPeople,
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  app.post<{ Params: { id: string } }>("/api/roster/people/:id", async (req, reply) => {
    const body = personEdit.safeParse(req.body);
    if (!body.success) return badRequest(reply, C.nameRequired);
    const id = req.params.id;
    const existing = await deps.prisma.person.findUnique({ where: { id } });
    if (!existing) return reply.code(404).send({ ok: false, error: C.personNotFound });
    const e = body.data;
    const name = normalizeName(e.name);
    if (!name) return badRequest(reply, C.nameRequired);
    const larkOpenId = e.larkOpenId || null;
    const wechatId = e.wechatId || null;
    for (const [field, value, label] of [
      ["larkOpenId", larkOpenId, "飞书ID"],
      ["wechatId", wechatId, "微信ID"],
    ] as const) {
      if (!value) continue;
      const other = await deps.prisma.person.findFirst({ where: { [field]: value, NOT: { id } } });
      if (other) return badRequest(reply, C.duplicateIdentity(label));
    }
    const roles = new Set(parseList(existing.roles) as PersonRole[]);
    for (const r of EDITABLE_ROLES) {
      if (e.roles.includes(r)) roles.add(r);
      else roles.delete(r);
    }
    const newRoles = JSON.stringify(ROLE_ORDER.filter((r) => roles.has(r)));
    const rolesChanged = newRoles !== existing.roles;
    // Nobody grants or drops their own rights: a revoked session cannot restore itself.
    if (rolesChanged && id === req.consoleUser?.personId)
      return reply.code(403).send({ ok: false, error: C.ownRoles });
    await deps.prisma.person.update({
      where: { id },
      data: {
        name,
        title: e.title,
        phone: normalizePhone(e.phone),
        larkOpenId,
        wechatId,
        roles: newRoles,
      },
    });
    // Sessions signed in with the old roles end; the person signs in again with the new ones.
    if (rolesChanged) await deps.prisma.consoleSession.deleteMany({ where: { personId: id } });
    await deps.reloadRoster();
    deps.log.info({ personId: id, by: req.consoleUser?.personId }, "roster person edited in the console");
    return { ok: true, message: C.rosterSaved };
  });

  app.post<{ Params: { id: string } }>("/api/roster/segments/:id", async (req, reply) => {
    const body = segmentEdit.safeParse(req.body);
    if (!body.success) return badRequest(reply);
    const id = req.params.id;
    const seg = await deps.prisma.segment.findUnique({ where: { id } });
    if (!seg) return reply.code(404).send({ ok: false, error: C.segmentNotFound });
    const e = body.data;
    if (!(await deps.prisma.street.findUnique({ where: { name: e.street } }))) {
      return badRequest(reply, C.unknownStreet(e.street));
    }
    for (const pid of [e.level3ChiefId, e.level2ChiefId]) {
      if (pid && !(await deps.prisma.person.findUnique({ where: { id: pid } })))
        return badRequest(reply, C.unknownPerson(pid));
    }
    await deps.prisma.$transaction(async (tx) => {
      await tx.segment.update({
        where: { id },
        data: {
          street: e.street,
          level3ChiefId: e.level3ChiefId || null,
          level2ChiefId: e.level2ChiefId || null,
        },
      });
      const touched = [seg.level3ChiefId, seg.level2ChiefId, e.level3ChiefId, e.level2ChiefId].filter(
        (x): x is string => Boolean(x),
      );
      await recomputeChiefRoles(tx, touched);
    });
    await deps.reloadRoster();
    deps.log.info({ segmentId: id, by: req.consoleUser?.personId }, "roster segment edited in the console");
    return { ok: true, message: C.rosterSaved };
  });
}
