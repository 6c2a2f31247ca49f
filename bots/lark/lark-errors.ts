/**
 * Lark's error codes and how the bot reacts to them. The SDK resolves a 200 reply with a non-zero
 * `code` and rejects other statuses with an AxiosError; both end up as one LarkApiError here.
 */

/** HTTP 429 / code 99991400: the app is over an API rate limit; `x-ogw-ratelimit-reset` says for how long. */
export const CODE_RATE_LIMITED = 99991400;
/** The group (or user) receives too many messages: 5/s per group. */
export const CODE_FREQUENCY_LIMIT = 230020;
/** Tenant access token missing, invalid or expired: fetch a new one and try again once. */
export const TOKEN_INVALID_CODES: ReadonlySet<number> = new Set([
  99991661, 99991663, 99991664, 99991665, 99991668, 99991677,
]);
/** The message replied to was recalled or is gone: send into the group instead. */
export const REPLY_TARGET_GONE_CODES: ReadonlySet<number> = new Set([230011, 231003]);
/** The app lacks a scope (权限) the call needs; Lark's message names the scopes. */
export const CODE_SCOPE_MISSING = 99991672;

/**
 * Retrying cannot help: bad request (our bug), bot not in the group, content too long, content refused
 * by the tenant's data-loss-prevention audit (230028), card rejected, and everything an admin must
 * change first (a scope, the bot ability, a muted or dissolved group, an image Lark will not take).
 * Everything else (network, 5xx, rate limits) is retried with backoff.
 */
export const PERMANENT_CODES: ReadonlySet<number> = new Set([
  230001,
  230002,
  230025,
  230028,
  230099,
  CODE_SCOPE_MISSING,
  230006,
  230027,
  230035,
  232009,
  234007,
  234011,
]);

/** What an operator should do about a permanent failure they can fix, by Lark code. */
export const OPERATOR_FIXES: ReadonlyMap<number, string> = new Map([
  [230002, "机器人不在该群：把机器人拉进群，或从 LARK_CHATS 中删除该群"],
  [230028, "内容被企业数据防泄漏审计拦截：请飞书管理员检查审计规则"],
  [
    CODE_SCOPE_MISSING,
    "应用缺少权限：在开发者后台“权限管理”开通上面列出的权限（如发消息和下载照片 im:message、上传图片 im:resource、加急 im:message.urgent），然后创建版本并发布",
  ],
  [230006, "应用没有开启机器人能力：开发者后台 → 添加应用能力 → 机器人，然后创建版本并发布"],
  [
    230027,
    "没有在该群发消息的权限：检查机器人仍在群里、应用的可用范围包括群成员（具体含义以飞书错误码文档为准）",
  ],
  [230035, "该群已禁言（只有群主和管理员能发言）：请群主解除禁言，或把机器人设为群管理员"],
  [232009, "该群已解散：从 LARK_CHATS 中删除该群"],
  [234007, "图片上传被拒：检查应用已开启机器人能力并开通 im:resource 权限（具体含义以飞书错误码文档为准）"],
  [
    234011,
    "图片上传被拒：图片格式应为 JPG、PNG、WEBP、GIF、BMP、ICO、TIFF 或 HEIC，且不超过 10 MB（具体含义以飞书错误码文档为准）",
  ],
]);

/** One failed Lark API call. `code` is Lark's, or 0 for network failures. */
export class LarkApiError extends Error {
  readonly code: number;
  readonly httpStatus: number;
  /** From `x-ogw-ratelimit-reset` (seconds) on a rate-limited reply. */
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    options: { code: number; httpStatus: number; retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = "LarkApiError";
    this.code = options.code;
    this.httpStatus = options.httpStatus;
    this.retryAfterMs = options.retryAfterMs;
  }

  get rateLimited(): boolean {
    return this.code === CODE_RATE_LIMITED || this.httpStatus === 429;
  }

  get frequencyLimited(): boolean {
    return this.code === CODE_FREQUENCY_LIMIT;
  }

  get tokenInvalid(): boolean {
    return TOKEN_INVALID_CODES.has(this.code);
  }

  get permanent(): boolean {
    return PERMANENT_CODES.has(this.code);
  }
}

interface AxiosLikeError {
  isAxiosError?: boolean;
  message?: string;
  code?: string;
  response?: { status?: number; headers?: Record<string, unknown>; data?: unknown };
}

function headerNumber(headers: Record<string, unknown> | undefined, name: string): number | undefined {
  if (!headers) return undefined;
  const raw = (
    typeof (headers as { get?: unknown }).get === "function"
      ? (headers as { get(n: string): unknown }).get(name)
      : headers[name]
  ) as unknown;
  const n = Number(Array.isArray(raw) ? raw[0] : raw);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** Reads `{code, msg}` from a body that may be an object, a JSON string or a Buffer. */
export function bodyCode(data: unknown): { code: number; msg: string } | null {
  let body = data;
  if (Buffer.isBuffer(body)) body = body.toString("utf8");
  if (typeof body === "string") {
    try {
      body = JSON.parse(body);
    } catch {
      return null;
    }
  }
  if (typeof body !== "object" || body === null) return null;
  const { code, msg } = body as { code?: unknown; msg?: unknown };
  if (code === undefined || code === null) return null;
  return { code: Number(code), msg: typeof msg === "string" ? msg : "" };
}

/** Turns whatever the SDK threw into a LarkApiError (messages carry no request bodies or tokens). */
export function toLarkApiError(what: string, err: unknown, body?: unknown): LarkApiError {
  if (err instanceof LarkApiError) return err;
  const e = (err ?? {}) as AxiosLikeError;
  const status = e.response?.status ?? 0;
  const parsed = bodyCode(body ?? e.response?.data);
  const resetSeconds = headerNumber(e.response?.headers, "x-ogw-ratelimit-reset");
  const code = parsed?.code ?? (status === 429 ? CODE_RATE_LIMITED : 0);
  const detail = parsed
    ? `code ${parsed.code}${parsed.msg ? ` ${parsed.msg}` : ""}`
    : (e.code ?? e.message ?? "no response");
  return new LarkApiError(`Lark ${what} failed (HTTP ${status || "-"}, ${detail})`, {
    code,
    httpStatus: status,
    ...(resetSeconds !== undefined ? { retryAfterMs: Math.max(1, resetSeconds) * 1000 } : {}),
    cause: err instanceof Error ? new Error(err.message) : undefined,
  });
}
