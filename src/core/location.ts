/**
 * Deterministic location resolution (DESIGN.md §5): a road plus a crossing, a direction word, or a
 * landmark, to one segment of the roster. Shared by every extractor; the LLM never picks segments.
 */
import type { RosterIndex, RosterRoad, RosterSegment } from "./roster-index.ts";

/** A place as the reporter said it. */
export interface SaidLocation {
  road?: string;
  crossing?: string;
  /** Second crossing for "X路上，Y和Z之间". */
  crossing2?: string;
  landmark?: string;
  /** A direction word: 东, 西, 南, 北, 东北 … */
  direction?: string;
  distanceMeters?: number;
  raw: string;
}

export type LocationResolution =
  | { ok: true; segment: RosterSegment; how: string }
  | { ok: false; reason: "no_place" | "road_only" | "unknown_crossing" | "ambiguous"; road?: string; candidates?: string[] };

const EAST_WEST = /西.*东|东.*西/;

function crossingIndex(road: RosterRoad, name: string): number {
  return road.crossings.findIndex((c) => c.name === name);
}

function indexRange(road: RosterRoad, seg: RosterSegment): [number, number] {
  const a = crossingIndex(road, seg.from);
  const b = crossingIndex(road, seg.to);
  return a <= b ? [a, b] : [b, a];
}

/**
 * Which way along the crossing order a direction word points: +1 = towards later crossings,
 * -1 = towards earlier ones, 0 = no help (e.g. 北 on an east–west road).
 */
export function directionSign(road: RosterRoad, direction: string | undefined): number {
  if (!direction) return 0;
  const order = road.crossingsOrder;
  const eastWest = EAST_WEST.test(order) || road.direction.includes("东西");
  const forward = eastWest ? (order.startsWith("自东") ? "西" : "东") : order.startsWith("自南") ? "北" : "南";
  const backward = { 东: "西", 西: "东", 南: "北", 北: "南" }[forward] ?? "";
  if (direction.includes(forward)) return 1;
  if (direction.includes(backward)) return -1;
  return 0;
}

/** Resolves a said location to one segment, or says why it cannot. */
export function resolveLocation(roster: RosterIndex, said: SaidLocation): LocationResolution {
  if (said.landmark) {
    const lm = roster.landmarks.find((l) => l.name === said.landmark);
    const seg = lm ? roster.segments.get(lm.segmentId) : undefined;
    if (seg) return { ok: true, segment: seg, how: `地标「${lm?.name}」` };
  }
  if (!said.road) return { ok: false, reason: "no_place" };
  const road = roster.roads.get(said.road);
  if (!road) return { ok: false, reason: "no_place" };
  const segments = roster.segmentsOf(road.name);
  if (segments.length === 1 && segments[0]) return { ok: true, segment: segments[0], how: "道路仅一个路段" };
  if (!said.crossing) return { ok: false, reason: "road_only", road: road.name };
  const i = crossingIndex(road, said.crossing);
  if (i < 0) return { ok: false, reason: "unknown_crossing", road: road.name };
  if (said.crossing2) {
    const j = crossingIndex(road, said.crossing2);
    if (j >= 0 && j !== i) {
      const [lo, hi] = i < j ? [i, j] : [j, i];
      const seg = segments.find((s) => {
        const [a, b] = indexRange(road, s);
        return a <= lo && hi <= b;
      });
      if (seg) return { ok: true, segment: seg, how: `${said.crossing}与${said.crossing2}之间` };
    }
  }
  const touching = segments.filter((s) => {
    const [a, b] = indexRange(road, s);
    return a <= i && i <= b;
  });
  if (touching.length === 0) return { ok: false, reason: "unknown_crossing", road: road.name };
  const sign = directionSign(road, said.direction);
  if (touching.length > 1 && sign !== 0) {
    const side = touching.find((s) => {
      const [a, b] = indexRange(road, s);
      return sign > 0 ? a === i : b === i;
    });
    if (side) return { ok: true, segment: side, how: `${said.crossing}路口${said.direction ?? ""}` };
  }
  // A point exactly on a boundary belongs to either side (DESIGN.md §5): take the first.
  const first = touching[0] as RosterSegment;
  return { ok: true, segment: first, how: `${said.crossing}路口` };
}
