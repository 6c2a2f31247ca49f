/** A photo's GPS position to the nearest segment of the roster, when close enough and unambiguous. */
import { distanceToPolyline, type LatLng } from "./geo.ts";
import { placeIndex } from "./place-index.ts";
import type { RosterIndex, RosterSegment } from "./roster-index.ts";

/**
 * A photo farther than this from every segment is not placed by GPS. Phone GPS is good to 5–20 m
 * in the open; 120 m also covers a photo taken from the far pavement of a wide road or across a
 * square, and stays under half of a typical 400–600 m town block.
 */
export const GPS_MAX_DISTANCE_M = 120;
/** Two roads whose distances to a photo differ by less than this are equally likely (a crossing). */
export const GPS_AMBIGUITY_M = 15;

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
