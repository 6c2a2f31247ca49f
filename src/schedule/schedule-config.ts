/**
 * Configuration of the scheduled jobs and reports (digest, reminders, escalation, rankings): the
 * environment variables, validated with zod, and the typed settings they become. src/config.ts
 * spreads `scheduleEnvShape` into its schema, so a bad value stops the service at start with a
 * message naming the variable (STYLE.md §7). Every variable is described in .env.example.
 */
import { z } from "zod";
import {
  DEFAULT_GRADE_THRESHOLDS,
  DEFAULT_SCORE_WEIGHTS,
  type GradeThresholds,
  gradeThresholdsSchema,
  INDICATOR_LABELS,
  type ScoreWeights,
  scoreWeightsSchema,
} from "../core/indicators.ts";
import { minuteOfDay } from "./local-time.ts";

/** Chiefs a case can be escalated to (DESIGN.md §1: 二级 = street chief, 一级 = road chief). */
export type EscalationRole = "chief2" | "chief1";

/** One rung of the escalation ladder: escalate to `role` once overdue by `afterLimits` further time limits. */
export interface EscalationStep {
  role: EscalationRole;
  /** 0 = as soon as the case is overdue; 1 = overdue by one further full time limit. */
  afterLimits: number;
}

export interface ScheduleConfig {
  /** Whether this process runs the cron jobs (one instance per database should). */
  enabled: boolean;
  /** Minutes after local midnight. */
  digestMinute: number;
  digestWorkdaysOnly: boolean;
  /** Chats given the digest role at start. */
  digestChats: string[];
  /** Minutes after local midnight, or null when the evening brief is off. */
  eveningBriefMinute: number | null;
  rankingMinute: number;
  /** 1 = Monday … 7 = Sunday: the ranking goes out on the first working day from this weekday on. */
  rankingWeekday: number;
  /** Deadline checks run every this many minutes (a divisor of 60). */
  deadlineCheckMinutes: number;
  /** Local minutes [start, end) with no non-urgent reminders; wraps midnight when start > end. */
  quietHours: { start: number; end: number } | null;
  /** Bulk reminders and escalations are allowed (STYLE.md §13). */
  remindersEnabled: boolean;
  /** At most this many reminders and escalations per check; the rest wait for the next check. */
  reminderMaxPerRun: number;
  escalationLadder: EscalationStep[];
  scoreWeights: ScoreWeights;
  gradeThresholds: GradeThresholds;
}

const NONE = /^(none|off|无)$/i;

