/**
 * The place resolver: every reading a said location allows (each road a name may mean, each
 * landmark, each heading left unsaid, each alternative the reporter left open) is walked on the
 * roster's geometry; readings that end on the same place agree, readings that end apart compete.
 * One clear place is resolved with a confidence; close rivals become a question with the candidate
 * segments as choices. The LLM path and the rules path both end here.
 */
import { directionVector } from "./geo.ts";
import type { LocationResolution, PlaceStep, SaidLocation } from "./location.ts";
import { nearestSegment } from "./place-gps.ts";
import { type PlaceIndex, placeIndex, type RoadPlaces } from "./place-index.ts";
import { placeAttempts } from "./place-readings.ts";
import {
  alsoAcross,
  countCrossings,
  goMeters,
  goTo,
  headingOf,
  segmentsAt,
  turn,
  type WalkState,
} from "./place-walk.ts";
import type { RosterIndex, RosterSegment } from "./roster-index.ts";

/** One reading's result: where it ends (one segment, or both sides of a crossing), and its weight. */
export type Attempt =
  | { ok: true; segments: RosterSegment[]; how: string; weight: number }
  | {
      ok: false;
      reason: Exclude<LocationResolution, { ok: true }>["reason"];
      road?: string;
      candidates: string[];
    };

export interface PlaceChoice {
  segmentId: string;
  /** A short Chinese label: "朝阳东路（胜利路至白云路段）". */
  label: string;
}

export interface LocatedPlace {
  resolution: LocationResolution;
  /** 0–1: how sure the resolver is of the segment (0 when it must ask). */
  confidence: number;
  /** The segments to offer when it must ask which of a few (empty otherwise). */
  choices: PlaceChoice[];
}

/** A rival reading weighing less than the top one by this factor is not a rival. */
const CLEAR_RATIO = 2;
/** More candidates than this make a list too long to pick from: ask for a precise place instead. */
export const MAX_CHOICES = 6;
/** Confidence of a place resolved from exact names with nothing left open. */
const FULL_CONFIDENCE = 0.95;

/** The segment label shown in choices and receipts: "朝阳东路（胜利路至白云路段）". */
export function segmentLabel(s: RosterSegment): string {
  return `${s.roadName}（${s.from}至${s.to}段）`;
}

function choicesOf(roster: RosterIndex, ids: readonly string[]): PlaceChoice[] {
  if (ids.length < 2 || ids.length > MAX_CHOICES) return [];
  return ids.flatMap((id) => {
    const s = roster.segments.get(id);
    return s ? [{ segmentId: id, label: segmentLabel(s) }] : [];
  });
}

const uniq = <T>(xs: Iterable<T>) => [...new Set(xs)];

/** Resolves a said location with a confidence, and the choices when it must ask. */
export function locatePlace(roster: RosterIndex, said: SaidLocation): LocatedPlace {
  const idx = placeIndex(roster);
  const picked = said.segmentId ? roster.segments.get(said.segmentId) : undefined;
  if (picked)
    return { resolution: { ok: true, segment: picked, how: "上报人选定" }, confidence: 1, choices: [] };
  const attempts = placeAttempts(idx, said, walkAttempt);
  const oks = attempts.filter((a): a is Extract<Attempt, { ok: true }> => a.ok);
  if (oks.length === 0) {
    const gps = gpsAttempt(roster, said);
    if (gps) return gps;
    return failure(roster, attempts);
  }
  // Readings that share a segment are one place.
  const groups: { members: typeof oks; weight: number }[] = [];
  for (const a of oks) {
    const ids = new Set(a.segments.map((s) => s.id));
    const g = groups.find((x) => x.members.some((m) => m.segments.some((s) => ids.has(s.id))));
    if (g) {
      g.members.push(a);
      g.weight += a.weight;
    } else groups.push({ members: [a], weight: a.weight });
  }
  groups.sort((a, b) => b.weight - a.weight);
  const total = groups.reduce((s, g) => s + g.weight, 0);
  const [top, second] = groups;
  if (top && (!second || top.weight >= CLEAR_RATIO * second.weight)) {
    const count = new Map<string, number>();
    for (const m of top.members) for (const s of m.segments) count.set(s.id, (count.get(s.id) ?? 0) + 1);
    const best = top.members[0]?.segments.reduce((b, s) =>
      (count.get(s.id) ?? 0) > (count.get(b.id) ?? 0) ? s : b,
    );
    const how = top.members[0]?.how ?? "";
    if (best)
      return {
        resolution: { ok: true, segment: best, how },
        confidence: Math.min(1, FULL_CONFIDENCE * (top.weight / total) * Math.min(1, top.weight)),
        choices: [],
      };
  }
  const ids = uniq(groups.flatMap((g) => g.members.flatMap((m) => m.segments.map((s) => s.id))));
  return {
    resolution: { ok: false, reason: "ambiguous", candidates: ids },
    confidence: 0,
    choices: choicesOf(roster, ids),
  };
}

function failure(roster: RosterIndex, attempts: Attempt[]): LocatedPlace {
  const fails = attempts.filter((a): a is Extract<Attempt, { ok: false }> => !a.ok);
  const order = ["ambiguous", "unknown_crossing", "road_only", "unknown_road", "no_place"] as const;
  fails.sort((a, b) => order.indexOf(a.reason) - order.indexOf(b.reason));
  const first = fails[0];
  if (!first) return { resolution: { ok: false, reason: "no_place" }, confidence: 0, choices: [] };
  const roads = uniq(fails.map((f) => f.road).filter((r): r is string => Boolean(r)));
  const ids = uniq(fails.flatMap((f) => f.candidates));
  const resolution: LocationResolution = {
    ok: false,
    reason: first.reason,
    ...(roads.length === 1 && roads[0] ? { road: roads[0] } : {}),
    ...(ids.length ? { candidates: ids } : {}),
  };
  return { resolution, confidence: 0, choices: choicesOf(roster, ids) };
}

