/**
 * Walking along the roster's roads the way a reporter describes it: from an anchor (a crossing or a
 * landmark) in a heading, counting crossings ("过了第二个红绿灯"), going a distance ("往东300米"), up to
 * a named crossing ("快到光华街"), turning onto the crossing road ("右拐"), and on into the road that
 * continues the same line past an end (朝阳西路 → 朝阳东路). Positions are along-road coordinates of
 * place-index.ts; the end of a walk is one segment, or two at a boundary crossing (either is right).
 */
import { directionVector, dot, type Vec } from "./geo.ts";
import { axisAt, type PlaceIndex, type RoadPlaces, type SegmentSpan } from "./place-index.ts";
import type { RosterSegment } from "./roster-index.ts";

export type Heading = 1 | -1;

/** Where a walk is: a road, a position along it, the heading (0: not said yet). */
export interface WalkState {
  p: RoadPlaces;
  pos: number;
  h: Heading | 0;
  /** At a crossing: which side of it the place is (0: the crossing itself). */
  side: Heading | 0;
  /** Index of the crossing the walk stands at, if any. */
  at: number | null;
}

/** |cos| of the angle between a direction word and a road above which the word points along it. */
export const ALONG_COS = 0.5;
/** Positions this close (metres, or crossing numbers / 1000) are the same. */
const EPS = 1e-3;

/** The heading along `p` at crossing `i` that a direction word points to: ±1, 0 across the road, null if none. */
export function headingOf(p: RoadPlaces, i: number, word: string | undefined): Heading | 0 | null {
  const v = directionVector(word);
  const axis = axisAt(p, i);
  if (!v || !axis) return null;
  const c = dot(v, axis);
  return c >= ALONG_COS ? 1 : c <= -ALONG_COS ? -1 : 0;
}

/** The vector of travel of a state (its heading along the road's axis near `pos`). */
export function travelVector(s: WalkState): Vec | null {
  const i = nearestCrossing(s.p, s.pos);
  const axis = axisAt(s.p, i);
  return axis && s.h !== 0 ? { x: axis.x * s.h, y: axis.y * s.h } : null;
}

function nearestCrossing(p: RoadPlaces, pos: number): number {
  let best = 0;
  p.along.forEach((a, i) => {
    if (Math.abs(a - pos) < Math.abs((p.along[best] ?? 0) - pos)) best = i;
  });
  return best;
}

function near(a: number, b: number, p: RoadPlaces): boolean {
  return Math.abs(a - b) <= (p.metric ? 1 : EPS);
}

/** Moves into the continuing road when `pos` lies past an end of `s.p`; false when nothing continues. */
function carryOn(idx: PlaceIndex, s: WalkState): boolean {
  const first = s.p.along[0] ?? 0;
  const last = s.p.along.at(-1) ?? 0;
  const over = s.pos > last ? s.pos - last : s.pos < first ? first - s.pos : 0;
  if (over <= EPS) return true;
  const c = s.pos > last ? s.p.beyond.hi : s.p.beyond.lo;
  const q = c ? idx.places.get(c.road) : undefined;
  if (!c || !q) return false;
  const dirOut: Heading = s.pos > last ? 1 : -1;
  const h = (dirOut * c.sign) as Heading;
  s.p = q;
  s.pos = (q.along[c.index] ?? 0) + h * over;
  if (s.h !== 0) s.h = (s.h * c.sign) as Heading;
  s.side = (s.side * c.sign) as Heading | 0;
  return carryOn(idx, s);
}

/** Goes `meters` in the state's heading; past the roster's last crossing, the end segment. */
export function goMeters(idx: PlaceIndex, s: WalkState, meters: number): boolean {
  if (s.h === 0) return false;
  if (!s.p.metric) {
    // No coordinates: only the side is known.
    s.side = s.h;
    return true;
  }
  s.pos += s.h * meters;
  s.at = null;
  s.side = s.h;
  if (!carryOn(idx, s)) {
    const first = s.p.along[0] ?? 0;
    const last = s.p.along.at(-1) ?? 0;
    s.pos = Math.min(last, Math.max(first, s.pos));
  }
  const k = s.p.along.findIndex((a) => near(a, s.pos, s.p));
  if (k >= 0) s.at = k;
  return true;
}

