/**
 * Whether two reports are about the same spot, for duplicate linking: the same landmark, the same
 * crossing of the same road within NEAR_DUPLICATE_M (from the said direction and distance), the same
 * "between Y and Z", or photos (GPS) or crossing coordinates close together. Anything less certain
 * is a different place: a second case costs an inspector a minute, a wrongly linked one loses a
 * problem (a street light linked to a missing manhole cover at the next crossing got no case).
 */
import { directionVector, distanceMeters, dot, type LatLng } from "./geo.ts";
import { placeIndex, type SaidLocation } from "./location.ts";
import type { RosterIndex } from "./roster-index.ts";

/** Two reports this close (metres) are one place; a town block is 400–600 m. */
export const NEAR_DUPLICATE_M = 100;

interface Spot {
  road?: string;
  crossing?: number;
  crossing2?: number;
  landmark?: string;
  /** Metres from the crossing, signed by direction where one was said. */
  direction?: string;
  meters: number;
  point?: LatLng;
}

function spotOf(roster: RosterIndex, said: SaidLocation): Spot {
  const idx = placeIndex(roster);
  const road = said.road ? idx.roads.match(said.road)?.value : undefined;
  const places = road ? idx.places.get(road.name) : undefined;
  const crossing = said.crossing ? places?.crossings.match(said.crossing)?.value : undefined;
  const crossing2 = said.crossing2 ? places?.crossings.match(said.crossing2)?.value : undefined;
  const landmark = said.landmark ? idx.landmarks.match(said.landmark)?.value.name : undefined;
  const at = crossing !== undefined ? places?.points[crossing] : undefined;
  const spot: Spot = { meters: said.distanceMeters ?? 0 };
  if (road) spot.road = road.name;
  if (crossing !== undefined) spot.crossing = crossing;
  if (crossing2 !== undefined) spot.crossing2 = crossing2;
  if (landmark) spot.landmark = landmark;
  if (said.direction) spot.direction = said.direction;
  const point = said.gps ?? at ?? undefined;
  if (point) spot.point = point;
  return spot;
}

/** Metres between two places said from the same crossing (opposite directions add up). */
function apartAtCrossing(a: Spot, b: Spot): number {
  const va = directionVector(a.direction);
  const vb = directionVector(b.direction);
  const opposite = va && vb ? dot(va, vb) < 0 : false;
  return opposite ? a.meters + b.meters : Math.abs(a.meters - b.meters);
}

/** Whether `a` and `b` name the same spot (see the file comment). */
export function samePlace(roster: RosterIndex, a: SaidLocation, b: SaidLocation): boolean {
  const x = spotOf(roster, a);
  const y = spotOf(roster, b);
  if (x.landmark && y.landmark) return x.landmark === y.landmark;
  if (x.road && x.road === y.road && x.crossing !== undefined && y.crossing !== undefined) {
    if (x.crossing2 !== undefined || y.crossing2 !== undefined) {
      const pair = (s: Spot) => [s.crossing, s.crossing2].sort().join(",");
      return pair(x) === pair(y);
    }
    if (x.crossing === y.crossing) return apartAtCrossing(x, y) <= NEAR_DUPLICATE_M;
  }
  if (x.point && y.point && (a.gps || b.gps))
    return distanceMeters(x.point, y.point) <= NEAR_DUPLICATE_M + Math.max(x.meters, y.meters);
  return false;
}
