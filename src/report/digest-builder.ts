/**
 * The digest (每日简报 / 今日简报): counts of a period, open cases by street and department with their
 * lights, the most frequent problems, the red list with the chiefs to chase, and a chart. Pure: the
 * caller loads the cases (report-data.ts) and passes the clock reading.
 */
import { lightOf, type StageCalendar } from "../core/deadline-stages.ts";
import type { Light } from "../core/light.ts";
import type { RosterIndex } from "../core/roster-index.ts";
import type { TaxonomyIndex } from "../core/taxonomy.ts";
import type { OutboundMessage, Person } from "../core/types.ts";
import type { BarChartSpec, ChartPanel } from "./chart-render.ts";
import type { ReportCase } from "./report-data.ts";
import { LIGHT_SHORT, overdueLabel, R } from "./report-texts.ts";

/** The red list shows this many cases by name (the issue: "the ten worst, then a count"). */
export const RED_LIST_SIZE = 10;
/** "The three most frequent categories". */
export const TOP_CATEGORIES = 3;

export const LIGHT_COLORS: Readonly<Record<Light, string>> = {
  red: "#d9363e",
  yellow: "#f0a020",
  green: "#2e9d4f",
};
const LIGHTS: readonly Light[] = ["red", "yellow", "green"];
/** States whose chief is chased in the red list; the others wait for an inspector (核查, 改派) or are 挂账. */
const CHASED_STATES = new Set(["dispatched", "in_progress"]);

export type Mention = OutboundMessage["mentions"][number];

export interface DigestInput {
  now: Date;
  /** First line, e.g. R.digestTitle(...). */
  title: string;
  /** How the period is named in the counts line: "昨日（9月28日）", "今日" … */
  periodLabel: string;
  period: { from: Date; to: Date };
  /** Open cases (the states with a light, core LIT_STATES). */
  open: readonly ReportCase[];
  /** Cases created or closed in the period. */
  periodCases: readonly ReportCase[];
  roster: RosterIndex;
  taxonomy: TaxonomyIndex;
  calendar: StageCalendar;
  /** Local time stamp for the chart, e.g. "9月29日 08:30". */
  chartTime: string;
  /** @-mention the chiefs of the red list (scheduled digests) or only name them (on demand). */
  mentionChiefs: boolean;
}

export interface DigestStats {
  created: number;
  closed: number;
  closedOnTime: number;
  open: Record<Light, number>;
  red: number;
}

export interface DigestReport {
  text: string;
  mentions: Mention[];
  chart: BarChartSpec;
  stats: DigestStats;
}

type LightCounts = Record<Light, number>;

const zero = (): LightCounts => ({ red: 0, yellow: 0, green: 0 });
const sum = (c: LightCounts) => c.red + c.yellow + c.green;

function lightsText(c: LightCounts): string {
  return LIGHTS.filter((l) => c[l] > 0)
    .map((l) => `${LIGHT_SHORT[l]}${c[l]}`)
    .join(" ");
}

/** Units sorted by red, then yellow, then total, then name. */
function sortedUnits(map: Map<string, LightCounts>): [string, LightCounts][] {
  const collator = new Intl.Collator("zh-Hans-CN");
  return [...map].sort(
    ([an, a], [bn, b]) => b.red - a.red || b.yellow - a.yellow || sum(b) - sum(a) || collator.compare(an, bn),
  );
}

function panelOf(title: string, units: [string, LightCounts][]): ChartPanel {
  return {
    title,
    categories: units.map(([name]) => name),
    series: LIGHTS.map((l) => ({
      name: R.lightNames[l],
      color: LIGHT_COLORS[l],
      stack: "lights",
      values: units.map(([, c]) => c[l]),
    })),
  };
}

function mentionOf(p: Person): Mention {
  return { personId: p.id, name: p.name, larkOpenId: p.larkOpenId, wechatId: p.wechatId };
}

