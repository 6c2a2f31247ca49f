/**
 * Bar charts as PNG images: ECharts' canvas renderer drawing on @napi-rs/canvas, with the Noto Sans SC
 * font from @fontsource registered so Chinese labels render on any host, fonts installed or not
 * (STACK.md: resvg cannot read woff2, @napi-rs/canvas can).
 */
import { createRequire } from "node:module";
import { type Canvas, createCanvas, GlobalFonts } from "@napi-rs/canvas";
import * as echarts from "echarts/core";
import { install as BarChart } from "echarts/lib/chart/bar/install.js";
import { install as GridComponent } from "echarts/lib/component/grid/install.js";
import { install as LegendComponent } from "echarts/lib/component/legend/install.js";
import { install as TitleComponent } from "echarts/lib/component/title/install.js";
import { install as CanvasRenderer } from "echarts/lib/renderer/installCanvasRenderer.js";

// Only what a bar chart needs, imported by path (types in echarts-parts.d.ts): the "echarts" bundle
// or the echarts/charts barrels load every chart type, ~44 MB more RSS per process under tsx.
echarts.use([BarChart, GridComponent, LegendComponent, TitleComponent, CanvasRenderer]);

/** Family name the font files are registered under. */
export const CHART_FONT_FAMILY = "Noto Sans SC";

// The Chinese subset lacks Latin letters and digits; fontsource ships them as the latin subset.
const FONT_FILES = [
  "@fontsource/noto-sans-sc/files/noto-sans-sc-chinese-simplified-400-normal.woff2",
  "@fontsource/noto-sans-sc/files/noto-sans-sc-latin-400-normal.woff2",
];

/** Width of every chart: fits a phone screen at 2× and a desktop chat window at 1×. */
export const CHART_WIDTH = 800;
const HEADER_HEIGHT = 84;
const PANEL_TITLE_HEIGHT = 36;
/** One bar row; 30 px keeps a 12 px label readable when a phone scales the image down by half. */
const ROW_HEIGHT = 30;
const AXIS_HEIGHT = 34;
const LABEL_COLUMN = 190;

export interface ChartSeries {
  name: string;
  color: string;
  /** One value per category; null draws no bar (e.g. a unit without cases). */
  values: (number | null)[];
  /** Series with the same stack id are stacked. */
  stack?: string;
}

export interface ChartPanel {
  title: string;
  categories: string[];
  series: ChartSeries[];
  /** Fixed axis maximum (e.g. 100 for scores). */
  max?: number;
}

export interface BarChartSpec {
  title: string;
  subtitle: string;
  panels: ChartPanel[];
}

export interface RenderedChart {
  png: Buffer;
  width: number;
  height: number;
}

let fontReady = false;

/** Registers the chart font and ECharts' text measuring once per process. */
export function registerChartFont(): void {
  if (fontReady) return;
  const require = createRequire(import.meta.url);
  for (const file of FONT_FILES) {
    const key = GlobalFonts.registerFromPath(require.resolve(file), CHART_FONT_FAMILY);
    if (!key) throw new Error(`could not register the chart font ${file}`);
  }
  // ECharts measures label widths on a canvas of the platform; without this it guesses.
  echarts.setPlatformAPI({ createCanvas: () => createCanvas(1, 1) as unknown as HTMLCanvasElement });
  fontReady = true;
}

/**
 * Registers the font and draws one small chart with Chinese labels at start: the font is decoded and
 * ECharts' code compiled then, not inside the first digest after a restart (~110 ms of the first
 * digest's time measured), and a broken font or canvas stops the service at start instead of failing
 * the 08:30 chart.
 */
export function warmUpChartRenderer(): void {
  const { png } = renderBarChart({
    title: "路长通",
    subtitle: "启动自检",
    panels: [
      { title: "街道", categories: ["街道"], series: [{ name: "案件", color: "#888888", values: [1] }] },
    ],
  });
  if (png.length === 0) throw new Error("the chart renderer drew an empty image");
}

/** Height of a chart with these panels. */
export function chartHeight(spec: BarChartSpec): number {
  return (
    HEADER_HEIGHT +
    spec.panels.reduce(
      (h, p) => h + PANEL_TITLE_HEIGHT + Math.max(1, p.categories.length) * ROW_HEIGHT + AXIS_HEIGHT,
      0,
    )
  );
}

