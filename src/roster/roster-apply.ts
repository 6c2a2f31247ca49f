/**
 * Writes a normalized roster into the database in one transaction. Rows are compared first and
 * only the ones that differ are written, so re-importing the same roster writes nothing. Rows the
 * roster no longer has are removed unless a case still refers to them (then they are kept and
 * reported). The Case table is only read, never written.
 */

import type { Person, PersonRole } from "../core/types.ts";
import type { Prisma, PrismaClient } from "../store/generated/client.ts";
import { mergedRoles, RosterLockoutError } from "./roster-coverage.ts";
import { ROLE_ORDER, type Roster } from "./roster-schema.ts";

export type RosterEntityKind =
  | "person"
  | "department"
  | "street"
  | "road"
  | "crossing"
  | "segment"
  | "landmark";

export const ENTITY_LABELS: Record<RosterEntityKind, string> = {
  person: "人员",
  department: "部门",
  street: "街道",
  road: "道路",
  crossing: "路口",
  segment: "路段",
  landmark: "地标",
};

const KINDS = Object.keys(ENTITY_LABELS) as RosterEntityKind[];

export interface RosterChangeCount {
  created: number;
  updated: number;
  unchanged: number;
  /** Deleted rows; for people: no longer in the roster (row kept for the case history, roles cleared). */
  removed: number;
  /** Not in the roster any more but still referred to (by a case or by a kept segment): left in place. */
  kept: number;
}

export interface RosterApplyResult {
  counts: Record<RosterEntityKind, RosterChangeCount>;
  /** What was kept although the roster dropped it, and why (Chinese). */
  kept: { kind: RosterEntityKind; key: string; reason: string }[];
  /** People who lose every role (the file covers them and no longer lists them). */
  removedPeople: { id: string; name: string; roles: string[] }[];
  /** Roster person id → the existing person id it was matched to (same Lark/WeChat id or phone). */
  renamedPeople: Record<string, string>;
  /** One Chinese line. */
  summary: string;
}

type Tx = Prisma.TransactionClient;

const json = (v: unknown) => JSON.stringify(v);

const rolesOf = (stored: string): PersonRole[] => {
  try {
    const v = JSON.parse(stored) as unknown;
    return Array.isArray(v) ? (v as PersonRole[]) : [];
  } catch {
    return [];
  }
};
const ordered = (roles: Set<PersonRole>) => ROLE_ORDER.filter((r) => roles.has(r));

class DryRun extends Error {
  constructor(readonly result: RosterApplyResult) {
    super("dry run");
  }
}

/**
 * Writes `roster` in one interactive transaction; throws (and writes nothing) on a database error.
 * With `dryRun` the transaction is rolled back at the end: the result tells what would change.
 */
export async function applyRoster(
  prisma: PrismaClient,
  roster: Roster,
  options: { dryRun?: boolean } = {},
): Promise<RosterApplyResult> {
  try {
    return await prisma.$transaction(
      async (tx) => {
        const result = await applyInTransaction(tx, roster);
        // Somebody must still be able to sign in to the console and act as 精细办.
        const staff = await tx.person.count({
          where: { OR: [{ roles: { contains: '"inspector"' } }, { roles: { contains: '"admin"' } }] },
        });
        if (staff === 0) throw new RosterLockoutError();
        if (options.dryRun) throw new DryRun(result);
        return result;
      },
      { maxWait: 10_000, timeout: 120_000 },
    );
  } catch (error) {
    if (error instanceof DryRun) return error.result;
    throw error;
  }
}

