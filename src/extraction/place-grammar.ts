/**
 * How people say places (DESIGN.md §5), read from the roster names found in a message:
 * "X路与Y路交叉口", "X路Y路口往东50米", "X路上，Y和Z之间", "Y路口北侧/以南/西北角",
 * "某地门口/对面/附近", "X路88号". The result is a SaidLocation for the shared resolver.
 */
import { placeIndex, type SaidLocation } from "../core/location.ts";
import type { RosterIndex } from "../core/roster-index.ts";
import type { Mention } from "./roster-vocabulary.ts";
import { readDistance } from "./text-normalize.ts";

/** "X路上", "X路沿线": the road the place is on, wherever it is named. */
const ON_ROAD = /^(?:的)?(?:上|沿线|沿街|边上|一带|路段上)/;
/** "Y和Z之间", "Y至Z段": the place lies between two crossings. */
const BETWEEN_AFTER = /^.{0,4}?(?:之间|中间|段|这一段|那一段|这段|那段|一段)/;
const RANGE_JOIN = /^(?:到|至|~|-|—|－|往|和|与|跟)$/;
const LANDMARK_RELATION =
  /^(?:的)?(正门口|大门口|门口|大门|门前|对面|对过|附近|旁边|边上|周边|周围|[东西南北]门|后门|前面|后面|里面|院内|内|[东西南北][侧边面])/;
const DIRECTION =
  /(?:往|向|朝|以|偏)(?:东北|东南|西北|西南|东|西|南|北)|(?:东北|东南|西北|西南|东|西|南|北)(?:侧|边|面|角|头|方向|首)|路[东西南北](?:侧|边)?/;
const HOUSE_NUMBER = /^(?:的)?(\d{1,5}|[一二三四五六七八九十百零]{1,6})号(?:院|楼)?/;
/** How far after the anchor a direction word or distance is looked for (characters). */
const DIRECTION_WINDOW = 16;

/** Reads the place said in `compact` from the roster names found in it. */
export function readPlace(roster: RosterIndex, compact: string, mentions: readonly Mention[]): SaidLocation {
  const idx = placeIndex(roster);
  const places = mentions.filter((m) => m.kind === "road" || m.kind === "crossing" || m.kind === "landmark");
  const said: SaidLocation = { raw: "" };
  if (places.length === 0) return said;
  const roads = places.filter((m) => m.kind === "road" || m.kind === "crossing");
  const after = (m: Mention) => compact.slice(m.end);

  // The road: one marked "…上", else the first road named (DESIGN.md §5: the first-named road).
  let road =
    roads.find((m) => m.kind === "road" && ON_ROAD.test(after(m))) ?? roads.find((m) => m.kind === "road");
  if (!road) {
    // Only a named crossing (a square, a lane): the single road that has it.
    const c = roads[0];
    const owners = c
      ? [...idx.places.values()].filter((p) => p.crossings.exact(c.canonical) !== undefined)
      : [];
    if (c && owners.length === 1 && owners[0]) {
      said.road = owners[0].road.name;
      said.crossing = c.canonical;
      road = c;
    }
  } else {
    said.road = road.canonical;
    const own = idx.places.get(road.canonical);
    const isCrossing = (m: Mention) => m !== road && own?.crossings.exact(m.canonical) !== undefined;
    const others = roads.filter((m) => m !== road && m.canonical !== road?.canonical);
    const crossings = others.filter(isCrossing);
    const pick = crossings.find((m) => m.start > (road?.start ?? 0)) ?? crossings.at(-1) ?? others[0];
    if (pick) said.crossing = pick.canonical;
    const second = crossings.find((m) => m !== pick && m.canonical !== pick?.canonical);
    if (pick && second) {
      const [a, b] = pick.start < second.start ? [pick, second] : [second, pick];
      const join = compact.slice(a.end, b.start).replace(/^(?:路口|口)/, "");
      if (RANGE_JOIN.test(join) || BETWEEN_AFTER.test(compact.slice(b.end)))
        said.crossing2 = second.canonical;
    }
    const house = HOUSE_NUMBER.exec(after(road));
    if (house?.[1]) said.houseNumber = `${house[1]}号`;
  }

  const landmark = places.find((m) => m.kind === "landmark");
  if (landmark) {
    said.landmark = landmark.canonical;
    const rel = LANDMARK_RELATION.exec(after(landmark));
    if (rel?.[1]) said.landmarkRelation = rel[1];
  }

  // Direction and distance: after the crossing (or the landmark, or the road) they refer to.
  const anchor =
    places.find((m) => m.canonical === said.crossing2) ??
    places.find((m) => m.canonical === said.crossing) ??
    landmark ??
    road ??
    places[0];
  let end = Math.max(...places.map((m) => m.end));
  if (anchor) {
    const windowText = maskNames(compact, mentions).slice(anchor.end, anchor.end + DIRECTION_WINDOW);
    const region = windowText.split(/[，。；！？,.;!?]/)[0] ?? "";
    const dir = DIRECTION.exec(region);
    if (dir && !(landmark === anchor && said.landmarkRelation?.includes(dir[0]))) {
      said.direction = dir[0];
      end = Math.max(end, anchor.end + dir.index + dir[0].length);
    }
    const dist = readDistance(region);
    if (dist) {
      said.distanceMeters = dist.meters;
      end = Math.max(end, anchor.end + dist.at + dist.length);
    }
  }
  const start = Math.min(...places.map((m) => m.start));
  said.raw = compact.slice(start, Math.min(end + 2, start + 40));
  return said;
}

/** The text with every roster name replaced by □, so names never read as words. */
export function maskNames(compact: string, mentions: readonly { start: number; end: number }[]): string {
  const chars = compact.split("");
  for (const m of mentions) for (let i = m.start; i < m.end; i++) chars[i] = "□";
  return chars.join("");
}