/** Builds the digest text, its mentions and its chart. */
export function buildDigest(input: DigestInput): DigestReport {
  const { now, roster, taxonomy, calendar } = input;
  const nowMs = now.getTime();
  const from = input.period.from.getTime();
  const to = input.period.to.getTime();

  // The period: new, closed, closed of which fixed on time (按期处置), top categories of the new.
  let created = 0;
  let closed = 0;
  let closedOnTime = 0;
  const categories = new Map<string, number>();
  for (const c of input.periodCases) {
    const t = c.createdAt.getTime();
    if (t >= from && t < to && c.state !== "voided" && c.state !== "pending") {
      created++;
      const name = (c.categoryCode && taxonomy.get(c.categoryCode)?.name) || R.unknownCategory;
      categories.set(name, (categories.get(name) ?? 0) + 1);
    }
    const closedMs = c.closedAt?.getTime();
    if (closedMs !== undefined && closedMs >= from && closedMs < to) {
      closed++;
      const fixedMs = (c.fixedAt ?? c.closedAt)?.getTime() ?? closedMs;
      if (!c.deadline || fixedMs <= c.deadline.getTime()) closedOnTime++;
    }
  }

  // Open cases by light, per street and per department; the red list.
  const totals = zero();
  const byStreet = new Map<string, LightCounts>();
  const byDepartment = new Map<string, LightCounts>();
  const red: ReportCase[] = [];
  for (const c of input.open) {
    const light = lightOf(c, now, calendar);
    if (!light) continue;
    totals[light]++;
    const seg = c.segmentId ? roster.segments.get(c.segmentId) : undefined;
    const street = seg?.street ?? R.unlocated;
    const dept = c.departmentCode
      ? (roster.departments.get(c.departmentCode)?.name ?? c.departmentCode)
      : R.unknownDepartment;
    const s = byStreet.get(street) ?? zero();
    s[light]++;
    byStreet.set(street, s);
    const d = byDepartment.get(dept) ?? zero();
    d[light]++;
    byDepartment.set(dept, d);
    if (light === "red" && CHASED_STATES.has(c.state)) red.push(c);
  }
  red.sort((a, b) => (a.deadline?.getTime() ?? 0) - (b.deadline?.getTime() ?? 0) || a.id - b.id);

  const streets = sortedUnits(byStreet);
  const departments = sortedUnits(byDepartment);
  const lines = [input.title, R.periodCounts(input.periodLabel, created, closed, closedOnTime)];
  lines.push(R.openTotals(sum(totals), totals.red, totals.yellow, totals.green));
  if (streets.length > 0) {
    lines.push(R.byStreet, ...streets.map(([name, c]) => R.unitLine(name, sum(c), lightsText(c))));
    lines.push(R.byDepartment, ...departments.map(([name, c]) => R.unitLine(name, sum(c), lightsText(c))));
  }
  const top = [...categories]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], "zh-Hans-CN"))
    .slice(0, TOP_CATEGORIES);
  if (top.length > 0) lines.push(R.topCategories(top.map(([name, n]) => R.categoryCount(name, n))));

  const mentions = new Map<string, Mention>();
  if (red.length > 0) {
    lines.push(R.redListTitle);
    red.slice(0, RED_LIST_SIZE).forEach((c, i) => {
      const seg = c.segmentId ? roster.segments.get(c.segmentId) : undefined;
      const where = seg ? `${seg.roadName}${seg.from}至${seg.to}段` : R.unlocated;
      const what = (c.categoryCode && taxonomy.get(c.categoryCode)?.name) || c.summary || R.unknownCategory;
      const chief = c.handlerId ? roster.people.get(c.handlerId) : undefined;
      if (chief && input.mentionChiefs) mentions.set(chief.id, mentionOf(chief));
      const who = chief ? (input.mentionChiefs ? `@${chief.name}` : chief.name) : "";
      lines.push(
        R.redLine(i + 1, c.number, what, where, overdueLabel(nowMs - (c.deadline?.getTime() ?? nowMs)), who),
      );
    });
    if (red.length > RED_LIST_SIZE) lines.push(R.redMore(red.length - RED_LIST_SIZE));
  }

  return {
    text: lines.join("\n"),
    mentions: [...mentions.values()],
    chart: {
      title: R.chartTitle,
      subtitle: R.chartSubtitle(input.chartTime),
      panels: [panelOf(R.streetPanel, streets), panelOf(R.departmentPanel, departments)],
    },
    stats: { created, closed, closedOnTime, open: totals, red: red.length },
  };
}
