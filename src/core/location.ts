/**
 * Deterministic location resolution (DESIGN.md §5): a road plus a crossing, a direction word and a
 * distance, a second crossing, a landmark, or a photo's GPS, to one segment (路段) of the roster.
 * Shared by every extractor; the LLM never picks segments. Names match through aliases, numeral
 * variants and one-character typos (place-names.ts).
 */
import {
  directionVector,
  distanceToPolyline,
  dot,
  type LatLng,
  toLocal,
  unitVector,
  type Vec,
} from "./geo.ts";
import { NameTable } from "./place-names.ts";
import type { RosterIndex, RosterLandmark, RosterRoad, RosterSegment } from "./roster-index.ts";

/** A place as the reporter said it. Every field is optional but `raw`. */
export interface SaidLocation {
  road?: string;
  /** The crossing road (or named crossing) the place is at: "X路Y路口" → Y. */
  crossing?: string;
  /** Second crossing for "X路上，Y和Z之间". */
  crossing2?: string;
  landmark?: string;
  /** How the place relates to the landmark: 门口, 对面, 附近 … */
  landmarkRelation?: string;
  /** A direction word as said: 往东, 东侧, 以南, 西北角, 路北 … */
  direction?: string;
  distanceMeters?: number;
  /** 门牌号 as said, e.g. "88号". */
  houseNumber?: string;
  /** Where a photo was taken (EXIF GPS), used when the text pins no segment. */
  gps?: LatLng;
  /** The phrase the place was read from. */
  raw: string;
}

export type LocationResolution =
  | { ok: true; segment: RosterSegment; how: string }
  | {
      ok: false;
      reason: "no_place" | "road_only" | "unknown_crossing" | "ambiguous" | "unknown_road";
      road?: string;
      candidates?: string[];
    };

/**
 * A photo farther than this from every segment is not placed by GPS. Phone GPS is good to 5–20 m
 * in the open; 120 m also covers a photo taken from the far pavement of a wide road or across a
 * square, and stays under half of a typical 400–600 m town block.
 */
export const GPS_MAX_DISTANCE_M = 120;
/** Two roads whose distances to a photo differ by less than this are equally likely (a crossing). */
export const GPS_AMBIGUITY_M = 15;
/** |cos| of the angle between a direction word and a road above which the word points along it. */
const ALONG_COS = 0.5;

interface SegmentSpan {
  segment: RosterSegment;
  lo: number;
  hi: number;
}

/** Per-road lookups: crossing names, crossing positions along the road, segment index spans. */
interface RoadPlaces {
  road: RosterRoad;
  crossings: NameTable<number>;
  /** Metres from the first crossing, when every crossing has coordinates. */
  along: number[] | null;
  points: (LatLng | null)[];
  spans: SegmentSpan[];
  textAxis: Vec | null;
}

/** Name tables and geometry of one roster snapshot (built once, cached per RosterIndex). */
export class PlaceIndex {
  readonly roads = new NameTable<RosterRoad>();
  readonly landmarks = new NameTable<RosterLandmark>();
  readonly places = new Map<string, RoadPlaces>();

