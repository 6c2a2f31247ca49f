/**
 * CONSOLE_* and SESSION_SECRET: the web console's part of the environment schema (merged into
 * src/config.ts) and the ConsoleConfig it makes. Secrets sit behind functions, so logging the config
 * object never prints them.
 */
import { z } from "zod";

/** Whether session cookies carry `Secure`: auto = yes unless the page is served on localhost. */
export type SecureCookieMode = "auto" | "always" | "never";

/** The console part of the environment schema. */
export const consoleEnvShape = {
  CONSOLE_PASSWORD: z.string().min(8, "至少 8 个字符；留空则首次启动时自动生成并在日志中显示一次").optional(),
  SESSION_SECRET: z
    .string()
    .min(32, "至少 32 个字符（可用 openssl rand -hex 32 生成）；留空则自动生成并保存在数据库中")
    .optional(),
  CONSOLE_SESSION_HOURS: z.coerce
    .number({ message: "应为小时数" })
    .min(0.25, "至少 0.25 小时")
    .max(24 * 30, "最多 720 小时（30 天）")
    .default(12),
  CONSOLE_SECURE_COOKIE: z
    .enum(["auto", "always", "never"], { message: "应为 auto、always 或 never" })
    .default("auto"),
};

type ConsoleEnv = {
  CONSOLE_PASSWORD?: string | undefined;
  SESSION_SECRET?: string | undefined;
  CONSOLE_SESSION_HOURS: number;
  CONSOLE_SECURE_COOKIE: SecureCookieMode;
};

/** The 精细办 web console (/console). */
export interface ConsoleConfig {
  /** CONSOLE_PASSWORD, or null: then a generated one is kept (as a hash) in the database. */
  readPassword: () => string | null;
  /** SESSION_SECRET, or null: then a generated one is kept in the database. */
  readSessionSecret: () => string | null;
  /** A session ends after this many hours without a request. */
  sessionHours: number;
  secureCookie: SecureCookieMode;
}

/** Builds the console settings from the validated environment. */
export function toConsoleConfig(e: ConsoleEnv): ConsoleConfig {
  const password = e.CONSOLE_PASSWORD ?? null;
  const secret = e.SESSION_SECRET ?? null;
  return {
    readPassword: () => password,
    readSessionSecret: () => secret,
    sessionHours: e.CONSOLE_SESSION_HOURS,
    secureCookie: e.CONSOLE_SECURE_COOKIE,
  };
}
