/**
 * The Lark Open API calls the bot makes, over the official SDK's Client. Adds what the SDK leaves out:
 * one error shape (LarkApiError) for resolved non-zero codes and rejected requests, and a fresh tenant
 * token (then one retry) when Lark says the cached one is invalid.
 */
import { Readable } from "node:stream";
import * as lark from "@larksuiteoapi/node-sdk";
import type { Logger } from "pino";
import { LarkApiError, toLarkApiError } from "./lark-errors.ts";
import { httpWithTimeout, LARK_HTTP_TIMEOUT_MS, LarkTokenCache, sdkLogger } from "./lark-sdk-plumbing.ts";

export { httpWithTimeout, LARK_HTTP_TIMEOUT_MS, LarkTokenCache, sdkLogger } from "./lark-sdk-plumbing.ts";

/** Largest resource the bot downloads: bigger than any phone photo, far below Lark's 100 MB. */
export const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;
/** Lark's limit for im.image.create. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export interface LarkApiOptions {
  appId: string;
  appSecret: string;
  /** "https://open.feishu.cn", "https://open.larksuite.com", or a local fake in tests. */
  domain: string;
  log: Logger;
  /** Strings never to be written to the log (app secret, encrypt key, verification token). */
  secrets: readonly string[];
}

export type MessageType = "text" | "post" | "image" | "interactive";

interface CodeBody {
  code?: number;
  msg?: string;
  data?: Record<string, unknown>;
}

/** The calls the bot makes. Every method throws LarkApiError on failure. */
export class LarkApi {
  readonly client: lark.Client;
  private readonly tokens = new LarkTokenCache();

  constructor(private readonly options: LarkApiOptions) {
    this.client = new lark.Client({
      appId: options.appId,
      appSecret: options.appSecret,
      domain: options.domain,
      cache: this.tokens,
      httpInstance: httpWithTimeout(lark.defaultHttpInstance, LARK_HTTP_TIMEOUT_MS),
      logger: sdkLogger(options.log, options.secrets),
      loggerLevel: lark.LoggerLevel.warn,
    });
  }

  /** The bot's own open_id and name (GET /open-apis/bot/v3/info; the reply has no `data` wrapper). */
  async botInfo(): Promise<{ openId: string; name: string }> {
    const body = (await this.call("bot info", () =>
      this.client.request({ method: "GET", url: "/open-apis/bot/v3/info" }),
    )) as { bot?: { open_id?: string; app_name?: string } };
    const openId = body.bot?.open_id;
    if (!openId) throw new LarkApiError("Lark bot info has no open_id", { code: -1, httpStatus: 200 });
    return { openId, name: body.bot?.app_name ?? "" };
  }

  /** Sends a message into a chat. `uuid` makes a repeat within an hour a no-op. */
  async createMessage(m: {
    chatId: string;
    msgType: MessageType;
    content: string;
    uuid: string;
  }): Promise<string> {
    const body = await this.call("message create", () =>
      this.client.im.message.create({
        params: { receive_id_type: "chat_id" },
        data: { receive_id: m.chatId, msg_type: m.msgType, content: m.content, uuid: m.uuid },
      }),
    );
    return messageIdOf(body);
  }

  /**
   * Replies to a message: a quote reply in the group (reply_in_thread is not sent). In a topic
   * group (话题群) Lark keeps every reply in its topic anyway.
   */
  async replyMessage(m: {
    messageId: string;
    msgType: MessageType;
    content: string;
    uuid: string;
  }): Promise<string> {
    const body = await this.call("message reply", () =>
      this.client.im.message.reply({
        path: { message_id: m.messageId },
        data: { msg_type: m.msgType, content: m.content, uuid: m.uuid },
      }),
    );
    return messageIdOf(body);
  }

  /** Replaces the content of a card the bot sent (shared cards update for everyone). */
  async patchMessage(messageId: string, content: string): Promise<void> {
    await this.call("message patch", () =>
      this.client.im.message.patch({ path: { message_id: messageId }, data: { content } }),
    );
  }

  /** Makes a bot message urgent (加急, in-app) for these people; returns the ids Lark refused. */
  async urgentApp(messageId: string, openIds: string[]): Promise<string[]> {
    const body = await this.call("urgent", () =>
      this.client.im.message.urgentApp({
        path: { message_id: messageId },
        params: { user_id_type: "open_id" },
        data: { user_id_list: openIds },
      }),
    );
    const invalid = body.data?.invalid_user_id_list;
    return Array.isArray(invalid) ? invalid.map(String) : [];
  }

