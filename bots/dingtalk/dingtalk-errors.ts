/**
 * DingTalk's error answers and how the bot reacts to them. New-style APIs (api.dingtalk.com/v1.0)
 * answer a failure with an HTTP status and `{code, message, requestid}`; old-style ones
 * (oapi.dingtalk.com) with HTTP 200 and a non-zero `errcode`. Both become one DingtalkApiError.
 * Codes and their meaning: docs/dingtalk.md §9 (each with its source page).
 */

/** 应用维度 QPS 限流 (20/s per app and API on a standard organisation) and the platform-wide one. */
export const RATE_LIMIT_CODES: ReadonlySet<string> = new Set([
  "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi",
  "Forbidden.AccessDenied.QpsLimitForApi",
  "90018",
  "90002",
]);
/** The organisation's monthly API quota is used up (standard edition): retrying soon cannot help. */
export const MONTHLY_QUOTA_CODES: ReadonlySet<string> = new Set([
  "Forbidden.AccessDenied.ApiCountLimitForOrg",
  "90020",
]);
/** The access token is missing, wrong or expired: fetch a new one and try once more. */
export const TOKEN_INVALID_CODES: ReadonlySet<string> = new Set(["InvalidAuthentication", "40014", "42001"]);

/**
 * Retrying cannot help: the robot code or conversation is wrong, the robot is not in the group, or
 * the message is malformed (our bug). Missing permissions are retried: an admin may still grant them.
 */
export const PERMANENT_CODES: ReadonlySet<string> = new Set([
  "invalidParameter.robotCode.notExsit",
  "invalidParameter.robotCode.invalid",
  "invalidParameter.robotCode.auth",
  "invalidParameter.robotCode.empty",
  "invalid.openConversationId",
  "invalidParameter.openConversationId.invalid",
  "invalidParameter.msgKey.invalid",
  "invalidParameter.msgParam.invalid",
  "invalidParameter.userIds.overMax",
  "invalidParameter.param.invalid",
  "bot.stopped",
]);

/** What an operator should do about a failure they can fix, by DingTalk code. */
export const OPERATOR_FIXES: ReadonlyMap<string, string> = new Map([
  [
    "invalidParameter.robotCode.notExsit",
    "机器人不存在或不在该群：在群设置 > 机器人中添加本应用的机器人，或检查 DINGTALK_ROBOT_CODE",
  ],
  [
    "invalidParameter.robotCode.invalid",
    "DINGTALK_ROBOT_CODE 无效：复制开发者后台“机器人”页面上的 RobotCode",
  ],
  [
    "invalidParameter.robotCode.auth",
    "DINGTALK_ROBOT_CODE 与 DINGTALK_CLIENT_ID 不属于同一个应用：使用本应用机器人的 RobotCode",
  ],
  ["invalid.openConversationId", "群会话ID无效：检查 DINGTALK_CHATS，或从中删除该群"],
  ["bot.stopped", "群里的机器人已被停用：在群设置 > 机器人中重新启用"],
  [
    "Forbidden.AccessDenied.AccessTokenPermissionDenied",
    "应用缺少权限：在开发者后台“权限管理”开通“企业内机器人发送消息权限”（qyapi_robot_sendmsg）并发布新版本",
  ],
  [
    "Forbidden.AccessDenied.ApiCountLimitForOrg",
    "本组织本月的 API 调用量已用完（钉钉标准版有月度额度）：升级钉钉专业版/专属版，或等下月恢复",
  ],
  [
    "invalidClientIdOrSecret",
    "DINGTALK_CLIENT_ID 或 DINGTALK_CLIENT_SECRET 不对：从开发者后台“凭证与基础信息”重新复制",
  ],
]);

/** One failed DingTalk call. `code` is DingTalk's (errcode as text for old-style APIs), or "" for network failures. */
export class DingtalkApiError extends Error {
  readonly code: string;
  readonly httpStatus: number;

  constructor(message: string, options: { code: string; httpStatus: number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = "DingtalkApiError";
    this.code = options.code;
    this.httpStatus = options.httpStatus;
  }

  get rateLimited(): boolean {
    return RATE_LIMIT_CODES.has(this.code) || this.httpStatus === 429;
  }

  get quotaExhausted(): boolean {
    return MONTHLY_QUOTA_CODES.has(this.code);
  }

  get tokenInvalid(): boolean {
    return TOKEN_INVALID_CODES.has(this.code) || this.httpStatus === 401;
  }

  get permanent(): boolean {
    return PERMANENT_CODES.has(this.code);
  }

  /** The operator's fix for this failure, if one is known. */
  get fix(): string | undefined {
    return OPERATOR_FIXES.get(this.code);
  }
}

/** Reads `{code, message}` (new style) or `{errcode, errmsg}` (old style) from a parsed body. */
export function errorOf(body: unknown): { code: string; message: string } | null {
  if (typeof body !== "object" || body === null) return null;
  const b = body as Record<string, unknown>;
  if (typeof b.code === "string" && b.code) return { code: b.code, message: String(b.message ?? "") };
  if (b.errcode !== undefined && b.errcode !== 0 && b.errcode !== "0")
    return { code: String(b.errcode), message: String(b.errmsg ?? "") };
  return null;
}
