/**
 * The case list's filters as they arrive in a query string (the list page, its Excel export and the
 * map's links share them), validated into one typed object.
 */
import { z } from "zod";
import { ALL_STATES } from "../../core/case-lifecycle.ts";
import type { Light } from "../../core/light.ts";
import type { CaseState } from "../../core/types.ts";
import { OPEN_STATES } from "../../core/types.ts";
import { addDays, localInstant } from "../../schedule/local-time.ts";

/** Rows per page unless asked otherwise; at most MAX_PAGE_SIZE. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
/** Deep pages cost an OFFSET scan; nobody pages this far (filters are the way). */
const MAX_PAGE = 5_000;

export interface CaseFilters {
  /** Empty = every state. */
  states: CaseState[];
  light: Light | null;
  street: string | null;
  department: string | null;
  category: string | null;
  segment: string | null;
  /** Created at or after (local midnight of the first day). */
  from: Date | null;
  /** Created before (local midnight after the last day). */
  to: Date | null;
  /** Free text: number, summary, place, reporter. */
  q: string;
}

/** A real calendar date 'YYYY-MM-DD' (2026-02-30 is refused, not rolled over). */
export const localDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  });
const day = localDay;
const short = z.string().trim().max(100);

const querySchema = z.object({
  state: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(",").filter(Boolean) : []))
    .pipe(z.array(z.string().refine((s) => s === "open" || (ALL_STATES as readonly string[]).includes(s)))),
  light: z.enum(["red", "yellow", "green"]).optional(),
  street: short.optional(),
  department: short.optional(),
  category: short.optional(),
  segment: short.optional(),
  from: day.optional(),
  to: day.optional(),
  q: z.string().max(100).optional(),
  page: z.coerce.number().int().min(1).max(MAX_PAGE).default(1),
  size: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
});

export type ParsedCaseQuery = { filters: CaseFilters; page: number; size: number };

/** Reads filters and paging from a query string object; null when something is malformed. */
export function parseCaseQuery(query: unknown, timeZone: string): ParsedCaseQuery | null {
  const r = querySchema.safeParse(query ?? {});
  if (!r.success) return null;
  const q = r.data;
  const states = [...new Set(q.state.flatMap((s) => (s === "open" ? [...OPEN_STATES] : [s as CaseState])))];
  const text = (s: string | undefined) => (s && s.trim() !== "" ? s.trim() : null);
  return {
    filters: {
      states,
      light: q.light ?? null,
      street: text(q.street),
      department: text(q.department),
      category: text(q.category),
      segment: text(q.segment),
      from: q.from ? localInstant(q.from, 0, timeZone) : null,
      to: q.to ? localInstant(addDays(q.to, 1), 0, timeZone) : null,
      q: (q.q ?? "").trim(),
    },
    page: q.page,
    size: q.size,
  };
}
