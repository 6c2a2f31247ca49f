/** Lifecycle commands typed or pressed in chat: 收到, 已整改, 回退, 延时, 吹哨, 核查通过, 返工 … */
import { type CaseCommandType, COMMAND_LABELS, transition } from "../core/case-lifecycle.ts";
import { actorRoles } from "../core/permissions.ts";
import type { CaseState, Person } from "../core/types.ts";
import {
  categoryLine,
  deadlineLine,
  EXTENSION_ACTIONS,
  HANDLER_ACTIONS,
  INSPECTOR_ACTIONS,
  placeLine,
} from "./case-view.ts";
import { outOfScope } from "./channel-scope.ts";
import type { ParsedCommand, ParsedMessage } from "./command-parser.ts";
import type { CasePatch, CaseRecord } from "./conversation-store.ts";
import { resolveDepartments } from "./departments.ts";
import { reassignTarget } from "./reassign-target.ts";
import { T } from "./texts.ts";
import type { Outcome, Turn } from "./turn.ts";

type LifecycleParsed = Extract<ParsedCommand, { type: CaseCommandType }>;

const INSPECTOR_COMMANDS: ReadonlySet<CaseCommandType> = new Set([
  "close",
  "rework",
  "approve_extension",
  "reject_extension",
  "void",
  "backlog",
  "reassign",
]);

const STATES_FOR: Partial<Record<CaseCommandType, CaseState[]>> = {
  close: ["awaiting_check"],
  rework: ["awaiting_check"],
  approve_extension: ["dispatched", "in_progress"],
  reject_extension: ["dispatched", "in_progress"],
  reassign: ["returned"],
};

function rolesFor(turn: Turn, c: CaseRecord) {
  return actorRoles(
    {
      handlerId: c.handlerId,
      coHandlerIds: c.coHandlers,
      superiorIds: c.segmentId ? turn.roster.superiorsOf(c.segmentId) : [],
      reporterKey: c.reporterKey,
    },
    turn.person,
    turn.msg.sender.key,
  );
}

function allowed(turn: Turn, c: CaseRecord, command: CaseCommandType): boolean {
  return transition({
    state: c.state,
    command,
    roles: rolesFor(turn, c),
    hasPendingExtension: Boolean(c.pendingExtension),
  }).ok;
}

/** Finds the case a command means: replied-to message, case number, or the sender's only candidate. */
async function targetCase(
  turn: Turn,
  parsed: ParsedMessage,
  command: CaseCommandType,
): Promise<CaseRecord | string> {
  const { store, msg } = turn;
  const label = COMMAND_LABELS[command];
  if (msg.replyTo) {
    const c = await store.caseForMessage(msg.replyTo);
    if (c) return c;
  }
  const num = parsed.caseNumbers[0];
  if (num) return (await store.caseByNumber(num)) ?? T.unknownCase(num);
  let candidates: CaseRecord[] = [];
  if (INSPECTOR_COMMANDS.has(command) && turn.person?.roles.some((r) => r === "inspector" || r === "admin")) {
    candidates = await store.casesInStates(
      STATES_FOR[command] ?? ["dispatched", "in_progress", "awaiting_check"],
      50,
      { pendingExtensionOnly: command === "approve_extension" || command === "reject_extension" },
    );
  } else if (turn.person) {
    const mine = await store.openCasesHandledBy(turn.person.id);
    candidates = mine.filter((c) => allowed(turn, c, command));
    // One case of theirs that the command does not fit: name it, so the refusal says why.
    if (candidates.length === 0 && mine.length === 1) candidates = mine;
  }
  candidates = candidates.filter((c) => !outOfScope(msg, c));
  if (candidates.length === 1 && candidates[0]) return candidates[0];
  if (candidates.length === 0) return T.noCaseFound(label);
  return T.whichCase(
    label,
    candidates.slice(0, 5).map((c) => c.number),
  );
}

/** Handles one lifecycle command from chat. */
export async function handleCaseCommand(
  turn: Turn,
  parsed: ParsedMessage,
  cmd: LifecycleParsed,
): Promise<Outcome> {
  const target = await targetCase(turn, parsed, cmd.type);
  if (typeof target === "string") {
    await turn.reply(target, { kind: "refusal" });
    return { status: "processed", note: `no target for ${cmd.type}` };
  }
  return applyCommand(turn, target, cmd);
}

