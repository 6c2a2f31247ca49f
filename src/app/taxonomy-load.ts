/** Loads the taxonomy the project ships (src/data/taxonomy.json, a copy of the reference data). */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { TaxonomyIndex } from "../core/taxonomy.ts";
import type { Taxonomy } from "../core/types.ts";
import { projectPath } from "../project-root.ts";

const itemSchema = z.object({
  code: z.string().regex(/^\d{5}$/),
  name: z.string().min(1),
  class: z.string(),
  kind: z.string(),
  area: z.string(),
  focus: z.string(),
  department: z.string(),
  time_limit: z.object({ value: z.number().positive(), unit: z.enum(["work_hour", "work_day", "hour"]) }),
  urgent_by_default: z.boolean(),
});

const taxonomySchema = z.object({
  format: z.literal("luzhang-taxonomy/v1"),
  disambiguation: z.array(z.string()),
  items: z.array(itemSchema).min(1),
});

export const SHIPPED_TAXONOMY = projectPath("src/data/taxonomy.json");
export const SHIPPED_DEMO_ROSTER = projectPath("src/data/roster-zhongmou.json");

export function loadTaxonomy(path: URL | string = SHIPPED_TAXONOMY): TaxonomyIndex {
  const parsed = taxonomySchema.parse(JSON.parse(readFileSync(path, "utf8")));
  return new TaxonomyIndex(parsed as Taxonomy);
}
