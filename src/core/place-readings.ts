/**
 * The readings a said location allows: each road its name may mean (exact, a family like 朝阳路 for
 * 朝阳东路/朝阳西路, a near name), each landmark (好又多 for both branches), narrowed by what else was
 * said (the crossing, the landmark's road, a direction naming the branch: 朝阳路东段), and each
 * alternative the reporter left open. Each reading gets its anchor and is walked (place-locate.ts).
 */
import type { SaidLocation } from "./location.ts";
import type { NameMatch } from "./name-table.ts";
import type { PlaceIndex } from "./place-index.ts";
import type { Anchor, Attempt } from "./place-locate.ts";
import type { RosterLandmark, RosterRoad } from "./roster-index.ts";

type Walk = (idx: PlaceIndex, anchor: Anchor, said: SaidLocation, weight: number) => Attempt[];

/** Weight of a reading by how its name matched: an exact name counts most. */
const TIER_WEIGHT: Record<NameMatch<unknown>["tier"], number> = {
  exact: 1,
  family: 1,
  part: 1,
  sound: 0.9,
  typo: 0.8,
};
/** Most readings tried for one location (names × landmarks × alternatives). */
const MAX_READINGS = 24;

/** Every attempt for `said` and its alternatives. */
export function placeAttempts(idx: PlaceIndex, said: SaidLocation, walk: Walk): Attempt[] {
  const all = [said, ...(said.alternatives ?? [])];
  return all
    .flatMap((s) => readingAttempts(idx, { ...s, alternatives: [] }, walk))
    .slice(0, MAX_READINGS * 4);
}

function crossingIn(idx: PlaceIndex, road: string, name: string): number | undefined {
  const p = idx.places.get(road);
  return p ? idx.crossingOf(p, name) : undefined;
}

function roadsNaming(idx: PlaceIndex, p: RosterRoad, name: string): boolean {
  return crossingIn(idx, p.name, name) !== undefined;
}

/** Narrows `xs` by `keep`, unless nothing would be left. */
function narrow<T>(xs: T[], keep: (x: T) => boolean): T[] {
  const kept = xs.filter(keep);
  return kept.length ? kept : xs;
}

function readingAttempts(idx: PlaceIndex, said: SaidLocation, walk: Walk): Attempt[] {
  let crossing = said.crossing;
  let roadM = said.road ? idx.roads.lookup(said.road) : undefined;
  let lmM = said.landmark ? idx.landmarksFor(said.landmark) : undefined;
  if (!roadM && !said.road && crossing && !lmM) {
    // Only one road was named ("丰乐路口"): it is the road.
    roadM = idx.roads.lookup(crossing);
    crossing = undefined;
  }
  if (!roadM && said.road && crossing) {
    // A named crossing said first ("幸福里解放大道口"): the road is the other one.
    const other = idx.roads.lookup(crossing);
    const road = said.road;
    const owners = other?.values.filter((r) => roadsNaming(idx, r, road));
    if (other && owners?.length) {
      roadM = { ...other, values: owners };
      crossing = said.road;
    }
  }
  if (!roadM && said.road) {
    // An unknown road name may be a landmark the reporter called a road.
    lmM ??= idx.landmarksFor(said.road);
    if (!lmM) return [{ ok: false, reason: "unknown_road", candidates: [] }];
  }
  let roads = roadM?.values ?? [];
  let lms = lmM?.values ?? [];
  if (crossing) {
    const c = crossing;
    roads = narrow(roads, (r) => roadsNaming(idx, r, c) || crossesBack(idx, r, c));
  }
  if (lms.length && roads.length) {
    const names = new Set(roads.map((r) => r.name));
    lms = narrow(lms, (l) => names.has(l.roadName));
    const lmRoads = new Set(lms.map((l) => l.roadName));
    roads = narrow(roads, (r) => lmRoads.has(r.name));
  }
  if (lms.length > 1 && crossing) {
    const c = crossing;
    lms = narrow(lms, (l) => crossingIn(idx, l.roadName, c) !== undefined);
  }
  if (roads.length > 1 && (roadM?.tier === "family" || roadM?.qualifier)) {
    const d = /[东西南北]/.exec(said.direction ?? "")?.[0];
    if (d) roads = narrow(roads, (r) => r.name.includes(d));
  }
  const weight = (TIER_WEIGHT[roadM?.tier ?? "exact"] * TIER_WEIGHT[lmM?.tier ?? "exact"]) / 1;
  const out: Attempt[] = [];
  const roadList: (RosterRoad | undefined)[] = roads.length ? roads : [undefined];
  const lmList: (RosterLandmark | undefined)[] = lms.length ? lms : [undefined];
  const n = roadList.length * lmList.length;
  for (const r of roadList)
    for (const l of lmList) out.push(...oneReading(idx, { ...said, crossing }, r, l, walk, weight / n));
  return out;
}

