import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyRoster, type RosterApplyResult, type RosterEntityKind } from "../../src/roster/roster-apply.ts";
import { checkRoster, loadRosterFile } from "../../src/roster/roster-load.ts";
import type { Roster } from "../../src/roster/roster-schema.ts";
import { formatProblem } from "../../src/roster/roster-validate.ts";
import type { PrismaClient } from "../../src/store/generated/client.ts";
import {
  DEMO_JSON,
  type DemoRoster,
  demoRoster,
  dumpDatabase,
  freshDatabase,
  rowCounts,
  taxonomyCodes,
  tempDir,
} from "./roster-fixtures.ts";

let codes: Set<string>;
let tmp: { dir: string; cleanup: () => Promise<void> };
let demo: Roster;

beforeAll(async () => {
  codes = await taxonomyCodes();
  tmp = await tempDir();
  const loaded = await loadRosterFile(DEMO_JSON, codes);
  if (!loaded.ok) throw new Error("demo roster does not load");
  demo = loaded.roster;
});
afterAll(async () => {
  await tmp.cleanup();
});

let counter = 0;
async function withDb<T>(fn: (prisma: PrismaClient, dbFile: string) => Promise<T>): Promise<T> {
  const dbFile = path.join(tmp.dir, `apply-${++counter}.db`);
  const db = await freshDatabase(dbFile);
  try {
    return await fn(db.prisma, dbFile);
  } finally {
    await db.close();
  }
}

function roster(file: DemoRoster): Roster {
  const result = checkRoster(file, { taxonomyCodes: codes });
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join("\n"));
  return result.roster;
}

/** Counts without the zero fields, for readable expectations. */
function changes(result: RosterApplyResult): Partial<Record<RosterEntityKind, Record<string, number>>> {
  const out: Partial<Record<RosterEntityKind, Record<string, number>>> = {};
  for (const kind of Object.keys(result.counts) as RosterEntityKind[]) {
    const nonZero = Object.fromEntries(
      Object.entries(result.counts[kind]).filter(([k, v]) => v !== 0 && k !== "unchanged"),
    );
    if (Object.keys(nonZero).length > 0) out[kind] = nonZero;
  }
  return out;
}

async function addCase(
  prisma: PrismaClient,
  segmentId: string,
  departmentCode: string | null = null,
  whistled: string[] = [],
) {
  const now = new Date("2026-11-26T08:00:00Z");
  await prisma.case.create({
    data: {
      number: `ZM20261126-${String(++counter).padStart(3, "0")}`,
      day: "20261126",
      seq: counter,
      state: "dispatched",
      segmentId,
      departmentCode,
      whistled: JSON.stringify(whistled),
      chatId: "sim:demo",
      channel: "sim",
      reporterKey: "sim:p_1",
      startedAt: now,
      sourceMessageId: `m${counter}`,
      createdAt: now,
    },
  });
}