async function applyInTransaction(tx: Tx, roster: Roster): Promise<RosterApplyResult> {
  const counts = Object.fromEntries(
    KINDS.map((k) => [k, { created: 0, updated: 0, unchanged: 0, removed: 0, kept: 0 }]),
  ) as Record<RosterEntityKind, RosterChangeCount>;
  const kept: RosterApplyResult["kept"] = [];

  const [dbPeople, dbDepartments, dbStreets, dbRoads, dbCrossings, dbSegments, dbLandmarks] =
    await Promise.all([
      tx.person.findMany(),
      tx.department.findMany(),
      tx.street.findMany(),
      tx.road.findMany(),
      tx.crossing.findMany(),
      tx.segment.findMany(),
      tx.landmark.findMany(),
    ]);

  // ---- People -------------------------------------------------------------------------------
  const renamed = matchExistingPeople(roster.people, dbPeople);
  const pid = (id: string | null) => (id === null ? null : (renamed.get(id) ?? id));
  const target = roster.people.map((p) => ({ ...p, id: pid(p.id) ?? p.id }));
  const targetById = new Map(target.map((p) => [p.id, p]));
  const dbPersonById = new Map(dbPeople.map((p) => [p.id, p]));

  // Lark, WeChat and DingTalk ids are unique: free the ones moving to another person before writing.
  const larkOwner = new Map(target.filter((p) => p.larkOpenId).map((p) => [p.larkOpenId, p.id]));
  const wechatOwner = new Map(target.filter((p) => p.wechatId).map((p) => [p.wechatId, p.id]));
  const dingtalkOwner = new Map(target.filter((p) => p.dingtalkId).map((p) => [p.dingtalkId, p.id]));
  for (const p of dbPeople) {
    const data: { larkOpenId?: null; wechatId?: null; dingtalkId?: null } = {};
    if (p.larkOpenId && (larkOwner.get(p.larkOpenId) ?? p.id) !== p.id) data.larkOpenId = null;
    if (p.wechatId && (wechatOwner.get(p.wechatId) ?? p.id) !== p.id) data.wechatId = null;
    if (p.dingtalkId && (dingtalkOwner.get(p.dingtalkId) ?? p.id) !== p.id) data.dingtalkId = null;
    if (Object.keys(data).length > 0) {
      await tx.person.update({ where: { id: p.id }, data });
      Object.assign(p, data);
    }
  }
  const rolesChanged: string[] = [];
  for (const p of target) {
    const existing = dbPersonById.get(p.id);
    const before = existing ? rolesOf(existing.roles) : [];
    const data = {
      name: p.name,
      title: p.title,
      phone: p.phone,
      larkOpenId: p.larkOpenId,
      wechatId: p.wechatId,
      dingtalkId: p.dingtalkId ?? null,
      roles: json(ordered(mergedRoles(roster, p.roles, before))),
    };
    if (existing && existing.roles !== data.roles) rolesChanged.push(p.id);
    if (!existing) {
      await tx.person.create({ data: { id: p.id, ...data } });
      counts.person.created++;
    } else if (differs(existing, data)) {
      await tx.person.update({ where: { id: p.id }, data });
      counts.person.updated++;
    } else {
      counts.person.unchanged++;
    }
  }
  // People who left the roster keep their row (cases name them) but lose the roles the file covers.
  const removedPeople: RosterApplyResult["removedPeople"] = [];
  for (const p of dbPeople) {
    if (targetById.has(p.id) || p.roles === "[]") continue;
    const roles = json(ordered(mergedRoles(roster, [], rolesOf(p.roles))));
    if (roles === p.roles) continue;
    await tx.person.update({ where: { id: p.id }, data: { roles } });
    rolesChanged.push(p.id);
    if (roles === "[]") {
      counts.person.removed++;
      removedPeople.push({ id: p.id, name: p.name, roles: rolesOf(p.roles) });
    } else counts.person.updated++;
  }
  // A session must not outlive the roles it was signed in with (console-auth checks on each request too).
  if (rolesChanged.length > 0)
    await tx.consoleSession.deleteMany({ where: { personId: { in: rolesChanged } } });

  // ---- Departments --------------------------------------------------------------------------
  const dbDepartmentByCode = new Map(dbDepartments.map((d) => [d.code, d]));
  for (const d of roster.departments) {
    const data = {
      name: d.name,
      handles: json(d.handles),
      contacts: json(d.contactIds.map((id) => pid(id) ?? id)),
    };
    const existing = dbDepartmentByCode.get(d.code);
    if (!existing) {
      await tx.department.create({ data: { code: d.code, ...data } });
      counts.department.created++;
    } else if (differs(existing, data)) {
      await tx.department.update({ where: { code: d.code }, data });
      counts.department.updated++;
    } else {
      counts.department.unchanged++;
    }
  }
  const rosterDepartments = new Set(roster.departments.map((d) => d.code));
  // A file without a departments sheet says nothing about departments: none is removed.
  const goneDepartments = roster.covers.departments
    ? dbDepartments.filter((d) => !rosterDepartments.has(d.code)).map((d) => d.code)
    : [];
  if (goneDepartments.length > 0) {
    // A department is referred to as the handler of a case or as one summoned by a whistle.
    const cases = await tx.case.findMany({
      where: {
        OR: [
          { departmentCode: { in: goneDepartments } },
          ...goneDepartments.map((code) => ({ whistled: { contains: json(code) } })),
        ],
      },
      select: { departmentCode: true, whistled: true },
    });
    const referenced = new Set(
      goneDepartments.filter((code) =>
        cases.some((c) => c.departmentCode === code || c.whistled.includes(json(code))),
      ),
    );
    for (const code of goneDepartments) {
      if (referenced.has(code)) {
        counts.department.kept++;
        kept.push({ kind: "department", key: code, reason: "仍有案件引用该部门" });
      } else {
        await tx.department.delete({ where: { code } });
        counts.department.removed++;
      }
    }
  }

  // ---- Streets and roads (before crossings and segments, which refer to roads) ---------------
  const dbStreetNames = new Set(dbStreets.map((s) => s.name));
  for (const name of roster.streets) {
    if (dbStreetNames.has(name)) {
      counts.street.unchanged++;
    } else {
      await tx.street.create({ data: { name } });
      counts.street.created++;
    }
  }
  const dbRoadByName = new Map(dbRoads.map((r) => [r.name, r]));
  for (const r of roster.roads) {
    const data = {
      aliases: json(r.aliases),
      direction: r.direction,
      crossingsOrder: r.crossingsOrder,
      level1ChiefId: pid(r.level1ChiefId),
    };
    const existing = dbRoadByName.get(r.name);
    if (!existing) {
      await tx.road.create({ data: { name: r.name, ...data } });
      counts.road.created++;
    } else if (differs(existing, data)) {
      await tx.road.update({ where: { name: r.name }, data });
      counts.road.updated++;
    } else {
      counts.road.unchanged++;
    }
  }

  // ---- Crossings ----------------------------------------------------------------------------
  const crossingKey = (road: string, name: string) => `${road}\u0000${name}`;
  const dbCrossingByKey = new Map(dbCrossings.map((c) => [crossingKey(c.roadName, c.name), c]));
  const rosterCrossings = new Set<string>();
  for (const r of roster.roads) {
    for (const c of r.crossings) {
      const key = crossingKey(r.name, c.name);
      rosterCrossings.add(key);
      const data = { seq: c.seq, lat: c.lat, lng: c.lng };
      const existing = dbCrossingByKey.get(key);
      if (!existing) {
        await tx.crossing.create({ data: { roadName: r.name, name: c.name, ...data } });
        counts.crossing.created++;
      } else if (differs(existing, data)) {
        await tx.crossing.update({ where: { id: existing.id }, data });
        counts.crossing.updated++;
      } else {
        counts.crossing.unchanged++;
      }
    }
  }

  // ---- Segments -----------------------------------------------------------------------------
  const dbSegmentById = new Map(dbSegments.map((s) => [s.id, s]));
  const rosterSegments = new Set<string>();
  for (const r of roster.roads) {
    for (const s of r.segments) {
      rosterSegments.add(s.id);
      const data = {
        roadName: s.roadName,
        fromCrossing: s.from,
        toCrossing: s.to,
        street: s.street,
        level3ChiefId: pid(s.level3ChiefId),
        level2ChiefId: pid(s.level2ChiefId),
      };
      const existing = dbSegmentById.get(s.id);
      if (!existing) {
        await tx.segment.create({ data: { id: s.id, ...data } });
        counts.segment.created++;
      } else if (differs(existing, data)) {
        await tx.segment.update({ where: { id: s.id }, data });
        counts.segment.updated++;
      } else {
        counts.segment.unchanged++;
      }
    }
  }

  // ---- Landmarks ----------------------------------------------------------------------------
  const dbLandmarkByName = new Map(dbLandmarks.map((l) => [l.name, l]));
  const rosterLandmarks = new Set(roster.landmarks.map((l) => l.name));
  for (const l of roster.landmarks) {
    const data = {
      aliases: json(l.aliases),
      roadName: l.roadName,
      segmentId: l.segmentId,
      lat: l.lat,
      lng: l.lng,
    };
    const existing = dbLandmarkByName.get(l.name);
    if (!existing) {
      await tx.landmark.create({ data: { name: l.name, ...data } });
      counts.landmark.created++;
    } else if (differs(existing, data)) {
      await tx.landmark.update({ where: { name: l.name }, data });
      counts.landmark.updated++;
    } else {
      counts.landmark.unchanged++;
    }
  }

  // ---- Removals: landmarks, segments (unless a case refers), crossings, roads, streets --------
  for (const l of dbLandmarks) {
    if (rosterLandmarks.has(l.name)) continue;
    await tx.landmark.delete({ where: { name: l.name } });
    counts.landmark.removed++;
  }

  const goneSegments = dbSegments.filter((s) => !rosterSegments.has(s.id));
  const keptSegments = new Map<string, (typeof dbSegments)[number]>();
  if (goneSegments.length > 0) {
    const referenced = new Set(
      (
        await tx.case.findMany({
          where: { segmentId: { in: goneSegments.map((s) => s.id) } },
          select: { segmentId: true },
          distinct: ["segmentId"],
        })
      ).map((c) => c.segmentId),
    );
    for (const s of goneSegments) {
      if (referenced.has(s.id)) {
        keptSegments.set(s.id, s);
        counts.segment.kept++;
        kept.push({ kind: "segment", key: s.id, reason: "仍有案件引用该路段" });
      } else {
        await tx.segment.delete({ where: { id: s.id } });
        counts.segment.removed++;
      }
    }
  }
  const keptSegmentList = [...keptSegments.values()];

  const rosterRoads = new Set(roster.roads.map((r) => r.name));
  const keptRoads = new Set(
    keptSegmentList.filter((s) => !rosterRoads.has(s.roadName)).map((s) => s.roadName),
  );
  const keptCrossings = new Set(
    keptSegmentList.flatMap((s) => [
      crossingKey(s.roadName, s.fromCrossing),
      crossingKey(s.roadName, s.toCrossing),
    ]),
  );
  for (const c of dbCrossings) {
    const key = crossingKey(c.roadName, c.name);
    if (rosterCrossings.has(key)) continue;
    if (keptCrossings.has(key) || keptRoads.has(c.roadName)) {
      counts.crossing.kept++;
      kept.push({ kind: "crossing", key: `${c.roadName}/${c.name}`, reason: "保留的路段以它为起终点" });
      continue;
    }
    await tx.crossing.delete({ where: { id: c.id } });
    counts.crossing.removed++;
  }
  for (const r of dbRoads) {
    if (rosterRoads.has(r.name)) continue;
    if (keptRoads.has(r.name)) {
      counts.road.kept++;
      kept.push({ kind: "road", key: r.name, reason: "保留的路段在这条道路上" });
      continue;
    }
    await tx.road.delete({ where: { name: r.name } });
    counts.road.removed++;
  }
  const rosterStreets = new Set(roster.streets);
  const keptStreets = new Set(keptSegmentList.map((s) => s.street));
  for (const s of dbStreets) {
    if (rosterStreets.has(s.name)) continue;
    if (keptStreets.has(s.name)) {
      counts.street.kept++;
      kept.push({ kind: "street", key: s.name, reason: "保留的路段属于该街道" });
      continue;
    }
    await tx.street.delete({ where: { name: s.name } });
    counts.street.removed++;
  }

  return {
    counts,
    kept,
    removedPeople,
    renamedPeople: Object.fromEntries(renamed),
    summary: summarize(counts, kept, removedPeople),
  };
}

