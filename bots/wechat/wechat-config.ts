/**
 * WECHAT_* variables: their schema (merged into src/config.ts) and the WechatConfig they make. The
 * puppet token sits behind a function, so logging the config object never prints it.
 */
import { resolve } from "node:path";
import { z } from "zod";

/** Role of a configured WeChat group: reports and commands, or the leaders' group for digests. */
export type WechatRoomRole = "report" | "leadership";

/** WeChat settings (bots/wechat). */
export interface WechatConfig {
  puppet: "wechat4u" | "service" | "mock";
  /** The puppet service token, behind a function so that logging the config never prints it. */
  readToken: () => string | null;
  /** Memory card path without its suffix; the login session is kept in `<sessionName>.memory-card.json`. */
  sessionName: string;
  rooms: { topic: string; role: WechatRoomRole }[];
  minSendIntervalMs: number;
  sendJitterMs: number;
}

/** WECHAT_ROOMS: "群名=report;群名=leadership" (role report when left out). Topics, not ids: ids change per login. */
const wechatRooms = z
  .string()
  .default("")
  .transform((s, ctx) => {
    const rooms: { topic: string; role: WechatRoomRole }[] = [];
    const entries = s
      .split(/[;；\n]+/)
      .map((x) => x.trim())
      .filter(Boolean);
    for (const entry of entries) {
      const at = entry.lastIndexOf("=");
      const topic = (at < 0 ? entry : entry.slice(0, at)).trim();
      const role = at < 0 ? "report" : entry.slice(at + 1).trim();
      if (!topic || (role !== "report" && role !== "leadership")) {
        ctx.addIssue({
          code: "custom",
          message: `“${entry}”应写成 群名=report 或 群名=leadership，多个群用分号隔开`,
        });
        return z.NEVER;
      }
      if (rooms.some((r) => r.topic === topic)) {
        ctx.addIssue({ code: "custom", message: `群名“${topic}”写了两次` });
        return z.NEVER;
      }
      rooms.push({ topic, role });
    }
    return rooms;
  });

/** The WECHAT_* part of the environment schema. */
export const wechatEnvShape = {
  WECHAT_PUPPET: z
    .enum(["wechat4u", "service", "mock"], { message: "应为 wechat4u、service 或 mock；不接微信请留空" })
    .optional(),
  WECHAT_PUPPET_TOKEN: z.string().optional(),
  WECHAT_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, "只能用字母、数字、点、下划线和连字符（它是登录记录文件的名字）")
    .default("luzhang"),
  WECHAT_ROOMS: wechatRooms,
  WECHAT_MIN_SEND_INTERVAL_MS: z.coerce.number().int().min(0).max(600_000).default(1500),
  WECHAT_SEND_JITTER_MS: z.coerce.number().int().min(0).max(600_000).default(1000),
};

type WechatEnv = {
  WECHAT_PUPPET?: "wechat4u" | "service" | "mock" | undefined;
  WECHAT_PUPPET_TOKEN?: string | undefined;
  WECHAT_NAME: string;
  WECHAT_ROOMS: { topic: string; role: WechatRoomRole }[];
  WECHAT_MIN_SEND_INTERVAL_MS: number;
  WECHAT_SEND_JITTER_MS: number;
};

/** Cross-variable rules, for the schema's superRefine. */
export function checkWechatEnv(e: WechatEnv, ctx: z.RefinementCtx): void {
  if (e.WECHAT_PUPPET === "service" && !e.WECHAT_PUPPET_TOKEN) {
    ctx.addIssue({
      code: "custom",
      path: ["WECHAT_PUPPET_TOKEN"],
      message: "WECHAT_PUPPET=service 时必须填写服务商提供的 token",
    });
  }
  if (e.WECHAT_PUPPET && e.WECHAT_ROOMS.length === 0) {
    ctx.addIssue({
      code: "custom",
      path: ["WECHAT_ROOMS"],
      message: "启用微信时至少要配置一个群，例如 WECHAT_ROOMS=中牟县路长制工作群=report",
    });
  }
}

/** The WeChat settings, or null when WECHAT_PUPPET is not set. */
export function toWechatConfig(e: WechatEnv, dataDir: string): WechatConfig | null {
  if (!e.WECHAT_PUPPET) return null;
  const token = e.WECHAT_PUPPET_TOKEN ?? null;
  return {
    puppet: e.WECHAT_PUPPET,
    readToken: () => token,
    sessionName: resolve(dataDir, "wechat", e.WECHAT_NAME),
    rooms: e.WECHAT_ROOMS,
    minSendIntervalMs: e.WECHAT_MIN_SEND_INTERVAL_MS,
    sendJitterMs: e.WECHAT_SEND_JITTER_MS,
  };
}