function gpsAttempt(roster: RosterIndex, said: SaidLocation): LocatedPlace | null {
  if (!said.gps) return null;
  const idx = placeIndex(roster);
  const road = said.road ? idx.roads.match(said.road)?.value.name : undefined;
  // A road said in the text keeps the search on that road (a photo at a crossing is near both).
  const near = nearestSegment(roster, said.gps, road);
  if (!near) return null;
  if ("ambiguous" in near)
    return {
      resolution: { ok: false, reason: "ambiguous", candidates: near.ambiguous },
      confidence: 0,
      choices: choicesOf(roster, near.ambiguous),
    };
  const how = `照片定位（距路段约${Math.round(near.distance)}米）`;
  return { resolution: { ok: true, segment: near.segment, how }, confidence: 0.8, choices: [] };
}

/** Where a walk starts: a crossing of a road, or a landmark on its road. */
export interface Anchor {
  p: RoadPlaces;
  pos: number;
  at: number | null;
  label: string;
  /** A direction across the road may switch onto the crossing road (only at a crossing). */
  canSwitch: boolean;
}

const MOVE_WORD = /往|向|朝|以|偏|外|方向|走/;
/** Off a landmark's road by more than this across it is not on the road at all: ask. */
const ACROSS_MAX_M = 50;

function clone(s: WalkState): WalkState {
  return { ...s };
}

/** Runs `f` on every state; a state with no heading yet is tried both ways (each half the weight). */
function each(states: WalkState[], needsHeading: boolean, f: (s: WalkState) => boolean): WalkState[] {
  const out: WalkState[] = [];
  for (const s of states) {
    const tries =
      needsHeading && s.h === 0 ? ([1, -1] as const).map((h) => ({ ...clone(s), h })) : [clone(s)];
    for (const t of tries) if (f(t)) out.push(t);
  }
  return out;
}

function applyStep(idx: PlaceIndex, states: WalkState[], step: PlaceStep): WalkState[] {
  const setHeading = (s: WalkState, word: string | undefined) => {
    const h = headingOf(s.p, s.at ?? 0, word);
    if (h === 1 || h === -1) s.h = h;
  };
  if ("count" in step)
    return each(states, !directionVector(step.direction), (s) => {
      setHeading(s, step.direction);
      return countCrossings(idx, s, step.count, step.stop ?? "at");
    });
  if ("meters" in step)
    return each(states, !directionVector(step.direction), (s) => {
      setHeading(s, step.direction);
      return goMeters(idx, s, step.meters);
    });
  if ("turn" in step)
    return each(states, false, (s) => {
      // The heading the turn is made from ("往东走，到东城路口右拐").
      if (s.h === 0 && step.heading) setHeading(s, step.heading);
      return turn(idx, s, step.turn, step.direction);
    });
  return each(states, false, (s) => {
    const i = idx.crossingOf(s.p, step.to);
    return i !== undefined && goTo(s, i, step.stop ?? "at");
  });
}

/** Walks one reading from its anchor: direction, distance, then the steps. */
export function walkAttempt(idx: PlaceIndex, anchor: Anchor, said: SaidLocation, weight: number): Attempt[] {
  const { p } = anchor;
  const dir = said.direction;
  const h = headingOf(p, anchor.at ?? nearestIndex(p, anchor.pos), dir);
  const corner = /角/.test(dir ?? "");
  const moves = !corner && (MOVE_WORD.test(dir ?? "") || Boolean(said.distanceMeters));
  let states: WalkState[] = [{ p, pos: anchor.pos, h: 0, side: 0, at: anchor.at }];
  let how = anchor.label;
  let distance = said.distanceMeters ?? 0;
  if (h === 1 || h === -1) {
    const s = states[0] as WalkState;
    s.h = h;
    s.side = h;
    how += dir ?? "";
  } else if (h === 0 && moves) {
    // "X路Y路口往北50米" on an east–west X: the place is on Y, north of X.
    if (!anchor.canSwitch) {
      if (distance > ACROSS_MAX_M || said.steps?.length)
        return [{ ok: false, reason: "ambiguous", candidates: spanIds(p, anchor.pos) }];
      distance = 0; // across the road from the landmark: still its segment
    } else {
      const switched = each(states, false, (s) => turn(idx, s, null, dir));
      if (switched.length) {
        states = switched;
        for (const s of states) s.side = s.h;
        how = `${states[0]?.p.road.name}（${p.road.name}路口${dir}）`;
      }
    }
  }
  if (distance > 0) {
    states = each(states, true, (s) => goMeters(idx, s, distance));
    how += `${distance}米`;
  }
  for (const step of said.steps ?? []) states = applyStep(idx, states, step);
  if (states.length === 0)
    return [{ ok: false, reason: "unknown_crossing", road: p.road.name, candidates: [] }];
  return states.map((s) => {
    const segments = [...segmentsAt(idx, s), ...alsoAcross(idx, s)];
    return { ok: true, segments: uniq(segments), how, weight: weight / states.length };
  });
}

function nearestIndex(p: RoadPlaces, pos: number): number {
  let best = 0;
  p.along.forEach((a, i) => {
    if (Math.abs(a - pos) < Math.abs((p.along[best] ?? 0) - pos)) best = i;
  });
  return best;
}

function spanIds(p: RoadPlaces, pos: number): string[] {
  return p.spans
    .filter((s) => (p.along[s.lo] ?? 0) <= pos && pos <= (p.along[s.hi] ?? 0))
    .map((s) => s.segment.id);
}
