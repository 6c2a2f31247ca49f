/**
 * Name tables and geometry of one roster snapshot, built once and cached per RosterIndex: per road
 * its crossings by name, their positions along the road (metres from the first crossing when every
 * crossing has coordinates, else crossing numbers), its segments as index spans, the road that
 * continues it in a straight line past either end (朝阳西路 → 朝阳东路), and every landmark's
 * position along its road.
 */
import { directionVector, distanceToPolyline, type LatLng, toLocal, unitVector, type Vec } from "./geo.ts";
import { FragmentTable } from "./name-fragments.ts";
import { type NameMatch, NameTable } from "./name-table.ts";
import { nameKey } from "./place-names.ts";
import type { RosterIndex, RosterLandmark, RosterRoad, RosterSegment } from "./roster-index.ts";

export interface SegmentSpan {
  segment: RosterSegment;
  lo: number;
  hi: number;
}

/** The road going on past one end of another, in a straight line through the same crossing. */
export interface Continuation {
  road: string;
  /** Index of the shared crossing on the continuing road. */
  index: number;
  /** +1 when its crossing order runs the same way, −1 when it runs the other way. */
  sign: 1 | -1;
}

/** Per-road lookups: crossing names, crossing positions along the road, segment index spans. */
export interface RoadPlaces {
  road: RosterRoad;
  crossings: NameTable<number>;
  /** Position of each crossing along the road: metres when `metric`, else the crossing's number. */
  along: number[];
  metric: boolean;
  points: (LatLng | null)[];
  spans: SegmentSpan[];
  textAxis: Vec | null;
  /** Past the last crossing (`hi`) and before the first (`lo`). */
  beyond: { hi: Continuation | null; lo: Continuation | null };
}

/** A shared crossing is the same place within this distance (metres). */
const SAME_POINT_M = 15;
/** |cos| between two roads' axes above which one continues the other. */
const STRAIGHT_COS = 0.95;

/** Name tables and geometry of one roster snapshot. */
export class PlaceIndex {
  readonly roads = new NameTable<RosterRoad>();
  readonly landmarks = new NameTable<RosterLandmark>();
  readonly landmarkParts: FragmentTable<RosterLandmark>;
  readonly places = new Map<string, RoadPlaces>();
  /** Where each landmark lies along its road (same units as RoadPlaces.along). */
  readonly landmarkAlong = new Map<RosterLandmark, number>();

  constructor(readonly roster: RosterIndex) {
    for (const road of roster.roads.values()) this.roads.add(road.name, road);
    for (const road of roster.roads.values()) for (const a of road.aliases) this.roads.add(a, road);
    // Parts that say a street or a road rather than a landmark (人民 of 胜利北路, 朝阳 of 朝阳东路 …).
    const ignore = new Set<string>();
    for (const s of roster.segments.values()) ignore.add(s.street);
    for (const road of roster.roads.values())
      for (const n of [road.name, ...road.aliases, ...road.crossings.map((c) => c.name)]) {
        const key = nameKey(n);
        for (let i = 2; i <= key.length; i++) ignore.add(key.slice(0, i));
      }
    this.landmarkParts = new FragmentTable(ignore);
    for (const lm of roster.landmarks) this.landmarks.add(lm.name, lm);
    for (const lm of roster.landmarks) for (const a of lm.aliases) this.landmarks.add(a, lm);
    for (const lm of roster.landmarks)
      for (const n of [lm.name, ...lm.aliases]) this.landmarkParts.add(n, lm);
    for (const road of roster.roads.values()) this.places.set(road.name, buildRoadPlaces(roster, road));
    for (const p of this.places.values()) {
      p.beyond = { hi: this.continuation(p, p.road.crossings.length - 1), lo: this.continuation(p, 0) };
    }
    for (const lm of roster.landmarks) {
      const at = this.alongOf(lm);
      if (at !== null) this.landmarkAlong.set(lm, at);
    }
  }

  /**
   * The crossing of road `p` that `name` names. The name of another roster road only matches exactly
   * (胜利南路 is not 胜利北路's family); a stem matches its family member (胜利路 → 胜利南路).
   */
  crossingOf(p: RoadPlaces, name: string): number | undefined {
    const m = p.crossings.lookup(name);
    if (!m || (m.tier !== "exact" && this.roads.exact(name))) return undefined;
    return m.values[0];
  }

  /** Landmarks a said name may mean: the exact name, else every landmark it is a part of, else a near name. */
  landmarksFor(name: string): NameMatch<RosterLandmark> | undefined {
    const exact = this.landmarks.lookup(name);
    if (exact?.tier === "exact") return exact;
    return this.landmarkParts.lookup(name) ?? exact;
  }

