/** Routing: category + segment → department, handler, deadline inputs. Code decides, never the LLM. */
import type { RosterDepartment, RosterIndex, RosterSegment } from "./roster-index.ts";
import type { TaxonomyItem } from "./types.ts";

export interface Route {
  segment: RosterSegment;
  item: TaxonomyItem;
  department: RosterDepartment | undefined;
  /** The segment's 三级路长 handles the case. */
  handlerId: string | null;
  superiorIds: string[];
}

/** Routes a categorized, located report. */
export function routeCase(roster: RosterIndex, item: TaxonomyItem, segment: RosterSegment): Route {
  return {
    segment,
    item,
    department: roster.departmentFor(item.code, item.department),
    handlerId: segment.level3ChiefId,
    superiorIds: roster.superiorsOf(segment.id),
  };
}

/**
 * The earliest open case a new report duplicates: the same item code (a street light is not a
 * manhole cover, even for the same department) on the same segment, at the same place (`near`).
 */
export function findDuplicate<
  C extends { categoryCode: string | null; segmentId: string | null; createdAt: Date },
>(
  openCasesOnSegment: readonly C[],
  itemCode: string,
  segmentId: string,
  near: (c: C) => boolean,
): C | undefined {
  return openCasesOnSegment
    .filter((c) => c.categoryCode === itemCode && c.segmentId === segmentId && near(c))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())[0];
}
