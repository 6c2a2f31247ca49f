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
 * Category family for duplicate linking: same taxonomy class (first two digits) and same
 * responsible department. 06042 垃圾站满溢 and 06010 暴露垃圾 are one family (环卫);
 * 06013 道路破损 (市政) is another.
 */
export function categoryFamily(item: Pick<TaxonomyItem, "code" | "department">): string {
  return `${item.code.slice(0, 2)}:${item.department}`;
}

/** The earliest open case of the same family on the same segment, if any. */
export function findDuplicate<C extends { family: string; segmentId: string | null; createdAt: Date }>(
  openCasesOnSegment: readonly C[],
  family: string,
  segmentId: string,
): C | undefined {
  return openCasesOnSegment
    .filter((c) => c.family === family && c.segmentId === segmentId)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())[0];
}