/** ECharts option of a horizontal bar chart with one grid per panel, stacked top to bottom. */
function optionOf(spec: BarChartSpec): echarts.EChartsCoreOption {
  const titles: object[] = [
    {
      text: spec.title,
      subtext: spec.subtitle,
      left: 16,
      top: 10,
      textStyle: { fontSize: 20, fontWeight: "normal", color: "#222" },
      subtextStyle: { fontSize: 13, color: "#666" },
    },
  ];
  const grids: object[] = [];
  const xAxes: object[] = [];
  const yAxes: object[] = [];
  const series: object[] = [];
  const legend = new Map<string, string>();
  let top = HEADER_HEIGHT;
  spec.panels.forEach((panel, i) => {
    const empty = panel.categories.length === 0;
    const categories = empty ? ["暂无数据"] : panel.categories;
    const height = categories.length * ROW_HEIGHT;
    titles.push({ text: panel.title, left: 16, top: top + 6, textStyle: { fontSize: 15, color: "#333" } });
    grids.push({ left: LABEL_COLUMN, right: 48, top: top + PANEL_TITLE_HEIGHT, height });
    xAxes.push({
      type: "value",
      gridIndex: i,
      minInterval: 1,
      ...(panel.max !== undefined ? { max: panel.max } : {}),
      axisLabel: { fontSize: 11, color: "#666" },
      splitLine: { lineStyle: { color: "#eee" } },
    });
    yAxes.push({
      type: "category",
      gridIndex: i,
      inverse: true,
      data: categories,
      axisLabel: { fontSize: 13, color: "#333", width: LABEL_COLUMN - 24, overflow: "truncate" },
      axisTick: { show: false },
    });
    for (const s of panel.series) {
      legend.set(s.name, s.color);
      series.push({
        type: "bar",
        name: s.name,
        xAxisIndex: i,
        yAxisIndex: i,
        data: empty ? [0] : s.values,
        itemStyle: { color: s.color },
        barMaxWidth: 22,
        ...(s.stack ? { stack: `${i}:${s.stack}` } : {}),
        label: {
          show: true,
          position: s.stack ? "inside" : "right",
          fontSize: 11,
          color: s.stack ? "#fff" : "#333",
          formatter: (p: { value: number | null }) => (p.value ? String(p.value) : ""),
        },
      });
    }
    top += PANEL_TITLE_HEIGHT + height + AXIS_HEIGHT;
  });
  return {
    animation: false,
    backgroundColor: "#ffffff",
    textStyle: { fontFamily: CHART_FONT_FAMILY },
    title: titles,
    legend: {
      top: 14,
      right: 16,
      itemWidth: 14,
      itemHeight: 10,
      textStyle: { fontSize: 12 },
      data: [...legend.keys()],
    },
    grid: grids,
    xAxis: xAxes,
    yAxis: yAxes,
    series,
  };
}

/** A canvas and the ECharts instance drawing on it, kept for reuse. */
interface Surface {
  canvas: Canvas;
  chart: echarts.ECharts;
}

/** Surfaces kept for reuse, by size; the digest and the ranking each have one size per roster. */
const surfaces = new Map<string, Surface>();
/** More sizes than this means the roster changed; the oldest surface is let go. */
const MAX_SURFACES = 4;

/**
 * A canvas of this size with its chart, reused across renders. Each canvas holds a few MB of native
 * (Skia) memory that V8 does not see, so fresh canvases per render piled up until a major GC (+2.6 MB
 * RSS per render measured, 100 MB over 40 renders). Keeping the ECharts instance too means a render
 * updates its scene instead of building (and then discarding) a new one: an instance per render left
 * several MB of promoted garbage per report in the service's heap.
 */
function surfaceOf(width: number, height: number): Surface {
  const key = `${width}x${height}`;
  let surface = surfaces.get(key);
  if (!surface) {
    const canvas = createCanvas(width, height);
    const chart = echarts.init(canvas as unknown as HTMLElement, null, { width, height });
    surface = { canvas, chart };
    surfaces.set(key, surface);
    if (surfaces.size > MAX_SURFACES) {
      const oldest = surfaces.keys().next().value;
      if (oldest !== undefined) {
        surfaces.get(oldest)?.chart.dispose();
        surfaces.delete(oldest);
      }
    }
  }
  return surface;
}

/** Renders the chart to a PNG. */
export function renderBarChart(spec: BarChartSpec): RenderedChart {
  registerChartFont();
  const width = CHART_WIDTH;
  const height = chartHeight(spec);
  // The chart paints its white background over the whole canvas, so a reused one needs no clearing;
  // notMerge replaces the previous option entirely (no series or panel left over from the last chart).
  const { canvas, chart } = surfaceOf(width, height);
  chart.setOption(optionOf(spec), { notMerge: true });
  return { png: canvas.toBuffer("image/png"), width, height };
}
