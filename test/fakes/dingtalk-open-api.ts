/**
 * A local fake of DingTalk's Stream gateway and OpenAPI, for running the real `dingtalk-stream` SDK
 * and the bot's HTTP calls against. Shapes come from DingTalk's documentation and the official SDKs
 * (docs/dingtalk.md cites each); where the docs are silent (error codes of an expired session
 * webhook, of a bad secret, of a repeated outTrackId) the fake's choice is marked "not verified".
 * As strict as the real one where it matters: tokens are checked and expire, tickets are single use,
 * robotCode and group membership are checked, msgParam is limited to 15,000 bytes and userIds to 20,
 * each API takes at most 20 calls a second per app (403 QpsLimitForAppkeyAndApi beyond).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";
import {
  callbackFrame,
  cardCallbackData,
  type RobotMessageInput,
  randomId,
  readMultipart,
  robotMessageData,
  TOPIC_CARD,
  TOPIC_ROBOT,
} from "./dingtalk-fake-payloads.ts";

type Json = Record<string, unknown>;

export interface FakeDingtalkOptions {
  /** Groups the robot is in (openConversationIds). */
  chats?: string[];
  /** userids of the organisation (one-to-one messages to others are reported invalid). */
  users?: string[];
  /** Card templates that exist. */
  cardTemplates?: string[];
  apiPerSecond?: number;
}

const MSG_KEYS = new Set([
  "sampleText",
  "sampleMarkdown",
  "sampleImageMsg",
  "sampleLink",
  "sampleActionCard",
  "sampleFile",
]);
const SESSION_MSGTYPES = new Set(["text", "markdown", "actionCard", "link", "feedCard"]);

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
  ) {
    super(String(body.code ?? body.errcode));
  }
}
const fail = (status: number, code: string, message: string) =>
  new HttpError(status, { code, message, requestid: randomId("", 6) });

export class FakeDingtalkOpenApi {
  readonly clientId = "dingfake0123456789ab";
  readonly clientSecret = "fake-client-secret-0123456789abcdef";
  readonly robotCode = this.clientId;
  readonly corpId = "dingcorpfake01";
  readonly chatbotUserId = "$:LWCP_v1:$robotfake";
  readonly chats: Set<string>;
  readonly users: Set<string>;
  readonly cardTemplates: Set<string>;
  url = "";
  readonly tokens = new Map<string, number>();
  readonly groupMessages: { conversationId: string; msgKey: string; param: Json; processQueryKey: string }[] =
    [];
  readonly otoMessages: { userIds: string[]; msgKey: string; param: Json }[] = [];
  readonly sessionReplies: { conversationId: string; body: Json }[] = [];
  readonly cards: { outTrackId: string; conversationId: string; body: Json }[] = [];
  readonly media = new Map<string, { data: Buffer; mime: string }>();
  readonly errors: Record<string, number> = {};
  /** Frames acknowledged by the client, by stream messageId: the ack's data (parsed). */
  readonly acks = new Map<string, unknown[]>();
  connectionsOpened = 0;
  private readonly files = new Map<string, { data: Buffer; mime: string }>();
  private readonly sessions = new Map<string, { conversationId: string; expiresAt: number }>();
  private readonly tickets = new Map<string, number>();
  private readonly sockets = new Set<WebSocket>();
  private readonly frames = new Map<string, string>();
  private readonly ackWaiters = new Map<string, (() => void)[]>();
  private readonly calls = new Map<string, number[]>();
  private readonly faults = new Map<string, { status: number; code: string }[]>();
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private readonly apiPerSecond: number;

