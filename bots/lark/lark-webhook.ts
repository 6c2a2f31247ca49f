/**
 * Lark's event and card callbacks over HTTP, on the service's own server. The signature is checked on
 * the raw body (sha256(timestamp + nonce + encryptKey + body) in X-Lark-Signature), the payload
 * decrypted (AES-256-CBC, key sha256(encryptKey), IV in the first 16 bytes), the url_verification
 * challenge answered, and the event handed to the SDK's dispatcher. A forged request gets 401 and a
 * log line; a handler failure gets 500 so Lark delivers again.
 */
import { createDecipheriv, createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "pino";

/** Lark's events are small; a card callback with a big form is still far below this. */
const WEBHOOK_BODY_LIMIT = 1024 * 1024;
/**
 * How far a signed request's X-Lark-Request-Timestamp may be from now: an hour, the window Lark
 * itself applies to signed custom-bot requests. Each delivery and redelivery is signed when sent; a
 * replay inside the window is caught by the event-id dedupe (8 h, lark-seen-ids.ts) and the inbox.
 */
export const MAX_TIMESTAMP_SKEW_MS = 60 * 60_000;

export interface WebhookDispatcher {
  invoke(data: unknown, params?: { needCheck?: boolean }): Promise<unknown>;
}

export interface LarkWebhookOptions {
  path: string;
  /** Null only with LARK_ALLOW_INSECURE_WEBHOOK (config refuses it otherwise). */
  encryptKey: string | null;
  verificationToken: string | null;
  dispatcher: WebhookDispatcher;
  log: Logger;
  /** Current time in ms (tests); Date.now by default. */
  now?: () => number;
}

/** sha256hex(timestamp + nonce + encryptKey + body), as Lark signs. */
export function larkSignature(timestamp: string, nonce: string, encryptKey: string, body: string): string {
  return createHash("sha256")
    .update(timestamp + nonce + encryptKey + body)
    .digest("hex");
}

/** Decrypts Lark's `encrypt` field. Throws on a wrong key or a damaged payload. */
export function decryptLarkPayload(encrypt: string, encryptKey: string): string {
  const key = createHash("sha256").update(encryptKey).digest();
  const bytes = Buffer.from(encrypt, "base64");
  if (bytes.length < 32) throw new Error("encrypted payload too short");
  const decipher = createDecipheriv("aes-256-cbc", key, bytes.subarray(0, 16));
  return Buffer.concat([decipher.update(bytes.subarray(16)), decipher.final()]).toString("utf8");
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The verification token Lark puts in the payload: `header.token` (schema 2.0) or `token`. */
function payloadToken(payload: Record<string, unknown>): string | undefined {
  const h = payload.header as { token?: unknown } | undefined;
  const t = h?.token ?? payload.token;
  return typeof t === "string" ? t : undefined;
}

/** Registers `POST <path>` for Lark events and card callbacks. */
export function registerLarkWebhook(server: FastifyInstance, opts: LarkWebhookOptions): void {
  const { log } = opts;
  server.register(async (scope) => {
    // The signature covers the exact bytes Lark sent, so this route keeps the body as text.
    scope.addContentTypeParser(
      ["application/json", "text/plain"],
      { parseAs: "string", bodyLimit: WEBHOOK_BODY_LIMIT },
      (_req, body, done) => done(null, body),
    );
    scope.post(opts.path, async (req, reply) => handle(req, reply, opts));
  });
  log.debug({ path: opts.path }, "Lark webhook route registered");
}

async function handle(req: FastifyRequest, reply: FastifyReply, opts: LarkWebhookOptions) {
  const { log, encryptKey } = opts;
  const raw = typeof req.body === "string" ? req.body : "";
  const refuse = (reason: string, status = 401) => {
    log.warn({ reason, ip: req.ip, path: opts.path }, "飞书回调请求被拒绝");
    return reply.code(status).send({ code: status, msg: reason });
  };
  let outer: Record<string, unknown>;
  try {
    outer = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return refuse("body is not JSON", 400);
  }
  if (typeof outer !== "object" || outer === null || Array.isArray(outer))
    return refuse("body is not a JSON object", 400);

  const signature = header(req, "x-lark-signature");
  let signed = false;
  if (encryptKey && signature !== undefined) {
    const expected = larkSignature(
      header(req, "x-lark-request-timestamp") ?? "",
      header(req, "x-lark-request-nonce") ?? "",
      encryptKey,
      raw,
    );
    if (!sameText(expected, signature)) return refuse("signature mismatch");
    const sentAt = Number(header(req, "x-lark-request-timestamp")) * 1000;
    const now = opts.now?.() ?? Date.now();
    if (!Number.isFinite(sentAt) || Math.abs(now - sentAt) > MAX_TIMESTAMP_SKEW_MS)
      return refuse("request timestamp outside the freshness window");
    signed = true;
  }

  let payload = outer;
  if (typeof outer.encrypt === "string") {
    if (!encryptKey) return refuse("encrypted payload but no LARK_ENCRYPT_KEY is set", 400);
    try {
      payload = JSON.parse(decryptLarkPayload(outer.encrypt, encryptKey)) as Record<string, unknown>;
    } catch {
      return refuse("payload does not decrypt with LARK_ENCRYPT_KEY");
    }
    // A correctly signed body may still decrypt to null, a number or a list: not an event.
    if (typeof payload !== "object" || payload === null || Array.isArray(payload))
      return refuse("decrypted payload is not a JSON object", 400);
  }
  if (opts.verificationToken && !sameText(payloadToken(payload) ?? "", opts.verificationToken)) {
    return refuse("verification token mismatch");
  }
  if (payload.type === "url_verification") {
    // Answered only when it decrypted with our key (or matched the token): it proves the URL is ours.
    if (encryptKey && typeof outer.encrypt !== "string" && !signed)
      return refuse("unencrypted challenge while an encrypt key is set");
    return reply.send({ challenge: payload.challenge });
  }
  if (encryptKey && !signed) return refuse("missing signature");

  try {
    const result = await opts.dispatcher.invoke(payload, { needCheck: false });
    // Card callbacks answer with a toast; events with anything (Lark only needs HTTP 200).
    return reply.send(typeof result === "object" && result !== null ? result : {});
  } catch (err) {
    log.error({ err }, "handling a Lark callback failed; Lark will deliver it again");
    return reply.code(500).send({ code: 500, msg: "internal error" });
  }
}