  private alongOf(lm: RosterLandmark): number | null {
    const p = this.places.get(lm.roadName);
    const span = p?.spans.find((s) => s.segment.id === lm.segmentId);
    if (!p || !span) return null;
    const lo = p.along[span.lo] ?? 0;
    const hi = p.along[span.hi] ?? lo;
    if (p.metric && lm.lat != null && lm.lng != null) {
      const line = p.points as LatLng[];
      const { along } = distanceToPolyline({ lat: lm.lat, lng: lm.lng }, line);
      // The roster's segment is authoritative: a position outside it is pulled back inside.
      return Math.min(hi, Math.max(lo, along));
    }
    return (lo + hi) / 2;
  }

  private continuation(p: RoadPlaces, end: number): Continuation | null {
    const at = p.points[end];
    if (!p.metric || !at || p.points.length < 2) return null;
    const inner = p.points[end === 0 ? 1 : end - 1] as LatLng;
    const out = unitVector(inner, at);
    if (!out) return null;
    for (const q of this.places.values()) {
      if (q === p || !q.metric) continue;
      const j = q.points.findIndex(
        (x) => x !== null && Math.hypot(toLocal(at, x).x, toLocal(at, x).y) < SAME_POINT_M,
      );
      if (j < 0) continue;
      const last = q.points.length - 1;
      const nextIdx = j === 0 ? 1 : j === last ? last - 1 : -1;
      const next = q.points[nextIdx];
      if (nextIdx < 0 || !next) continue;
      const dir = unitVector(q.points[j] as LatLng, next);
      if (!dir || dir.x * out.x + dir.y * out.y < STRAIGHT_COS) continue;
      // Going on past p's end moves along q from j towards nextIdx.
      const sign: 1 | -1 = nextIdx > j ? 1 : -1;
      return { road: q.road.name, index: j, sign: end === 0 ? (-sign as 1 | -1) : sign };
    }
    return null;
  }
}

function buildRoadPlaces(roster: RosterIndex, road: RosterRoad): RoadPlaces {
  const crossings = new NameTable<number>();
  road.crossings.forEach((c, i) => {
    crossings.add(c.name, i);
    // A crossing that is itself a roster road is also known by that road's aliases.
    for (const a of roster.roads.get(c.name)?.aliases ?? []) crossings.add(a, i);
  });
  const points = road.crossings.map((c) =>
    c.lat != null && c.lng != null ? { lat: c.lat, lng: c.lng } : null,
  );
  const metric = points.length > 1 && points.every((p) => p !== null);
  const along = road.crossings.map((_, i) => i);
  if (metric) {
    const origin = points[0] as LatLng;
    for (let i = 1; i < points.length; i++) {
      const a = toLocal(origin, points[i - 1] as LatLng);
      const b = toLocal(origin, points[i] as LatLng);
      along[i] = (along[i - 1] ?? 0) + Math.hypot(b.x - a.x, b.y - a.y);
    }
  }
  const index = (name: string) => road.crossings.findIndex((c) => c.name === name);
  const spans = roster.segmentsOf(road.name).flatMap((segment) => {
    const a = index(segment.from);
    const b = index(segment.to);
    return a < 0 || b < 0 ? [] : [{ segment, lo: Math.min(a, b), hi: Math.max(a, b) }];
  });
  spans.sort((x, y) => x.lo - y.lo);
  return {
    road,
    crossings,
    along,
    metric,
    points,
    spans,
    textAxis: axisFromText(road),
    beyond: { hi: null, lo: null },
  };
}

/** The forward direction of the crossing order as a vector, from "自西向东" or "东西向". */
function axisFromText(road: RosterRoad): Vec | null {
  const to = /向(东北|东南|西北|西南|东|西|南|北)/.exec(road.crossingsOrder)?.[1];
  if (to) return directionVector(to);
  if (/东西/.test(road.direction)) return { x: 1, y: 0 };
  if (/南北/.test(road.direction)) return { x: 0, y: -1 };
  return null;
}

/** Forward axis of a road at crossing `i` (towards higher crossing indices). */
export function axisAt(p: RoadPlaces, i: number): Vec | null {
  const prev = p.points[Math.max(0, i - 1)];
  const next = p.points[Math.min(p.points.length - 1, i + 1)];
  return (prev && next && unitVector(prev, next)) || p.textAxis;
}

const cache = new WeakMap<RosterIndex, PlaceIndex>();

/** The place index of a roster snapshot (built on first use). */
export function placeIndex(roster: RosterIndex): PlaceIndex {
  let idx = cache.get(roster);
  if (!idx) {
    idx = new PlaceIndex(roster);
    cache.set(roster, idx);
  }
  return idx;
}