describe("applyRoster", () => {
  it("imports the demo roster, and re-importing it changes nothing", async () => {
    await withDb(async (prisma, dbFile) => {
      const first = await applyRoster(prisma, demo);
      expect(first.counts.person).toEqual({ created: 48, updated: 0, unchanged: 0, removed: 0, kept: 0 });
      expect(first.counts.segment.created).toBe(30);
      expect(first.counts.crossing.created).toBe(72);
      expect(first.summary).toBe(
        "名册已导入：人员 新增 48；部门 新增 7；街道 新增 3；道路 新增 12；路口 新增 72；路段 新增 30；地标 新增 7",
      );
      expect(rowCounts(dbFile)).toEqual({
        Person: 48,
        Department: 7,
        Street: 3,
        Road: 12,
        Crossing: 72,
        Segment: 30,
        Landmark: 7,
        Case: 0,
      });
      const p = await prisma.person.findUniqueOrThrow({ where: { id: "p_13907000002" } });
      expect(p).toMatchObject({ name: "余鹏飞", roles: '["chief2"]', larkOpenId: "ou_zm0002" });
      const seg = await prisma.segment.findUniqueOrThrow({ where: { id: "SD-2" } });
      expect(seg).toEqual({
        id: "SD-2",
        roadName: "商都大道",
        fromCrossing: "新圃街",
        toCrossing: "文明路",
        street: "广惠街街道",
        level3ChiefId: "p_13907000006",
        level2ChiefId: "p_13907000003",
      });

      const before = dumpDatabase(dbFile);
      const second = await applyRoster(prisma, demo);
      expect(changes(second)).toEqual({});
      for (const c of Object.values(second.counts)) expect(c.created + c.updated + c.removed).toBe(0);
      expect(second.summary).toBe("名册无变化（人员 48、部门 7、街道 3、道路 12、路口 72、路段 30、地标 7）");
      expect(dumpDatabase(dbFile)).toEqual(before);
    });
  });

  it("updates only what changed: a chief's phone and a new segment", async () => {
    await withDb(async (prisma, dbFile) => {
      await applyRoster(prisma, demo);
      const before = dumpDatabase(dbFile);

      const file = await demoRoster();
      const road = file.roads[0];
      if (!road) throw new Error("demo changed");
      const huang = road.segments[1]?.chiefs.level3;
      if (!huang) throw new Error("demo changed");
      huang.phone = "13907009999";
      road.crossings.push({ name: "新东街", lat: 34.73, lng: 114.002 });
      const sd3 = road.segments[2];
      if (!sd3) throw new Error("demo changed");
      road.segments.push({
        id: "SD-4",
        from: "泰安街",
        to: "新东街",
        street: sd3.street,
        chiefs: sd3.chiefs,
      });

      const result = await applyRoster(prisma, roster(file));
      expect(changes(result)).toEqual({
        person: { updated: 1 },
        crossing: { created: 1 },
        segment: { created: 1 },
      });
      // The person keeps the id the cases know, although ids derive from the phone.
      expect(result.renamedPeople).toEqual({ p_13907009999: "p_13907000006" });
      expect(result.summary).toBe("名册已导入：人员 更新 1；路口 新增 1；路段 新增 1；其余 178 项未变");

      const after = dumpDatabase(dbFile);
      const huangRow = (after.Person as { id: string; phone: string }[]).find(
        (p) => p.id === "p_13907000006",
      );
      expect(huangRow?.phone).toBe("13907009999");
      // Everything else is as it was.
      const strip = (d: Record<string, unknown[]>) => ({
        ...d,
        Person: (d.Person as { id: string }[]).filter((p) => p.id !== "p_13907000006"),
        Crossing: (d.Crossing as { name: string }[]).filter((c) => c.name !== "新东街"),
        Segment: (d.Segment as { id: string }[]).filter((s) => s.id !== "SD-4"),
      });
      expect(strip(after)).toEqual(strip(before));
      expect(await prisma.segment.findUniqueOrThrow({ where: { id: "SD-4" } })).toMatchObject({
        level3ChiefId: "p_13907000007",
        level2ChiefId: "p_13907000001",
      });

      // And importing the changed roster again is a no-op.
      expect(changes(await applyRoster(prisma, roster(file)))).toEqual({});
    });
  });

  it("removes what the roster dropped, but keeps a segment a case refers to", async () => {
    await withDb(async (prisma, dbFile) => {
      await applyRoster(prisma, demo);
      await addCase(prisma, "QN-3", "JT");
      const casesBefore = dumpDatabase(dbFile).Case;

      const file = await demoRoster();
      const qn = file.roads.find((r) => r.name === "青年路");
      if (!qn) throw new Error("demo changed");
      qn.segments = qn.segments.filter((s) => s.id !== "QN-3"); // referenced by the case
      const sd = file.roads[0];
      if (!sd) throw new Error("demo changed");
      sd.segments = sd.segments.filter((s) => s.id !== "SD-3"); // not referenced
      file.landmarks = file.landmarks.filter((l) => l.segment !== "SD-3" && l.segment !== "QN-3");
      file.departments = file.departments.filter((d) => d.code !== "JT" && d.code !== "ZJ");
      file.inspectors = file.inspectors.slice(1); // 廖红梅 leaves

      const result = await applyRoster(prisma, roster(file));
      expect(result.kept).toEqual([
        { kind: "department", key: "JT", reason: "仍有案件引用该部门" },
        { kind: "segment", key: "QN-3", reason: "仍有案件引用该路段" },
      ]);
      expect(result.counts.segment).toMatchObject({ removed: 1, kept: 1 });
      expect(result.counts.department).toMatchObject({ removed: 1, kept: 1 });
      expect(result.summary).toContain("名册已删除但保留：路段 QN-3（仍有案件引用）");

      expect(await prisma.segment.findUnique({ where: { id: "SD-3" } })).toBeNull();
      expect(await prisma.segment.findUnique({ where: { id: "QN-3" } })).not.toBeNull();
      expect(await prisma.department.findUnique({ where: { code: "ZJ" } })).toBeNull();
      // People who left keep their row (cases may name them) without roles.
      const liao = await prisma.person.findUniqueOrThrow({ where: { id: "p_13907000046" } });
      expect(liao.roles).toBe("[]");
      // SD-3's 三级路长 于志强 no longer has a segment.
      expect((await prisma.person.findUniqueOrThrow({ where: { id: "p_13907000007" } })).roles).toBe("[]");
      // So does QN-3's: the segment is kept for the case, not as part of the roster.
      const qn3 = await prisma.segment.findUniqueOrThrow({ where: { id: "QN-3" } });
      const retired = await prisma.person.findMany({ where: { roles: "[]" }, orderBy: { id: "asc" } });
      expect(retired.map((p) => p.id).sort()).toEqual(
        ["p_13907000046", "p_13907000007", qn3.level3ChiefId].sort(),
      );
      expect(result.counts.person).toMatchObject({ removed: 3 });
      expect(dumpDatabase(dbFile).Case).toEqual(casesBefore);

      // Re-importing keeps the referenced segment and changes nothing.
      const again = await applyRoster(prisma, roster(file));
      expect(changes(again)).toEqual({ department: { kept: 1 }, segment: { kept: 1 } });
    });
  });

  it("keeps a department a case whistled", async () => {
    await withDb(async (prisma) => {
      await applyRoster(prisma, demo);
      await addCase(prisma, "SD-1", "HW", ["ZJ"]);
      const file = await demoRoster();
      file.departments = file.departments.filter((d) => d.code !== "ZJ" && d.code !== "JT");
      const result = await applyRoster(prisma, roster(file));
      expect(result.kept).toEqual([{ kind: "department", key: "ZJ", reason: "仍有案件引用该部门" }]);
      expect(changes(result)).toEqual({ department: { removed: 1, kept: 1 } });
    });
  });

  it("moves a Lark id from one person to another without breaking the unique index", async () => {
    await withDb(async (prisma) => {
      await applyRoster(prisma, demo);
      const file = await demoRoster();
      const a = file.roads[0]?.segments[0]?.chiefs.level3;
      const b = file.roads[0]?.segments[1]?.chiefs.level3;
      if (!a || !b) throw new Error("demo changed");
      [a.lark_open_id, b.lark_open_id] = [b.lark_open_id, a.lark_open_id];
      const result = await applyRoster(prisma, roster(file));
      expect(changes(result)).toEqual({ person: { updated: 2 } });
      const rows = await prisma.person.findMany({
        where: { id: { in: ["p_13907000005", "p_13907000006"] } },
      });
      expect(rows.map((r) => [r.id, r.larkOpenId])).toEqual([
        ["p_13907000005", "ou_zm0006"],
        ["p_13907000006", "ou_zm0005"],
      ]);
    });
  });

  it("writes nothing on a dry run", async () => {
    await withDb(async (prisma, dbFile) => {
      const before = dumpDatabase(dbFile);
      const result = await applyRoster(prisma, demo, { dryRun: true });
      expect(result.counts.segment.created).toBe(30);
      expect(dumpDatabase(dbFile)).toEqual(before);
    });
  });
});
