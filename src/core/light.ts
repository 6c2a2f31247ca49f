/**
 * Case lights (DESIGN.md §2): green under 80 % of the time limit used, yellow 80–100 %, red when overdue.
 */

/** A case's light. */
export type Light = "green" | "yellow" | "red";

/** Fraction of the time limit from which a case turns yellow (DESIGN.md §2: "yellow 80–100 %"). */
export const YELLOW_FROM = 0.8;

/** Fraction of the time limit from which a case is red: the deadline has passed (DESIGN.md §2). */
export const RED_FROM = 1;

/** Chinese labels shown to users. */
export const LIGHT_LABELS: Readonly<Record<Light, string>> = {
  green: "绿灯",
  yellow: "黄灯",
  red: "红灯",
};

/** The light for a fraction of the time limit used (see `WorkCalendar.elapsedFraction`). */
export function lightFor(fraction: number): Light {
  if (Number.isNaN(fraction)) throw new RangeError("lightFor: fraction is NaN");
  if (fraction >= RED_FROM) return "red";
  if (fraction >= YELLOW_FROM) return "yellow";
  return "green";
}
