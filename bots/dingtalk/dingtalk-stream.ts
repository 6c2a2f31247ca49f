/**
 * The Stream-mode connection on the official SDK (dingtalk-stream 2.1.5, DWClient). Three things are
 * the bot's own, each because of the SDK's code:
 * - the gateway address: DWClient posts to a hard-coded https://api.dingtalk.com/…/connections/open
 *   (its `endpoint` option is overwritten by the answer), so `getEndpoint` posts to DINGTALK_API_BASE
 *   the same request (DingTalk's international and dedicated deployments have other hosts);
 * - reconnecting: 2.1.5 retries every second and schedules two retries when a socket fails before it
 *   opens (fixed upstream after 2.1.5, not released), so the bot reconnects itself with backoff;
 * - a frame that is not JSON would throw inside the socket's listener and end the process.
 */
import { DWClient, type DWClientDownStream, TOPIC_CARD, TOPIC_ROBOT } from "dingtalk-stream";
import type { Logger } from "pino";
import { DingtalkApiError } from "./dingtalk-errors.ts";
import { DINGTALK_TEXT } from "./dingtalk-text.ts";

/** Reconnect waits: 1 s, doubling per failure in a row, at most a minute, plus up to 1 s of jitter. */
export const RECONNECT_BASE_MS = 1_000;
export const RECONNECT_MAX_MS = 60_000;
const GATEWAY_TIMEOUT_MS = 15_000;

/** What the SDK keeps privately and the bot needs: the socket and the URL it connects to. */
interface DwInternals {
  socket?: { on(event: "close", fn: () => void): void; terminate(): void; readyState: number };
  dw_url?: string;
}

export interface DingtalkStreamOptions {
  clientId: string;
  clientSecret: string;
  apiBase: string;
  log: Logger;
  /** Handles a robot message or card callback; must acknowledge it (`ack`). Never rejects. */
  onCallback(topic: "robot" | "card", frame: DWClientDownStream): Promise<void>;
  /** Reconnect after a drop (default true). */
  autoReconnect?: boolean;
  random?: () => number;
}

export class DingtalkStream extends DWClient {
  private stopped = false;
  private connecting = false;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private readyResolve: () => void = () => {};
  /** Resolves once the first connection is open. */
  readonly ready: Promise<void>;
  /** Connections opened so far (1 after the first). */
  opened = 0;

  constructor(private readonly opts: DingtalkStreamOptions) {
    super({ clientId: opts.clientId, clientSecret: opts.clientSecret, keepAlive: true, ua: "luzhang" });
    this.ready = new Promise((resolve) => {
      this.readyResolve = resolve;
    });
    // The bot reconnects itself (see above); it subscribes to its two callback topics only, not to
    // events (the SDK's default list is shared by every client in the process).
    this.config.autoReconnect = false;
    this.config.subscriptions = [];
    const route = (topic: "robot" | "card") => (frame: DWClientDownStream) => {
      void opts
        .onCallback(topic, frame)
        .catch((err: unknown) => opts.log.error({ err, topic }, "DingTalk callback failed"));
    };
    this.registerCallbackListener(TOPIC_ROBOT, route("robot"));
    this.registerCallbackListener(TOPIC_CARD, route("card"));
  }

  /** Acknowledges a callback so DingTalk does not push it again. */
  ack(frame: DWClientDownStream, response: unknown = null): void {
    if (frame.headers?.messageId) this.socketCallBackResponse(frame.headers.messageId, response);
  }

  /** POST {apiBase}/v1.0/gateway/connections/open → endpoint + ticket (valid 90 s, one connection). */
  override async getEndpoint(): Promise<this> {
    let res: Response;
    try {
      res = await fetch(`${this.opts.apiBase}/v1.0/gateway/connections/open`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({
          clientId: this.config.clientId,
          clientSecret: this.config.clientSecret,
          ua: this.config.ua,
          subscriptions: this.config.subscriptions,
        }),
        signal: AbortSignal.timeout(GATEWAY_TIMEOUT_MS),
      });
    } catch (err) {
      throw new DingtalkApiError("DingTalk stream gateway unreachable", {
        code: "",
        httpStatus: 0,
        cause: err,
      });
    }
    const body = (await res.json().catch(() => ({}))) as {
      endpoint?: unknown;
      ticket?: unknown;
      code?: unknown;
    };
    if (!res.ok || typeof body.endpoint !== "string" || typeof body.ticket !== "string")
      throw new DingtalkApiError(
        `DingTalk stream gateway refused (HTTP ${res.status}${body.code ? `, ${String(body.code)}` : ""})`,
        {
          code: typeof body.code === "string" ? body.code : "",
          httpStatus: res.status,
        },
      );
    (this as unknown as DwInternals).dw_url = `${body.endpoint}?ticket=${encodeURIComponent(body.ticket)}`;
    return this;
  }

  /** Opens the connection; on failure or a later drop, tries again with backoff until stopped. */
  override async connect(): Promise<void> {
    if (this.connecting || this.stopped) return;
    this.connecting = true;
    try {
      await this.getEndpoint();
      if (this.stopped) return;
      await this._connect();
      const socket = (this as unknown as DwInternals).socket;
      if (this.stopped) {
        socket?.terminate();
        return;
      }
      socket?.on("close", () => this.dropped());
      this.failures = 0;
      this.opened += 1;
      this.opts.log.info({ connection: this.opened }, DINGTALK_TEXT.connected);
      this.readyResolve();
    } catch (err) {
      this.failures += 1;
      this.opts.log.error({ err, failures: this.failures }, DINGTALK_TEXT.connectFailed);
      this.schedule();
    } finally {
      this.connecting = false;
    }
  }

  override onDownStream(data: string): void {
    try {
      super.onDownStream(data);
    } catch (err) {
      this.opts.log.warn({ err }, "DingTalk stream frame could not be read; ignored");
    }
  }

  /** Closes the connection for good. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.disconnect();
    (this as unknown as DwInternals).socket?.terminate();
  }

  private dropped(): void {
    if (this.stopped) return;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped || this.timer || this.opts.autoReconnect === false) return;
    const random = this.opts.random ?? Math.random;
    const ms =
      Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** Math.max(0, this.failures - 1)) + random() * 1_000;
    this.opts.log.warn({ inMs: Math.round(ms) }, DINGTALK_TEXT.reconnecting(Math.round(ms / 1000)));
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, ms);
    this.timer.unref();
  }
}
