/**
 * LARK_* variables: their schema (merged into src/config.ts) and the LarkConfig they make. Secrets sit
 * behind functions, so logging the config object never prints them.
 */
import { z } from "zod";

/** Role of a served group: reports and commands, or the leaders' group for digests and rankings. */
export type LarkChatRole = "report" | "leadership";

/** Lark app ids look like cli_ + 16 hex digits; WSClient silently does nothing with any other. */
const APP_ID = /^cli_[0-9a-fA-F]{16}$/;
/** Group chat ids: oc_ + letters and digits. */
const CHAT_ID = /^oc_[0-9A-Za-z]+$/;

const flag = (def: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no", "on", "off"], { message: "应为 true 或 false" })
    .default(def ? "true" : "false")
    .transform((v) => ["true", "1", "yes", "on"].includes(v));

/** LARK_CHATS: "oc_a:report,oc_b:leadership" (role report when left out). */
const larkChats = z
  .string()
  .default("")
  .transform((s, ctx) => {
    const chats: { id: string; role: LarkChatRole }[] = [];
    for (const entry of s.split(/[\s,，;；]+/).filter(Boolean)) {
      const [id = "", role = "report", ...rest] = entry.split(/[:：=]/);
      if (!CHAT_ID.test(id) || rest.length > 0 || (role !== "report" && role !== "leadership")) {
        ctx.addIssue({
          code: "custom",
          message: `“${entry}”应写成 oc_群ID:report 或 oc_群ID:leadership，多个群用逗号隔开`,
        });
        return z.NEVER;
      }
      if (chats.some((c) => c.id === id)) {
        ctx.addIssue({ code: "custom", message: `群 ${id} 写了两次` });
        return z.NEVER;
      }
      chats.push({ id, role });
    }
    return chats;
  });

/** The LARK_* part of the environment schema. */
export const larkEnvShape = {
  LARK_APP_ID: z
    .string()
    .regex(APP_ID, "应为飞书开放平台“凭证与基础信息”中的 App ID，形如 cli_a1b2c3d4e5f60718")
    .optional(),
  LARK_APP_SECRET: z.string().min(10, "应为飞书开放平台中的 App Secret").optional(),
  LARK_DOMAIN: z
    .url({
      protocol: /^https?$/,
      message: "应为 https://open.feishu.cn（飞书）或 https://open.larksuite.com（Lark）",
    })
    .default("https://open.feishu.cn"),
  LARK_MODE: z
    .enum(["ws", "webhook"], { message: "应为 ws（长连接，默认）或 webhook（事件回调地址）" })
    .default("ws"),
  LARK_ENCRYPT_KEY: z.string().min(1).optional(),
  LARK_VERIFICATION_TOKEN: z.string().min(1).optional(),
  LARK_ALLOW_INSECURE_WEBHOOK: flag(false),
  LARK_CHATS: larkChats,
  LARK_URGENT_OVERDUE: flag(false),
};

type LarkEnv = {
  LARK_APP_ID?: string | undefined;
  LARK_APP_SECRET?: string | undefined;
  LARK_DOMAIN: string;
  LARK_MODE: "ws" | "webhook";
  LARK_ENCRYPT_KEY?: string | undefined;
  LARK_VERIFICATION_TOKEN?: string | undefined;
  LARK_ALLOW_INSECURE_WEBHOOK: boolean;
  LARK_CHATS: { id: string; role: LarkChatRole }[];
  LARK_URGENT_OVERDUE: boolean;
};

/** Cross-variable rules, for the schema's superRefine. */
export function checkLarkEnv(e: LarkEnv, ctx: z.RefinementCtx): void {
  if (e.LARK_APP_ID && !e.LARK_APP_SECRET) {
    ctx.addIssue({
      code: "custom",
      path: ["LARK_APP_SECRET"],
      message: "设置了 LARK_APP_ID 时必须同时填写 App Secret",
    });
  }
  if (!e.LARK_APP_ID && e.LARK_APP_SECRET) {
    ctx.addIssue({
      code: "custom",
      path: ["LARK_APP_ID"],
      message: "填写了 LARK_APP_SECRET 但没有 LARK_APP_ID",
    });
  }
  if (e.LARK_APP_ID && e.LARK_MODE === "webhook" && !e.LARK_ENCRYPT_KEY && !e.LARK_ALLOW_INSECURE_WEBHOOK) {
    ctx.addIssue({
      code: "custom",
      path: ["LARK_ENCRYPT_KEY"],
      message:
        "webhook 模式必须设置 Encrypt Key（飞书开放平台“事件与回调 > 加密策略”），否则任何人都能伪造事件；确需不加密（仅限内网测试）请设置 LARK_ALLOW_INSECURE_WEBHOOK=true",
    });
  }
}

/** Lark settings (bots/lark). */
export interface LarkConfig {
  appId: string;
  /** Behind functions: logging the config never prints a secret. */
  readAppSecret: () => string;
  readEncryptKey: () => string | null;
  readVerificationToken: () => string | null;
  /** API base, e.g. https://open.feishu.cn (no trailing slash). */
  domain: string;
  mode: "ws" | "webhook";
  /** Webhook mode without an encrypt key (LARK_ALLOW_INSECURE_WEBHOOK). */
  insecureWebhook: boolean;
  /** Groups served; empty serves every group the bot is in. */
  chats: { id: string; role: LarkChatRole }[];
  /** Make messages about overdue (red) cases urgent (加急) for the people they mention. */
  urgentOverdue: boolean;
}

/** The LarkConfig, or null when LARK_APP_ID is not set. */
export function toLarkConfig(e: LarkEnv): LarkConfig | null {
  if (!e.LARK_APP_ID || !e.LARK_APP_SECRET) return null;
  const secret = e.LARK_APP_SECRET;
  const encryptKey = e.LARK_ENCRYPT_KEY ?? null;
  const token = e.LARK_VERIFICATION_TOKEN ?? null;
  return {
    appId: e.LARK_APP_ID,
    readAppSecret: () => secret,
    readEncryptKey: () => encryptKey,
    readVerificationToken: () => token,
    domain: e.LARK_DOMAIN.replace(/\/+$/, ""),
    mode: e.LARK_MODE,
    insecureWebhook: e.LARK_MODE === "webhook" && !encryptKey,
    chats: e.LARK_CHATS,
    urgentOverdue: e.LARK_URGENT_OVERDUE,
  };
}
