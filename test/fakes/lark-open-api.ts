/**
 * A local fake of Lark's Open API and long connection, for running the real SDK against.
 * HTTP (node:http): tenant token, bot info, message create/reply/patch, urgent, image upload and
 * message-resource download, with Lark's response shapes and error codes; it enforces 5 messages/s
 * per group (230020), 50/s and 1000/min per app (HTTP 429, 99991400, x-ogw-ratelimit-reset) and
 * 5 updates/s per message, counted at arrival. Long connection: POST /callback/ws/endpoint, then a
 * websocket speaking pbbp2 protobuf frames, over which events and card callbacks are pushed.
 * As strict as Lark's documentation: card JSON 2.0 rules (lark-card-rules.ts), the scopes the app
 * was granted (lark-scopes.ts: calls answer 99991672, events the app may not receive are not
 * delivered), uploads with a file name and a known length, card callback times in microseconds,
 * groups that are muted or dissolved, an update to a card whose callback is still open reverted.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";
import { cardProblem } from "./lark-card-rules.ts";
import { envelope, FAKE_TENANT, type LarkEventEnvelope, postCallback, randomId } from "./lark-fake-events.ts";
import { decodeFrame, encodeFrame, frameHeader } from "./lark-frames.ts";
import { missingScope, NEEDS, REQUIRED_SCOPES } from "./lark-scopes.ts";

export interface FakeLarkOptions {
  appId?: string;
  appSecret?: string;
  botOpenId?: string;
  appName?: string;
  /** Groups the bot is a member of; sending elsewhere answers 230002. */
  chats?: string[];
  verificationToken?: string;
  groupPerSecond?: number;
  appPerSecond?: number;
  appPerMinute?: number;
  patchPerMessagePerSecond?: number;
  /** Scopes granted to the app (default: the ones docs/lark.md lists as required). */
  scopes?: string[];
  /** Groups where only the owner may speak: sends answer 230035 (wording not verified). */
  mutedChats?: string[];
  /** Dissolved groups: sends answer 232009 (wording not verified). */
  dissolvedChats?: string[];
  /** The app's bot ability is off: sends answer 230006. */
  botAbilityOff?: boolean;
}

export interface FakeMessage {
  message_id: string;
  chat_id: string;
  msg_type: string;
  content: string;
  parent_id?: string;
  root_id?: string;
  sender: "app" | "user";
  senderOpenId?: string;
  uuid?: string;
  createdAt: number;
  /** Contents after each im.message.patch, oldest first. */
  patches: string[];
  urgentFor: string[][];
  recalled?: boolean;
  /** `reply_in_thread` as the reply request sent it. */
  replyInThread?: boolean;
  /** Patches that arrived while a card callback on this card was still open (Lark may revert them). */
  patchesDuringCallback: number;
  /** Card contents that came back in a callback's answer (`card: {type: "raw", data}`). */
  callbackCards: string[];
}

type Json = Record<string, unknown>;

const now = () => performance.timeOrigin + performance.now();

/** Timestamps within a sliding window. */
class Window {
  readonly at: number[] = [];
  constructor(
    readonly limit: number,
    readonly ms: number,
  ) {}
  /** 0 if a call may pass now, else ms until it may. */
  blockedFor(t: number): number {
    while (this.at.length > 0 && (this.at[0] ?? 0) <= t - this.ms) this.at.shift();
    return this.at.length < this.limit ? 0 : (this.at[0] ?? t) + this.ms - t;
  }
  record(t: number) {
    this.at.push(t);
  }
}