  constructor(readonly roster: RosterIndex) {
    for (const road of roster.roads.values()) this.roads.add(road.name, road);
    for (const road of roster.roads.values()) for (const a of road.aliases) this.roads.add(a, road);
    for (const lm of roster.landmarks) this.landmarks.add(lm.name, lm);
    for (const lm of roster.landmarks) for (const a of lm.aliases) this.landmarks.add(a, lm);
    for (const road of roster.roads.values()) this.places.set(road.name, buildRoadPlaces(roster, road));
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
  let along: number[] | null = null;
  if (points.length > 1 && points.every((p) => p !== null)) {
    along = [0];
    const origin = points[0] as LatLng;
    for (let i = 1; i < points.length; i++) {
      const a = toLocal(origin, points[i - 1] as LatLng);
      const b = toLocal(origin, points[i] as LatLng);
      along.push((along[i - 1] ?? 0) + Math.hypot(b.x - a.x, b.y - a.y));
    }
  }
  const index = (name: string) => road.crossings.findIndex((c) => c.name === name);
  const spans = roster.segmentsOf(road.name).flatMap((segment) => {
    const a = index(segment.from);
    const b = index(segment.to);
    return a < 0 || b < 0 ? [] : [{ segment, lo: Math.min(a, b), hi: Math.max(a, b) }];
  });
  spans.sort((x, y) => x.lo - y.lo);
  return { road, crossings, along, points, spans, textAxis: axisFromText(road) };
}

/** The forward direction of the crossing order as a vector, from "自西向东" or "东西向". */
function axisFromText(road: RosterRoad): Vec | null {
  const to = /向(东北|东南|西北|西南|东|西|南|北)/.exec(road.crossingsOrder)?.[1];
  if (to) return directionVector(to);
  if (/东西/.test(road.direction)) return { x: 1, y: 0 };
  if (/南北/.test(road.direction)) return { x: 0, y: -1 };
  return null;
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

/** Forward axis of a road at crossing `i` (towards higher crossing indices). */
function axisAt(p: RoadPlaces, i: number): Vec | null {
  const prev = p.points[Math.max(0, i - 1)];
  const next = p.points[Math.min(p.points.length - 1, i + 1)];
  return (prev && next && unitVector(prev, next)) || p.textAxis;
}

const MOVE_WORD = /往|向|朝|以|偏|外|方向|走/;

function touching(p: RoadPlaces, i: number): SegmentSpan[] {
  return p.spans.filter((s) => s.lo <= i && i <= s.hi);
}

/** The segment at crossing `i`, `sign` steps of `meters` along the road (sign 0: no side known). */
function segmentNear(
  p: RoadPlaces,
  i: number,
  sign: number,
  meters: number | undefined,
): SegmentSpan | undefined {
  if (sign !== 0 && meters && meters > 0 && p.along) {
    const target = (p.along[i] ?? 0) + sign * meters;
    const at = (k: number) => p.along?.[k] ?? 0;
    const hit = p.spans.find((s) =>
      sign > 0 ? at(s.lo) <= target && target < at(s.hi) : at(s.lo) < target && target <= at(s.hi),
    );
    if (hit) return hit;
    // Past the last crossing the roster knows: the end segment on that side.
    const last = p.spans.reduce<SegmentSpan | undefined>((m, s) => (!m || s.hi > m.hi ? s : m), undefined);
    const first = p.spans.reduce<SegmentSpan | undefined>((m, s) => (!m || s.lo < m.lo ? s : m), undefined);
    if (sign > 0 && last && target >= at(last.hi)) return last;
    if (sign < 0 && first && target <= at(first.lo)) return first;
  }
  const near = touching(p, i);
  const inside = near.find((s) => s.lo < i && i < s.hi);
  if (inside) return inside;
  if (sign > 0) return near.find((s) => s.lo === i) ?? near[0];
  if (sign < 0) return near.find((s) => s.hi === i) ?? near[0];
  // A point exactly on a boundary belongs to either side (DESIGN.md §5): take the first.
  return near[0];
}

function crossingName(p: RoadPlaces, i: number): string {
  return p.road.crossings[i]?.name ?? "";
}

/** Resolves a place on a known road at crossing `i`, with the said direction and distance. */
function atCrossing(
  idx: PlaceIndex,
  p: RoadPlaces,
  i: number,
  said: SaidLocation,
  allowSwitch: boolean,
): LocationResolution {
  const v = directionVector(said.direction);
  const axis = axisAt(p, i);
  const c = v && axis ? dot(v, axis) : 0;
  const sign = c >= ALONG_COS ? 1 : c <= -ALONG_COS ? -1 : 0;
  const corner = /角/.test(said.direction ?? "");
  const moves = !corner && (MOVE_WORD.test(said.direction ?? "") || Boolean(said.distanceMeters));
  // "X路Y路口往北50米" on an east–west X: the place is on Y, north of X.
  if (v && sign === 0 && moves && allowSwitch) {
    const other = idx.places.get(crossingName(p, i));
    const j = other?.crossings.match(p.road.name)?.value;
    if (other && j !== undefined) {
      const r = atCrossing(idx, other, j, said, false);
      if (r.ok) return { ...r, how: `${other.road.name}（${p.road.name}路口${said.direction}）` };
    }
  }
  const span = segmentNear(p, i, sign, said.distanceMeters);
  if (!span) return { ok: false, reason: "unknown_crossing", road: p.road.name };
  const dist = said.distanceMeters ? `${said.distanceMeters}米` : "";
  const dir = sign !== 0 ? `${said.direction ?? ""}${dist}` : "";
  return { ok: true, segment: span.segment, how: `${p.road.name}${crossingName(p, i)}路口${dir}` };
}

function between(p: RoadPlaces, i: number, j: number): LocationResolution {
  const [lo, hi] = i < j ? [i, j] : [j, i];
  const span = p.spans.find((s) => s.lo <= lo && hi <= s.hi);
  if (span)
    return {
      ok: true,
      segment: span.segment,
      how: `${p.road.name}${crossingName(p, i)}与${crossingName(p, j)}之间`,
    };
  const overlapping = p.spans.filter((s) => s.hi > lo && s.lo < hi).map((s) => s.segment.id);
  return { ok: false, reason: "ambiguous", road: p.road.name, candidates: overlapping };
}

/** The nearest segment to a GPS point (optionally on one road), if close enough and unambiguous. */
export function nearestSegment(
  roster: RosterIndex,
  point: LatLng,
  roadName?: string,
): { segment: RosterSegment; distance: number } | { ambiguous: string[] } | null {
  const idx = placeIndex(roster);
  const scored: { segment: RosterSegment; road: string; distance: number }[] = [];
  for (const p of idx.places.values()) {
    if (roadName && p.road.name !== roadName) continue;
    for (const s of p.spans) {
      const line = p.points.slice(s.lo, s.hi + 1);
      if (line.some((q) => q === null)) continue;
      const { distance } = distanceToPolyline(point, line as LatLng[]);
      scored.push({ segment: s.segment, road: p.road.name, distance });
    }
  }
  scored.sort((a, b) => a.distance - b.distance);
  const best = scored[0];
  if (!best || best.distance > GPS_MAX_DISTANCE_M) return null;
  const rival = scored.find((s) => s.road !== best.road);
  if (rival && rival.distance - best.distance < GPS_AMBIGUITY_M) {
    return { ambiguous: [best.segment.id, rival.segment.id] };
  }
  return { segment: best.segment, distance: best.distance };
}

function byGps(roster: RosterIndex, said: SaidLocation, road?: string): LocationResolution | null {
  if (!said.gps) return null;
  const near = nearestSegment(roster, said.gps, road);
  if (!near) return null;
  if ("ambiguous" in near) return { ok: false, reason: "ambiguous", candidates: near.ambiguous };
  return { ok: true, segment: near.segment, how: `照片定位（距路段约${Math.round(near.distance)}米）` };
}

function byLandmark(
  roster: RosterIndex,
  idx: PlaceIndex,
  name: string | undefined,
): LocationResolution | null {
  if (!name) return null;
  const lm = idx.landmarks.match(name)?.value;
  const seg = lm ? roster.segments.get(lm.segmentId) : undefined;
  return lm && seg ? { ok: true, segment: seg, how: `地标「${lm.name}」` } : null;
}

/** Resolves a said location to one segment, or says why it cannot. */
export function resolveLocation(roster: RosterIndex, said: SaidLocation): LocationResolution {
  const idx = placeIndex(roster);
  const landmark = byLandmark(roster, idx, said.landmark);
  let road = said.road ? idx.roads.match(said.road)?.value : undefined;
  let crossingSaid = said.crossing;
  if (!road && !said.road && said.crossing && !landmark) {
    // Only one road was named ("丰乐路口"): it is the road.
    road = idx.roads.match(said.crossing)?.value;
    crossingSaid = undefined;
  }
  if (!road && said.road && said.crossing) {
    // A named crossing said first ("幸福里解放大道口"): the road is the other one.
    const other = idx.roads.match(said.crossing)?.value;
    if (other && idx.places.get(other.name)?.crossings.match(said.road) !== undefined) {
      road = other;
      crossingSaid = said.road;
    }
  }
  if (!road) {
    // An unknown road name may be a landmark the reporter called a road.
    const asLandmark = byLandmark(roster, idx, said.road);
    const known = landmark ?? asLandmark ?? byGps(roster, said);
    if (known) return known;
    return said.road ? { ok: false, reason: "unknown_road" } : { ok: false, reason: "no_place" };
  }
  const p = idx.places.get(road.name);
  if (!p || p.spans.length === 0) return { ok: false, reason: "road_only", road: road.name };

  if (crossingSaid) {
    const i = p.crossings.match(crossingSaid)?.value;
    if (i === undefined) {
      // "丰乐路建设大道口" named the other way round: Y's crossing list has X.
      const other = idx.roads.match(crossingSaid)?.value;
      const q = other ? idx.places.get(other.name) : undefined;
      const j = q?.crossings.match(road.name)?.value;
      if (q && j !== undefined) return atCrossing(idx, q, j, said, true);
      if (landmark) return landmark;
      return byGps(roster, said, road.name) ?? { ok: false, reason: "unknown_crossing", road: road.name };
    }
    if (said.crossing2) {
      const j = p.crossings.match(said.crossing2)?.value;
      if (j !== undefined && j !== i) return between(p, i, j);
    }
    return atCrossing(idx, p, i, said, true);
  }
  if (landmark) return landmark;
  if (p.spans.length === 1 && p.spans[0])
    return { ok: true, segment: p.spans[0].segment, how: "道路仅一个路段" };
  return byGps(roster, said, road.name) ?? { ok: false, reason: "road_only", road: road.name };
}

/**
 * Merges the reporter's answer into the place said earlier (a pending case's question): a full
 * new place replaces the old one; a road that crosses the earlier road ("丰乐路的路灯不亮" then
 * "建设街口往东100米") is the crossing; bare directions, distances or a photo's GPS add to it.
 */
export function mergeLocationAnswer(
  roster: RosterIndex,
  earlier: SaidLocation,
  answer: SaidLocation,
): SaidLocation {
  const idx = placeIndex(roster);
  const oldRoad = earlier.road ? idx.roads.match(earlier.road)?.value : undefined;
  if (answer.road && !answer.crossing && !answer.landmark && oldRoad) {
    const named = idx.roads.match(answer.road)?.value;
    const crossesOld = idx.places.get(oldRoad.name)?.crossings.match(answer.road) !== undefined;
    if (crossesOld && named?.name !== oldRoad.name) {
      const { crossing2: _drop, direction: _d, distanceMeters: _m, ...base } = earlier;
      return {
        ...base,
        crossing: answer.road,
        ...(answer.direction ? { direction: answer.direction } : {}),
        ...(answer.distanceMeters ? { distanceMeters: answer.distanceMeters } : {}),
        ...(answer.gps ? { gps: answer.gps } : {}),
        raw: `${earlier.raw} ${answer.raw}`.trim(),
      };
    }
  }
  if (answer.road || answer.landmark) return answer;
  const added = Object.fromEntries(Object.entries(answer).filter(([, v]) => v !== undefined && v !== ""));
  return { ...earlier, ...added, raw: `${earlier.raw} ${answer.raw}`.trim() };
}

/**
 * The SaidLocation stored in a case's location column: the extractor's JSON, or plain text from older
 * rows or seeds (read as what was said); never throws.
 */
export function readSaidLocation(text: string): SaidLocation {
  if (text.startsWith("{")) {
    try {
      const said = JSON.parse(text) as Partial<SaidLocation>;
      if (said && typeof said === "object")
        return { ...said, raw: typeof said.raw === "string" ? said.raw : "" };
    } catch {
      // Not JSON after all: the text is what was said.
    }
  }
  return { raw: text };
}

/** The place as the reporter said it (see readSaidLocation), for display. */
export function locationLabel(text: string): string {
  const said = readSaidLocation(text);
  if (said.raw) return said.raw;
  return [said.road, said.crossing, said.landmark].filter((x) => typeof x === "string" && x).join(" ");
}