const bool = (def: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no", "on", "off"], { message: "应为 true 或 false" })
    .default(def ? "true" : "false")
    .transform((v) => ["true", "1", "yes", "on"].includes(v));

const timeOfDay = (def: string) =>
  z
    .string()
    .default(def)
    .refine((s) => /^([01]\d|2[0-3]):[0-5]\d$/.test(s), "应写成 HH:MM，如 08:30")
    .transform(minuteOfDay);

const optionalTimeOfDay = z
  .string()
  .optional()
  .refine(
    (s) => s === undefined || NONE.test(s) || /^([01]\d|2[0-3]):[0-5]\d$/.test(s),
    "应写成 HH:MM，如 17:30，或留空关闭",
  )
  .transform((s) => (s === undefined || NONE.test(s) ? null : minuteOfDay(s)));

const chatList = z
  .string()
  .optional()
  .transform((s) =>
    s === undefined ? undefined : NONE.test(s.trim()) ? [] : s.split(/[\s,，]+/).filter(Boolean),
  )
  .pipe(
    z.array(z.string().regex(/^[a-z]+:.+$/, "群聊 id 应带平台前缀，如 sim:demo、lark:oc_xxx")).optional(),
  );

const quietHours = z
  .string()
  .default("21:00-08:00")
  .refine(
    (s) => NONE.test(s) || /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/.test(s),
    "应写成 HH:MM-HH:MM，如 21:00-08:00，或 none 表示不设免打扰",
  )
  .refine((s) => NONE.test(s) || s.slice(0, 5) !== s.slice(6), "开始和结束时间不能相同")
  .transform((s) =>
    NONE.test(s) ? null : { start: minuteOfDay(s.slice(0, 5)), end: minuteOfDay(s.slice(6)) },
  );

const ladder = z
  .string()
  .default("chief2:0,chief1:1")
  .transform((s, ctx) => {
    if (NONE.test(s.trim())) return [];
    const steps: EscalationStep[] = [];
    for (const part of s.split(/[\s,，]+/).filter(Boolean)) {
      const m = /^(chief2|chief1):(\d+(?:\.\d+)?)$/.exec(part);
      if (!m) {
        ctx.addIssue({
          code: "custom",
          message: `“${part}”应写成 chief2:0 或 chief1:1（路长级别:超期几个时限后）`,
        });
        return z.NEVER;
      }
      const role = m[1] as EscalationRole;
      if (steps.some((x) => x.role === role)) {
        ctx.addIssue({ code: "custom", message: `${role} 出现了两次` });
        return z.NEVER;
      }
      steps.push({ role, afterLimits: Number(m[2]) });
    }
    return steps.sort((a, b) => a.afterLimits - b.afterLimits);
  });

/** Chinese labels accepted as keys of SCORE_WEIGHTS, e.g. "处置率:30". */
const WEIGHT_KEYS: Record<string, keyof ScoreWeights> = {
  disposalRate: "disposalRate",
  onTimeDisposalRate: "onTimeDisposalRate",
  reworkRate: "reworkRate",
  overdueOpenRate: "overdueOpenRate",
  extensionRate: "extensionRate",
  [INDICATOR_LABELS.disposalRate]: "disposalRate",
  [INDICATOR_LABELS.onTimeDisposalRate]: "onTimeDisposalRate",
  [INDICATOR_LABELS.reworkRate]: "reworkRate",
  [INDICATOR_LABELS.overdueOpenRate]: "overdueOpenRate",
  [INDICATOR_LABELS.extensionRate]: "extensionRate",
};

/** Parses "key:number,key:number" into an object, reporting the first bad part. */
function keyNumberList(s: string, ctx: z.RefinementCtx, keyOf: (k: string) => string | undefined) {
  const out: Record<string, number> = {};
  for (const part of s.split(/[\s,，]+/).filter(Boolean)) {
    const m = /^([^:：]+)[:：](\d+(?:\.\d+)?)$/.exec(part);
    const key = m?.[1] ? keyOf(m[1]) : undefined;
    if (!m || !key) {
      ctx.addIssue({ code: "custom", message: `无法识别“${part}”` });
      return z.NEVER;
    }
    out[key] = Number(m[2]);
  }
  return out;
}

const scoreWeights = z
  .string()
  .optional()
  .transform((s, ctx) =>
    s === undefined ? { ...DEFAULT_SCORE_WEIGHTS } : keyNumberList(s, ctx, (k) => WEIGHT_KEYS[k]),
  )
  .pipe(scoreWeightsSchema);

const gradeThresholds = z
  .string()
  .optional()
  .transform((s, ctx) =>
    s === undefined
      ? { ...DEFAULT_GRADE_THRESHOLDS }
      : keyNumberList(s, ctx, (k) =>
          ["A", "B", "C", "D"].includes(k.toUpperCase()) ? k.toUpperCase() : undefined,
        ),
  )
  .pipe(gradeThresholdsSchema);

/** The environment variables of the schedule, spread into src/config.ts's schema. */
export const scheduleEnvShape = {
  SCHEDULER: bool(true),
  DIGEST_TIME: timeOfDay("08:30"),
  DIGEST_WORKDAYS_ONLY: bool(true),
  DIGEST_CHATS: chatList,
  EVENING_BRIEF_TIME: optionalTimeOfDay,
  RANKING_TIME: timeOfDay("09:00"),
  RANKING_WEEKDAY: z.coerce
    .number()
    .int()
    .min(1, "应为 1（周一）到 7（周日）")
    .max(7, "应为 1（周一）到 7（周日）")
    .default(1),
  DEADLINE_CHECK_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(60)
    .refine((n) => 60 % n === 0, "应能整除 60，如 5、10、15、30")
    .default(15),
  QUIET_HOURS: quietHours,
  REMINDERS_ENABLED: bool(true),
  REMINDER_MAX_PER_RUN: z.coerce.number().int().min(1).max(10_000).default(50),
  ESCALATION_LADDER: ladder,
  SCORE_WEIGHTS: scoreWeights,
  GRADE_THRESHOLDS: gradeThresholds,
};

type ScheduleEnv = z.output<z.ZodObject<typeof scheduleEnvShape>>;

/** The simulator's chat: with the simulator on it is both the report group and the digest group. */
export const SIMULATOR_CHAT_ID = "sim:demo";

/** Builds the schedule settings from the validated environment. */
export function toScheduleConfig(e: ScheduleEnv & { SIMULATOR: boolean }): ScheduleConfig {
  return {
    enabled: e.SCHEDULER,
    digestMinute: e.DIGEST_TIME,
    digestWorkdaysOnly: e.DIGEST_WORKDAYS_ONLY,
    digestChats: e.DIGEST_CHATS ?? (e.SIMULATOR ? [SIMULATOR_CHAT_ID] : []),
    eveningBriefMinute: e.EVENING_BRIEF_TIME,
    rankingMinute: e.RANKING_TIME,
    rankingWeekday: e.RANKING_WEEKDAY,
    deadlineCheckMinutes: e.DEADLINE_CHECK_MINUTES,
    quietHours: e.QUIET_HOURS,
    remindersEnabled: e.REMINDERS_ENABLED,
    reminderMaxPerRun: e.REMINDER_MAX_PER_RUN,
    escalationLadder: e.ESCALATION_LADDER,
    scoreWeights: e.SCORE_WEIGHTS,
    gradeThresholds: e.GRADE_THRESHOLDS,
  };
}