export class FakeLarkOpenApi {
  readonly appId: string;
  readonly appSecret: string;
  readonly botOpenId: string;
  readonly appName: string;
  readonly verificationToken: string;
  readonly chats: Set<string>;
  readonly muted: Set<string>;
  readonly dissolved: Set<string>;
  botAbilityOff: boolean;
  readonly messages = new Map<string, FakeMessage>();
  readonly images = new Map<string, { data: Buffer; fileName: string; imageType: string }>();
  readonly resources = new Map<string, { data: Buffer; mime: string }>();
  /** Every bot send that succeeded, in arrival order. */
  readonly sends: { chatId: string; messageId: string; at: number; kind: "create" | "reply" }[] = [];
  readonly errors: Record<number, number> = {};
  readonly requests: { method: string; path: string; headers: IncomingMessage["headers"] }[] = [];
  readonly scopes: Set<string>;
  /** Events Lark would not deliver to this app (missing scope), with the scope it lacks. */
  readonly undelivered: { eventId: string; needs: readonly string[] }[] = [];
  private readonly openCallbacks = new Map<string, { before: string; patched: boolean }>();
  tokenRequests = 0;
  private readonly tokens = new Map<string, number>();
  private readonly uuids = new Map<string, { messageId: string; at: number }>();
  private readonly groupWindows = new Map<string, Window>();
  private readonly patchWindows = new Map<string, Window>();
  private readonly appSecond: Window;
  private readonly appMinute: Window;
  private readonly opts: Required<Pick<FakeLarkOptions, "groupPerSecond" | "patchPerMessagePerSecond">>;
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private readonly sockets = new Set<WebSocket>();
  private readonly pending = new Map<string, (payload: Json) => void>();
  private seq = 1;
  private connectedWaiters: (() => void)[] = [];

  constructor(options: FakeLarkOptions = {}) {
    this.appId = options.appId ?? "cli_a1b2c3d4e5f60718";
    this.appSecret = options.appSecret ?? "fake-app-secret-0123456789";
    this.botOpenId = options.botOpenId ?? "ou_bot";
    this.appName = options.appName ?? "路长通";
    this.verificationToken = options.verificationToken ?? "v-token-fake";
    this.chats = new Set(options.chats ?? []);
    this.scopes = new Set(options.scopes ?? REQUIRED_SCOPES);
    this.muted = new Set(options.mutedChats ?? []);
    this.dissolved = new Set(options.dissolvedChats ?? []);
    this.botAbilityOff = options.botAbilityOff ?? false;
    this.appSecond = new Window(options.appPerSecond ?? 50, 1_000);
    this.appMinute = new Window(options.appPerMinute ?? 1_000, 60_000);
    this.opts = {
      groupPerSecond: options.groupPerSecond ?? 5,
      patchPerMessagePerSecond: options.patchPerMessagePerSecond ?? 5,
    };
  }

