/**
 * The Lark Open API calls the bot makes, over the official SDK's Client. Adds what the SDK leaves out:
 * one error shape (LarkApiError) for resolved non-zero codes and rejected requests, and a fresh tenant
 * token (then one retry) when Lark says the cached one is invalid.
 */
import type { ReadStream } from "node:fs";
import { Readable } from "node:stream";
import * as lark from "@larksuiteoapi/node-sdk";
import type { Logger } from "pino";
import { LarkApiError, toLarkApiError } from "./lark-errors.ts";

/** Largest resource the bot downloads: bigger than any phone photo, far below Lark's 100 MB. */
export const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;
/** Lark's limit for im.image.create. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/**
 * Lark answers in well under a second. The SDK's HTTP client has no timeout at all, so a request that
 * hangs would hold its outbox lane forever; after this long it fails and the outbox retries it.
 */
export const LARK_HTTP_TIMEOUT_MS = 30_000;

/** The SDK's HTTP client (its axios instance) with a timeout on every request. */
export function httpWithTimeout(base: typeof lark.defaultHttpInstance, timeout: number): lark.HttpInstance {
  type Call = (...args: unknown[]) => Promise<unknown>;
  const b = base as unknown as Record<
    "request" | "get" | "delete" | "head" | "options" | "post" | "put" | "patch",
    Call
  >;
  const t = (opts?: unknown) => ({ timeout, ...(opts as object | undefined) });
  const http = {
    request: (opts?: unknown) => b.request(t(opts)),
    get: (url: string, opts?: unknown) => b.get(url, t(opts)),
    delete: (url: string, opts?: unknown) => b.delete(url, t(opts)),
    head: (url: string, opts?: unknown) => b.head(url, t(opts)),
    options: (url: string, opts?: unknown) => b.options(url, t(opts)),
    post: (url: string, data?: unknown, opts?: unknown) => b.post(url, data, t(opts)),
    put: (url: string, data?: unknown, opts?: unknown) => b.put(url, data, t(opts)),
    patch: (url: string, data?: unknown, opts?: unknown) => b.patch(url, data, t(opts)),
  };
  return http as unknown as lark.HttpInstance;
}

/** The SDK's cache key type (it spells it with the boxed `Symbol`). */
type CacheKey = Parameters<lark.Cache["get"]>[0];

/** Token cache of one app: the SDK's Cache shape, plus a way to drop the tenant token. */
export class LarkTokenCache implements lark.Cache {
  private readonly values = new Map<CacheKey, { value: unknown; expiresAt: number | undefined }>();

  async get(key: CacheKey, options?: { namespace?: string }): Promise<unknown> {
    const entry = this.values.get(this.key(key, options?.namespace));
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) return undefined;
    return entry.value;
  }

  async set(
    key: CacheKey,
    value: unknown,
    expiresAt?: number,
    options?: { namespace?: string },
  ): Promise<boolean> {
    this.values.set(this.key(key, options?.namespace), { value, expiresAt });
    return true;
  }

  /** Forgets every cached token, so the next call fetches a new one. */
  clear(): void {
    this.values.clear();
  }

  private key(key: CacheKey, namespace?: string): CacheKey {
    return namespace && typeof key === "string" ? `${namespace}/${key}` : key;
  }
}

/** Routes the SDK's own log lines into pino, as plain text with every secret blanked out. */
export function sdkLogger(log: Logger, secrets: readonly string[]): lark.Logger {
  const clean = (args: unknown[]): string => {
    let text = args.map(describeLogArg).join(" ");
    for (const s of secrets) if (s) text = text.split(s).join("[redacted]");
    return text.slice(0, 2_000);
  };
  return {
    error: (...args: unknown[]) => log.warn({ sdk: clean(args) }, "lark sdk"),
    warn: (...args: unknown[]) => log.warn({ sdk: clean(args) }, "lark sdk"),
    info: (...args: unknown[]) => log.debug({ sdk: clean(args) }, "lark sdk"),
    debug: (...args: unknown[]) => log.trace({ sdk: clean(args) }, "lark sdk"),
    trace: (...args: unknown[]) => log.trace({ sdk: clean(args) }, "lark sdk"),
  };
}

/** Error messages, URLs, statuses and Lark codes only: request bodies and headers carry secrets. */
function describeLogArg(arg: unknown): string {
  if (Array.isArray(arg)) return arg.map(describeLogArg).join(" ");
  if (arg instanceof Error) {
    const resp = (arg as { response?: { status?: number; data?: unknown } }).response;
    const code =
      resp?.data && typeof resp.data === "object" ? (resp.data as { code?: unknown }).code : undefined;
    return `${arg.message}${resp?.status ? ` (HTTP ${resp.status}${code !== undefined ? `, code ${String(code)}` : ""})` : ""}`;
  }
  if (typeof arg === "object" && arg !== null) {
    const o = arg as {
      message?: unknown;
      config?: { url?: unknown };
      response?: { status?: unknown; data?: unknown };
      code?: unknown;
      msg?: unknown;
    };
    const parts = [o.message, o.config?.url, o.response?.status, o.code, o.msg].filter(
      (p) => p !== undefined && p !== null,
    );
    return parts.map(String).join(" ");
  }
  return String(arg);
}

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

  /** Replies to a message, in its thread. */
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

  /** Uploads a photo or chart for use in messages; returns its image_key. */
  async uploadImage(data: Uint8Array, fileName: string): Promise<string> {
    if (data.byteLength > MAX_UPLOAD_BYTES) {
      throw new LarkApiError(`image too large for Lark (${data.byteLength} bytes)`, {
        code: 234006,
        httpStatus: 0,
      });
    }
    // A named stream, so the multipart part carries a filename as Lark's own examples (fs streams) do.
    const image = Object.assign(Readable.from([Buffer.from(data)]), {
      path: fileName,
    }) as unknown as ReadStream;
    const result = await this.attempt("image upload", async () => {
      const res = await this.client.im.image.create({ data: { image_type: "message", image } });
      // This SDK method returns only `data`, so a missing key is the only sign of a non-zero code.
      if (!res?.image_key)
        throw new LarkApiError("Lark image upload returned no image_key", { code: -1, httpStatus: 200 });
      return res.image_key;
    });
    return result;
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
