/**
 * The part of the roster a message could mean, for the LLM prompt: the roads, crossings and
 * landmarks the rules extractor's name scanner finds in it (typos included), each road with its
 * crossings in order, plus the county's road names when they are few enough. A county of 130
 * roads would otherwise add thousands of tokens to every request, more than a 4k context holds.
 */
import type { RosterIndex, RosterRoad } from "../core/roster-index.ts";
import type { Mention } from "./roster-vocabulary.ts";

/** Above this the list of every road name is left out (about 1 token per 1.5 characters). */
export const ROAD_NAMES_MAX_CHARS = 800;
/** Detailed place lines kept at most (a message naming many roads is rare). */
export const PLACE_LINES_MAX_CHARS = 2_000;

const HEADING = "名册中可能相关的地名：";
const NONE_FOUND = "（消息中没有认出名册里的地名）";

/** "道路 X（又称Y）：路口自西向东依次为A、B". */
export function roadLine(r: RosterRoad, withCrossings = true): string {
  const alias = r.aliases.length ? `（又称${r.aliases.join("、")}）` : "";
  const crossings =
    withCrossings && r.crossings.length
      ? `：路口${r.crossingsOrder ? `${r.crossingsOrder}依次为` : ""}${r.crossings.map((c) => c.name).join("、")}`
      : "";
  return `道路 ${r.name}${alias}${crossings}`;
}

/** The places block of one message's user turn. */
export function placeHints(roster: RosterIndex, mentions: readonly Mention[]): string {
  const roads = new Set<string>();
  const landmarks = new Set<string>();
  for (const m of mentions) {
    if (m.kind === "road") roads.add(m.canonical);
    if (m.kind === "landmark") {
      landmarks.add(m.canonical);
      const lm = roster.landmarks.find((l) => l.name === m.canonical);
      if (lm) roads.add(lm.roadName);
    }
    if (m.kind === "crossing") {
      if (roster.roads.has(m.canonical)) roads.add(m.canonical);
      for (const r of roster.roads.values())
        if (r.crossings.some((c) => c.name === m.canonical)) roads.add(r.name);
    }
    if (m.kind === "street") {
      for (const s of roster.segments.values()) if (s.street === m.canonical) roads.add(s.roadName);
    }
  }
  const lines: string[] = [];
  let used = 0;
  const push = (line: string) => {
    if (used + line.length > PLACE_LINES_MAX_CHARS) return;
    lines.push(line);
    used += line.length;
  };
  for (const name of roads) {
    const r = roster.roads.get(name);
    if (r) push(roadLine(r));
  }
  for (const name of landmarks) {
    const l = roster.landmarks.find((x) => x.name === name);
    if (!l) continue;
    const alias = l.aliases.length ? `（又称${l.aliases.join("、")}）` : "";
    push(`地标 ${l.name}${alias}，在${l.roadName}`);
  }
  const all = `本县全部道路：${[...roster.roads.keys()].join("、")}`;
  const head = lines.length > 0 ? `${HEADING}\n${lines.join("\n")}` : `${HEADING}${NONE_FOUND}`;
  return all.length <= ROAD_NAMES_MAX_CHARS && roster.roads.size > 0 ? `${head}\n${all}` : head;
}
