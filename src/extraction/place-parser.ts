/**
 * Reads a whole message as a sequence of place mentions with roles instead of taking the first
 * match: the road the place is on (the road entered, followed or named with 上, else the first road
 * named), the anchor the walk starts from (a crossing or a landmark), and the walk after it
 * (direction, distance, counted crossings, named crossings passed or reached, turns). Corrections
 * ("不对，是…", "说错了") replace what they correct; doubt ("我也拿不准") or "A还是B" keeps both as
 * alternatives; "不是X" drops X. A landmark said later is where the problem is. The spans of every
 * place phrase are returned so the category side can mask them ("过了第二个红绿灯" is not a
 * traffic-light fault).
 */
import { placeIndex, type SaidLocation } from "../core/location.ts";
import type { RosterIndex } from "../core/roster-index.ts";
import {
  adoptBefore,
  copyState,
  finish,
  nameOf,
  placeCrossing,
  replaceMention,
  type State,
  toSaid,
} from "./place-parse-state.ts";
import { type FoundMod, type Marker, markerOf, readMods } from "./place-phrases.ts";
import type { Mention } from "./roster-vocabulary.ts";

export interface ParsedPlace {
  location: SaidLocation;
  /** [start, end) of every place phrase in the compact text (names, directions, distances, counts). */
  spans: { start: number; end: number }[];
}

type Event =
  | { w: Mention; marker: Marker; after: string }
  | { mod: FoundMod["mod"]; start: number; end: number };

const LANDMARK_RELATION =
  /^(?:的)?(正门口|大门口|门口|大门|门前|对面|对过|附近|旁边|边上|周边|周围|[东西南北]门|后门|前面|后面|里面|院内|内)/;
const ON_ROAD = /^(?:的)?(?:上|沿线|沿街|边上|一带|路段上)/;
const GATE_FIX = /^([东西南北])(门|院)/;

