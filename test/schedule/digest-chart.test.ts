/**
 * The digest and ranking charts as images: right size, not blank, the light colours present, and the
 * Noto Sans SC font registered. The PNGs are kept in test-output/ to look at (Chinese must render).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { createCanvas, GlobalFonts, loadImage } from "@napi-rs/canvas";
import { describe, expect, it } from "vitest";
import { loadTaxonomy } from "../../src/app/taxonomy-load.ts";
import { DEFAULT_GRADE_THRESHOLDS, DEFAULT_SCORE_WEIGHTS } from "../../src/core/indicators.ts";
import { RosterIndex } from "../../src/core/roster-index.ts";
import type { CaseState } from "../../src/core/types.ts";
import { createWorkCalendar } from "../../src/core/work-calendar.ts";
import {
  CHART_FONT_FAMILY,
  CHART_WIDTH,
  chartHeight,
  renderBarChart,
} from "../../src/report/chart-render.ts";
import { buildDigest, LIGHT_COLORS } from "../../src/report/digest-builder.ts";
import { buildRanking, RANKING_COLORS } from "../../src/report/ranking-builder.ts";
import type { ReportCase } from "../../src/report/report-data.ts";

const roster = new RosterIndex({
  people: [],
  roads: [
    { name: "商都大道", aliases: [], direction: "", crossingsOrder: "", crossings: [], level1ChiefId: null },
  ],
  segments: [
    {
      id: "S1",
      roadName: "商都大道",
      from: "人文路",
      to: "新圃街",
      street: "东风路街道",
      level3ChiefId: null,
      level2ChiefId: null,
    },
    {
      id: "S2",
      roadName: "商都大道",
      from: "新圃街",
      to: "文明路",
      street: "广惠街街道",
      level3ChiefId: null,
      level2ChiefId: null,
    },
    {
      id: "S3",
      roadName: "商都大道",
      from: "文明路",
      to: "泰安街",
      street: "青年路街道",
      level3ChiefId: null,
      level2ChiefId: null,
    },
  ],
  landmarks: [],
  departments: [
    { code: "HW", name: "环卫中心", handles: [], contactIds: [] },
    { code: "ZF", name: "城市管理综合执法大队", handles: [], contactIds: [] },
    { code: "SZ", name: "市政设施管理中心", handles: [], contactIds: [] },
  ],
});
const calendar = createWorkCalendar();
const now = new Date("2026-10-09T08:30:00+08:00");
const H = 3_600_000;

/** 36 open cases: i % 3 gives the light; each street and department gets cases of every light. */
function cases(): ReportCase[] {
  const out: ReportCase[] = [];
  const segs = ["S1", "S2", "S3"];
  const depts = ["HW", "ZF", "SZ"];
  for (let i = 0; i < 36; i++) {
    const start = new Date(now.getTime() - (10 + i * 3) * H);
    // Natural-hour limits make the light easy to reason about: i % 3 → red, yellow, green.
    const limitHours = i % 3 === 0 ? 2 : i % 3 === 1 ? (10 + i * 3) / 0.9 : (10 + i * 3) * 4;
    out.push({
      id: i + 1,
      number: `ZM20261008-${String(i + 1).padStart(3, "0")}`,
      state: "in_progress" as CaseState,
      categoryCode: i % 2 ? "06042" : "06013",
      summary: "",
      segmentId: segs[Math.floor(i / 3) % 3] ?? null,
      departmentCode: depts[Math.floor(i / 9) % 3] ?? null,
      handlerId: null,
      urgent: false,
      timeLimit: { value: limitHours, unit: "hour" },
      startedAt: start,
      deadline: new Date(start.getTime() + limitHours * H),
      acknowledgedAt: null,
      fixedAt: i % 4 === 0 ? new Date(start.getTime() + H) : null,
      closedAt: null,
      createdAt: start,
      reworkCount: i % 7 === 0 ? 1 : 0,
      extensionCount: i % 5 === 0 ? 1 : 0,
    });
  }
  return out;
}

