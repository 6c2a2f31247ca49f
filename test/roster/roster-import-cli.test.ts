import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEMO_JSON,
  demoRoster,
  demoSheets,
  dropColumn,
  dumpDatabase,
  ROOT,
  rowCounts,
  type Sheets,
  setCell,
  tempDir,
  writeCsvSet,
  writeXlsx,
} from "./roster-fixtures.ts";

const SCRIPT = path.join(ROOT, "scripts/roster-import.ts");

let tmp: { dir: string; cleanup: () => Promise<void> };
let dbFile: string;

function run(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_FILE;
  const r = spawnSync(process.execPath, ["--import", "tsx", SCRIPT, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  tmp = await tempDir("luzhang-roster-cli-");
  dbFile = path.join(tmp.dir, "db", "luzhang.db");
});
afterAll(async () => {
  await tmp.cleanup();
});

const sheets = async (): Promise<Sheets> => demoSheets(await demoRoster());

describe("npm run roster:import", () => {
  it("imports the demo roster with progress per phase, then finds nothing to change", () => {
    const first = run(DEMO_JSON, "--db", dbFile);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`① 读取名册 ${DEMO_JSON}`);
    expect(first.stdout).toContain("中牟县：街道 3、道路 12、路段 30、人员 48、部门 7、地标 7");
    expect(first.stdout).toContain(`② 打开数据库 ${dbFile}`);
    expect(first.stdout).toContain("③ 写入（单个事务）");
    expect(first.stdout).toContain("路段：新增 30、更新 0、未变 0、删除 0");
    expect(first.stdout).toContain("名册已导入：人员 新增 48；");

    const second = run(DEMO_JSON, "--db", dbFile);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(
      "名册无变化（人员 48、部门 7、街道 3、道路 12、路口 72、路段 30、地标 7）",
    );
  });

  const refused: { name: string; make: (dir: string) => Promise<string>; lines: string[] }[] = [
    {
      name: "a missing column",
      make: async (dir) => {
        const s = await sheets();
        s.路段 = dropColumn(s.路段 ?? [], "街道");
        const f = path.join(dir, "missing-column.xlsx");
        await writeXlsx(f, s);
        return f;
      },
      lines: ["missing-column.xlsx 「路段」表缺少必需列「街道」（表头在第 1 行）"],
    },
    {
      name: "an unknown street",
      make: async (dir) => {
        const s = await sheets();
        setCell(s.路段 ?? [], 5, "街道", "东风街道");
        const f = path.join(dir, "unknown-street.xlsx");
        await writeXlsx(f, s);
        return f;
      },
      lines: [
        "unknown-street.xlsx 「路段」表 第 5 行「街道」列：未知街道“东风街道”，应为 青年路街道、东风路街道、广惠街街道 之一",
      ],
    },
    {
      name: "a duplicate segment id (csv)",
      make: async (dir) => {
        const s = await sheets();
        setCell(s.路段 ?? [], 7, "路段编号", "SD-1");
        return writeCsvSet(path.join(dir, "duplicate"), s, { bom: true });
      },
      lines: ["duplicate.csv 「路段」表 第 7 行「路段编号」列：路段编号“SD-1”重复：第 2 行已使用该编号"],
    },
  ];

  for (const c of refused) {
    it(`refuses ${c.name} with its place, exit 1, database unchanged`, async () => {
      if (!existsSync(dbFile)) run(DEMO_JSON, "--db", dbFile);
      const file = await c.make(tmp.dir);
      const counts = rowCounts(dbFile);
      const before = dumpDatabase(dbFile);
      const r = run(file, "--db", dbFile);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("未导入（数据库未改动）");
      for (const line of c.lines) expect(r.stderr).toContain(`  - ${path.dirname(file)}/${line}`);
      expect(r.stdout).not.toContain("② 打开数据库");
      expect(rowCounts(dbFile)).toEqual(counts);
      expect(dumpDatabase(dbFile)).toEqual(before);
    });
  }

  it("does not even create the database for a refused file", async () => {
    const s = await sheets();
    setCell(s.路段 ?? [], 5, "街道", "东风街道");
    const f = path.join(tmp.dir, "bad-new.xlsx");
    await writeXlsx(f, s);
    const newDb = path.join(tmp.dir, "never", "luzhang.db");
    expect(run(f, "--db", newDb).code).toBe(1);
    expect(existsSync(newDb)).toBe(false);
  });

  it("explains its usage", () => {
    const r = run();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("usage: npm run roster:import -- FILE [--db PATH]");
  });
});
