/**
 * The DingTalk OpenAPI calls the bot makes, over fetch: the app's access token (cached, one request
 * at a time), robot messages into groups and one-to-one, replies through a message's session
 * webhook, image upload, downloads of received photos and interactive cards. Error messages name
 * the call and DingTalk's code, never a token or secret.
 */
import type { Logger } from "pino";
import { DingtalkApiError, errorOf } from "./dingtalk-errors.ts";

/** One DingTalk call gives up after this long (then the outbox retries). */
export const DINGTALK_HTTP_TIMEOUT_MS = 15_000;
/** The token is renewed this long before DingTalk says it expires (it lasts 7200 s). */
const TOKEN_MARGIN_MS = 5 * 60_000;
/** groupMessages/send and oToMessages/batchSend: msgParam must not exceed 15,000 bytes. */
export const MSG_PARAM_MAX_BYTES = 15_000;
/** oToMessages/batchSend takes at most 20 userIds per call. */
export const OTO_MAX_USERS = 20;
/** A received photo larger than this is not downloaded (a report needs a photo, not a raw file). */
export const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

export interface DingtalkApiOptions {
  clientId: string;
  clientSecret: string;
  robotCode: string;
  apiBase: string;
  oapiBase: string;
  log: Logger;
}

export interface OtoResult {
  processQueryKey: string;
  invalidStaffIds: string[];
  flowControlledStaffIds: string[];
}

export class DingtalkApi {
  private token: { value: string; expiresAt: number } | null = null;
  private tokenRequest: Promise<string> | null = null;

  constructor(private readonly opts: DingtalkApiOptions) {}

  get robotCode(): string {
    return this.opts.robotCode;
  }

  /** POST /v1.0/robot/groupMessages/send: a message into a group (it cannot @ anyone). */
  async sendGroup(conversationId: string, msgKey: string, msgParam: object): Promise<string> {
    const body = {
      robotCode: this.opts.robotCode,
      openConversationId: conversationId,
      msgKey,
      msgParam: param(msgParam),
    };
    const res = await this.call("group message", "/v1.0/robot/groupMessages/send", body);
    return String(res.processQueryKey ?? "");
  }

  /** POST /v1.0/robot/oToMessages/batchSend: the same message to up to 20 people, one-to-one. */
  async sendOneToOne(userIds: readonly string[], msgKey: string, msgParam: object): Promise<OtoResult> {
    const body = {
      robotCode: this.opts.robotCode,
      userIds: userIds.slice(0, OTO_MAX_USERS),
      msgKey,
      msgParam: param(msgParam),
    };
    const res = await this.call("one-to-one message", "/v1.0/robot/oToMessages/batchSend", body);
    const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
    return {
      processQueryKey: String(res.processQueryKey ?? ""),
      invalidStaffIds: list(res.invalidStaffIdList),
      flowControlledStaffIds: list(res.flowControlledStaffIdList),
    };
  }

  /** POST /v1.0/card/instances/createAndDeliver: an interactive card whose callbacks come over the stream. */
  async createAndDeliverCard(body: Record<string, unknown>): Promise<void> {
    await this.call("card", "/v1.0/card/instances/createAndDeliver", body);
  }

