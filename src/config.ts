/**
 * Configuration, read once from the environment (and .env) and validated. A bad value stops the
 * service at start with a message naming the variable and how to fix it (STYLE.md §7).
 */
import { resolve } from "node:path";
import { z } from "zod";
import {
  checkDingtalkEnv,
  type DingtalkConfig,
  dingtalkEnvShape,
  toDingtalkConfig,
} from "../bots/dingtalk/dingtalk-config.ts";
import { checkLarkEnv, type LarkConfig, larkEnvShape, toLarkConfig } from "../bots/lark/lark-config.ts";
import {
  checkWechatEnv,
  toWechatConfig,
  type WechatConfig,
  wechatEnvShape,
} from "../bots/wechat/wechat-config.ts";
import { createWorkCalendar, WorkCalendarConfigError } from "./core/work-calendar.ts";
import { checkLlmEnv, llmEnvShape, toLlmConfig } from "./extraction/llm-config.ts";
import type { LlmSettings } from "./extraction/llm-settings.ts";
import { rosterLimitsEnvShape, toRosterLimits } from "./roster/roster-limits-config.ts";
import type { RosterParseLimits } from "./roster/roster-load-isolated.ts";
import { type ScheduleConfig, scheduleEnvShape, toScheduleConfig } from "./schedule/schedule-config.ts";
import { isPostgresUrl } from "./store/postgres-schema.ts";
import { DATABASE_URL_INVALID } from "./store/postgres-texts.ts";
import { type ConsoleConfig, consoleEnvShape, toConsoleConfig } from "./web/console/console-config.ts";
import { simulatorDefault, simulatorExposure, type TrustProxy, trustProxySchema } from "./web/exposure.ts";

export type { LarkConfig } from "../bots/lark/lark-config.ts";
export type { WechatConfig, WechatRoomRole } from "../bots/wechat/wechat-config.ts";

const bool = (def: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no", "on", "off"], { message: "应为 true 或 false" })
    .default(def ? "true" : "false")
    .transform((v) => ["true", "1", "yes", "on"].includes(v));

const dateList = z
  .string()
  .default("")
  .transform((s) => s.split(/[\s,，]+/).filter(Boolean))
  .pipe(z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "日期格式应为 YYYY-MM-DD")));

/** Days in each month, February counted as 29 so that 02-29 is accepted. */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const monthDay = z
  .string()
  .default("11-01")
  .refine((s) => {
    const m = /^(\d{2})-(\d{2})$/.exec(s);
    const [month, day] = [Number(m?.[1]), Number(m?.[2])];
    return Boolean(m) && month >= 1 && month <= 12 && day >= 1 && day <= (MONTH_DAYS[month - 1] ?? 0);
  }, "应为 MM-DD 形式的日期，如 11-01")
  .transform((s) => ({ month: Number(s.slice(0, 2)), day: Number(s.slice(3, 5)) }));

const timeOfDay = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "应为 HH:MM，如 09:00")
  .transform((s) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5)));

const workHours = z
  .string()
  .default("08:30-12:00,14:00-18:00")
  .transform((s) => s.split(/[\s,，]+/).filter(Boolean))
  .pipe(
    z.array(
      z
        .string()
        .regex(/^\d{2}:\d{2}-\d{2}:\d{2}$/, "每段应写成 HH:MM-HH:MM")
        .transform((p) => {
          const [start = "", end = ""] = p.split("-");
          return { start, end };
        }),
    ),
  );

