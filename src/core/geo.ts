/**
 * Small-area geometry for locating reports: local flat coordinates in metres (an equirectangular
 * projection is exact to well under a metre across a county), distances to polylines, and the
 * unit vectors of Chinese direction words.
 */

export interface LatLng {
  lat: number;
  lng: number;
}

export interface Vec {
  x: number;
  y: number;
}

/** Metres per degree of latitude (WGS-84 mean). */
const M_PER_DEG_LAT = 110_574;
/** Metres per degree of longitude at the equator. */
const M_PER_DEG_LNG = 111_320;

/** `p` in metres east (x) and north (y) of `origin`. */
export function toLocal(origin: LatLng, p: LatLng): Vec {
  const cos = Math.cos((origin.lat * Math.PI) / 180);
  return { x: (p.lng - origin.lng) * M_PER_DEG_LNG * cos, y: (p.lat - origin.lat) * M_PER_DEG_LAT };
}

/** Straight-line distance in metres (flat approximation, fine within a county). */
export function distanceMeters(a: LatLng, b: LatLng): number {
  const v = toLocal(a, b);
  return Math.hypot(v.x, v.y);
}

/** Unit vector from `a` to `b` (east = +x, north = +y), or null when they coincide. */
export function unitVector(a: LatLng, b: LatLng): Vec | null {
  const v = toLocal(a, b);
  const len = Math.hypot(v.x, v.y);
  return len > 0 ? { x: v.x / len, y: v.y / len } : null;
}

/** Dot product: for unit vectors, the cosine of the angle between them. */
export function dot(a: Vec, b: Vec): number {
  return a.x * b.x + a.y * b.y;
}

const S = Math.SQRT1_2;
/** Longest first so 东北 is read before 东. */
const DIRECTION_VECTORS: readonly [string, Vec][] = [
  ["东北", { x: S, y: S }],
  ["东南", { x: S, y: -S }],
  ["西北", { x: -S, y: S }],
  ["西南", { x: -S, y: -S }],
  ["东", { x: 1, y: 0 }],
  ["西", { x: -1, y: 0 }],
  ["南", { x: 0, y: -1 }],
  ["北", { x: 0, y: 1 }],
];

/** The unit vector a direction word points to ("往东" → east), or null if it names none. */
export function directionVector(word: string | undefined): Vec | null {
  if (!word) return null;
  for (const [name, v] of DIRECTION_VECTORS) if (word.includes(name)) return v;
  return null;
}

/** Distance from `p` to the polyline `line` (in metres) and where along it the nearest point is. */
export function distanceToPolyline(p: LatLng, line: readonly LatLng[]): { distance: number; along: number } {
  const origin = line[0];
  if (!origin) return { distance: Number.POSITIVE_INFINITY, along: 0 };
  const q = toLocal(origin, p);
  let best = { distance: Number.POSITIVE_INFINITY, along: 0 };
  let walked = 0;
  for (let i = 0; i + 1 < line.length; i++) {
    const a = toLocal(origin, line[i] as LatLng);
    const b = toLocal(origin, line[i + 1] as LatLng);
    const ab = { x: b.x - a.x, y: b.y - a.y };
    const len2 = ab.x * ab.x + ab.y * ab.y;
    const t = len2 > 0 ? Math.max(0, Math.min(1, ((q.x - a.x) * ab.x + (q.y - a.y) * ab.y) / len2)) : 0;
    const d = Math.hypot(q.x - (a.x + t * ab.x), q.y - (a.y + t * ab.y));
    if (d < best.distance) best = { distance: d, along: walked + t * Math.sqrt(len2) };
    walked += Math.sqrt(len2);
  }
  if (line.length === 1) best = { distance: Math.hypot(q.x, q.y), along: 0 };
  return best;
}