  /**
   * Replies through a received message's session webhook. Only webhooks on the configured old-style
   * API host are called: the URL comes from a payload, and a token must not go anywhere else.
   */
  async sendBySession(webhookUrl: string, body: object): Promise<void> {
    const url = new URL(webhookUrl);
    if (url.origin !== new URL(this.opts.oapiBase).origin)
      throw new DingtalkApiError(`DingTalk session webhook on an unexpected host ${url.host}`, {
        code: "unexpectedWebhookHost",
        httpStatus: 0,
      });
    const res = await this.http("session reply", url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-acs-dingtalk-access-token": await this.accessToken(),
      },
      body: JSON.stringify(body),
    });
    await json("session reply", res);
  }

  /** POST oapi /media/upload (type image): returns the media id used as photoURL or in markdown. */
  async uploadImage(data: Uint8Array, fileName: string, mime: string): Promise<string> {
    const form = new FormData();
    form.append("type", "image");
    form.append("media", new Blob([new Uint8Array(data)], { type: mime }), fileName);
    const attempt = async () => {
      const url = new URL(`${this.opts.oapiBase}/media/upload`);
      url.searchParams.set("access_token", await this.accessToken());
      url.searchParams.set("type", "image");
      const body = await json(
        "image upload",
        await this.http("image upload", url, { method: "POST", body: form }),
      );
      const id = typeof body.media_id === "string" ? body.media_id : "";
      if (!id)
        throw new DingtalkApiError("DingTalk image upload returned no media_id", {
          code: "noMediaId",
          httpStatus: 200,
        });
      return id;
    };
    return this.withToken(attempt);
  }

  /** Downloads a received file: messageFiles/download gives a short-lived URL, then its bytes. */
  async download(downloadCode: string): Promise<{ data: Uint8Array; mime: string | undefined }> {
    const res = await this.call("file download", "/v1.0/robot/messageFiles/download", {
      downloadCode,
      robotCode: this.opts.robotCode,
    });
    const url = typeof res.downloadUrl === "string" ? res.downloadUrl : "";
    if (!url)
      throw new DingtalkApiError("DingTalk file download returned no downloadUrl", {
        code: "noDownloadUrl",
        httpStatus: 200,
      });
    const file = await this.http("file fetch", new URL(url), { method: "GET" });
    if (!file.ok)
      throw new DingtalkApiError(`DingTalk file fetch failed (HTTP ${file.status})`, {
        code: "",
        httpStatus: file.status,
      });
    const declared = Number(file.headers.get("content-length"));
    if (declared > MAX_DOWNLOAD_BYTES) throw tooLarge(declared);
    const data = new Uint8Array(await file.arrayBuffer());
    if (data.byteLength > MAX_DOWNLOAD_BYTES) throw tooLarge(data.byteLength);
    return { data, mime: file.headers.get("content-type") ?? undefined };
  }

  /** The app's access token (POST /v1.0/oauth2/accessToken), cached until shortly before it expires. */
  async accessToken(): Promise<string> {
    if (this.token && Date.now() < this.token.expiresAt) return this.token.value;
    this.tokenRequest ??= this.fetchToken().finally(() => {
      this.tokenRequest = null;
    });
    return this.tokenRequest;
  }

  private async fetchToken(): Promise<string> {
    const res = await this.http("access token", new URL(`${this.opts.apiBase}/v1.0/oauth2/accessToken`), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ appKey: this.opts.clientId, appSecret: this.opts.clientSecret }),
    });
    const body = await json("access token", res);
    const value = typeof body.accessToken === "string" ? body.accessToken : "";
    if (!value)
      throw new DingtalkApiError("DingTalk returned no accessToken", {
        code: "noAccessToken",
        httpStatus: res.status,
      });
    const expireIn = Number(body.expireIn) > 0 ? Number(body.expireIn) : 7200;
    this.token = { value, expiresAt: Date.now() + expireIn * 1000 - TOKEN_MARGIN_MS };
    return value;
  }

  /** A new-style API call with the token header; a rejected token is renewed and the call made once more. */
  private async call(what: string, path: string, body: object): Promise<Record<string, unknown>> {
    return this.withToken(async () => {
      const res = await this.http(what, new URL(`${this.opts.apiBase}${path}`), {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-acs-dingtalk-access-token": await this.accessToken(),
        },
        body: JSON.stringify(body),
      });
      return json(what, res);
    });
  }

  private async withToken<T>(attempt: () => Promise<T>): Promise<T> {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof DingtalkApiError) || !err.tokenInvalid) throw err;
      this.opts.log.info({ code: err.code }, "DingTalk rejected the access token; fetching a new one");
      this.token = null;
      return attempt();
    }
  }

  private async http(what: string, url: URL, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(DINGTALK_HTTP_TIMEOUT_MS) });
    } catch (err) {
      const reason =
        err instanceof Error ? (err.name === "TimeoutError" ? "timeout" : err.message) : String(err);
      throw new DingtalkApiError(`DingTalk ${what} failed (${reason})`, {
        code: "",
        httpStatus: 0,
        cause: err,
      });
    }
  }
}

function param(msgParam: object): string {
  const text = JSON.stringify(msgParam);
  if (Buffer.byteLength(text) > MSG_PARAM_MAX_BYTES)
    throw new DingtalkApiError(`DingTalk message over ${MSG_PARAM_MAX_BYTES} bytes`, {
      code: "invalidParameter.msgParam.invalid",
      httpStatus: 0,
    });
  return text;
}

function tooLarge(bytes: number): DingtalkApiError {
  return new DingtalkApiError(
    `DingTalk file of ${bytes} bytes is over the ${MAX_DOWNLOAD_BYTES}-byte limit`,
    {
      code: "fileTooLarge",
      httpStatus: 200,
    },
  );
}

/** The JSON body of an answer, or a DingtalkApiError for an error status or code. */
async function json(what: string, res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    // The IP-level limit answers with an HTML page (docs/dingtalk.md §9).
  }
  const error = errorOf(body);
  if (!res.ok || error || typeof body !== "object" || body === null) {
    const code = error?.code ?? "";
    const detail = error
      ? `code ${error.code}${error.message ? ` ${error.message.slice(0, 200)}` : ""}`
      : "no JSON body";
    throw new DingtalkApiError(`DingTalk ${what} failed (HTTP ${res.status}, ${detail})`, {
      code,
      httpStatus: res.status,
    });
  }
  return body as Record<string, unknown>;
}