const schema = z
  .object({
    DATA_DIR: z.string().default("./data"),
    DATABASE_FILE: z.string().optional(),
    // PostgreSQL instead of SQLite (docs/postgresql.md); unset: SQLite, the default.
    DATABASE_URL: z.string().refine(isPostgresUrl, DATABASE_URL_INVALID).optional(),
    HOST: z.string().default("127.0.0.1"),
    PORT: z.coerce
      .number({ message: "应为 0–65535 的端口号" })
      .int("应为 0–65535 的端口号")
      .min(0, "应为 0–65535 的端口号")
      .max(65535, "应为 0–65535 的端口号")
      .default(3000),
    CASE_PREFIX: z
      .string()
      .regex(/^[A-Z]{1,8}$/, "应为 1–8 个大写字母，如 ZM")
      .default("ZM"),
    TIME_ZONE: z.string().default("Asia/Shanghai"),
    WORK_HOURS: workHours,
    HOLIDAYS_OVERRIDE: dateList,
    WORKDAYS_OVERRIDE: dateList,
    CALENDAR_WARN_FROM: monthDay,
    CALENDAR_WARN_TIME: timeOfDay.default(9 * 60),
    BOT_NAME: z.string().min(1).default("路长通"),
    MAX_TEXT_LENGTH: z.coerce
      .number({ message: "应为 50–100000 的整数" })
      .int("应为 50–100000 的整数")
      .min(50, "应为 50–100000 的整数")
      .max(100_000, "应为 50–100000 的整数")
      .default(2000),
    REQUIRE_AFTER_PHOTO: bool(true),
    // Default: on without a real chat channel, off with Lark or WeChat (src/web/exposure.ts).
    SIMULATOR: z
      .enum(["true", "false", "1", "0", "yes", "no", "on", "off"], { message: "应为 true 或 false" })
      .optional()
      .transform((v) => (v === undefined ? undefined : ["true", "1", "yes", "on"].includes(v))),
    TRUST_PROXY: trustProxySchema,
    LOAD_DEMO_ROSTER: bool(true),
    LOG_LEVEL: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
        message: "应为 fatal、error、warn、info、debug、trace 或 silent",
      })
      .default("info"),
    // Scheduled jobs and reports: DIGEST_TIME, QUIET_HOURS, ESCALATION_LADDER … (src/schedule/schedule-config.ts)
    ...scheduleEnvShape,
    // WeChat: WECHAT_PUPPET, WECHAT_ROOMS … (bots/wechat/wechat-config.ts, docs/wechat.md)
    ...wechatEnvShape,
    // Lark / Feishu: LARK_APP_ID, LARK_APP_SECRET, LARK_MODE … (bots/lark/lark-config.ts, docs/lark.md)
    ...larkEnvShape,
    // DingTalk: DINGTALK_CLIENT_ID, DINGTALK_CHATS … (bots/dingtalk/dingtalk-config.ts, docs/dingtalk.md)
    ...dingtalkEnvShape,
    // Web console: CONSOLE_PASSWORD, SESSION_SECRET … (src/web/console/console-config.ts, docs/console.md)
    ...consoleEnvShape,
    // Roster files: ROSTER_MAX_UNZIPPED_MB … (src/roster/roster-limits-config.ts)
    ...rosterLimitsEnvShape,
    // LLM extraction: LLM_BASE_URL, LLM_MODEL … (src/extraction/llm-config.ts, docs/extraction.md)
    ...llmEnvShape,
  })
  .superRefine((e, ctx) => {
    checkWorkCalendarEnv(e, ctx);
    checkLarkEnv(e, ctx);
    checkDingtalkEnv(e, ctx);
    checkLlmEnv(e, ctx);
    checkWechatEnv(e, ctx);
    const exposed = simulatorExposure(
      e.HOST,
      simulatorDefault(e.SIMULATOR, Boolean(e.LARK_APP_ID || e.WECHAT_PUPPET)),
    );
    if (exposed) ctx.addIssue({ code: "custom", path: ["SIMULATOR"], message: exposed });
  });

/**
 * The work calendar checks its own options (src/core/work-calendar.ts); here its findings are put on
 * the variables they come from, in Chinese, so a bad calendar stops the service before it touches the
 * database and says which line of .env to change.
 */
function checkWorkCalendarEnv(
  e: {
    TIME_ZONE: string;
    WORK_HOURS: { start: string; end: string }[];
    HOLIDAYS_OVERRIDE: string[];
    WORKDAYS_OVERRIDE: string[];
  },
  ctx: z.RefinementCtx,
): void {
  try {
    createWorkCalendar({
      timeZone: e.TIME_ZONE,
      workHours: e.WORK_HOURS,
      override: { holidays: e.HOLIDAYS_OVERRIDE, workdays: e.WORKDAYS_OVERRIDE },
    });
  } catch (error) {
    if (!(error instanceof WorkCalendarConfigError) || !(error.cause instanceof z.ZodError)) throw error;
    for (const issue of error.cause.issues) {
      const [field, list, index] = issue.path;
      if (field === "timeZone") {
        ctx.addIssue({
          code: "custom",
          path: ["TIME_ZONE"],
          message: `未知的时区“${e.TIME_ZONE}”，应为 IANA 时区名，如 Asia/Shanghai`,
        });
      } else if (field === "workHours") {
        const i = typeof list === "number" ? list : 0;
        const p = e.WORK_HOURS[i];
        ctx.addIssue({
          code: "custom",
          path: ["WORK_HOURS"],
          message: `第 ${i + 1} 段“${p ? `${p.start}-${p.end}` : ""}”无效：时间应在 00:00–23:59 之间、结束晚于开始，各段按先后排列且不重叠，如 08:30-12:00,14:00-18:00`,
        });
      } else if (field === "override") {
        const variable = list === "workdays" ? "WORKDAYS_OVERRIDE" : "HOLIDAYS_OVERRIDE";
        const day = (list === "workdays" ? e.WORKDAYS_OVERRIDE : e.HOLIDAYS_OVERRIDE)[Number(index)] ?? "";
        const both = e.HOLIDAYS_OVERRIDE.includes(day) && e.WORKDAYS_OVERRIDE.includes(day);
        ctx.addIssue({
          code: "custom",
          path: [variable],
          message: both
            ? `${day} 同时写在 HOLIDAYS_OVERRIDE 和 WORKDAYS_OVERRIDE 里，请只保留一处`
            : `“${day}”不是有效日期（YYYY-MM-DD）`,
        });
      }
    }
  }
}

