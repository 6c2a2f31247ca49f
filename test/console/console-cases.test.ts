/**
 * The case list's filters against a seeded county: every filter agrees with the same rule computed
 * in code over all cases (lights through src/core/deadline-stages.ts), text search is literal, and
 * the export and rankings answer for any period.
 */
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lightOf } from "../../src/core/deadline-stages.ts";
import { createWorkCalendar } from "../../src/core/work-calendar.ts";
import { toCaseRecord } from "../../src/store/case-mapper.ts";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { seedDemoCases } from "./console-fixtures.ts";
import { CONSOLE_PASSWORD, type ConsoleClient, signIn } from "./console-harness.ts";

let t: TestApp;
let client: ConsoleClient;

beforeAll(async () => {
  t = await startTestApp({ env: { CONSOLE_PASSWORD } });
  seedDemoCases(t, 1500, 120);
  // A reporter whose name has LIKE wildcards in it.
  t.app.sql.run('UPDATE "Case" SET reporterName = ? WHERE id = 1', "李%_四");
  client = (await signIn(t)).client;
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const list = async (q: Record<string, string>) => {
  const res = await client.get(`/console/api/cases?${new URLSearchParams({ size: "200", ...q })}`);
  expect(res.statusCode).toBe(200);
  return res.json() as {
    total: number;
    items: { number: string; light: string | null; state: string; street: string }[];
  };
};

const allCases = () =>
  t.app.sql.all<Record<string, string | number | null>>('SELECT * FROM "Case"').map(toCaseRecord);

describe("case list filters", () => {
  it("filters by light exactly as the lights are computed case by case", async () => {
    const calendar = createWorkCalendar();
    const now = t.clock.now();
    const expected = { red: 0, yellow: 0, green: 0 };
    for (const c of allCases()) {
      const l = lightOf(c, now, calendar);
      if (l) expected[l]++;
    }
    expect(expected.red).toBeGreaterThan(0);
    expect(expected.yellow + expected.green).toBeGreaterThan(0);
    for (const light of ["red", "yellow", "green"] as const) {
      const page = await list({ light });
      expect(page.total, light).toBe(expected[light]);
      expect(page.items.every((i) => i.light === light)).toBe(true);
    }
    // Time passes: the cached yellow instants still give the right answer later.
    t.clock.advance(3 * 3_600_000);
    const later = { red: 0, yellow: 0, green: 0 };
    for (const c of allCases()) {
      const l = lightOf(c, t.clock.now(), calendar);
      if (l) later[l]++;
    }
    expect((await list({ light: "red" })).total).toBe(later.red);
    expect((await list({ light: "yellow" })).total).toBe(later.yellow);
  });

  it("filters by state, street, department, category and period, and pages", async () => {
    const cases = allCases();
    const roster = t.app.roster();
    const street = "广惠街街道";
    const inStreet = (s: string | null) => (s ? roster.segments.get(s)?.street === street : false);
    const open = ["pending", "dispatched", "in_progress", "awaiting_check", "returned", "backlogged"];
    expect((await list({ state: "in_progress" })).total).toBe(
      cases.filter((c) => c.state === "in_progress").length,
    );
    expect((await list({ state: "open" })).total).toBe(cases.filter((c) => open.includes(c.state)).length);
    const byStreet = await list({ street });
    expect(byStreet.total).toBe(cases.filter((c) => inStreet(c.segmentId)).length);
    expect(new Set(byStreet.items.map((i) => i.street))).toEqual(new Set([street]));
    expect((await list({ department: "HW", category: "06042" })).total).toBe(
      cases.filter((c) => c.departmentCode === "HW" && c.categoryCode === "06042").length,
    );
    // 2026-11-01 … 2026-11-15 in Shanghai time.
    const from = new Date("2026-11-01T00:00:00+08:00").getTime();
    const to = new Date("2026-11-16T00:00:00+08:00").getTime();
    expect((await list({ from: "2026-11-01", to: "2026-11-15" })).total).toBe(
      cases.filter((c) => c.createdAt.getTime() >= from && c.createdAt.getTime() < to).length,
    );
    const page1 = await list({ size: "50" });
    const page2 = await list({ size: "50", page: "2" });
    expect(page1.items).toHaveLength(50);
    expect(page2.items[0]?.number).not.toBe(page1.items[0]?.number);
    expect(page1.total).toBe(cases.length);
  });

  it("searches text literally: % and _ are not wildcards", async () => {
    expect((await list({ q: "李%_四" })).total).toBe(1);
    expect((await list({ q: "%" })).total).toBe(1);
    expect((await list({ q: "_" })).total).toBe(1);
    expect((await list({ q: "井盖" })).total).toBe(
      allCases().filter((c) => c.summary.includes("井盖")).length,
    );
  });

  it("refuses malformed filters", async () => {
    for (const q of ["state=nonsense", "light=blue", "from=2026-02-30", "page=0", "size=100000"]) {
      const res = await client.get(`/console/api/cases?${q}`);
      expect(res.statusCode, q).toBe(400);
    }
  });
});

describe("exports and rankings", () => {
  it("exports the filtered cases with Chinese headers", async () => {
    const res = await client.get("/console/export/cases.xlsx?state=closed&department=HW");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-disposition"]).toMatch(
      /filename\*=UTF-8''%E6%A1%88%E4%BB%B6%E5%8F%B0%E8%B4%A6/,
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet("案件台账");
    const expected = allCases().filter((c) => c.state === "closed" && c.departmentCode === "HW").length;
    expect(ws?.actualRowCount).toBe(expected + 1);
    expect(ws?.getRow(2).getCell(2).value).toBe("已结案");
    expect(ws?.getRow(2).getCell(13).value).toBeInstanceOf(Date);
  });

  it("ranks streets, departments and segments for any period, with a trend", async () => {
    for (const unit of ["street", "department", "segment"]) {
      const res = await client.get(`/console/api/rankings?unit=${unit}&from=2026-08-01&to=2026-11-26`);
      expect(res.statusCode, unit).toBe(200);
      const data = res.json();
      expect(data.units.length).toBeGreaterThan(1);
      expect(data.total.name).toBe("合计");
      expect(data.trend.grain).toBe("week");
      expect(data.trend.buckets.reduce((n: number, b: { created: number }) => n + b.created, 0)).toBe(
        data.total.counts.toDispose,
      );
    }
    const day = (await client.get("/console/api/rankings?from=2026-11-20&to=2026-11-26")).json();
    expect(day.trend.grain).toBe("day");
    expect(day.trend.buckets).toHaveLength(7);
    const long = await client.get("/console/api/rankings?from=2020-01-01&to=2026-11-26");
    expect(long.statusCode).toBe(400);
    expect(long.json().error).toBe("统计区间不能超过 3 年");
  });
});

describe("cached lights", () => {
  it("are computed again when the work calendar changes", async () => {
    const first = await startTestApp({ env: { CONSOLE_PASSWORD } });
    seedDemoCases(first, 300, 10);
    const c1 = (await signIn(first)).client;
    expect((await c1.get("/console/api/cases?light=yellow")).statusCode).toBe(200);
    const dir = first.dir;
    await first.close();

    const second = await startTestApp({ env: { CONSOLE_PASSWORD, WORK_HOURS: "09:00-17:00" }, dir });
    try {
      const calendar = createWorkCalendar({ workHours: [{ start: "09:00", end: "17:00" }] });
      const cases = second.app.sql
        .all<Record<string, string | number | null>>('SELECT * FROM "Case"')
        .map(toCaseRecord);
      const c2 = (await signIn(second)).client;
      for (const light of ["yellow", "green", "red"] as const) {
        const expected = cases.filter((c) => lightOf(c, second.clock.now(), calendar) === light).length;
        expect((await c2.get(`/console/api/cases?light=${light}`)).json().total, light).toBe(expected);
      }
    } finally {
      await second.close();
    }
  });
});
