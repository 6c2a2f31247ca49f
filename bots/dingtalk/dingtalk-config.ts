/**
 * DINGTALK_* variables: their schema (merged into src/config.ts) and the DingtalkConfig they make.
 * The secret sits behind a function, so logging the config object never prints it.
 */
import { z } from "zod";

/** Role of a served group: reports and commands, or the leaders' group for digests and rankings. */
export type DingtalkChatRole = "report" | "leadership";

/** Group conversation ids (openConversationId) are base64 starting with "cid": letters, digits, + / =. */
const CONVERSATION_ID = /^cid[0-9A-Za-z+/=_-]{4,}$/;
/** Client ID (the old AppKey) and robot code: "ding" + letters and digits. */
const DING_CODE = /^ding[0-9a-z]{8,40}$/;

/** DINGTALK_CHATS: "cidA==:report,cidB==:leadership" (role report when left out). */
const dingtalkChats = z
  .string()
  .default("")
  .transform((s, ctx) => {
    const chats: { id: string; role: DingtalkChatRole }[] = [];
    for (const entry of s.split(/[\s,，;；]+/).filter(Boolean)) {
      // The id itself may end in "=", so the role is what follows the last ":" only.
      const cut = Math.max(entry.lastIndexOf(":"), entry.lastIndexOf("："));
      const id = cut < 0 ? entry : entry.slice(0, cut);
      const role = cut < 0 ? "report" : entry.slice(cut + 1);
      if (!CONVERSATION_ID.test(id) || (role !== "report" && role !== "leadership")) {
        ctx.addIssue({
          code: "custom",
          message: `“${entry}”应写成 cid群会话ID:report 或 cid群会话ID:leadership，多个群用逗号隔开`,
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

const httpsUrl = (message: string) => z.url({ protocol: /^https?$/, message });

/** The DINGTALK_* part of the environment schema. */
export const dingtalkEnvShape = {
  DINGTALK_CLIENT_ID: z
    .string()
    .regex(
      DING_CODE,
      "应为钉钉开发者后台“凭证与基础信息”中的 Client ID（原 AppKey），形如 dingxxxxxxxxxxxxxxxx",
    )
    .optional(),
  DINGTALK_CLIENT_SECRET: z
    .string()
    .min(16, "应为钉钉开发者后台中的 Client Secret（原 AppSecret）")
    .optional(),
  DINGTALK_ROBOT_CODE: z
    .string()
    .regex(
      DING_CODE,
      "应为“机器人”页面上的 RobotCode，形如 dingxxxxxxxxxxxxxxxx（企业内部应用一般与 Client ID 相同）",
    )
    .optional(),
  DINGTALK_CHATS: dingtalkChats,
  DINGTALK_API_BASE: httpsUrl("应为 https://api.dingtalk.com（新版服务端 API 与 Stream 网关）").default(
    "https://api.dingtalk.com",
  ),
  DINGTALK_OAPI_BASE: httpsUrl(
    "应为 https://oapi.dingtalk.com（旧版服务端 API：上传图片、会话回复）",
  ).default("https://oapi.dingtalk.com"),
  DINGTALK_CARD_TEMPLATE_ID: z
    .string()
    .regex(/^[0-9a-zA-Z-]+\.schema$/, "应为卡片平台“模板列表”中的模板 ID，形如 xxxxxxxx-xxxx-….schema")
    .optional(),
};

type DingtalkEnv = {
  DINGTALK_CLIENT_ID?: string | undefined;
  DINGTALK_CLIENT_SECRET?: string | undefined;
  DINGTALK_ROBOT_CODE?: string | undefined;
  DINGTALK_CHATS: { id: string; role: DingtalkChatRole }[];
  DINGTALK_API_BASE: string;
  DINGTALK_OAPI_BASE: string;
  DINGTALK_CARD_TEMPLATE_ID?: string | undefined;
};

/** Cross-variable rules, for the schema's superRefine. */
export function checkDingtalkEnv(e: DingtalkEnv, ctx: z.RefinementCtx): void {
  if (e.DINGTALK_CLIENT_ID && !e.DINGTALK_CLIENT_SECRET) {
    ctx.addIssue({
      code: "custom",
      path: ["DINGTALK_CLIENT_SECRET"],
      message: "设置了 DINGTALK_CLIENT_ID 时必须同时填写 Client Secret",
    });
  }
  if (!e.DINGTALK_CLIENT_ID && (e.DINGTALK_CLIENT_SECRET || e.DINGTALK_ROBOT_CODE)) {
    ctx.addIssue({
      code: "custom",
      path: ["DINGTALK_CLIENT_ID"],
      message: "填写了 DINGTALK_CLIENT_SECRET 或 DINGTALK_ROBOT_CODE 但没有 DINGTALK_CLIENT_ID",
    });
  }
}

/** DingTalk settings (bots/dingtalk). */
export interface DingtalkConfig {
  clientId: string;
  /** Behind a function: logging the config never prints the secret. */
  readClientSecret: () => string;
  /** The robot's code; for an internal app's robot usually the Client ID. */
  robotCode: string;
  /** New-style OpenAPI and stream gateway, e.g. https://api.dingtalk.com (no trailing slash). */
  apiBase: string;
  /** Old-style OpenAPI (media upload) and the host of session webhooks, e.g. https://oapi.dingtalk.com. */
  oapiBase: string;
  /** Groups served, by openConversationId. Empty serves none: their ids are logged so an admin can add them. */
  chats: { id: string; role: DingtalkChatRole }[];
  /** Interactive card template with buttons; null: commands are typed (numbered and worded). */
  cardTemplateId: string | null;
}

/** The DingtalkConfig, or null when DINGTALK_CLIENT_ID is not set. */
export function toDingtalkConfig(e: DingtalkEnv): DingtalkConfig | null {
  if (!e.DINGTALK_CLIENT_ID || !e.DINGTALK_CLIENT_SECRET) return null;
  const secret = e.DINGTALK_CLIENT_SECRET;
  return {
    clientId: e.DINGTALK_CLIENT_ID,
    readClientSecret: () => secret,
    robotCode: e.DINGTALK_ROBOT_CODE ?? e.DINGTALK_CLIENT_ID,
    apiBase: e.DINGTALK_API_BASE.replace(/\/+$/, ""),
    oapiBase: e.DINGTALK_OAPI_BASE.replace(/\/+$/, ""),
    chats: e.DINGTALK_CHATS,
    cardTemplateId: e.DINGTALK_CARD_TEMPLATE_ID ?? null,
  };
}