function crossesBack(idx: PlaceIndex, r: RosterRoad, crossing: string): boolean {
  const other = idx.roads.lookup(crossing);
  return Boolean(other?.values.some((o) => crossingIn(idx, o.name, r.name) !== undefined));
}

function landmarkAnchor(idx: PlaceIndex, l: RosterLandmark): Anchor | null {
  const p = idx.places.get(l.roadName);
  const pos = idx.landmarkAlong.get(l);
  if (!p || pos === undefined) return null;
  const at = p.along.findIndex((a) => Math.abs(a - pos) < 1e-6);
  return { p, pos, at: at >= 0 ? at : null, label: `地标「${l.name}」`, canSwitch: false };
}

function oneReading(
  idx: PlaceIndex,
  said: SaidLocation,
  road: RosterRoad | undefined,
  lm: RosterLandmark | undefined,
  walk: Walk,
  weight: number,
): Attempt[] {
  const p = road ? idx.places.get(road.name) : undefined;
  const plain = !said.direction && !said.distanceMeters && !said.steps?.length;
  const landmarkOnly = (): Attempt[] => {
    if (!lm) return [];
    const seg = idx.roster.segments.get(lm.segmentId);
    if (plain && seg) return [{ ok: true, segments: [seg], how: `地标「${lm.name}」`, weight }];
    const a = landmarkAnchor(idx, lm);
    if (a) return walk(idx, a, said, weight);
    return seg ? [{ ok: true, segments: [seg], how: `地标「${lm.name}」`, weight }] : [];
  };
  if (p && p.spans.length === 0)
    return [{ ok: false, reason: "road_only", road: p.road.name, candidates: [] }];
  if (p && said.crossing) {
    const i = idx.crossingOf(p, said.crossing);
    if (i === undefined) {
      // "丰乐路朝阳大道口" named the other way round: Y's crossing list has X.
      const other = idx.roads.lookup(said.crossing)?.values ?? [];
      for (const o of other) {
        const q = idx.places.get(o.name);
        const j = q ? idx.crossingOf(q, p.road.name) : undefined;
        if (q && j !== undefined) {
          const label = `${q.road.name}${q.road.crossings[j]?.name ?? ""}路口`;
          return walk(idx, { p: q, pos: q.along[j] ?? 0, at: j, label, canSwitch: true }, said, weight);
        }
      }
      const viaLandmark = landmarkOnly();
      if (viaLandmark.length) return viaLandmark;
      return [{ ok: false, reason: "unknown_crossing", road: p.road.name, candidates: [] }];
    }
    if (said.crossing2) {
      const j = idx.crossingOf(p, said.crossing2);
      if (j !== undefined && j !== i) return [between(p, i, j, weight)];
    }
    const label = `${p.road.name}${p.road.crossings[i]?.name ?? ""}路口`;
    return walk(idx, { p, pos: p.along[i] ?? 0, at: i, label, canSwitch: true }, said, weight);
  }
  if (lm) return landmarkOnly();
  if (p && p.spans.length === 1 && p.spans[0])
    return [{ ok: true, segments: [p.spans[0].segment], how: "道路仅一个路段", weight }];
  if (p)
    return [
      { ok: false, reason: "road_only", road: p.road.name, candidates: p.spans.map((s) => s.segment.id) },
    ];
  return [{ ok: false, reason: "no_place", candidates: [] }];
}

function between(
  p: NonNullable<ReturnType<PlaceIndex["places"]["get"]>>,
  i: number,
  j: number,
  weight: number,
): Attempt {
  const [lo, hi] = i < j ? [i, j] : [j, i];
  const span = p.spans.find((s) => s.lo <= lo && hi <= s.hi);
  const name = (k: number) => p.road.crossings[k]?.name ?? "";
  if (span)
    return { ok: true, segments: [span.segment], how: `${p.road.name}${name(i)}与${name(j)}之间`, weight };
  const overlapping = p.spans.filter((s) => s.hi > lo && s.lo < hi).map((s) => s.segment.id);
  return { ok: false, reason: "ambiguous", road: p.road.name, candidates: overlapping };
}
