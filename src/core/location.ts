/**
 * Deterministic location resolution (DESIGN.md §5): what the reporter said (a road plus a crossing,
 * a direction word and a distance, a second crossing, a landmark, steps counted along the road, or a
 * photo's GPS) to one segment (路段) of the roster, or a question with choices (place-locate.ts).
 * Shared by every extractor; the LLM never picks segments. Names match through aliases, numeral
 * variants, name families and near names (name-table.ts).
 */
import type { LatLng } from "./geo.ts";
import { placeIndex } from "./place-index.ts";
import { locatePlace } from "./place-locate.ts";
import type { RosterIndex, RosterSegment } from "./roster-index.ts";

export { GPS_AMBIGUITY_M, GPS_MAX_DISTANCE_M, nearestSegment } from "./place-gps.ts";
export { type PlaceIndex, placeIndex } from "./place-index.ts";

/** One step of a walk after the anchor, in the order said. */
export type PlaceStep =
  /** Crossings counted from where the walk is ("过了第二个红绿灯"): at, just past or just before the nth. */
  | { count: number; stop?: "at" | "past" | "before"; direction?: string }
  /** Up to a named crossing of the road the walk is on ("快到光华街的地方" = before it). */
  | { to: string; stop?: "at" | "past" | "before" }
  /** Onto the road crossing here ("右拐", "往南拐"). */
  | { turn: "left" | "right" | null; direction?: string; heading?: string }
  /** A distance on ("往前再走一百米"). */
  | { meters: number; direction?: string };

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
  /** Further steps from the anchor (crossing or landmark), after `direction` and `distanceMeters`. */
  steps?: PlaceStep[];
  /** Other places the reporter left open ("兴业路还是西环路", a correction they were unsure of). */
  alternatives?: SaidLocation[];
  /** The segment the reporter picked among the choices offered. */
  segmentId?: string;
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

/** Resolves a said location to one segment, or says why it cannot (place-locate.ts). */
export function resolveLocation(roster: RosterIndex, said: SaidLocation): LocationResolution {
  return locatePlace(roster, said).resolution;
}

/**
 * Merges the reporter's answer into the place said earlier (a pending case's question): a full
 * new place replaces the old one; a road that crosses the earlier road ("丰乐路的路灯不亮" then
 * "朝阳街口往东100米") is the crossing; bare directions, distances or a photo's GPS add to it.
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