/** Reads width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

async function pixels(png: Buffer) {
  const img = await loadImage(png);
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext("2d");
  ctx.drawImage(img, 0, 0);
  return ctx.getImageData(0, 0, img.width, img.height).data;
}

function hex(color: string): [number, number, number] {
  return [1, 3, 5].map((i) => Number.parseInt(color.slice(i, i + 2), 16)) as [number, number, number];
}

/** Pixels exactly of `color`, and pixels that are not (near) white. */
function census(data: Uint8ClampedArray, colors: string[]) {
  const targets = colors.map(hex);
  const exact = targets.map(() => 0);
  let ink = 0;
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
    if (r < 240 || g < 240 || b < 240) ink++;
    targets.forEach(([tr, tg, tb], k) => {
      if (r === tr && g === tg && b === tb) exact[k] = (exact[k] ?? 0) + 1;
    });
  }
  return { ink, exact };
}

describe("report charts", () => {
  it("renders the digest chart as a PNG with the bars and Chinese labels", async () => {
    const digest = buildDigest({
      now,
      title: "【路长通每日简报】10月9日（周五）",
      periodLabel: "昨日（10月8日）",
      period: { from: new Date(now.getTime() - 24 * H), to: now },
      open: cases(),
      periodCases: cases(),
      roster,
      taxonomy: loadTaxonomy(),
      calendar,
      chartTime: "10月9日 08:30",
      mentionChiefs: false,
    });
    expect(digest.stats.open).toEqual({ red: 12, yellow: 12, green: 12 });
    const { png, width, height } = renderBarChart(digest.chart);
    mkdirSync("test-output", { recursive: true });
    writeFileSync("test-output/digest-chart.png", png);

    expect(GlobalFonts.families.some((f) => f.family === CHART_FONT_FAMILY)).toBe(true);
    expect(pngSize(png)).toEqual({ width: CHART_WIDTH, height: chartHeight(digest.chart) });
    expect({ width, height }).toEqual(pngSize(png));
    const { ink, exact } = census(await pixels(png), [
      LIGHT_COLORS.red,
      LIGHT_COLORS.yellow,
      LIGHT_COLORS.green,
    ]);
    const total = width * height;
    // Not blank, and not a solid fill either.
    expect(ink / total).toBeGreaterThan(0.05);
    expect(ink / total).toBeLessThan(0.6);
    // Each light's bars are drawn (solid rectangles of their exact colour).
    for (const n of exact) expect(n).toBeGreaterThan(500);
  });

  it("renders the ranking chart with both periods", async () => {
    const ranking = buildRanking({
      now,
      title: "【路长通考核排名】10月1日至10月7日",
      week: { label: "上周", seriesName: "上周", from: new Date(now.getTime() - 7 * 24 * H), to: now },
      month: {
        label: "本月累计",
        seriesName: "本月累计",
        from: new Date(now.getTime() - 30 * 24 * H),
        to: now,
      },
      cases: cases().map((c) => ({
        ...c,
        street: c.segmentId ? (roster.segments.get(c.segmentId)?.street ?? null) : null,
      })),
      roster,
      weights: DEFAULT_SCORE_WEIGHTS,
      gradeThresholds: DEFAULT_GRADE_THRESHOLDS,
    });
    expect(ranking.tables.weekStreets.units.map((u) => u.name).sort()).toEqual([
      "东风路街道",
      "广惠街街道",
      "青年路街道",
    ]);
    const { png, width, height } = renderBarChart(ranking.chart);
    writeFileSync("test-output/ranking-chart.png", png);
    expect(pngSize(png)).toEqual({ width, height });
    const { ink, exact } = census(await pixels(png), [RANKING_COLORS.week, RANKING_COLORS.month]);
    expect(ink / (width * height)).toBeGreaterThan(0.05);
    for (const n of exact) expect(n).toBeGreaterThan(500);
  });
});