/**
 * Keeps ids stable when a person's phone changes: a roster person whose id is not in the database
 * takes the id of the existing person with the same Lark id, else WeChat id, else DingTalk id, else phone, else (when
 * that person has no contact details at all) the same name. Each existing person is matched once.
 */
function matchExistingPeople(
  people: readonly Person[],
  existing: readonly {
    id: string;
    name: string;
    phone: string;
    larkOpenId: string | null;
    wechatId: string | null;
    dingtalkId: string | null;
  }[],
): Map<string, string> {
  const rosterIds = new Set(people.map((p) => p.id));
  const existingIds = new Set(existing.map((p) => p.id));
  // An existing person whose id the roster uses directly is taken.
  const claimed = new Set(existing.filter((p) => rosterIds.has(p.id)).map((p) => p.id));
  const renamed = new Map<string, string>();
  const free = () => existing.filter((e) => !claimed.has(e.id));
  for (const p of people) {
    if (existingIds.has(p.id)) continue;
    const candidates = free();
    const match =
      (p.larkOpenId ? candidates.find((e) => e.larkOpenId === p.larkOpenId) : undefined) ??
      (p.wechatId ? candidates.find((e) => e.wechatId === p.wechatId) : undefined) ??
      (p.dingtalkId ? candidates.find((e) => e.dingtalkId === p.dingtalkId) : undefined) ??
      (p.phone ? candidates.find((e) => e.phone === p.phone) : undefined) ??
      candidates.find((e) => !e.phone && !e.larkOpenId && !e.wechatId && !e.dingtalkId && e.name === p.name);
    if (match) {
      claimed.add(match.id);
      renamed.set(p.id, match.id);
    }
  }
  return renamed;
}

