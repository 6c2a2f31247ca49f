/** The synthetic county the benchmarks run on, loaded into a started app: roster, then seeded cases. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { App } from "../src/app/create-app.ts";
import { loadTaxonomy, SHIPPED_TAXONOMY } from "../src/app/taxonomy-load.ts";
import { createWorkCalendar } from "../src/core/work-calendar.ts";
import { applyRoster } from "../src/roster/roster-apply.ts";
import { loadRosterFile, readTaxonomyCodes } from "../src/roster/roster-load.ts";
import { seedCases } from "./console-seed.ts";
import { syntheticRoster } from "./synthetic-roster.ts";

/** Imports the synthetic roster (200 roads × 5 segments) and seeds `count` cases; returns the seeding ms. */
export async function loadBenchCounty(
  app: App,
  o: { dir: string; count: number; now: Date; days: number; seed?: number },
): Promise<number> {
  const rosterFile = join(o.dir, "roster.json");
  writeFileSync(rosterFile, JSON.stringify(syntheticRoster(200, 5)));
  const loaded = await loadRosterFile(rosterFile, await readTaxonomyCodes(SHIPPED_TAXONOMY));
  if (!loaded.ok) throw new Error(`synthetic roster invalid: ${JSON.stringify(loaded.problems.slice(0, 3))}`);
  await applyRoster(app.prisma, loaded.roster);
  await app.reloadRoster();
  return seedCases({
    sql: app.sql,
    roster: app.roster(),
    taxonomy: loadTaxonomy(),
    calendar: createWorkCalendar(),
    count: o.count,
    now: o.now,
    days: o.days,
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
  });
}
