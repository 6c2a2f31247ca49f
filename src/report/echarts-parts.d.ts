// Types of the few ECharts modules chart-render.ts imports by path. ECharts ships types only for its
// barrels (echarts/charts, echarts/components …), and importing a barrel loads every chart and
// component it lists: ~44 MB more RSS per process under tsx, for the one bar chart we draw.
type EChartsInstaller = Exclude<Parameters<typeof import("echarts/core").use>[0], unknown[]>;

declare module "echarts/lib/chart/bar/install.js" {
  export const install: EChartsInstaller;
}
declare module "echarts/lib/component/grid/install.js" {
  export const install: EChartsInstaller;
}
declare module "echarts/lib/component/legend/install.js" {
  export const install: EChartsInstaller;
}
declare module "echarts/lib/component/title/install.js" {
  export const install: EChartsInstaller;
}
declare module "echarts/lib/renderer/installCanvasRenderer.js" {
  export const install: EChartsInstaller;
}
