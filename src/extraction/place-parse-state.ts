/**
 * The working state of the place parser (place-parser.ts) and what it becomes: the SaidLocation
 * handed to the resolver. Helpers for crossings said on the walk, the start of a walk once the
 * road is known, and masking place phrases out of the text.
 */
import type { PlaceStep, SaidLocation } from "../core/location.ts";
import type { Marker } from "./place-phrases.ts";
import type { Mention } from "./roster-vocabulary.ts";

const HOUSE_NUMBER = /^(?:的)?(\d{1,5}|[一二三四五六七八九十百零]{1,6})号(?:院|楼)?/;
const RANGE_JOIN = /^(?:路口|口)?(?:到|至|~|-|—|－|和|与|跟)$/;
const SPAN_AFTER = /^.{0,4}?(?:之间|中间|段|这一段|那一段|这段|那段|一段|，整条|一整条)/;
const RAW_MAX = 40;

/** Working state: the place said so far. */
export interface State {
  road?: Mention;
  anchor?: Mention;
  crossing2?: Mention;
  relation?: string;
  direction?: string;
  distance?: number;
  steps: PlaceStep[];
  /** A direction said after the last step, for the next one. */
  pendingDir?: string;
  /** Names said before the road was known (from/pass/reach): the anchor once the road is. */
  before: Mention[];
}

export const copyState = (s: State): State => ({ ...s, steps: [...s.steps], before: [...s.before] });

/** The said text a name is resolved by: its roster name, or the text when it fits several. */
export const nameOf = (m: Mention) => (m.alternatives && m.alternatives.length > 1 ? m.text : m.canonical);

export function placeCrossing(
  st: State,
  w: Mention,
  marker: Marker,
  text: string,
  newAnchor: (m: Mention | undefined) => void,
): void {
  const a = st.anchor;
  if (a && a.kind !== "landmark" && (marker === "pass" || marker === "reach" || marker === "before")) {
    const join = text.slice(a.end, w.start).replace(/^(?:路口|口)/, "");
    const between =
      marker === "reach" &&
      !st.direction &&
      !st.steps.length &&
      (SPAN_AFTER.test(text.slice(w.end)) || /^(?:一直)?(?:到|至)$/.test(join));
    if (between) st.crossing2 = w;
    else
      st.steps.push({
        to: nameOf(w),
        stop: marker === "pass" ? "past" : marker === "before" ? "before" : "at",
      });
    return;
  }
  if (a && a.kind !== "landmark" && marker === "plain") {
    const join = text.slice(a.end, w.start).replace(/[□]/g, "");
    if (RANGE_JOIN.test(join) || SPAN_AFTER.test(text.slice(w.end))) {
      st.crossing2 = w;
      return;
    }
  }
  if (a && a.kind === "landmark" && (marker === "pass" || marker === "reach" || marker === "before")) {
    st.steps.push({
      to: nameOf(w),
      stop: marker === "pass" ? "past" : marker === "before" ? "before" : "at",
    });
    return;
  }
  newAnchor(w);
  if (marker === "pass" && st.direction === undefined) st.pendingDir = undefined;
}

/** Once the road is known, the last name said before it that crosses it is where the walk starts. */
export function adoptBefore(
  st: State,
  road: Mention,
  crossesRoad: (m: Mention, r: Mention | undefined) => boolean,
  newAnchor: (m: Mention | undefined) => void,
): void {
  if (st.anchor) return;
  const start = [...st.before].reverse().find((m) => crossesRoad(m, road));
  if (start) {
    const keep = { direction: st.direction, distance: st.distance, steps: st.steps };
    newAnchor(start);
    Object.assign(st, keep);
  }
  st.before = [];
}

export function replaceMention(st: State, at: Mention, by: Mention): State {
  const s = copyState(st);
  if (s.road === at) s.road = by;
  else if (s.anchor === at) s.anchor = by;
  return s;
}

export function toSaid(st: State, compact: string): SaidLocation {
  const said: SaidLocation = { raw: "" };
  if (st.road) said.road = nameOf(st.road);
  const a = st.anchor;
  if (a?.kind === "landmark") said.landmark = nameOf(a);
  else if (a) said.crossing = nameOf(a);
  if (st.crossing2) said.crossing2 = nameOf(st.crossing2);
  if (st.relation) said.landmarkRelation = st.relation;
  if (st.direction) said.direction = st.direction;
  if (st.distance) said.distanceMeters = st.distance;
  if (st.steps.length) said.steps = st.steps;
  if (!said.road && !a && st.before.length)
    said.crossing = nameOf(st.before[st.before.length - 1] as Mention);
  if (st.road) {
    const house = HOUSE_NUMBER.exec(compact.slice(st.road.end));
    if (house?.[1]) said.houseNumber = `${house[1]}号`;
  }
  return said;
}

/** Words that close a place phrase right after a name or a direction/distance ("…路口", "…门口", "…附近"). */
const PLACE_TAIL =
  /^(?:与|和|跟|交叉口|交叉路口|十字路口|丁字路口|路口|口子|口|处|附近|旁边|边上|这边|那边|这儿|那儿|这里|那里|一带|周边|对面|门口|大门口|正门|[东西南北]门|[东西南北]{1,2}角|[东西南北]侧|路[东西南北]|以[东西南北]|[东西南北]面|上|的)+/;

/**
 * The place phrase as said: from the first name used to the end of the last name, direction or
 * distance that follows on (with the words that close it, "路口", "门口"). The rest of the message is
 * the problem, so the phrase must not reach into it.
 */
export function finish(
  said: SaidLocation,
  st: State,
  compact: string,
  names: readonly Mention[],
  spans: readonly { start: number; end: number }[] = [],
): SaidLocation {
  const used = [st.road, st.anchor, st.crossing2].filter((m): m is Mention => Boolean(m));
  const first = used.length ? Math.min(...used.map((m) => m.start)) : (names[0]?.start ?? 0);
  let end = Math.max(...(used.length ? used : names).map((m) => m.end));
  // Extend over the spans (names, directions, distances) that follow on, each after at most a tail.
  const after = [...spans].filter((x) => x.end > end).sort((a, b) => a.start - b.start);
  for (;;) {
    end += PLACE_TAIL.exec(compact.slice(end))?.[0].length ?? 0;
    const next = after.find((x) => x.start <= end && x.end > end);
    if (!next || next.end - first > RAW_MAX) break;
    end = next.end;
  }
  said.raw = compact.slice(first, Math.min(end, first + RAW_MAX));
  return said;
}

/** The text with every span (roster names, place phrases) replaced by □, so they never read as problem words. */
export function maskNames(compact: string, spans: readonly { start: number; end: number }[]): string {
  const chars = compact.split("");
  for (const m of spans) for (let i = m.start; i < m.end; i++) chars[i] = "□";
  return chars.join("");
}
