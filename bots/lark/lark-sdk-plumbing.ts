/**
 * What the bot adds around the Lark SDK's client: a timeout on every HTTP request, a token cache
 * that can be cleared, and the SDK's log lines routed into pino with secrets blanked out.
 */
import type * as lark from "@larksuiteoapi/node-sdk";
import type { Logger } from "pino";

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
