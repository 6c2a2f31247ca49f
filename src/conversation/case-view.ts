/** How a case is described in chat: one-line place, category, deadline. */
import { STATE_LABELS } from "../core/case-lifecycle.ts";
import { locationLabel } from "../core/location.ts";
import type { RosterIndex } from "../core/roster-index.ts";
import { type TaxonomyIndex, timeLimitLabel } from "../core/taxonomy.ts";
import type { OutboundAction } from "../core/types.ts";
import type { CaseRecord } from "./conversation-store.ts";
import { formatTime } from "./texts.ts";
import type { Turn } from "./turn.ts";

/** The case's segment, or the place as the reporter said it. Also on Lark cards (app/lark-setup.ts). */
export function placeText(roster: RosterIndex, c: Pick<CaseRecord, "segmentId" | "locationText">): string {
  const seg = c.segmentId ? roster.segments.get(c.segmentId) : undefined;
  if (!seg) return locationLabel(c.locationText) || "未确定";
  return `${seg.roadName} ${seg.from}至${seg.to}段（${seg.id}，${seg.street}）`;
}

export function categoryText(taxonomy: TaxonomyIndex, c: Pick<CaseRecord, "categoryCode">): string {
  const item = c.categoryCode ? taxonomy.get(c.categoryCode) : undefined;
  return item ? `${item.name}（${item.code}）` : "未确定";
}

export function deadlineText(
  c: Pick<CaseRecord, "deadline" | "timeLimit" | "extensionCount">,
  timeZone: string,
): string {
  if (!c.deadline) return "无";
  const limit = c.timeLimit ? `（${timeLimitLabel(c.timeLimit)}${c.extensionCount ? "，已延时" : ""}）` : "";
  return `${formatTime(c.deadline, timeZone)}${limit}`;
}

export function placeLine(turn: Turn, c: CaseRecord): string {
  return placeText(turn.roster, c);
}

export function categoryLine(turn: Turn, c: CaseRecord): string {
  return categoryText(turn.deps.taxonomy, c);
}

export function deadlineLine(turn: Turn, c: CaseRecord): string {
  return deadlineText(c, turn.deps.config.timeZone);
}

export function statusLines(turn: Turn, c: CaseRecord): string {
  const handler = turn.personById(c.handlerId);
  return [
    `案件 ${c.number}（${STATE_LABELS[c.state]}）`,
    `问题：${categoryLine(turn, c)}${c.summary ? `，${c.summary}` : ""}`,
    `位置：${placeLine(turn, c)}`,
    `责任路长：${handler?.name ?? "未指定"}`,
    `截止：${deadlineLine(turn, c)}`,
  ].join("\n");
}

export const HANDLER_ACTIONS: OutboundAction[] = [
  { label: "签收", command: "收到", for: "handler" },
  { label: "已整改", command: "已整改", for: "handler" },
  { label: "回退", command: "回退", for: "handler" },
  { label: "吹哨", command: "吹哨", for: "handler" },
];

export const INSPECTOR_ACTIONS: OutboundAction[] = [
  { label: "核查通过", command: "核查通过", for: "inspector" },
  { label: "返工", command: "返工", for: "inspector" },
];

export const EXTENSION_ACTIONS: OutboundAction[] = [
  { label: "同意延时", command: "同意延时", for: "inspector" },
  { label: "不同意", command: "不同意延时", for: "inspector" },
];