/** Reads the place of a message from the roster names found in it. */
export function parsePlace(roster: RosterIndex, compact: string, mentions: readonly Mention[]): ParsedPlace {
  const idx = placeIndex(roster);
  const names = mentions.filter((m) => m.kind === "road" || m.kind === "crossing" || m.kind === "landmark");
  const spans: { start: number; end: number }[] = names.map((m) => ({ start: m.start, end: m.end }));
  if (names.length === 0) return { location: { raw: "" }, spans: [] };
  const masked = [...compact];
  for (const m of mentions) for (let i = m.start; i < m.end; i++) masked[i] = "□";
  const text = masked.join("");

  // Names and the words between them, in order.
  const events: Event[] = [];
  let from = 0;
  for (const w of names) {
    for (const f of readMods(text.slice(from, w.start), from)) {
      events.push({ mod: f.mod, start: f.start, end: f.end });
      spans.push({ start: f.start, end: f.end });
    }
    events.push({
      w,
      marker: markerOf(text.slice(Math.max(0, w.start - 6), w.start)),
      after: text.slice(w.end),
    });
    from = w.end;
  }
  for (const f of readMods(text.slice(from), from)) {
    events.push({ mod: f.mod, start: f.start, end: f.end });
    spans.push({ start: f.start, end: f.end });
  }

  const roadsOf = (m: Mention) => {
    const hit = idx.roads.lookup(nameOf(m));
    return hit?.values.map((r) => r.name) ?? [];
  };
  const isRoadish = (m: Mention) =>
    m.kind === "road" || (m.kind === "crossing" && roadsOf(m).length > 0 && m.alternatives === undefined);
  const crossingIn = (road: string, name: string) => {
    const p = idx.places.get(road);
    return p ? idx.crossingOf(p, name) : undefined;
  };
  const landmarkRoadCrosses = (lm: Mention, m: Mention) =>
    (idx.landmarksFor(nameOf(lm))?.values ?? []).some((l) => crossingIn(l.roadName, nameOf(m)) !== undefined);
  const crossesRoad = (m: Mention, road: Mention | undefined) =>
    Boolean(road) && roadsOf(road as Mention).some((r) => crossingIn(r, nameOf(m)) !== undefined);

  const st: State = { steps: [], before: [] };
  let snapshot: State | null = null;
  let correcting = false;
  let doubted = false;
  let orNext = false;
  const alternatives: { at: Mention; by: Mention }[] = [];
  let lastName: Mention | undefined;
  let lastGateable: Mention | undefined;
  /** The last direction of travel said (往东 …): the heading a turn is made from. */
  let travel: string | undefined;

  /** A correction clears what it corrects: the first slot set after it, and everything below. */
  const corrected = (level: 0 | 1 | 2 | 3) => {
    if (!correcting) return;
    correcting = false;
    if (level <= 0) st.road = undefined;
    if (level <= 1)
      Object.assign(st, { anchor: undefined, crossing2: undefined, relation: undefined, before: [] });
    if (level <= 2) st.direction = undefined;
    st.distance = undefined;
    st.steps = [];
    st.pendingDir = undefined;
  };
  const newAnchor = (m: Mention | undefined) => {
    st.anchor = m;
    st.crossing2 = undefined;
    st.direction = undefined;
    st.distance = undefined;
    st.steps = [];
    st.pendingDir = undefined;
    st.relation = undefined;
  };

  for (let k = 0; k < events.length; k++) {
    const e = events[k] as Event;
    if ("mod" in e) {
      const mod = e.mod;
      if (mod.kind === "correct") {
        snapshot = copyState(st);
        correcting = true;
        // "二中北门，说错了，南门": a gate or wing said alone corrects the landmark's.
        const fix = GATE_FIX.exec(
          text.slice(e.end).replace(/^[，,。…\s]*(?:嗯)?[，,]?(?:那是|应该是|是)?/, ""),
        );
        const old = lastGateable;
        if (fix && old) {
          const swapped = old.text.replace(/[东西南北](门|院)/, `${fix[1]}${fix[2]}`);
          const lm = swapped !== old.text ? idx.landmarksFor(swapped) : undefined;
          if (lm?.values.length === 1 && lm.values[0]) {
            newAnchor({ ...old, canonical: lm.values[0].name, text: swapped, alternatives: undefined });
            correcting = false;
          }
        }
      } else if (mod.kind === "doubt") doubted = doubted || snapshot !== null;
      else if (mod.kind === "or") orNext = true;
      else if (mod.kind === "dir") {
        if (/^(?:往|向|朝)/.test(mod.word)) travel = mod.word;
        // "往东路南": the side of the road after the way along it does not replace it.
        if (
          !correcting &&
          st.direction &&
          /^(?:往|向|朝|以)/.test(st.direction) &&
          !/^(?:往|向|朝|以)/.test(mod.word)
        )
          continue;
        corrected(2);
        if (st.steps.length || st.distance) st.pendingDir = mod.word;
        else st.direction = mod.word;
      } else if (mod.kind === "dist") {
        corrected(3);
        if (st.steps.length)
          st.steps.push({ meters: mod.meters, ...(st.pendingDir ? { direction: st.pendingDir } : {}) });
        else st.distance = mod.meters;
        st.pendingDir = undefined;
      } else if (mod.kind === "count") {
        if (mod.bare && !correcting && !st.steps.length) continue;
        corrected(3);
        const dir = st.pendingDir;
        st.steps.push({ count: mod.n, stop: mod.stop, ...(dir ? { direction: dir } : {}) });
        st.pendingDir = undefined;
      } else if (mod.kind === "turn") {
        corrected(3);
        const heading = st.direction && !st.steps.length ? undefined : travel;
        st.steps.push({
          turn: mod.side,
          ...(mod.word ? { direction: mod.word } : {}),
          ...(heading ? { heading } : {}),
        });
        if (mod.word) travel = mod.word;
      }
      continue;
    }
    const { w, marker, after } = e;
    if (marker === "not") {
      // "不是新民街": what it names is dropped (with what hangs on it).
      if (st.road && nameOf(st.road) === nameOf(w)) corrected(0);
      else if (st.anchor && nameOf(st.anchor) === nameOf(w)) {
        correcting = true;
        corrected(1);
      }
      correcting = snapshot !== null && correcting;
      continue;
    }
    // "泰和路我记错了": a name followed straight by a correction is the wrong one.
    const next = events[k + 1];
    const repeated = [st.road, st.anchor].some((m) => m && nameOf(m) === nameOf(w));
    if (repeated && next && "mod" in next && next.mod.kind === "correct" && next.start <= w.end + 1) {
      lastName = w;
      continue;
    }
    if (orNext && lastName) {
      alternatives.push({ at: lastName, by: w });
      orNext = false;
      continue;
    }
    lastName = w;
    // "某广场…公园秩序太差": a shortened name after a landmark said in full is talk about it, not a new place.
    if (w.part && st.anchor?.kind === "landmark" && !st.anchor.part) continue;
    if (w.kind === "landmark") {
      corrected(1);
      if (marker !== "from" || !st.anchor || st.anchor.kind === "landmark") newAnchor(w);
      const rel = LANDMARK_RELATION.exec(after);
      if (rel?.[1]) st.relation = rel[1];
      lastGateable = w;
      continue;
    }
    const onRoad = marker === "enter" || marker === "along" || ON_ROAD.test(after);
    const roadish = isRoadish(w);
    const onWalk = st.road
      ? crossesRoad(w, st.road) && nameOf(w) !== nameOf(st.road)
      : st.anchor?.kind === "landmark" && marker !== "plain" && landmarkRoadCrosses(st.anchor, w);
    if (!onRoad && onWalk) {
      corrected(1);
      placeCrossing(st, w, marker, text, newAnchor);
      continue;
    }
    if (!roadish) {
      corrected(1);
      if (!st.road) st.before.push(w);
      placeCrossing(st, w, marker, text, newAnchor);
      continue;
    }
    // A road.
    if (!st.road) {
      corrected(0);
      const pair = next && "w" in next && next.w.start - w.end <= 1 && crossesRoad(next.w, w);
      if (pair && (marker === "pass" || marker === "reach")) {
        // "经过X路Y路口": a place of its own, where the walk so far ends.
        newAnchor(undefined);
      } else if (marker === "from" || marker === "pass" || marker === "reach") {
        st.before.push(w);
        if (!onRoad) continue;
      }
      st.road = w;
      adoptBefore(st, w, crossesRoad, newAnchor);
      continue;
    }
    if (nameOf(w) === nameOf(st.road)) {
      // The same road again: a fresh statement of the place on it ("……是新民街西环路口").
      if (correcting) corrected(1);
      continue;
    }
    if (onRoad || marker === "at" || correcting) {
      // Onto another road: where the walk was becomes its crossing.
      const prev = st.road;
      corrected(0);
      if (prev) st.before.push(prev);
      st.road = w;
      if (st.anchor && !crossesRoad(st.anchor, w) && st.anchor.kind !== "landmark") st.anchor = undefined;
      adoptBefore(st, w, crossesRoad, newAnchor);
      continue;
    }
    // Another road named with the first: "丰乐路建设大道口" (the resolver reads either order).
    if (!st.anchor) st.anchor = w;
    else st.before.push(w);
  }

  if (doubted && snapshot && (st.road || st.anchor)) {
    const other = toSaid(snapshot, compact);
    const said = toSaid(st, compact);
    if (other.road || other.landmark || other.crossing) said.alternatives = [other];
    return { location: finish(said, st, compact, names, spans), spans };
  }
  const said = toSaid(st, compact);
  const alts = alternatives
    .map((a) => toSaid(replaceMention(st, a.at, a.by), compact))
    .filter((a) => a.road || a.landmark);
  if (alts.length) said.alternatives = alts;
  return { location: finish(said, st, compact, names, spans), spans };
}