  constructor(opts: FakeDingtalkOptions = {}) {
    this.chats = new Set(opts.chats ?? []);
    this.users = new Set(opts.users ?? []);
    this.cardTemplates = new Set(opts.cardTemplates ?? []);
    this.apiPerSecond = opts.apiPerSecond ?? 20;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.route(req, res));
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on("upgrade", (req, socket, head) => {
      const url = new URL(req.url ?? "/", "http://x");
      const ticket = url.searchParams.get("ticket") ?? "";
      const issued = this.tickets.get(ticket);
      this.tickets.delete(ticket); // one connection per ticket
      if (url.pathname !== "/connect" || issued === undefined || Date.now() - issued > 90_000) {
        socket.end("HTTP/1.1 401 Unauthorized\r\n\r\n");
        return;
      }
      this.wss?.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss?.close();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** A file a person sent: returns its downloadCode. */
  addFile(data: Buffer, mime = "image/jpeg"): string {
    const code = randomId("mIof", 12);
    this.files.set(code, { data, mime });
    return code;
  }

  /** Pushes a robot message over the stream; resolves with its data and stream messageId. */
  async sendRobotMessage(input: RobotMessageInput) {
    const session = randomId("", 16);
    const expiresAt = Date.now() + 90 * 60_000;
    this.sessions.set(session, { conversationId: input.conversationId, expiresAt });
    const data = robotMessageData(input, {
      corpId: this.corpId,
      chatbotUserId: this.chatbotUserId,
      robotCode: this.robotCode,
      sessionWebhook: `${this.url}/robot/sendBySession?session=${session}`,
      expiresAt,
    });
    const messageId = this.push(TOPIC_ROBOT, data);
    return { data, messageId, session };
  }

  /** `userId` presses the button `actionId` of card `outTrackId`. */
  pressButton(input: { outTrackId: string; userId: string; actionId: string }): string {
    const card = this.cards.find((c) => c.outTrackId === input.outTrackId);
    return this.push(
      TOPIC_CARD,
      cardCallbackData({ ...input, conversationId: card?.conversationId ?? "", corpId: this.corpId }),
    );
  }

  /** Sends a frame again with the same messageId (as DingTalk does for an unacknowledged push). */
  redeliver(messageId: string): void {
    const frame = this.frames.get(messageId);
    if (!frame) throw new Error(`no frame ${messageId}`);
    this.broadcast(frame);
  }

  /** Resolves once the client acknowledged frame `messageId` (at least `times` times). */
  async acked(messageId: string, times = 1, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((this.acks.get(messageId)?.length ?? 0) < times) {
      if (Date.now() > deadline) throw new Error(`frame ${messageId} not acknowledged`);
      await new Promise<void>((resolve) => {
        const list = this.ackWaiters.get(messageId) ?? [];
        list.push(resolve);
        this.ackWaiters.set(messageId, list);
        setTimeout(resolve, 50);
      });
    }
  }

  /** Resolves once `n` connections have been opened in all. */
  async opened(n: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.connectionsOpened < n || this.connected === 0) {
      if (Date.now() > deadline) throw new Error(`only ${this.connectionsOpened} stream connections opened`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Cuts every stream connection, as a network failure would. */
  dropConnections(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  get connected(): number {
    return [...this.sockets].filter((ws) => ws.readyState === 1).length;
  }

  /** The next call of `path` fails with `status` and `code` (a DingTalk outage, say). */
  failNext(path: string, status: number, code: string): void {
    this.faults.set(path, [...(this.faults.get(path) ?? []), { status, code }]);
  }

  /** Makes every issued token invalid (as if it expired). */
  expireTokens(): void {
    this.tokens.clear();
  }

  /** Makes a session webhook expire now. */
  expireSession(session: string): void {
    const s = this.sessions.get(session);
    if (s) s.expiresAt = Date.now() - 1;
  }

  private push(topic: string, data: object): string {
    const frame = callbackFrame(topic, data, { appId: this.clientId, connectionId: "conn-fake" });
    const text = JSON.stringify(frame);
    this.frames.set(frame.headers.messageId, text);
    // With no connection the push waits: DingTalk pushes an unacknowledged callback again.
    this.broadcast(text);
    return frame.headers.messageId;
  }

  private broadcast(text: string): void {
    // DingTalk picks one of the app's connections per push.
    const ws = [...this.sockets].find((s) => s.readyState === 1);
    ws?.send(text);
  }

  private accept(ws: WebSocket): void {
    this.connectionsOpened += 1;
    this.sockets.add(ws);
    // Pushes not acknowledged yet (lost with a dropped connection) come again on the new one.
    for (const [id, frame] of this.frames) if (!this.acks.has(id)) ws.send(frame);
    ws.on("close", () => this.sockets.delete(ws));
    ws.on("message", (raw) => {
      const ack = JSON.parse(raw.toString()) as {
        code?: number;
        headers?: { messageId?: string };
        data?: string;
      };
      const id = ack.headers?.messageId;
      if (!id || ack.code !== 200) return;
      const list = this.acks.get(id) ?? [];
      list.push(ack.data ? JSON.parse(ack.data) : null);
      this.acks.set(id, list);
      for (const wake of this.ackWaiters.get(id) ?? []) wake();
      this.ackWaiters.delete(id);
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    try {
      const out = await this.handle(req, url, raw);
      if (Buffer.isBuffer(out.body)) {
        res.writeHead(200, {
          "content-type": out.mime ?? "application/octet-stream",
          "content-length": out.body.length,
        });
        res.end(out.body);
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(out.body));
    } catch (err) {
      const e = err instanceof HttpError ? err : fail(500, "ServiceUnavailable", String(err));
      const code = String(e.body.code ?? e.body.errcode);
      this.errors[code] = (this.errors[code] ?? 0) + 1;
      res.writeHead(e.status, { "content-type": "application/json" }).end(JSON.stringify(e.body));
    }
  }

  private async handle(
    req: IncomingMessage,
    url: URL,
    raw: Buffer,
  ): Promise<{ body: Json | Buffer; mime?: string }> {
    const path = url.pathname;
    const json = (): Json => {
      try {
        return JSON.parse(raw.toString("utf8")) as Json;
      } catch {
        throw fail(400, "invalidParameter.param.invalid", "请求体不是 JSON");
      }
    };
    if (req.method === "GET" && path.startsWith("/files/")) {
      const file = this.files.get(path.slice("/files/".length));
      if (!file) throw fail(404, "NotFound", "文件不存在或已过期");
      return { body: file.data, mime: file.mime };
    }
    if (req.method !== "POST") throw fail(404, "NotFound", "无此接口");
    if (path === "/v1.0/gateway/connections/open") {
      const b = json();
      // Not verified: the gateway's answer to a wrong secret.
      if (b.clientId !== this.clientId || b.clientSecret !== this.clientSecret)
        throw fail(401, "invalidClientIdOrSecret", "无效的clientId或clientSecret");
      const subs = Array.isArray(b.subscriptions) ? (b.subscriptions as Json[]) : [];
      if (!subs.some((s) => s.type === "CALLBACK" && s.topic === TOPIC_ROBOT))
        throw fail(400, "invalidParameter.subscriptions", "未订阅机器人消息回调");
      const ticket = randomId("", 16);
      this.tickets.set(ticket, Date.now());
      return { body: { endpoint: `${this.url.replace(/^http/, "ws")}/connect`, ticket } };
    }
    if (path === "/v1.0/oauth2/accessToken") {
      const b = json();
      // Not verified: the code for a wrong app key or secret.
      if (b.appKey !== this.clientId || b.appSecret !== this.clientSecret)
        throw fail(400, "invalidClientIdOrSecret", "无效的clientId或者clientSecret");
      const token = randomId("", 16);
      this.tokens.set(token, Date.now() + 7_200_000);
      return { body: { accessToken: token, expireIn: 7200 } };
    }
    if (path === "/robot/sendBySession") return { body: this.sessionReply(url, json()) };
    if (path === "/media/upload") {
      const token = url.searchParams.get("access_token") ?? "";
      if (!this.validToken(token)) return { body: { errcode: 40014, errmsg: "不合法的access_token" } };
      const part = readMultipart(raw, String(req.headers["content-type"] ?? "")).get("media");
      if (!part?.data.length) return { body: { errcode: 40004, errmsg: "不合法的媒体文件类型" } };
      // Not verified: the image size limit (an older page says 1 MB, a newer 20 MB).
      if (part.data.length > 20 * 1024 * 1024)
        return { body: { errcode: 40006, errmsg: "不合法的文件大小" } };
      const id = randomId("@lA", 10);
      this.media.set(id, { data: part.data, mime: part.mime ?? "application/octet-stream" });
      return { body: { errcode: 0, errmsg: "ok", type: "image", media_id: id, created_at: Date.now() } };
    }
    this.authorize(req);
    this.throttle(path);
    const fault = this.faults.get(path)?.shift();
    if (fault) throw fail(fault.status, fault.code, "故障注入");
    const b = json();
    if (path === "/v1.0/robot/groupMessages/send") return { body: this.groupSend(b) };
    if (path === "/v1.0/robot/oToMessages/batchSend") return { body: this.otoSend(b) };
    if (path === "/v1.0/robot/messageFiles/download") {
      this.robot(b);
      const code = String(b.downloadCode ?? "");
      if (!this.files.has(code))
        throw fail(400, "invalidParameter.downloadCode.invalid", "downloadCode 无效或已过期");
      return { body: { downloadUrl: `${this.url}/files/${code}` } };
    }
    if (path === "/v1.0/card/instances/createAndDeliver") return { body: this.card(b) };
    throw fail(404, "NotFound", "无此接口");
  }

  private validToken(token: string): boolean {
    const exp = this.tokens.get(token);
    return exp !== undefined && exp > Date.now();
  }

  private authorize(req: IncomingMessage): void {
    if (!this.validToken(String(req.headers["x-acs-dingtalk-access-token"] ?? "")))
      throw fail(401, "InvalidAuthentication", "不合法的access_token");
  }

  /** 20 calls a second per app and API (调用频次与限流), counted at arrival. */
  private throttle(path: string): void {
    const now = Date.now();
    const at = (this.calls.get(path) ?? []).filter((t) => t > now - 1000);
    if (at.length >= this.apiPerSecond)
      throw fail(403, "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", "应用调用该接口的频率超过限制");
    at.push(now);
    this.calls.set(path, at);
  }

  private robot(b: Json): void {
    if (b.robotCode !== this.robotCode)
      throw fail(400, "invalidParameter.robotCode.notExsit", "机器人不存在");
  }

  private message(b: Json): { msgKey: string; param: Json } {
    const msgKey = String(b.msgKey ?? "");
    if (!MSG_KEYS.has(msgKey)) throw fail(400, "invalidParameter.msgKey.invalid", "msgKey无效");
    const text = typeof b.msgParam === "string" ? b.msgParam : "";
    if (Buffer.byteLength(text) > 15_000)
      throw fail(400, "invalidParameter.msgParam.invalid", "msgParam超过15000字节");
    try {
      return { msgKey, param: JSON.parse(text) as Json };
    } catch {
      throw fail(400, "invalidParameter.msgParam.invalid", "msgParam必须是json格式");
    }
  }

  private groupSend(b: Json): Json {
    this.robot(b);
    const conversationId = String(b.openConversationId ?? "");
    if (!this.chats.has(conversationId))
      throw fail(400, "invalidParameter.robotCode.notExsit", "机器人不存在，请检查机器人是否在群内");
    const m = this.message(b);
    const processQueryKey = randomId("pqk", 12);
    this.groupMessages.push({ conversationId, ...m, processQueryKey });
    return { processQueryKey };
  }

  private otoSend(b: Json): Json {
    this.robot(b);
    const userIds = Array.isArray(b.userIds) ? b.userIds.map(String) : [];
    if (userIds.length === 0) throw fail(400, "invalidParameter.userIds.empty", "用户userId列表为空");
    if (userIds.length > 20)
      throw fail(400, "invalidParameter.userIds.overMax", "用户userId列表长度超过上限");
    const m = this.message(b);
    const valid = userIds.filter((u) => this.users.has(u));
    if (valid.length > 0) this.otoMessages.push({ userIds: valid, ...m });
    return {
      processQueryKey: randomId("pqk", 12),
      invalidStaffIdList: userIds.filter((u) => !this.users.has(u)),
      flowControlledStaffIdList: [],
    };
  }

  private sessionReply(url: URL, b: Json): Json {
    const s = this.sessions.get(url.searchParams.get("session") ?? "");
    // Not verified: the errcode of an expired or unknown session webhook.
    if (!s || s.expiresAt <= Date.now())
      return { errcode: 300001, errmsg: "session 不存在或已过期（错误码未经核实）" };
    if (!SESSION_MSGTYPES.has(String(b.msgtype))) return { errcode: 40035, errmsg: "不合法的参数" };
    this.sessionReplies.push({ conversationId: s.conversationId, body: b });
    return { errcode: 0, errmsg: "ok" };
  }

  private card(b: Json): Json {
    if (!this.cardTemplates.has(String(b.cardTemplateId)))
      throw fail(400, "template.not.existed", "卡片模板不存在");
    const outTrackId = String(b.outTrackId ?? "");
    // Not verified: the answer to a repeated outTrackId.
    if (!outTrackId || this.cards.some((c) => c.outTrackId === outTrackId))
      throw fail(400, "param.outTrackId.repeat", "outTrackId重复");
    if (b.callbackType !== "STREAM")
      throw fail(400, "invalidParameter.callbackType", "callbackType应为STREAM或HTTP");
    const conversationId = /^dtv1\.card\/\/IM_GROUP\.(.+)$/.exec(String(b.openSpaceId ?? ""))?.[1] ?? "";
    if (!this.chats.has(conversationId)) throw fail(400, "invalid.openConversationId", "无效的openSpaceId");
    const deliver = (b.imGroupOpenDeliverModel ?? {}) as Json;
    if (deliver.robotCode !== this.robotCode)
      throw fail(400, "invalidParameter.robotCode.notExsit", "机器人不存在");
    const params = ((b.cardData ?? {}) as Json).cardParamMap as Json | undefined;
    if (!params || Object.values(params).some((v) => typeof v !== "string"))
      throw fail(400, "invalidParameter.cardData", "cardParamMap的值必须是字符串");
    this.cards.push({ outTrackId, conversationId, body: b });
    return {
      success: true,
      result: {
        outTrackId,
        deliverResults: [
          { spaceType: "IM_GROUP", spaceId: conversationId, success: true, carrierId: randomId("", 8) },
        ],
      },
    };
  }
}