  /**
   * Uploads a photo or chart for use in messages; returns its image_key. Sent as multipart with a
   * file name and a Content-Length, as Lark's own examples (a file) are: the SDK would send a
   * buffer without a file name, or a stream chunked, and nothing documents that Lark accepts either.
   */
  async uploadImage(data: Uint8Array, fileName: string, mime = "image/png"): Promise<string> {
    if (data.byteLength > MAX_UPLOAD_BYTES) {
      throw new LarkApiError(`image too large for Lark (${data.byteLength} bytes)`, {
        code: 234006,
        httpStatus: 0,
      });
    }
    return this.attempt("image upload", async () => {
      const form = new FormData();
      form.append("image_type", "message");
      form.append("image", new Blob([Buffer.from(data)], { type: mime }), fileName);
      let res: Response;
      try {
        res = await fetch(`${this.options.domain.replace(/\/+$/, "")}/open-apis/im/v1/images`, {
          method: "POST",
          headers: { authorization: `Bearer ${await this.tenantToken()}` },
          body: form,
          signal: AbortSignal.timeout(LARK_HTTP_TIMEOUT_MS),
        });
      } catch (err) {
        throw toLarkApiError("image upload", err);
      }
      const body = (await res.json().catch(() => null)) as CodeBody | null;
      const key = body?.data?.image_key;
      if (!res.ok || body?.code !== 0 || typeof key !== "string" || !key)
        throw toLarkApiError("image upload", {
          response: { status: res.status, headers: res.headers, data: body },
        });
      return key;
    });
  }

  /** The tenant token through the SDK's own token manager (and this app's cache). */
  private async tenantToken(): Promise<string> {
    const manager = (
      this.client as unknown as { tokenManager: { getTenantAccessToken(p: object): Promise<unknown> } }
    ).tokenManager;
    const token = await manager.getTenantAccessToken({});
    if (typeof token !== "string" || !token)
      throw new LarkApiError("no tenant access token (check LARK_APP_ID / LARK_APP_SECRET)", {
        code: -1,
        httpStatus: 0,
      });
    return token;
  }

  /** Downloads an image (or file) of a received message, up to MAX_DOWNLOAD_BYTES. */
  async downloadResource(
    messageId: string,
    fileKey: string,
    type: "image" | "file" = "image",
  ): Promise<Uint8Array> {
    return this.attempt("resource download", async () => {
      const res = await this.client.im.messageResource.get({
        path: { message_id: messageId, file_key: fileKey },
        params: { type },
      });
      return readCapped(res.getReadableStream(), MAX_DOWNLOAD_BYTES);
    });
  }

  /** Runs a call whose reply is `{code, msg, data}`, turning a non-zero code into an error. */
  private async call(what: string, fn: () => Promise<unknown>): Promise<CodeBody> {
    return this.attempt(what, async () => {
      const body = (await fn()) as CodeBody | null | undefined;
      if (!body || typeof body !== "object")
        throw new LarkApiError(`Lark ${what} returned no body`, { code: -1, httpStatus: 200 });
      if (body.code !== undefined && body.code !== 0) throw toLarkApiError(what, null, body);
      return body;
    });
  }

  /** One try, and one more with a fresh tenant token if Lark said the token is invalid. */
  private async attempt<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const e = await normalizeError(what, err);
      if (!e.tokenInvalid) throw e;
      this.options.log.info({ code: e.code }, "Lark tenant token rejected; fetching a new one");
      this.tokens.clear();
      try {
        return await fn();
      } catch (again) {
        throw await normalizeError(what, again);
      }
    }
  }
}

/** Streams (downloads) carry their error body as a stream too: read it before classifying. */
async function normalizeError(what: string, err: unknown): Promise<LarkApiError> {
  if (err instanceof LarkApiError) return err;
  const data = (err as { response?: { data?: unknown } })?.response?.data;
  if (data instanceof Readable) {
    const bytes = await readCapped(data, 64 * 1024).catch(() => new Uint8Array());
    return toLarkApiError(what, err, Buffer.from(bytes));
  }
  return toLarkApiError(what, err);
}

function messageIdOf(body: CodeBody): string {
  const id = body.data?.message_id;
  if (typeof id !== "string" || !id)
    throw new LarkApiError("Lark reply has no message_id", { code: -1, httpStatus: 200 });
  return id;
}

async function readCapped(stream: NodeJS.ReadableStream, max: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buf.byteLength;
    if (size > max) {
      (stream as Readable).destroy?.();
      throw new LarkApiError(`download larger than ${max} bytes`, { code: -2, httpStatus: 200 });
    }
    chunks.push(buf);
  }
  return new Uint8Array(Buffer.concat(chunks));
}
