/**
 * The case lifecycle (DESIGN.md §2) as a pure transition function of (state, command, actor roles).
 * Every refusal carries a reason the bot can say to the person in the chat.
 */
import type { CaseState } from "./types.ts";

/** Commands that change (or act on) a case. */
export type CaseCommandType =
  | "complete" // 补全待立案 (location/category supplied)
  | "acknowledge" // 签收
  | "fix" // 已整改
  | "return" // 回退
  | "request_extension" // 申请延时
  | "approve_extension" // 批准延时
  | "reject_extension" // 驳回延时
  | "whistle" // 吹哨
  | "close" // 核查通过 / 销号
  | "rework" // 返工
  | "void" // 作废
  | "reassign" // 改派
  | "backlog"; // 挂账

/**
 * The actor's relation to the case. `handler` = the case's chief or a co-handler summoned by a
 * whistle; `superior` = a chief above the handler on that segment (二级/一级路长).
 */
export type ActorRole = "handler" | "superior" | "inspector" | "admin" | "reporter" | "other" | "system";

export const STATE_LABELS: Record<CaseState, string> = {
  pending: "待立案",
  dispatched: "已派遣",
  in_progress: "处置中",
  awaiting_check: "待核查",
  closed: "已结案",
  returned: "已回退",
  backlogged: "已挂账",
  voided: "已作废",
};

export const COMMAND_LABELS: Record<CaseCommandType, string> = {
  complete: "补充信息",
  acknowledge: "签收",
  fix: "报告整改完成",
  return: "回退",
  request_extension: "申请延时",
  approve_extension: "批准延时",
  reject_extension: "驳回延时",
  whistle: "吹哨",
  close: "核查通过",
  rework: "返工",
  void: "作废",
  reassign: "改派",
  backlog: "挂账",
};

const HANDLING: readonly ActorRole[] = ["handler", "superior", "admin"];
const INSPECTING: readonly ActorRole[] = ["inspector", "admin"];
const WHO_HANDLES = "本路段责任路长、吹哨召集的协办人员或其上级路长";
const WHO_INSPECTS = "精细办督查员";

interface Rule {
  roles: readonly ActorRole[];
  who: string;
  from: readonly CaseState[];
  /** `null` keeps the state. */
  to: CaseState | null;
}

const RULES: Record<CaseCommandType, Rule> = {
  complete: {
    roles: ["system", "reporter", "inspector", "admin"],
    who: "上报人或督查员",
    from: ["pending"],
    to: "dispatched",
  },
  acknowledge: { roles: HANDLING, who: WHO_HANDLES, from: ["dispatched"], to: "in_progress" },
  fix: {
    roles: HANDLING,
    who: WHO_HANDLES,
    from: ["dispatched", "in_progress", "backlogged"],
    to: "awaiting_check",
  },
  return: { roles: HANDLING, who: WHO_HANDLES, from: ["dispatched", "in_progress"], to: "returned" },
  request_extension: { roles: HANDLING, who: WHO_HANDLES, from: ["dispatched", "in_progress"], to: null },
  whistle: { roles: HANDLING, who: WHO_HANDLES, from: ["dispatched", "in_progress", "backlogged"], to: null },
  approve_extension: { roles: INSPECTING, who: WHO_INSPECTS, from: ["dispatched", "in_progress"], to: null },
  reject_extension: { roles: INSPECTING, who: WHO_INSPECTS, from: ["dispatched", "in_progress"], to: null },
  close: { roles: INSPECTING, who: WHO_INSPECTS, from: ["awaiting_check"], to: "closed" },
  rework: { roles: INSPECTING, who: WHO_INSPECTS, from: ["awaiting_check"], to: "in_progress" },
  void: {
    roles: INSPECTING,
    who: WHO_INSPECTS,
    from: ["pending", "dispatched", "in_progress", "awaiting_check", "returned", "backlogged"],
    to: "voided",
  },
  reassign: {
    roles: INSPECTING,
    who: WHO_INSPECTS,
    from: ["dispatched", "in_progress", "returned"],
    to: "dispatched",
  },
  backlog: { roles: INSPECTING, who: WHO_INSPECTS, from: ["dispatched", "in_progress"], to: "backlogged" },
};

export const ALL_STATES: readonly CaseState[] = Object.keys(STATE_LABELS) as CaseState[];
export const ALL_COMMANDS: readonly CaseCommandType[] = Object.keys(RULES) as CaseCommandType[];
export const ALL_ACTOR_ROLES: readonly ActorRole[] = [
  "handler",
  "superior",
  "inspector",
  "admin",
  "reporter",
  "other",
  "system",
];

export type RefusalCode = "terminal" | "forbidden" | "wrong_state" | "no_pending_extension";

export type TransitionResult =
  | {
      ok: true;
      from: CaseState;
      to: CaseState;
      changed: boolean;
      eventType: CaseCommandType;
      actorRole: ActorRole;
    }
  | { ok: false; code: RefusalCode; reason: string };

export interface TransitionInput {
  state: CaseState;
  command: CaseCommandType;
  /** Every relation the actor has to the case; the first that the rule allows is recorded. */
  roles: readonly ActorRole[];
  /** Whether an extension request is waiting for approval. */
  hasPendingExtension?: boolean;
}

/** Decides whether `command` may run on a case in `state` by an actor with `roles`. Pure. */
export function transition(input: TransitionInput): TransitionResult {
  const rule = RULES[input.command];
  const label = COMMAND_LABELS[input.command];
  if (input.state === "closed" || input.state === "voided") {
    return {
      ok: false,
      code: "terminal",
      reason: `该案件${STATE_LABELS[input.state]}，不能再${label}。`,
    };
  }
  const role = input.roles.find((r) => rule.roles.includes(r));
  if (!role) {
    return { ok: false, code: "forbidden", reason: `只有${rule.who}可以${label}。` };
  }
  if (!rule.from.includes(input.state)) {
    return {
      ok: false,
      code: "wrong_state",
      reason: `该案件当前状态为「${STATE_LABELS[input.state]}」，不能${label}。`,
    };
  }
  if (
    (input.command === "approve_extension" || input.command === "reject_extension") &&
    !input.hasPendingExtension
  ) {
    return { ok: false, code: "no_pending_extension", reason: "该案件没有待审批的延时申请。" };
  }
  const to = rule.to ?? input.state;
  return {
    ok: true,
    from: input.state,
    to,
    changed: to !== input.state,
    eventType: input.command,
    actorRole: role,
  };
}
