/** Every Chinese sentence of the work calendar feature: warnings, fix steps, chat lines, notice problems. */
import type { DayKind, DaySource } from "../core/calendar-days.ts";
import type { NoticeError, NoticeProblem } from "../core/holiday-notice.ts";
import type { CalendarWarning } from "./calendar-warning.ts";

export const SOURCE_LABELS: Readonly<Record<DaySource, string>> = {
  package: "chinese-days 包",
  entered: "后台录入",
  override: "环境变量",
};

export const KIND_LABELS: Readonly<Record<DayKind, string>> = { holiday: "放假", workday: "调休上班" };

export const YEAR_SOURCE_LABELS: Readonly<Record<string, string>> = {
  entered: "后台录入的国务院通知",
  "chinese-days": "chinese-days 包",
  override: "仅环境变量 HOLIDAYS_OVERRIDE / WORKDAYS_OVERRIDE",
  weekdays: "无节假日数据（按周一至周五计算）",
};

function problemText(p: NoticeProblem): string {
  switch (p.code) {
    case "too_long":
      return `文本过长（超过 ${p.max} 字），请只粘贴通知正文`;
    case "too_many_lines":
      return `行数过多（超过 ${p.max} 行），请只粘贴通知正文`;
    case "no_year":
      return "找不到年份：请连同标题“国务院办公厅关于XXXX年部分节假日安排的通知”一起粘贴";
    case "several_years":
      return `文本里出现了多个年份（${p.years.join("、")}），请只粘贴一年的通知`;
    case "no_items":
      return "没有找到“一、元旦：……”这样的编号条目，请粘贴通知全文";
    case "unreadable":
      return `无法识别“${p.part}”`;
    case "no_dates":
      return "这一条没有写出任何放假或上班日期";
    case "bad_date":
      return `“${p.written}”不是有效日期`;
    case "outside_year":
      return `“${p.date}”离通知的 ${p.year} 年太远`;
    case "weekday_mismatch":
      return `${p.date} 是${p.actual}，通知里写的是${p.written}`;
    case "range_backwards":
      return `放假起止日期颠倒（${p.from} 至 ${p.to}）`;
    case "range_too_long":
      return `放假区间 ${p.from} 至 ${p.to} 共 ${p.days} 天，不像一次假期`;
    case "count_mismatch":
      return `写的是“共${p.written}天”，列出的日期却是 ${p.counted} 天`;
    case "conflict":
      return `${p.date} 既写成放假又写成上班（另见第 ${p.otherLine} 行）`;
    case "orphan_dates":
      return "这一行写有日期，但不属于任何编号条目（请检查是否少了“一、”“二、”等条目开头）";
  }
}

export const CT = {
  noticeRefused: (e: NoticeError) =>
    e.line === null
      ? `通知无法解析，未录入：${problemText(e.problem)}。`
      : `通知第 ${e.line} 行无法解析，未录入：${problemText(e.problem)}。该行：“${e.text}”`,
  yearChanged: (previewed: number, now: number) =>
    `确认的是 ${previewed} 年，但文本解析出的是 ${now} 年：请重新解析后再确认。`,
  adminOnly: "只有管理员可以录入节假日安排（在名册中为其勾选“管理员”角色）。",
  entered: (year: number, changed: number) =>
    `已录入 ${year} 年节假日安排，立即生效。${changed > 0 ? `${changed} 件未到期案件的处置时限已重算。` : "未到期案件的处置时限均无变化。"}`,

  warningTitle: (w: CalendarWarning) =>
    w.kind === "current"
      ? `工作日历缺少今年（${w.year} 年）的法定节假日安排：处置时限正按周一至周五计算，节假日里的时限、灯色和提醒都会出错。`
      : `工作日历还没有 ${w.year} 年的法定节假日安排：跨入 ${w.year} 年的案件会把节假日算作工作日，时限、灯色和提醒都会出错。`,
  warningSteps: (w: CalendarWarning): string[] => [
    `找到国务院办公厅《关于${w.year}年部分节假日安排的通知》（每年 11 月前后发布，见中国政府网 www.gov.cn）。`,
    "管理员登录精细办后台，打开“工作日历”页，粘贴通知全文，点“解析”核对日历，再点“确认录入”：立即生效，无需重启，未到期案件的时限随之重算。",
    "或者在 .env 中用 HOLIDAYS_OVERRIDE（放假日）和 WORKDAYS_OVERRIDE（调休上班日）列出日期（YYYY-MM-DD，逗号分隔），然后重启服务。",
    `或者把 chinese-days 包升级到已含 ${w.year} 年数据的版本，然后重启服务。`,
  ],
  warningChat: (w: CalendarWarning) =>
    `【工作日历提醒】${w.kind === "current" ? `工作日历缺少今年（${w.year} 年）的法定节假日安排` : `工作日历还没有 ${w.year} 年的法定节假日安排`}，跨节假日的案件时限会算错。请管理员在精细办后台“工作日历”页粘贴国务院办公厅通知全文并确认录入（或设置 HOLIDAYS_OVERRIDE / WORKDAYS_OVERRIDE 后重启）。`,

  recomputeReason: (year: number, from: string, to: string) =>
    `录入 ${year} 年节假日安排后按新工作日历重算：处置时限由 ${from} 改为 ${to}`,
  /** What an entry changed, kept on the entry (the console's 录入记录). */
  entryNote: (changed: number, unchanged: number, unexplained: readonly string[]) =>
    `重算时限 ${changed} 件，不变 ${unchanged} 件${unexplained.length > 0 ? `，与记录不符未改动 ${unexplained.length} 件（${unexplained.slice(0, 10).join("、")}${unexplained.length > 10 ? " 等" : ""}）` : ""}`,
  summary: (o: { year: number; who: string; changed: number; unexplained: number }) =>
    `工作日历已更新：${o.who} 录入了 ${o.year} 年节假日安排。${o.changed > 0 ? `${o.changed} 件未到期案件的处置时限已按新日历重算，详见各案件记录` : "未到期案件的处置时限均无变化"}${o.unexplained > 0 ? `；另有 ${o.unexplained} 件的时限与其记录对不上，未改动，请人工核对` : ""}。`,
} as const;
