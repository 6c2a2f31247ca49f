/** Every Chinese sentence of the digest, the brief and the ranking, in one place. */
import type { Light } from "../core/light.ts";

const MS_PER_HOUR = 3_600_000;

/** "12%" (whole percent) or "—" when there is nothing to rate. */
export function percent(rate: number | null): string {
  return rate === null ? "—" : `${Math.round(rate * 100)}%`;
}

/** "超期3天", "超期5小时", "刚超期". */
export function overdueLabel(ms: number): string {
  const hours = Math.floor(ms / MS_PER_HOUR);
  if (hours >= 24) return `超期${Math.floor(hours / 24)}天`;
  if (hours >= 1) return `超期${hours}小时`;
  return "刚超期";
}

export const LIGHT_SHORT: Readonly<Record<Light, string>> = { red: "红", yellow: "黄", green: "绿" };

export const R = {
  digestTitle: (dayWithWeekday: string) => `【路长通每日简报】${dayWithWeekday}`,
  todayTitle: (dayWithWeekday: string, time: string) => `【路长通今日简报】${dayWithWeekday} ${time}`,
  eveningTitle: (dayWithWeekday: string) => `【路长通晚间简报】${dayWithWeekday}`,
  yesterday: (day: string) => `昨日（${day}）`,
  today: "今日",
  periodCounts: (label: string, created: number, closed: number, onTime: number) =>
    `${label}新增 ${created} 件，结案 ${closed} 件${closed > 0 ? `，其中按期处置 ${onTime} 件` : ""}`,
  openTotals: (total: number, red: number, yellow: number, green: number) =>
    total === 0 ? "目前没有未结案件。" : `未结案件 ${total} 件：红灯 ${red}｜黄灯 ${yellow}｜绿灯 ${green}`,
  byStreet: "按街道：",
  byDepartment: "按部门：",
  unitLine: (name: string, total: number, lights: string) => `· ${name} ${total} 件（${lights}）`,
  topCategories: (parts: string[]) => `高发问题：${parts.join("、")}`,
  categoryCount: (name: string, n: number) => `${name} ${n} 件`,
  redListTitle: "超期案件（红灯）：",
  redLine: (i: number, num: string, what: string, where: string, overdue: string, who: string) =>
    `${i}. ${num} ${what} ${where} ${overdue}${who ? ` ${who}` : ""}`,
  redMore: (n: number) => `……另有 ${n} 件超期案件，请登录管理台查看。`,
  unlocated: "未定位",
  unknownDepartment: "未定部门",
  unknownCategory: "其他问题",
  chartTitle: "未结案件分布",
  chartSubtitle: (at: string) => `${at} · 红灯=已超期 黄灯=时限已用80%以上`,
  streetPanel: "按街道",
  departmentPanel: "按部门",
  lightNames: { red: "红灯", yellow: "黄灯", green: "绿灯" } as Readonly<Record<Light, string>>,

  rankingTitle: (range: string) => `【路长通考核排名】${range}`,
  rankingCurrentTitle: (at: string) => `【路长通考核排名】截至 ${at}`,
  rankingWeek: (range: string) => `本周（${range}）`,
  rankingLastWeek: (range: string) => `上周（${range}）`,
  rankingMonth: (range: string) => `本月累计（${range}）`,
  rankingLegend: "处置=处置率 按期=按期处置率 返工=返工率 结案=结案率 延期=延期率 均时=平均处置时长",
  rankingStreets: (period: string) => `▍街道 · ${period}`,
  rankingDepartments: (period: string) => `▍部门 · ${period}`,
  rankingLine: (
    rank: string,
    name: string,
    score: string,
    grade: string,
    rates: {
      disposal: string;
      onTime: string;
      rework: string;
      closure: string;
      extension: string;
      hours: string;
    },
  ) =>
    `${rank} ${name} ${score}分 ${grade}｜处置${rates.disposal} 按期${rates.onTime} 返工${rates.rework} 结案${rates.closure} 延期${rates.extension} 均时${rates.hours}`,
  rankingUnrated: (name: string) => `— ${name} 无案件`,
  rankingChartTitle: "考核得分",
  rankingChartSubtitle: (week: string, month: string) => `${week}与${month}，满分100`,
  rankingWeekSeries: "本周",
  rankingLastWeekSeries: "上周",
  rankingMonthSeries: "本月累计",
} as const;