export type Env = z.input<typeof schema>;

export interface Config {
  dataDir: string;
  databaseFile: string;
  /** A postgres:// connection string when DATABASE_URL is set; null: SQLite at databaseFile. */
  databaseUrl: string | null;
  mediaDir: string;
  host: string;
  port: number;
  casePrefix: string;
  timeZone: string;
  workHours: { start: string; end: string }[];
  holidaysOverride: string[];
  workdaysOverride: string[];
  /** From this day of the year on, a next year without holidays is warned about (CALENDAR_WARN_FROM). */
  calendarWarnFrom: { month: number; day: number };
  /** Local minute of the day the warning goes to the admins in the work groups (CALENDAR_WARN_TIME). */
  calendarWarnMinute: number;
  botName: string;
  maxTextLength: number;
  requireAfterPhoto: boolean;
  simulator: boolean;
  /** Proxies whose X-Forwarded-For is believed (TRUST_PROXY); false: the socket address is the client. */
  trustProxy: TrustProxy;
  loadDemoRoster: boolean;
  logLevel: string;
  /** WeChat through wechaty; null when WECHAT_PUPPET is not set. */
  wechat: WechatConfig | null;
  /** Digest, reminders, escalation and rankings (docs/schedule.md). */
  schedule: ScheduleConfig;
  /** Lark / Feishu bot; null when LARK_APP_ID is not set (docs/lark.md). */
  lark: LarkConfig | null;
  /** DingTalk robot in Stream mode; null when DINGTALK_CLIENT_ID is not set (docs/dingtalk.md). */
  dingtalk: DingtalkConfig | null;
  /** Bounds on roster files before and while parsing them (zip bombs, docs/security.md). */
  rosterLimits: RosterParseLimits;
  /** The 精细办 web console (docs/console.md). */
  console: ConsoleConfig;
  /** LLM extraction; null when LLM_BASE_URL is not set: the offline rules extractor (docs/extraction.md). */
  llm: LlmSettings | null;
}

export class ConfigError extends Error {
  readonly code = "CONFIG_INVALID";
}

/** Validates the environment into a Config; throws ConfigError listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${String(i.path[0])}: ${i.message}`);
    throw new ConfigError(`配置有误（请修改 .env 或环境变量，说明见 .env.example）：\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  const simulator = simulatorDefault(e.SIMULATOR, Boolean(e.LARK_APP_ID || e.WECHAT_PUPPET));
  return {
    dataDir,
    databaseFile: resolve(e.DATABASE_FILE ?? `${dataDir}/luzhang.db`),
    databaseUrl: e.DATABASE_URL ?? null,
    mediaDir: resolve(dataDir, "media"),
    host: e.HOST,
    port: e.PORT,
    casePrefix: e.CASE_PREFIX,
    timeZone: e.TIME_ZONE,
    workHours: e.WORK_HOURS,
    holidaysOverride: e.HOLIDAYS_OVERRIDE,
    workdaysOverride: e.WORKDAYS_OVERRIDE,
    calendarWarnFrom: e.CALENDAR_WARN_FROM,
    calendarWarnMinute: e.CALENDAR_WARN_TIME,
    botName: e.BOT_NAME,
    maxTextLength: e.MAX_TEXT_LENGTH,
    requireAfterPhoto: e.REQUIRE_AFTER_PHOTO,
    simulator,
    trustProxy: e.TRUST_PROXY,
    loadDemoRoster: e.LOAD_DEMO_ROSTER,
    logLevel: e.LOG_LEVEL,
    schedule: toScheduleConfig({ ...e, SIMULATOR: simulator }),
    wechat: toWechatConfig(e, dataDir),
    lark: toLarkConfig(e),
    dingtalk: toDingtalkConfig(e),
    console: toConsoleConfig(e),
    rosterLimits: toRosterLimits(e),
    // The raw env: an empty LLM_TEMPERATURE means "do not send one" (empty values are dropped above).
    llm: toLlmConfig(e, env),
  };
}