  /** The domain to give the SDK. */
  url = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ code: 500, msg: String(err) }));
      });
    });
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on("upgrade", (req, socket, head) => {
      if (!req.url?.startsWith("/ws")) return socket.destroy();
      this.wss?.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    this.wss?.close();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Invalidates every token handed out (Lark rotating them): the next call gets 99991663. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /** Marks a message as recalled: replies to it fail with 230011. */
  recall(messageId: string): void {
    const m = this.messages.get(messageId);
    if (m) m.recalled = true;
  }

  /** Bot messages sent into a chat (create and reply), in order. */
  botMessages(chatId?: string): FakeMessage[] {
    return [...this.messages.values()].filter((m) => m.sender === "app" && (!chatId || m.chat_id === chatId));
  }

  // ---- events -------------------------------------------------------------------------------

  /**
   * A person's message in a group, stored like Lark stores it (so its photos can be downloaded),
   * and the im.message.receive_v1 event for it. `@名字` in the text for each of `mentions` becomes a
   * placeholder; the bot's mention comes first when `mentionBot`.
   */
  userMessage(input: {
    chatId: string;
    from: string;
    text?: string;
    mentionBot?: boolean;
    mentions?: { openId: string; name: string }[];
    images?: Buffer[];
    type?: "text" | "post" | "image";
    parentId?: string;
    eventId?: string;
    chatType?: "group" | "p2p";
  }): { messageId: string; event: LarkEventEnvelope } {
    const messageId = randomId("om_", 16);
    const mentions: Json[] = [];
    let text = input.text ?? "";
    const mentionObj = (key: string, openId: string, name: string) => ({
      key,
      id: { union_id: `on_${openId}`, user_id: `u_${openId}`, open_id: openId },
      name,
      tenant_key: FAKE_TENANT,
    });
    if (input.mentionBot ?? true) mentions.push(mentionObj("@_user_1", this.botOpenId, this.appName));
    for (const m of input.mentions ?? []) {
      const key = `@_user_${mentions.length + 1}`;
      text = text.split(`@${m.name}`).join(key);
      mentions.push(mentionObj(key, m.openId, m.name));
    }
    const botKey = (input.mentionBot ?? true) ? "@_user_1 " : "";
    const imageKeys = (input.images ?? []).map((data) => {
      const key = randomId("img_v3_", 10);
      this.resources.set(`${messageId}/${key}`, { data, mime: "image/png" });
      return key;
    });
    const type =
      input.type ?? (imageKeys.length > 0 && !text ? "image" : imageKeys.length > 0 ? "post" : "text");
    let content: string;
    if (type === "text") content = JSON.stringify({ text: `${botKey}${text}` });
    else if (type === "image") content = JSON.stringify({ image_key: imageKeys[0] });
    else {
      const first: Json[] = [];
      if (botKey) first.push({ tag: "at", user_id: "@_user_1", user_name: this.appName });
      if (text) first.push({ tag: "text", text: ` ${text}` });
      content = JSON.stringify({
        title: "",
        content: [first, ...imageKeys.map((k) => [{ tag: "img", image_key: k }])],
      });
    }
    const parent = input.parentId ? this.messages.get(input.parentId) : undefined;
    const message: FakeMessage = {
      message_id: messageId,
      chat_id: input.chatId,
      msg_type: type,
      content,
      sender: "user",
      senderOpenId: input.from,
      createdAt: Date.now(),
      patches: [],
      urgentFor: [],
      patchesDuringCallback: 0,
      callbackCards: [],
      ...(input.parentId ? { parent_id: input.parentId, root_id: parent?.root_id ?? input.parentId } : {}),
    };
    this.messages.set(messageId, message);
    const event = envelope({
      appId: this.appId,
      token: this.verificationToken,
      eventType: "im.message.receive_v1",
      ...(input.eventId ? { eventId: input.eventId } : {}),
      event: {
        sender: {
          sender_id: { union_id: `on_${input.from}`, user_id: `u_${input.from}`, open_id: input.from },
          sender_type: "user",
          tenant_key: FAKE_TENANT,
        },
        message: {
          message_id: messageId,
          ...(message.root_id ? { root_id: message.root_id, parent_id: message.parent_id } : {}),
          create_time: String(message.createdAt),
          update_time: String(message.createdAt),
          chat_id: input.chatId,
          chat_type: input.chatType ?? "group",
          message_type: type,
          content,
          ...(mentions.length > 0 ? { mentions } : {}),
          user_agent: "Mozilla/5.0 Lark/7.30",
        },
      },
    });
    return { messageId, event };
  }

  /** The card.action.trigger callback for a button press on a bot card. */
  cardAction(input: { messageId: string; from: string; value: unknown; chatId?: string }): LarkEventEnvelope {
    const card = this.messages.get(input.messageId);
    const event = envelope({
      appId: this.appId,
      token: this.verificationToken,
      eventType: "card.action.trigger",
      event: {
        operator: {
          tenant_key: FAKE_TENANT,
          user_id: `u_${input.from}`,
          open_id: input.from,
          union_id: `on_${input.from}`,
        },
        token: randomId("c-", 16),
        action: { value: input.value, tag: "button" },
        host: "im_message",
        context: { open_message_id: input.messageId, open_chat_id: input.chatId ?? card?.chat_id ?? "" },
      },
    });
    // Card callbacks carry their time in microseconds.
    event.header.create_time = String(Date.now() * 1000);
    return event;
  }

  /** The scope Lark requires before it delivers this event to the app, or null when it would. */
  private withheld(event: LarkEventEnvelope): readonly string[] | null {
    if (event.header.event_type !== "im.message.receive_v1") return null;
    const message = event.event.message as
      | { chat_type?: string; mentions?: { id?: { open_id?: string } }[] }
      | undefined;
    if (!message) return null;
    if (message.chat_type === "p2p") return missingScope(this.scopes, NEEDS.p2p) ? NEEDS.p2p : null;
    const atBot = (message.mentions ?? []).some((m) => m.id?.open_id === this.botOpenId);
    const needs = atBot ? NEEDS.atMessages : NEEDS.allGroupMessages;
    return missingScope(this.scopes, needs) ? needs : null;
  }

  /** Marks a card callback open until its answer; returns the function that closes it with the answer. */
  private openCallback(event: LarkEventEnvelope): (answer: Json | undefined) => void {
    if (event.header.event_type !== "card.action.trigger") return () => {};
    const cardId = String(
      (event.event.context as { open_message_id?: string } | undefined)?.open_message_id ?? "",
    );
    const card = this.messages.get(cardId);
    if (!card) return () => {};
    this.openCallbacks.set(cardId, { before: card.patches.at(-1) ?? card.content, patched: false });
    return (answer) => {
      const open = this.openCallbacks.get(cardId);
      this.openCallbacks.delete(cardId);
      const raw = answer?.card as { type?: string; data?: unknown } | undefined;
      if (raw?.type === "raw" && raw.data) {
        const content = JSON.stringify(raw.data);
        const problem = cardProblem(content, (k) => this.images.has(k));
        if (problem) throw new Error(`card in the callback answer refused: ${problem}`);
        card.callbackCards.push(content);
        card.patches.push(content);
      } else if (open?.patched) {
        // Lark's delayed-update guide: an update made before the callback is answered may be undone.
        card.patches.push(open.before);
      }
    };
  }

  /** Resolves once a long-connection client is connected. */
  connected(): Promise<void> {
    if (this.sockets.size > 0) return Promise.resolve();
    return new Promise((resolve) => this.connectedWaiters.push(resolve));
  }

  /**
   * Pushes an event over the long connection and resolves with the client's answer frame payload:
   * `{code, data}` with `data` decoded from base64 JSON (the toast of a card callback).
   */
  pushWs(event: LarkEventEnvelope): Promise<{ code: number; data?: Json; delivered?: false }> {
    const ws = [...this.sockets][0];
    if (!ws) return Promise.reject(new Error("no long-connection client"));
    const needs = this.withheld(event);
    if (needs) {
      this.undelivered.push({ eventId: event.header.event_id, needs });
      return Promise.resolve({ code: 0, delivered: false });
    }
    const close = this.openCallback(event);
    const messageId = randomId("", 8);
    const frame = encodeFrame({
      SeqID: this.seq++,
      LogID: this.seq,
      service: 1,
      method: 1,
      headers: [
        { key: "type", value: "event" },
        { key: "message_id", value: messageId },
        { key: "sum", value: "1" },
        { key: "seq", value: "0" },
        { key: "trace_id", value: randomId("", 8) },
      ],
      payload: new TextEncoder().encode(JSON.stringify(event)),
    });
    return new Promise((resolve) => {
      this.pending.set(messageId, (payload) => {
        const data =
          typeof payload.data === "string"
            ? (JSON.parse(Buffer.from(payload.data, "base64").toString("utf8")) as Json)
            : undefined;
        close(data);
        resolve({ code: Number(payload.code), ...(data ? { data } : {}) });
      });
      ws.send(frame);
    });
  }

  /** Posts an event to a webhook the way Lark does (signed; encrypted when a key is given). */
  async postWebhook(
    url: string,
    event: unknown,
    opts: { encryptKey: string | null; forge?: boolean; encrypt?: boolean },
  ): Promise<{ status: number; body: Record<string, unknown>; delivered?: false }> {
    const envelopeLike = event as LarkEventEnvelope;
    const needs = envelopeLike?.header ? this.withheld(envelopeLike) : null;
    if (needs) {
      this.undelivered.push({ eventId: envelopeLike.header.event_id, needs });
      return { status: 0, body: {}, delivered: false };
    }
    const close = envelopeLike?.header ? this.openCallback(envelopeLike) : () => {};
    const answer = await postCallback(url, event, opts);
    close(answer.status === 200 ? answer.body : undefined);
    return answer;
  }

  private onSocket(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on("close", () => this.sockets.delete(ws));
    ws.on("message", (data: Buffer) => {
      const frame = decodeFrame(new Uint8Array(data));
      const type = frameHeader(frame, "type");
      if (frame.method === 0 && type === "ping") {
        ws.send(
          encodeFrame({
            SeqID: 0,
            LogID: 0,
            service: frame.service,
            method: 0,
            headers: [{ key: "type", value: "pong" }],
            payload: new TextEncoder().encode(
              JSON.stringify({
                PingInterval: 120,
                ReconnectCount: -1,
                ReconnectInterval: 120,
                ReconnectNonce: 30,
              }),
            ),
          }),
        );
        return;
      }
      const id = frameHeader(frame, "message_id");
      const waiter = id ? this.pending.get(id) : undefined;
      if (id && waiter && frame.payload) {
        this.pending.delete(id);
        waiter(JSON.parse(new TextDecoder().decode(frame.payload)) as Json);
      }
    });
    for (const wake of this.connectedWaiters.splice(0)) wake();
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://x");
    const path = url.pathname;
    const method = req.method ?? "GET";
    this.requests.push({ method, path, headers: req.headers });
    const body = await readBody(req);
    const send = (status: number, json: Json, headers: Record<string, string> = {}) => {
      const code = Number(json.code ?? 0);
      if (code !== 0) this.errors[code] = (this.errors[code] ?? 0) + 1;
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(JSON.stringify(json));
    };
    const json = () => (body.length ? (JSON.parse(body.toString("utf8")) as Json) : {});

    if (method === "POST" && path === "/open-apis/auth/v3/tenant_access_token/internal") {
      this.tokenRequests += 1;
      const b = json();
      if (b.app_id !== this.appId || b.app_secret !== this.appSecret)
        return send(400, { code: 10014, msg: "app secret invalid" });
      const token = `t-${randomBytes(16).toString("hex")}`;
      this.tokens.set(token, Date.now() + 7_200_000);
      return send(200, { code: 0, msg: "ok", tenant_access_token: token, expire: 7200 });
    }
    if (method === "POST" && path === "/callback/ws/endpoint") {
      const b = json();
      if (b.AppID !== this.appId || b.AppSecret !== this.appSecret)
        return send(200, { code: 514, msg: "auth failed" });
      const port = (this.server?.address() as AddressInfo | undefined)?.port ?? 0;
      return send(200, {
        code: 0,
        msg: "ok",
        data: {
          URL: `ws://127.0.0.1:${port}/ws?device_id=d${this.seq}&service_id=1`,
          ClientConfig: { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 120, ReconnectNonce: 30 },
        },
      });
    }
    if (path.startsWith("/open-apis/")) {
      const auth = req.headers.authorization ?? "";
      if (!auth.startsWith("Bearer "))
        return send(400, { code: 99991661, msg: "Missing access token for authorization." });
      const expires = this.tokens.get(auth.slice(7));
      if (!expires || expires < Date.now())
        return send(400, { code: 99991663, msg: "Invalid access token for authorization." });
    }
    if (method === "GET" && path === "/open-apis/bot/v3/info") {
      return send(200, {
        code: 0,
        msg: "ok",
        bot: {
          activate_status: 2,
          app_name: this.appName,
          avatar_url: "",
          ip_white_list: [],
          open_id: this.botOpenId,
        },
      });
    }
    const scope = (needed: readonly string[]) => {
      const denied = missingScope(this.scopes, needed);
      if (denied) send(400, denied);
      return denied !== null;
    };
    if (method === "POST" && path === "/open-apis/im/v1/images") {
      if (scope(NEEDS.upload)) return;
      return this.uploadImage(req, body, send);
    }
    let m = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/resources\/([^/]+)$/.exec(path);
    if (method === "GET" && m) {
      if (scope(NEEDS.download)) return;
      const r = this.resources.get(`${m[1]}/${m[2]}`);
      if (!r || url.searchParams.get("type") !== "image")
        return send(400, { code: 234003, msg: "File not in msg." });
      res.writeHead(200, { "content-type": r.mime, "content-length": String(r.data.length) });
      res.end(r.data);
      return;
    }
    if (method === "POST" && path === "/open-apis/im/v1/messages") {
      if (scope(NEEDS.send)) return;
      if (url.searchParams.get("receive_id_type") !== "chat_id")
        return send(400, { code: 230001, msg: "invalid receive_id_type" });
      const b = json();
      return this.sendMessage(String(b.receive_id ?? ""), b, undefined, send);
    }
    m = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/.exec(path);
    if (method === "POST" && m) {
      if (scope(NEEDS.send)) return;
      const target = this.messages.get(m[1] ?? "");
      if (!target)
        return send(400, {
          code: 230001,
          msg: "Your request contains an invalid request parameter, ext=invalid message_id.",
        });
      if (target.recalled) return send(400, { code: 230011, msg: "The message is recalled." });
      return this.sendMessage(target.chat_id, json(), target, send);
    }
    m = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/urgent_app$/.exec(path);
    if (method === "PATCH" && m) {
      if (scope(NEEDS.urgent)) return;
      const target = this.messages.get(m[1] ?? "");
      if (target?.sender !== "app") return send(400, { code: 230001, msg: "invalid message_id" });
      if (url.searchParams.get("user_id_type") !== "open_id")
        return send(400, { code: 230001, msg: "invalid user_id_type" });
      const ids = (json().user_id_list as string[] | undefined) ?? [];
      target.urgentFor.push(ids);
      return send(200, { code: 0, msg: "success", data: { invalid_user_id_list: [] } });
    }
    m = /^\/open-apis\/im\/v1\/messages\/([^/]+)$/.exec(path);
    if (method === "PATCH" && m) {
      if (scope(NEEDS.patch)) return;
      const target = this.messages.get(m[1] ?? "");
      if (target?.sender !== "app" || target.msg_type !== "interactive")
        return send(400, { code: 230001, msg: "invalid message_id" });
      const content = String(json().content ?? "");
      const problem = this.checkCard(content);
      if (problem) return send(400, { code: 230099, msg: `Failed to create card content, ext=${problem}` });
      const t = now();
      const w = this.window(this.patchWindows, target.message_id, this.opts.patchPerMessagePerSecond);
      if (w.blockedFor(t) > 0)
        return send(400, { code: 230020, msg: "This operation triggers the frequency limit." });
      w.record(t);
      target.patches.push(content);
      const open = this.openCallbacks.get(target.message_id);
      if (open) {
        open.patched = true;
        target.patchesDuringCallback += 1;
      }
      return send(200, { code: 0, msg: "success", data: {} });
    }
    return send(404, { code: 404, msg: `no fake for ${method} ${path}` });
  }

  private window(map: Map<string, Window>, key: string, limit: number): Window {
    let w = map.get(key);
    if (!w) {
      w = new Window(limit, 1_000);
      map.set(key, w);
    }
    return w;
  }

  private sendMessage(
    chatId: string,
    b: Json,
    replyTo: FakeMessage | undefined,
    send: (s: number, j: Json, h?: Record<string, string>) => void,
  ) {
    if (this.botAbilityOff) return send(400, { code: 230006, msg: "Bot ability is not activated." });
    if (this.dissolved.has(chatId)) return send(400, { code: 232009, msg: "The chat has been dissolved." });
    if (!this.chats.has(chatId))
      return send(400, { code: 230002, msg: "Bot/User can NOT be out of the chat." });
    if (this.muted.has(chatId))
      return send(400, {
        code: 230035,
        msg: "Only the group owner and admins may send messages in this chat.",
      });
    const t = now();
    const appWait = Math.max(this.appSecond.blockedFor(t), this.appMinute.blockedFor(t));
    if (appWait > 0) {
      return send(
        429,
        { code: 99991400, msg: "request trigger frequency limit" },
        {
          "x-ogw-ratelimit-limit": "50",
          "x-ogw-ratelimit-reset": String(Math.max(1, Math.ceil(appWait / 1000))),
        },
      );
    }
    const group = this.window(this.groupWindows, chatId, this.opts.groupPerSecond);
    if (group.blockedFor(t) > 0)
      return send(400, { code: 230020, msg: "This operation triggers the frequency limit." });
    const msgType = String(b.msg_type ?? "");
    const content = String(b.content ?? "");
    const problem = this.checkContent(msgType, content);
    if (problem) return send(400, { code: problem.code, msg: problem.msg });
    const uuid = typeof b.uuid === "string" && b.uuid ? b.uuid : undefined;
    if (uuid && uuid.length > 50) return send(400, { code: 230001, msg: "uuid too long" });
    this.appSecond.record(t);
    this.appMinute.record(t);
    group.record(t);
    const earlier = uuid ? this.uuids.get(uuid) : undefined;
    let message =
      earlier && Date.now() - earlier.at < 3_600_000 ? this.messages.get(earlier.messageId) : undefined;
    if (!message) {
      message = {
        message_id: randomId("om_", 16),
        chat_id: chatId,
        msg_type: msgType,
        content,
        sender: "app",
        createdAt: Date.now(),
        patches: [],
        urgentFor: [],
        patchesDuringCallback: 0,
        callbackCards: [],
        ...(uuid ? { uuid } : {}),
        ...(replyTo && typeof b.reply_in_thread === "boolean" ? { replyInThread: b.reply_in_thread } : {}),
        ...(replyTo ? { parent_id: replyTo.message_id, root_id: replyTo.root_id ?? replyTo.message_id } : {}),
      };
      this.messages.set(message.message_id, message);
      if (uuid) this.uuids.set(uuid, { messageId: message.message_id, at: Date.now() });
      this.sends.push({ chatId, messageId: message.message_id, at: t, kind: replyTo ? "reply" : "create" });
    }
    return send(200, {
      code: 0,
      msg: "success",
      data: {
        message_id: message.message_id,
        ...(message.root_id ? { root_id: message.root_id, parent_id: message.parent_id } : {}),
        msg_type: message.msg_type,
        create_time: String(message.createdAt),
        update_time: String(message.createdAt),
        deleted: false,
        updated: false,
        chat_id: chatId,
        sender: { id: this.appId, id_type: "app_id", sender_type: "app", tenant_key: FAKE_TENANT },
        body: { content: message.content },
      },
    });
  }

  private checkContent(msgType: string, content: string): { code: number; msg: string } | null {
    let parsed: Json;
    try {
      parsed = JSON.parse(content) as Json;
    } catch {
      return { code: 230001, msg: "content is not JSON" };
    }
    if (msgType === "text")
      return typeof parsed.text === "string" && parsed.text ? null : { code: 230001, msg: "text is empty" };
    if (msgType === "post") {
      const post = (parsed.zh_cn ?? parsed.en_us) as { content?: Json[][] } | undefined;
      if (!post || !Array.isArray(post.content)) return { code: 230001, msg: "post without content" };
      for (const el of post.content.flat()) {
        if (el.tag === "img" && !this.images.has(String(el.image_key)))
          return { code: 230001, msg: `unknown image_key ${String(el.image_key)}` };
      }
      return null;
    }
    if (msgType === "image")
      return this.images.has(String(parsed.image_key)) ? null : { code: 230001, msg: "unknown image_key" };
    if (msgType === "interactive") {
      const problem = this.checkCard(content);
      return problem ? { code: 230099, msg: `Failed to create card content, ext=${problem}` } : null;
    }
    return { code: 230001, msg: `unsupported msg_type ${msgType}` };
  }

  /** Why Lark would refuse this card (lark-card-rules.ts), or null. */
  private checkCard(content: string): string | null {
    return cardProblem(content, (key) => this.images.has(key));
  }

  private uploadImage(req: IncomingMessage, body: Buffer, send: (s: number, j: Json) => void) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(req.headers["content-type"] ?? "");
    const mark = boundary?.[1] ?? boundary?.[2];
    if (!mark) return send(400, { code: 234001, msg: "Invalid request param." });
    // Nothing documents that Lark accepts an upload sent chunked, without a length.
    if (!req.headers["content-length"])
      return send(400, { code: 234001, msg: "Invalid request param: no Content-Length." });
    const parts = parseMultipart(body, mark);
    const image = parts.find((p) => p.name === "image");
    const imageType = parts.find((p) => p.name === "image_type")?.data.toString("utf8");
    if (!image || image.data.length === 0 || imageType !== "message")
      return send(400, { code: 234001, msg: "Invalid request param." });
    if (!image.fileName)
      return send(400, { code: 234001, msg: "Invalid request param: image has no file name." });
    const key = randomId("img_v3_", 12);
    this.images.set(key, { data: image.data, fileName: image.fileName ?? "", imageType });
    return send(200, { code: 0, msg: "success", data: { image_key: key } });
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function parseMultipart(body: Buffer, boundary: string): { name: string; fileName?: string; data: Buffer }[] {
  const sep = Buffer.from(`--${boundary}`);
  const parts: { name: string; fileName?: string; data: Buffer }[] = [];
  let start = body.indexOf(sep);
  while (start >= 0) {
    const next = body.indexOf(sep, start + sep.length);
    if (next < 0) break;
    const chunk = body.subarray(start + sep.length + 2, next - 2);
    const headerEnd = chunk.indexOf("\r\n\r\n");
    if (headerEnd >= 0) {
      const head = chunk.subarray(0, headerEnd).toString("utf8");
      const name = /name="([^"]*)"/.exec(head)?.[1] ?? "";
      const fileName = /filename="([^"]*)"/.exec(head)?.[1];
      parts.push({
        name,
        ...(fileName !== undefined ? { fileName } : {}),
        data: chunk.subarray(headerEnd + 4),
      });
    }
    start = next;
  }
  return parts;
}
