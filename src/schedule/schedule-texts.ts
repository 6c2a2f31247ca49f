/** Every Chinese sentence of the reminders and escalations, in one place. */
import type { EscalationRole } from "./schedule-config.ts";

export interface CaseLine {
  number: string;
  /** Problem, e.g. "垃圾站满溢". */
  what: string;
  /** Place, e.g. "商都大道新圃街至文明路段". */
  where: string;
  /** Deadline, e.g. "9月28日 11:00". */
  deadline: string;
  urgent: boolean;
}

const ROLE_LABELS: Readonly<Record<EscalationRole, string>> = { chief2: "二级路长", chief1: "一级路长" };

const head = (c: CaseLine) => `案件 ${c.number}${c.urgent ? "【紧急】" : ""}（${c.what}，${c.where}）`;

export const S = {
  yellow: (c: CaseLine) =>
    `催办提醒：${head(c)}处置时限已用去八成，将于 ${c.deadline} 到期，请抓紧整改，完成后回复“已整改”并附照片。`,
  red: (c: CaseLine) =>
    `超期提醒：${head(c)}已超过处置时限（截止 ${c.deadline}），请立即整改并回复“已整改”附照片；确需延时请回复“延时 时长 原因”。`,
  escalation: (role: EscalationRole, c: CaseLine, handler: string, overdue: string) =>
    `督办（${ROLE_LABELS[role]}）：${head(c)}${overdue}（截止 ${c.deadline}），责任路长：${handler || "未配置"}，尚未完成整改，请督促处置。`,
  overdueOneLimit: "已超期",
  overdueLimits: (n: number) => `已超期逾 ${n} 个处置时限`,
  unlocated: "位置未定",
  unknownCategory: "问题待定",
} as const;
