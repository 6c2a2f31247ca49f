// `npm run roster:import -- FILE [--db PATH] [--dry-run]`
// Imports a roster (路长名册: .json luzhang-roster/v1, .xlsx or .csv, see docs/roster-spreadsheet.md)
// into the database. The file is read and checked completely before the database is opened: a file
// with problems is refused with the list of them (exit 1) and nothing is written. Otherwise every
// change is written in one transaction; re-importing the same file changes nothing.
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { SHIPPED_TAXONOMY } from "../src/app/taxonomy-load.ts";
import { applyRoster, ENTITY_LABELS, type RosterEntityKind } from "../src/roster/roster-apply.ts";
import { RosterLockoutError } from "../src/roster/roster-coverage.ts";
import { readRosterLimits } from "../src/roster/roster-limits-config.ts";
import { readTaxonomyCodes } from "../src/roster/roster-load.ts";
import { loadRosterFileIsolated } from "../src/roster/roster-load-isolated.ts";
import { formatProblem } from "../src/roster/roster-validate.ts";
import { openDatabase } from "../src/store/db.ts";
import { migrateDatabase } from "../src/store/migrate.ts";

const USAGE = "usage: npm run roster:import -- FILE [--db PATH] [--dry-run]";
const TAXONOMY_FILE = SHIPPED_TAXONOMY;

function fail(message: string): never {
  console.error(`roster:import: ${message}\n${USAGE}`);
  process.exit(1);
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli();
  } catch (error) {
    fail((error as Error).message);
  }
  const { file, dbFile, dryRun } = parsed;
  if (!existsSync(file)) fail(`找不到文件 ${file}`);

  console.log(`① 读取名册 ${file}`);
  const codes = await readTaxonomyCodes(TAXONOMY_FILE);
  // The same bounds as the console's upload: zip limits, then a worker with its own heap limit.
  const loaded = await loadRosterFileIsolated(file, codes, readRosterLimits(process.env));
  if (!loaded.ok) {
    const errors = loaded.problems.filter((p) => p.severity !== "warning").length;
    console.error(`名册有 ${errors} 个错误，未导入（数据库未改动）：`);
    for (const p of loaded.problems) console.error(`  - ${formatProblem(p)}`);
    return 1;
  }
  const { roster, warnings } = loaded;
  const segments = roster.roads.reduce((n, r) => n + r.segments.length, 0);
  console.log(
    `   ${roster.county || "（未注明县区）"}：街道 ${roster.streets.length}、道路 ${roster.roads.length}、路段 ${segments}、` +
      `人员 ${roster.people.length}、部门 ${roster.departments.length}、地标 ${roster.landmarks.length}`,
  );
  for (const w of warnings) console.log(`  - ${formatProblem(w)}`);

  console.log(`② 打开数据库 ${dbFile}`);
  await migrateDatabase({ dbFile, log: (msg) => console.log(`   ${msg}`) });
  const db = openDatabase({ dbFile });
  try {
    console.log(dryRun ? "③ 比对（试运行，不写入）" : "③ 写入（单个事务）");
    let result: Awaited<ReturnType<typeof applyRoster>>;
    try {
      result = await applyRoster(db.prisma, roster, { dryRun });
    } catch (error) {
      if (!(error instanceof RosterLockoutError)) throw error;
      console.error(error.message);
      return 1;
    }
    for (const kind of Object.keys(result.counts) as RosterEntityKind[]) {
      const c = result.counts[kind];
      const keptText = c.kept ? `、保留 ${c.kept}` : "";
      console.log(
        `   ${ENTITY_LABELS[kind]}：新增 ${c.created}、更新 ${c.updated}、未变 ${c.unchanged}、` +
          `${kind === "person" ? "移出" : "删除"} ${c.removed}${keptText}`,
      );
    }
    for (const p of result.removedPeople)
      console.log(`   ${dryRun ? "将移出" : "移出"}人员 ${p.name}（${p.id}）`);
    for (const k of result.kept) console.log(`   保留${ENTITY_LABELS[k.kind]} ${k.key}：${k.reason}`);
    for (const [from, to] of Object.entries(result.renamedPeople)) {
      console.log(`   人员 ${from} 与已有的 ${to} 是同一人，沿用 ${to}`);
    }
    console.log(dryRun ? `试运行：${result.summary}` : result.summary);
  } finally {
    await db.close();
  }
  return 0;
}

function parseCli(): { file: string; dbFile: string; dryRun: boolean } {
  const { values, positionals } = parseArgs({
    options: { db: { type: "string" }, "dry-run": { type: "boolean", default: false } },
    strict: true,
    allowPositionals: true,
  });
  const [file, ...rest] = positionals;
  if (!file) throw new Error("缺少名册文件");
  if (rest.length > 0) throw new Error(`多余的参数：${rest.join(" ")}`);
  return {
    file,
    dbFile: values.db ?? process.env.DATABASE_FILE ?? "./data/luzhang.db",
    dryRun: values["dry-run"] ?? false,
  };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      `roster:import 失败（数据库未改动）：${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  },
);
