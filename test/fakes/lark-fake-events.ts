/**
 * Lark's event payloads (schema 2.0) as the fake delivers them, and the way Lark signs and encrypts
 * a webhook callback: body {"encrypt": base64(iv ‖ AES-256-CBC(sha256(encryptKey), iv, json))},
 * X-Lark-Signature = sha256hex(timestamp + nonce + encryptKey + body).
 */
import { createCipheriv, createHash, randomBytes } from "node:crypto";

export interface LarkEventEnvelope {
  schema: "2.0";
  header: {
    event_id: string;
    token: string;
    create_time: string;
    event_type: string;
    tenant_key: string;
    app_id: string;
  };
  event: Record<string, unknown>;
}

export const FAKE_TENANT = "fake-tenant";

export function randomId(prefix: string, bytes = 12): string {
  return `${prefix}${randomBytes(bytes).toString("hex")}`;
}

export function envelope(input: {
  appId: string;
  token: string;
  eventType: string;
  event: Record<string, unknown>;
  eventId?: string;
}): LarkEventEnvelope {
  return {
    schema: "2.0",
    header: {
      event_id: input.eventId ?? randomId("", 16),
      token: input.token,
      create_time: String(Date.now()),
      event_type: input.eventType,
      tenant_key: FAKE_TENANT,
      app_id: input.appId,
    },
    event: input.event,
  };
}

/** base64(iv ‖ AES-256-CBC(sha256(key), iv, plain)) — what Lark puts in `encrypt`. */
export function larkEncrypt(plain: string, encryptKey: string): string {
  const key = createHash("sha256").update(encryptKey).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  return Buffer.concat([iv, cipher.update(plain, "utf8"), cipher.final()]).toString("base64");
}

export interface SignedCallback {
  body: string;
  headers: Record<string, string>;
}

/** A callback body and headers as Lark sends them; `forge` signs with the wrong key. */
export function signedCallback(
  payload: unknown,
  opts: { encryptKey: string | null; forge?: boolean; encrypt?: boolean },
): SignedCallback {
  const json = JSON.stringify(payload);
  const encrypt = opts.encrypt ?? opts.encryptKey !== null;
  const body =
    encrypt && opts.encryptKey ? JSON.stringify({ encrypt: larkEncrypt(json, opts.encryptKey) }) : json;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(8).toString("hex");
  const headers: Record<string, string> = {
    "content-type": "application/json; charset=utf-8",
    "x-lark-request-timestamp": timestamp,
    "x-lark-request-nonce": nonce,
  };
  if (opts.encryptKey) {
    const key = opts.forge ? `${opts.encryptKey}-forged` : opts.encryptKey;
    headers["x-lark-signature"] = createHash("sha256")
      .update(timestamp + nonce + key + body)
      .digest("hex");
  }
  return { body, headers };
}

/** Posts a callback to the service like Lark does; returns the status and parsed answer. */
export async function postCallback(
  url: string,
  payload: unknown,
  opts: { encryptKey: string | null; forge?: boolean; encrypt?: boolean },
) {
  const { body, headers } = signedCallback(payload, opts);
  const res = await fetch(url, { method: "POST", headers, body });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json as Record<string, unknown> };
}
