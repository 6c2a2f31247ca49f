/**
 * Issue 13 §2: a 5 MB .xlsx that unpacks to a huge sheet used to kill the service ("Reached heap
 * limit"). Now the declared sizes are bounded before parsing, a zip that lies about them is caught by
 * inflating it into nothing, and a file that passes the limits but still needs too much memory kills
 * only the parsing worker. The service stays up and answers in Chinese; the CLI import the same.
 */
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { checkZipLimits } from "../../src/roster/zip-limits.ts";
import { type ConsoleApp, signIn, startConsoleApp } from "../console/console-harness.ts";
import { demoRoster, demoSheets, ROOT, tempDir, writeXlsx } from "../roster/roster-fixtures.ts";
import { multipartFile, xlsxBomb } from "./zip-bomb.ts";

let dir: string;
let cleanup: () => Promise<void>;
let good: string;
let bomb: string;
let liar: string;
let t: ConsoleApp | undefined;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("luzhang-bomb-"));
  good = path.join(dir, "roster.xlsx");
  await writeXlsx(good, demoSheets(await demoRoster()));
  bomb = path.join(dir, "bomb.xlsx");
  liar = path.join(dir, "liar.xlsx");
  // 200 MB of sheet XML each, a few hundred KB packed.
  expect(await xlsxBomb(good, bomb, 200)).toBeLessThan(2 * 1024 * 1024);
  expect(await xlsxBomb(good, liar, 200, true)).toBeLessThan(2 * 1024 * 1024);
}, 120_000);

afterAll(async () => cleanup());
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function upload(app: ConsoleApp, file: string) {
  const { client } = await signIn(app);
  const { body, type } = await multipartFile(file, path.basename(file));
  const res = await client.post("/console/api/roster/upload?dryRun=1", body, { "content-type": type });
  expect(res.statusCode).toBe(200);
  return res.json() as { ok: boolean; problems?: { message: string }[]; summary?: string };
}

/** The service still takes a report and answers it. */
async function stillServing(app: ConsoleApp) {
  const health = await app.app.server.inject({ method: "GET", url: "/healthz" });
  expect(health.statusCode).toBe(200);
  await app.say("黄卫东", "商都大道与文明路交叉口往西50米垃圾桶满了");
  expect((await app.botMessages()).some((m) => m.text.includes("已受理"))).toBe(true);
}

describe("zip limits", () => {
  it("pass a real roster workbook and refuse the bombs before parsing", async () => {
    const limits = { maxEntries: 1000, maxUnzippedBytes: 50 * 1024 * 1024, maxRatio: 100 };
    expect(await checkZipLimits(good, limits)).toEqual({ ok: true });
    expect(await checkZipLimits(bomb, limits)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/解压后超过 50 MB/),
    });
    expect(await checkZipLimits(bomb, { ...limits, maxUnzippedBytes: 1024 ** 3 })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/压缩比 \d+ 倍/),
    });
    expect(await checkZipLimits(liar, limits)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/与声明的大小不符/),
    });
    expect(await checkZipLimits(good, { ...limits, maxEntries: 3 })).toMatchObject({ ok: false });
  });
});

describe("roster upload in the console", () => {
  it("refuses a zip bomb in Chinese and keeps serving", async () => {
    t = await startConsoleApp();
    const bombed = await upload(t, bomb);
    expect(bombed.ok).toBe(false);
    expect(bombed.problems?.[0]?.message).toMatch(/解压后超过 50 MB.*ROSTER_MAX_UNZIPPED_MB/);
    const lied = await upload(t, liar);
    expect(lied.problems?.[0]?.message).toMatch(/与声明的大小不符/);
    await stillServing(t);
  });

  it("a file within the limits that needs too much memory kills only the parsing worker", async () => {
    t = await startConsoleApp({
      env: { ROSTER_MAX_UNZIPPED_MB: "2048", ROSTER_MAX_ZIP_RATIO: "10000", ROSTER_PARSE_MEMORY_MB: "96" },
    });
    // The same worker limit reads the county's real workbook.
    const ok = await upload(t, good);
    expect(ok.ok, JSON.stringify(ok.problems)).toBe(true);
    const killed = await upload(t, bomb);
    expect(killed.ok).toBe(false);
    expect(killed.problems?.[0]?.message).toMatch(/超出内存上限 96 MB/);
    await stillServing(t);
  }, 120_000);
});

describe("npm run roster:import", () => {
  it("refuses the bomb with the same Chinese reason and writes nothing", async () => {
    const tsx = createRequire(import.meta.url).resolve("tsx/cli");
    const db = path.join(dir, "cli.db");
    const run = await promisify(execFile)(
      process.execPath,
      [tsx, "scripts/roster-import.ts", bomb, "--db", db],
      {
        cwd: ROOT,
      },
    ).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/解压后超过 50 MB/);
  }, 60_000);
});