function differs(existing: object, data: Record<string, unknown>): boolean {
  const row = existing as Record<string, unknown>;
  return Object.entries(data).some(([k, v]) => (row[k] ?? null) !== (v ?? null));
}

function summarize(
  counts: Record<RosterEntityKind, RosterChangeCount>,
  kept: RosterApplyResult["kept"],
  removed: RosterApplyResult["removedPeople"],
): string {
  const changed = KINDS.filter((k) => {
    const c = counts[k];
    return c.created + c.updated + c.removed > 0;
  });
  let text: string;
  if (changed.length === 0) {
    const totals = KINDS.map((k) => `${ENTITY_LABELS[k]} ${counts[k].unchanged + counts[k].kept}`).join("、");
    text = `名册无变化（${totals}）`;
  } else {
    const parts = changed.map((k) => {
      const c = counts[k];
      const bits = [
        c.created ? `新增 ${c.created}` : "",
        c.updated ? `更新 ${c.updated}` : "",
        c.removed ? `${k === "person" ? "移出" : "删除"} ${c.removed}` : "",
      ].filter((s) => s !== "");
      return `${ENTITY_LABELS[k]} ${bits.join("、")}`;
    });
    const same = KINDS.reduce((n, k) => n + counts[k].unchanged, 0);
    text = `名册已导入：${parts.join("；")}${same > 0 ? `；其余 ${same} 项未变` : ""}`;
  }
  if (removed.length > 0) {
    const names = removed.slice(0, 20).map((p) => p.name);
    text += `；移出的人员：${names.join("、")}${removed.length > names.length ? ` 等 ${removed.length} 人` : ""}`;
  }
  if (kept.length > 0) {
    const segs = kept.filter((k) => k.kind === "segment").map((k) => k.key);
    const others = kept.length - segs.length;
    const bits = [
      segs.length ? `路段 ${segs.join("、")}（仍有案件引用）` : "",
      others ? `其他 ${others} 项（道路/路口/街道/部门，仍被引用）` : "",
    ].filter((s) => s !== "");
    text += `；名册已删除但保留：${bits.join("，")}`;
  }
  return text;
}