/** Counts `n` crossings ahead; the walk stands at the nth (side: at it, just past it, just before it). */
export function countCrossings(
  idx: PlaceIndex,
  s: WalkState,
  n: number,
  stop: "at" | "past" | "before",
): boolean {
  if (s.h === 0 || n < 1) return false;
  let left = n;
  for (let guard = 0; guard < 8; guard++) {
    const ahead = s.p.along
      .map((a, i) => ({ a, i }))
      .filter(({ a }) => (s.h > 0 ? a > s.pos + EPS : a < s.pos - EPS))
      .sort((x, y) => (s.h > 0 ? x.a - y.a : y.a - x.a));
    if (ahead.length >= left) {
      const k = ahead[left - 1] as { a: number; i: number };
      s.pos = k.a;
      s.at = k.i;
      s.side = stop === "past" ? s.h : stop === "before" ? (-s.h as Heading) : 0;
      return true;
    }
    left -= ahead.length;
    // On into the road that continues this one, from the shared end crossing.
    const end = s.h > 0 ? (s.p.along.at(-1) ?? 0) : (s.p.along[0] ?? 0);
    const c = s.h > 0 ? s.p.beyond.hi : s.p.beyond.lo;
    const q = c ? idx.places.get(c.road) : undefined;
    if (!c || !q) return false;
    s.pos = end;
    s.p = q;
    s.pos = q.along[c.index] ?? 0;
    s.h = (s.h * c.sign) as Heading;
  }
  return false;
}

/** Goes to crossing `i` of the current road (from the current position when no heading was said). */
export function goTo(s: WalkState, i: number, stop: "at" | "past" | "before"): boolean {
  const target = s.p.along[i];
  if (target === undefined) return false;
  if (s.h === 0 && !near(target, s.pos, s.p)) s.h = target > s.pos ? 1 : -1;
  s.pos = target;
  s.at = i;
  s.side = s.h === 0 || stop === "at" ? 0 : stop === "past" ? s.h : (-s.h as Heading);
  return true;
}

/** Turns onto the road crossing here, to the left or right of travel or towards a direction word. */
export function turn(idx: PlaceIndex, s: WalkState, side: "left" | "right" | null, word?: string): boolean {
  if (s.at === null) return false;
  const name = s.p.road.crossings[s.at]?.name ?? "";
  const match = idx.roads.lookup(name);
  const q = match?.values.length === 1 && match.values[0] ? idx.places.get(match.values[0].name) : undefined;
  const j = q ? idx.crossingOf(q, s.p.road.name) : undefined;
  if (!q || j === undefined) return false;
  const travel = travelVector(s);
  let v = directionVector(word);
  if (!v && travel && side)
    v = side === "left" ? { x: -travel.y, y: travel.x } : { x: travel.y, y: -travel.x };
  const axis = axisAt(q, j);
  if (!v || !axis) return false;
  const c = dot(v, axis);
  if (Math.abs(c) < ALONG_COS) return false;
  s.p = q;
  s.pos = q.along[j] ?? 0;
  s.at = j;
  s.h = c > 0 ? 1 : -1;
  s.side = 0;
  return true;
}

/** The segments the walk ends on, on this road first: one, or both sides of a boundary crossing. */
export function segmentsAt(idx: PlaceIndex, s: WalkState): RosterSegment[] {
  const { p } = s;
  const k = p.along.findIndex((a) => near(a, s.pos, p));
  const inside = p.spans.find(
    (x) => (p.along[x.lo] ?? 0) + EPS < s.pos && s.pos < (p.along[x.hi] ?? 0) - EPS,
  );
  if (inside && k < 0) return [inside.segment];
  if (k < 0) {
    const ends = [...p.spans].sort((a, b) => a.lo - b.lo);
    const end = s.pos < (p.along[0] ?? 0) ? ends[0] : ends.at(-1);
    return end ? [end.segment] : [];
  }
  const before = p.spans.filter((x) => x.hi === k);
  const after = p.spans.filter((x) => x.lo === k);
  const through = p.spans.filter((x) => x.lo < k && k < x.hi);
  if (through.length) return through.map((x) => x.segment);
  const pick = (list: SegmentSpan[]) => list.map((x) => x.segment);
  const onSide = s.side > 0 ? after : s.side < 0 ? before : [...before, ...after];
  if (onSide.length) return [...pick(onSide), ...(s.side === 0 ? [] : [])];
  // An end crossing, the side pointing off the road: the segment beyond, on the continuing road.
  const c = s.side > 0 ? p.beyond.hi : p.beyond.lo;
  const q = c ? idx.places.get(c.road) : undefined;
  if (c && q) {
    const dir = s.side * c.sign;
    const next = q.spans.filter((x) => (dir > 0 ? x.lo === c.index : x.hi === c.index));
    if (next.length) return pick(next);
  }
  return pick([...before, ...after]);
}

/** Both sides of an end crossing that another road continues (朝阳西路胜利路口 = 朝阳东路胜利路口). */
export function alsoAcross(idx: PlaceIndex, s: WalkState): RosterSegment[] {
  const k = s.at;
  if (k === null || s.side !== 0) return [];
  const c = k === 0 ? s.p.beyond.lo : k === s.p.along.length - 1 ? s.p.beyond.hi : null;
  const q = c ? idx.places.get(c.road) : undefined;
  if (!c || !q) return [];
  return q.spans.filter((x) => x.lo === c.index || x.hi === c.index).map((x) => x.segment);
}
