/** Who and where a case is reassigned to (改派): a segment id, a person (id or name), or both. */
import type { Person } from "../core/types.ts";
import { T } from "./texts.ts";
import type { Turn } from "./turn.ts";

export interface ReassignTarget {
  /** The segment the case moves to (unchanged when only a person was named). */
  segmentId: string | null;
  handler: Person;
}

/**
 * Reads the words after "改派": a segment id gives the segment and its 三级路长; a person (roster id
 * or unambiguous name) gives the handler. Returns a question to ask when the words name neither.
 */
export function reassignTarget(
  turn: Turn,
  currentSegmentId: string | null,
  words: string,
): ReassignTarget | string {
  const tokens = words.split(/\s+/).filter(Boolean);
  if (tokens.length === 0) return T.needReassignTarget;
  const roster = turn.roster;
  const segmentIds = new Map([...roster.segments.keys()].map((id) => [id.toUpperCase(), id]));
  let segmentId: string | null = null;
  let person: Person | undefined;
  const unknown: string[] = [];
  for (const token of tokens) {
    const seg = segmentIds.get(token.toUpperCase());
    if (seg && !segmentId) {
      segmentId = seg;
      continue;
    }
    const p = roster.people.get(token) ?? roster.personByName(token);
    if (p && !person) {
      person = p;
      continue;
    }
    unknown.push(token);
  }
  if (unknown.length > 0 || (!segmentId && !person))
    return T.unknownReassignTarget(unknown.join(" ") || words);
  if (person) return { segmentId: segmentId ?? currentSegmentId, handler: person };
  const seg = segmentId ? roster.segments.get(segmentId) : undefined;
  const chief = turn.personById(seg?.level3ChiefId);
  if (!seg || !chief) return T.segmentWithoutChief(segmentId ?? "");
  return { segmentId: seg.id, handler: chief };
}