/** Runs `cmd` on case `c` for this turn's sender: permission, data checks, state change, notices. */
export async function applyCommand(
  turn: Turn,
  c: CaseRecord,
  cmd: LifecycleParsed,
  photosOverride?: string[],
): Promise<Outcome> {
  const { store, deps, msg } = turn;
  const label = COMMAND_LABELS[cmd.type];
  if (outOfScope(msg, c)) {
    await turn.reply(T.otherChannelCase(c.number), { kind: "refusal" });
    return { status: "processed", note: `refused ${cmd.type}: other channel's case` };
  }
  const verdict = transition({
    state: c.state,
    command: cmd.type,
    roles: rolesFor(turn, c),
    hasPendingExtension: Boolean(c.pendingExtension),
  });
  const ref = { caseId: c.id, caseNumber: c.number };
  if (!verdict.ok) {
    await turn.event(c, "refused", { data: { command: cmd.type, code: verdict.code } });
    await turn.reply(T.refused(`${c.number}：${verdict.reason}`), { ...ref, kind: "refusal" });
    return { status: "processed", note: `refused ${cmd.type}: ${verdict.code}` };
  }
  const patch: CasePatch = { state: verdict.to };
  const data: Record<string, unknown> = {};
  const inspectors = turn.roster.inspectors();
  const handler = turn.personById(c.handlerId);
  let notice: {
    text: string;
    mention: Person[];
    actions?: typeof INSPECTOR_ACTIONS;
    images?: string[];
  } | null = null;
  let replyText = "";

  switch (cmd.type) {
    case "acknowledge":
      patch.acknowledgedAt = turn.now;
      replyText = `已签收案件 ${c.number}，请在 ${deadlineLine(turn, c)} 前完成整改。`;
      break;
    case "fix": {
      const since = new Date(turn.now.getTime() - deps.config.pairingWindowMs);
      const photos = photosOverride ?? [
        ...msg.imageHashes,
        ...(await store.takePendingPhotos(msg.chatId, msg.sender.key, since)),
      ];
      if (photos.length === 0 && deps.config.requireAfterPhoto) {
        await turn.event(c, "fix_photo_requested");
        await turn.reply(T.needPhotoForFix, { ...ref, kind: "question" });
        return { status: "processed", note: `fix waits for photo ${c.number}` };
      }
      await store.attachMedia(c.id, photos, "after", turn.now);
      if (!c.fixedAt) patch.fixedAt = turn.now;
      data.photos = photos;
      replyText = `案件 ${c.number} 已报告整改完成，等待督查员核查。`;
      notice = {
        text: `案件 ${c.number} 已整改，请核查。`,
        mention: inspectors,
        actions: INSPECTOR_ACTIONS,
        images: photos,
      };
      break;
    }
    case "return":
      if (!cmd.reason) return ask(turn, ref, T.needReason(label));
      data.reason = cmd.reason;
      replyText = `案件 ${c.number} 已回退（${cmd.reason}），等待精细办改派。`;
      notice = { text: `案件 ${c.number} 被回退：${cmd.reason}。请改派。`, mention: inspectors };
      break;
    case "request_extension": {
      if (cmd.amount === null || cmd.unit === null || cmd.amount <= 0) return ask(turn, ref, T.needAmount);
      const unitLabel = cmd.unit === "hour" ? "小时" : "个工作日";
      patch.pendingExtension = {
        amount: cmd.amount,
        unit: cmd.unit,
        reason: cmd.reason,
        requestedBy: turn.person?.id ?? msg.sender.key,
      };
      data.amount = cmd.amount;
      data.unit = cmd.unit;
      data.reason = cmd.reason;
      replyText = `已提交延时申请：案件 ${c.number} 延时 ${cmd.amount}${unitLabel}，等待精细办审批。`;
      notice = {
        text: `案件 ${c.number} 申请延时 ${cmd.amount}${unitLabel}${cmd.reason ? `，原因：${cmd.reason}` : ""}。请审批。`,
        mention: inspectors,
        actions: EXTENSION_ACTIONS,
      };
      break;
    }
    case "approve_extension": {
      const ext = c.pendingExtension;
      if (!ext) return ask(turn, ref, "该案件没有待审批的延时申请。");
      const base = c.deadline ?? turn.now;
      patch.deadline = deps.calendar.deadlineFor(base, {
        value: ext.amount,
        unit: ext.unit === "hour" ? "hour" : "work_day",
      });
      patch.pendingExtension = null;
      patch.extensionCount = c.extensionCount + 1;
      data.from = c.deadline?.toISOString() ?? null;
      data.to = patch.deadline.toISOString();
      // What was approved, so the deadline can be worked out again on another calendar (deadline-replay.ts).
      data.amount = ext.amount;
      data.unit = ext.unit;
      replyText = `已批准案件 ${c.number} 延时。`;
      notice = {
        text: `案件 ${c.number} 延时已批准，新的截止时间：${deadlineLine(turn, { ...c, deadline: patch.deadline, extensionCount: c.extensionCount + 1 })}。`,
        mention: handler ? [handler] : [],
      };
      break;
    }
    case "reject_extension":
      patch.pendingExtension = null;
      data.reason = cmd.reason;
      replyText = `已驳回案件 ${c.number} 的延时申请。`;
      notice = {
        text: `案件 ${c.number} 延时申请未获批准${cmd.reason ? `：${cmd.reason}` : ""}，请按原时限处置。`,
        mention: handler ? [handler] : [],
      };
      break;
    case "whistle": {
      const all = [...turn.roster.departments.values()];
      const names = all.map((d) => d.name).join("、");
      if (!cmd.departments) return ask(turn, ref, T.needDepartments(names));
      const found = resolveDepartments(cmd.departments, all);
      if (found.unknown.length > 0 || found.departments.length === 0)
        return ask(turn, ref, T.unknownDepartments(found.unknown.join(" ") || cmd.departments, names));
      const contactsOf = (d: (typeof found.departments)[number]) =>
        d.contactIds.map((id) => turn.personById(id)).filter((p): p is Person => Boolean(p));
      const contacts = [...new Map(found.departments.flatMap(contactsOf).map((p) => [p.id, p])).values()];
      const withoutContacts = found.departments.filter((d) => contactsOf(d).length === 0).map((d) => d.name);
      patch.whistled = [...new Set([...c.whistled, ...found.departments.map((d) => d.code)])];
      patch.coHandlers = [...new Set([...c.coHandlers, ...contacts.map((p) => p.id)])];
      data.departments = found.departments.map((d) => d.code);
      const deptNames = found.departments.map((d) => d.name).join("、");
      replyText = `已吹哨：${deptNames} 协同处置案件 ${c.number}。${withoutContacts.length ? T.whistleNoContacts(withoutContacts.join("、")) : ""}`;
      // The contacts get the case itself and the handler's buttons: as co-handlers their 收到 and 已整改 count.
      notice = contacts.length
        ? {
            text: [
              `路长吹哨，请 ${deptNames} 协同处置案件 ${c.number}：`,
              `问题：${categoryLine(turn, c)}${c.summary ? `，${c.summary}` : ""}`,
              `位置：${placeLine(turn, c)}`,
              `截止：${deadlineLine(turn, c)}`,
              "请回复“收到”签收；整改后回复“已整改”并附照片。",
            ].join("\n"),
            mention: contacts,
            actions: HANDLER_ACTIONS,
          }
        : null;
      break;
    }
    case "close":
      patch.closedAt = turn.now;
      replyText = `案件 ${c.number} 核查通过，已结案销号。`;
      notice = { text: `案件 ${c.number} 已核查通过，结案销号。辛苦了！`, mention: handler ? [handler] : [] };
      break;
    case "rework":
      if (!cmd.reason) return ask(turn, ref, T.needReason(label));
      patch.reworkCount = c.reworkCount + 1;
      data.reason = cmd.reason;
      replyText = `案件 ${c.number} 已退回返工。`;
      notice = {
        text: `案件 ${c.number} 核查未通过，请返工：${cmd.reason}`,
        mention: handler ? [handler] : [],
      };
      break;
    case "void":
      data.reason = cmd.reason;
      replyText = `案件 ${c.number} 已作废${cmd.reason ? `（${cmd.reason}）` : ""}。`;
      break;
    case "backlog":
      data.reason = cmd.reason;
      replyText = `案件 ${c.number} 已挂账，继续跟踪。`;
      break;
    case "reassign": {
      const target = reassignTarget(turn, c.segmentId, cmd.target);
      if (typeof target === "string") return ask(turn, ref, target);
      patch.segmentId = target.segmentId;
      patch.handlerId = target.handler.id;
      patch.acknowledgedAt = null;
      patch.pendingExtension = null;
      // The new handler gets the whole time limit, counted from the reassignment.
      if (c.timeLimit) {
        patch.startedAt = turn.now;
        patch.deadline = deps.calendar.deadlineFor(turn.now, c.timeLimit);
      }
      Object.assign(data, {
        fromSegment: c.segmentId,
        toSegment: target.segmentId,
        fromHandler: c.handlerId,
        toHandler: target.handler.id,
      });
      const moved: CaseRecord = { ...c, ...patch };
      replyText = T.reassigned(c.number, placeLine(turn, moved), target.handler.name);
      notice = {
        text: [
          T.reassignNotice(c.number),
          `问题：${categoryLine(turn, moved)}${c.summary ? `，${c.summary}` : ""}`,
          `位置：${placeLine(turn, moved)}`,
          `截止：${deadlineLine(turn, moved)}`,
          T.handleHint,
        ].join("\n"),
        mention: [target.handler],
        actions: HANDLER_ACTIONS,
      };
      break;
    }
  }
  const updated = await store.updateCase(c.id, patch);
  await turn.event(updated, cmd.type, { from: verdict.from, to: verdict.to, role: verdict.actorRole, data });
  await turn.reply(replyText, { ...ref, kind: cmd.type });
  if (notice && (notice.mention.length > 0 || notice.actions)) {
    await turn.send({
      text: notice.text,
      ...ref,
      kind: `${cmd.type}_notice`,
      mention: notice.mention,
      ...(notice.actions ? { actions: notice.actions } : {}),
      ...(notice.images ? { imageHashes: notice.images } : {}),
    });
  }
  return { status: "processed", note: `${cmd.type} ${c.number}` };
}

/** A follow-up question about case `ref`: a reply to it finds the case again (caseForMessage). */
async function ask(turn: Turn, ref: { caseId: number; caseNumber: string }, text: string): Promise<Outcome> {
  await turn.reply(text, { ...ref, kind: "question" });
  return { status: "processed", note: "asked for details" };
}
