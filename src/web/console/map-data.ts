/**
 * The schematic map: roads as lines through their crossings' coordinates (no tiles: the office has no
 * map server), segments coloured by street, and open cases as pins on their segment. A segment with
 * many open cases gets one cluster pin with counts instead of a pile of pins.
 */

import { LIT_STATES } from "../../core/deadline-stages.ts";
import type { Light } from "../../core/light.ts";
import type { RosterIndex } from "../../core/roster-index.ts";
import type { TaxonomyIndex } from "../../core/taxonomy.ts";
import type { Sql } from "../../store/sql.ts";
import { lightCondition } from "./case-lights.ts";

/** Up to this many open cases on one segment are drawn one by one; more become a cluster. */
export const PINS_PER_SEGMENT = 6;

const LIGHT_ORDER: readonly Light[] = ["red", "yellow", "green"];

interface PinRow {
  number: string;
  segmentId: string;
  summary: string;
  categoryCode: string | null;
  light: Light;
}

export interface MapPin {
  number: string;
  light: Light;
  summary: string;
  category: string;
}

export interface MapSegment {
  id: string;
  road: string;
  from: string;
  to: string;
  street: string;
  /** [lng, lat] of the from and to crossings, when both are known. */
  line: [[number, number], [number, number]] | null;
  counts: Record<Light, number>;
  /** The most urgent open cases first, at most PINS_PER_SEGMENT. */
  pins: MapPin[];
}

/** Roads, segments and pins for the map page. */
export function mapData(sql: Sql, roster: RosterIndex, taxonomy: TaxonomyIndex, now: Date) {
  // One pass per light: each is an indexed comparison on the cached yellowAt (case-lights.ts).
  const rows: PinRow[] = [];
  for (const light of LIGHT_ORDER) {
    const c = lightCondition(light, now);
    rows.push(
      ...sql
        .all<Omit<PinRow, "light">>(
          `SELECT number, segmentId, summary, categoryCode FROM "Case" WHERE ${c.sql} AND "segmentId" IS NOT NULL ORDER BY deadline, id`,
          ...c.params,
        )
        .map((r) => ({ ...r, light })),
    );
  }
  const bySegment = new Map<string, PinRow[]>();
  for (const r of rows) {
    const list = bySegment.get(r.segmentId) ?? [];
    list.push(r);
    bySegment.set(r.segmentId, list);
  }
  const unlocated =
    sql.get<{ n: number }>(
      `SELECT count(*) AS n FROM "Case" WHERE "state" IN (${LIT_STATES.map(() => "?").join(",")}) AND "segmentId" IS NULL`,
      ...LIT_STATES,
    )?.n ?? 0;

  const point = (road: string, crossing: string): [number, number] | null => {
    const c = roster.roads.get(road)?.crossings.find((x) => x.name === crossing);
    return c && c.lat !== null && c.lng !== null ? [c.lng, c.lat] : null;
  };
  const segments: MapSegment[] = [...roster.segments.values()].map((s) => {
    const a = point(s.roadName, s.from);
    const b = point(s.roadName, s.to);
    const open = bySegment.get(s.id) ?? [];
    const counts: Record<Light, number> = { red: 0, yellow: 0, green: 0 };
    for (const r of open) counts[r.light]++;
    return {
      id: s.id,
      road: s.roadName,
      from: s.from,
      to: s.to,
      street: s.street,
      line: a && b ? [a, b] : null,
      counts,
      pins: open.slice(0, PINS_PER_SEGMENT).map((r) => ({
        number: r.number,
        light: r.light,
        summary: r.summary,
        category: (r.categoryCode && taxonomy.get(r.categoryCode)?.name) || "",
      })),
    };
  });
  const roads = [...roster.roads.values()].map((r) => ({
    name: r.name,
    crossings: r.crossings
      .filter((c) => c.lat !== null && c.lng !== null)
      .map((c) => ({ name: c.name, lng: c.lng as number, lat: c.lat as number })),
  }));
  const streets = [...new Set(segments.map((s) => s.street))].sort((a, b) =>
    a.localeCompare(b, "zh-Hans-CN"),
  );
  const openOn = (s: MapSegment) => s.counts.red + s.counts.yellow + s.counts.green;
  return {
    roads,
    segments,
    streets,
    /** Open cases drawn on the map. */
    pinned: segments.filter((s) => s.line).reduce((n, s) => n + openOn(s), 0),
    /** Open cases without a segment (location not resolved). */
    unlocated,
    /** Open cases on segments whose crossings have no coordinates in the roster. */
    withoutCoordinates: segments.filter((s) => !s.line).reduce((n, s) => n + openOn(s), 0),
  };
}
