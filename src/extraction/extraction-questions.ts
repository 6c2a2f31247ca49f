/**
 * The questions the bot asks when a report lacks something needed: a precise place, with an
 * example built from the roster itself (never a hard-coded name), or what the problem is.
 */
import type { LocationResolution } from "../core/location.ts";
import { type LocatedPlace, locatePlace } from "../core/place-locate.ts";
import type { ExtractionResult } from "../core/ports.ts";
import type { RosterIndex } from "../core/roster-index.ts";
import { placeCandidatesQuestion, placeChoiceQuestion } from "./place-texts.ts";

/** A sayable example of a precise place on `roadName` (or the roster's first road). */
export function placeExample(roster: RosterIndex, roadName?: string): string {
  const road = (roadName && roster.roads.get(roadName)) || roster.roads.values().next().value;
  const crossing = road?.crossings[1]?.name ?? road?.crossings[0]?.name;
  return road && crossing ? `${road.name}与${crossing}交叉口往东50米` : "某路与某路交叉口往东50米";
}

export const ASK_CATEGORY = "请补充具体是什么问题，例如：垃圾满溢、路面破损、占道经营。";

/** The question for an unresolved place. */
export function locationQuestion(roster: RosterIndex, r: Extract<LocationResolution, { ok: false }>): string {
  const example = placeExample(roster, r.road);
  switch (r.reason) {
    case "road_only":
      return `请补充在${r.road}的哪个路口附近，例如：${example}`;
    case "unknown_crossing":
      return `名册中${r.road}没有这个路口，请补充位置，例如：${example}`;
    case "ambiguous":
      return `位置可能在多个路段（${(r.candidates ?? []).join("、")}），请说得更具体些，例如：${example}`;
    default:
      return `请补充位置，例如：${example}`;
  }
}

/** The question to ask about a report, or undefined when nothing needed is missing. */
export function questionFor(
  roster: RosterIndex,
  r: ExtractionResult,
  located?: LocatedPlace,
): string | undefined {
  if (!r.isReport) return undefined;
  const place = located ?? locatePlace(roster, r.location);
  if (!place.resolution.ok) {
    if (place.choices.length >= 2)
      return placeCandidatesQuestion(
        place.choices.map((c) => c.label),
        placeExample(roster, place.resolution.road),
      );
    return locationQuestion(roster, place.resolution);
  }
  if (!r.problems.some((p) => p.categoryCode)) return ASK_CATEGORY;
  return undefined;
}

/** The place fields of an extraction result: segment, confidence, choices and the numbered question. */
export function placeFields(
  located: LocatedPlace,
): Pick<ExtractionResult, "placeSegmentId" | "placeConfidence" | "placeChoices" | "placeQuestion"> {
  const choices = located.choices;
  return {
    placeSegmentId: located.resolution.ok ? located.resolution.segment.id : null,
    placeConfidence: located.confidence,
    placeChoices: choices,
    ...(choices.length >= 2 ? { placeQuestion: placeChoiceQuestion(choices.map((c) => c.label)) } : {}),
  };
}
