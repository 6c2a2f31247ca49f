/** Reads the imported roster from the database into the core's RosterIndex. */
import { RosterIndex } from "../core/roster-index.ts";
import type { PersonRole } from "../core/types.ts";
import type { PrismaClient } from "./generated/client.ts";

const list = (s: string): string[] => {
  try {
    const v = JSON.parse(s) as unknown;
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
};

export async function loadRosterIndex(prisma: PrismaClient): Promise<RosterIndex> {
  const [people, roads, crossings, segments, landmarks, departments, bindings] = await Promise.all([
    prisma.person.findMany({ orderBy: { id: "asc" } }),
    prisma.road.findMany({ orderBy: { name: "asc" } }),
    prisma.crossing.findMany({ orderBy: [{ roadName: "asc" }, { seq: "asc" }] }),
    prisma.segment.findMany({ orderBy: { id: "asc" } }),
    prisma.landmark.findMany({ orderBy: { name: "asc" } }),
    prisma.department.findMany({ orderBy: { code: "asc" } }),
    prisma.senderBinding.findMany({
      where: { status: "confirmed" },
      select: { senderKey: true, personId: true },
    }),
  ]);
  return new RosterIndex({
    bindings,
    people: people.map((p) => ({
      id: p.id,
      name: p.name,
      title: p.title,
      phone: p.phone,
      larkOpenId: p.larkOpenId,
      wechatId: p.wechatId,
      dingtalkId: p.dingtalkId,
      roles: list(p.roles) as PersonRole[],
    })),
    roads: roads.map((r) => ({
      name: r.name,
      aliases: list(r.aliases),
      direction: r.direction,
      crossingsOrder: r.crossingsOrder,
      level1ChiefId: r.level1ChiefId,
      crossings: crossings
        .filter((c) => c.roadName === r.name)
        .map((c) => ({ name: c.name, lat: c.lat, lng: c.lng })),
    })),
    segments: segments.map((s) => ({
      id: s.id,
      roadName: s.roadName,
      from: s.fromCrossing,
      to: s.toCrossing,
      street: s.street,
      level3ChiefId: s.level3ChiefId,
      level2ChiefId: s.level2ChiefId,
    })),
    landmarks: landmarks.map((l) => ({
      name: l.name,
      aliases: list(l.aliases),
      roadName: l.roadName,
      segmentId: l.segmentId,
      lat: l.lat,
      lng: l.lng,
    })),
    departments: departments.map((d) => ({
      code: d.code,
      name: d.name,
      handles: list(d.handles),
      contactIds: list(d.contacts),
    })),
  });
}
