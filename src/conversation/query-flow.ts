/** 查询 / 我的任务 / 帮助. */

import { lightOf } from "../core/deadline-stages.ts";
import { LIGHT_LABELS } from "../core/light.ts";
import { statusLines } from "./case-view.ts";
import { outOfScope } from "./channel-scope.ts";
import type { CaseRecord } from "./conversation-store.ts";
import { T } from "./texts.ts";
import type { Outcome, Turn } from "./turn.ts";

const MAX_TASKS_LISTED = 10;

export async function handleQuery(turn: Turn, caseNumber: string | null): Promise<Outcome> {
  let c: CaseRecord | null = null;
  if (caseNumber) c = await turn.store.caseByNumber(caseNumber);
  else if (turn.msg.replyTo) c = await turn.store.caseForMessage(turn.msg.replyTo);
  if (!c) {
    await turn.reply(
      caseNumber ? T.unknownCase(caseNumber) : "请写明要查询的案件编号，例如：查询 ZM20261126-001",
      { kind: "query" },
    );
    return { status: "processed", note: "query without case" };
  }
  if (outOfScope(turn.msg, c)) {
    await turn.reply(T.otherChannelCase(c.number), { kind: "refusal" });
    return { status: "processed", note: `query refused: other channel's case ${c.number}` };
  }
  await turn.reply(statusLines(turn, c), { caseId: c.id, caseNumber: c.number, kind: "query" });
  return { status: "processed", note: `query ${c.number}` };
}

export async function handleMyTasks(turn: Turn): Promise<Outcome> {
  const mine = (turn.person ? await turn.store.openCasesHandledBy(turn.person.id) : []).filter(
    (c) => !outOfScope(turn.msg, c),
  );
  const cases =
    mine.length > 0 ? mine : await turn.store.openCasesReportedBy(turn.msg.sender.key, turn.msg.chatId);
  if (cases.length === 0) {
    await turn.reply(T.noTasks, { kind: "tasks" });
    return { status: "processed", note: "no tasks" };
  }
  const lines = cases.slice(0, MAX_TASKS_LISTED).map((c) => {
    // The light counts working time for work-hour/work-day limits (DESIGN.md §2), like reminders do.
    const light = lightOf(c, turn.now, turn.deps.calendar);
    const label = light ? LIGHT_LABELS[light] : "";
    return `· ${c.number} ${c.summary} ${label}`.trim();
  });
  const more = cases.length > MAX_TASKS_LISTED ? `\n……另有 ${cases.length - MAX_TASKS_LISTED} 件` : "";
  const title =
    mine.length > 0 ? `您有 ${cases.length} 件待办案件：` : `您上报的 ${cases.length} 件案件正在处理：`;
  await turn.reply(`${title}\n${lines.join("\n")}${more}`, { kind: "tasks" });
  return { status: "processed", note: `tasks ${cases.length}` };
}
