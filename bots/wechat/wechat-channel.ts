/**
 * Channel "wechat": sends outbox messages into the configured groups with `room.say(text, ...contacts)`
 * so chiefs are really @-mentioned, photos as FileBoxes, long text in parts, all through the pacing
 * queue. While logged out a send fails with a retry time and the message waits in the outbox.
 */
import { FileBox } from "file-box";
import type { Logger } from "pino";
import type { Contact, Room, Wechaty } from "wechaty";
import type { Channel } from "../../src/core/ports.ts";
import type { OutboundMessage } from "../../src/core/types.ts";
import { ChannelSendError } from "../../src/notify/channel-error.ts";
import { weixinOf } from "./wechat-identity.ts";
import type { SendPacer } from "./wechat-pacer.ts";
import { WECHAT_CHANNEL, type WechatRooms } from "./wechat-rooms.ts";
import type { WechatStatus } from "./wechat-status.ts";
import { splitText, stripMentionPrefixes, WECHAT_MAX_TEXT } from "./wechat-text.ts";
import { WX_TEXT } from "./wechat-texts.ts";

/** How long a message waits before the next try while the account is logged out. */
export const LOGGED_OUT_RETRY_MS = 30_000;
/** How long a message for a group that cannot be found waits before the next look. */
export const ROOM_MISSING_RETRY_MS = 60_000;
/** Idempotency keys remembered as sent, so a retry after a lost "sent" mark does not send twice. */
const SENT_KEYS = 2_000;
/** Characters kept free per @-mention room.say adds: "@", a name or group nickname (WeChat caps them near 32), a space. */
const MENTION_ROOM = 34;

const EXT_BY_MIME: Record<string, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/gif": "gif",
  "image/webp": "webp",
};

export interface WechatChannelDeps {
  bot: Wechaty;
  rooms: WechatRooms;
  pacer: SendPacer;
  status: WechatStatus;
  /** A stored photo (or chart image) by its media hash; null when it is gone. */
  loadImage: (hash: string) => Promise<{ data: Buffer; mime: string } | null>;
  log: Logger;
}

type Step = { kind: "text"; text: string; mentions: Contact[] } | { kind: "image"; hash: string };

export class WechatChannel implements Channel {
  readonly name = WECHAT_CHANNEL;
  /** Steps already sent per idempotency key, so a retry resumes a split message where it broke off. */
  private readonly progress = new Map<string, { done: number; firstId: string | null }>();
  private readonly sent = new Map<string, string>();
  /** Sends under way: the same row sent twice at once (two outbox rounds) goes out once. */
  private readonly inflight = new Map<string, Promise<{ platformMessageId: string }>>();

  constructor(private readonly deps: WechatChannelDeps) {}

  async send(
    message: OutboundMessage,
    options: { idempotencyKey: string },
  ): Promise<{ platformMessageId: string }> {
    const key = options.idempotencyKey;
    const already = this.sent.get(key);
    if (already) return { platformMessageId: already };
    const running = this.inflight.get(key);
    if (running) return running;
    const sending = this.sendOnce(message, key).finally(() => this.inflight.delete(key));
    this.inflight.set(key, sending);
    return sending;
  }

  private async sendOnce(message: OutboundMessage, key: string): Promise<{ platformMessageId: string }> {
    const topic = this.deps.rooms.topicOf(message.chatId);
    if (!topic) {
      throw new ChannelSendError(`不是已配置的微信群：${message.chatId}`, {
        code: "WECHAT_UNKNOWN_CHAT",
        permanent: true,
      });
    }
    this.assertLoggedIn();
    const room = await this.deps.rooms.find(topic);
    if (!room) {
      // Renamed, or the room list is still loading after a login: wait, without using up attempts.
      throw new ChannelSendError(WX_TEXT.roomMissing(topic), {
        code: "WECHAT_ROOM_NOT_FOUND",
        retryAfterMs: ROOM_MISSING_RETRY_MS,
        unavailable: true,
      });
    }

    const steps = await this.plan(room, message);
    const state = this.progress.get(key) ?? { done: 0, firstId: null };
    this.progress.set(key, state);
    for (let i = state.done; i < steps.length; i++) {
      const step = steps[i];
      if (!step) continue;
      const id = await this.deps.pacer.run(async () => {
        this.assertLoggedIn();
        try {
          return await this.say(room, step);
        } catch (err) {
          throw this.failure(err);
        }
      });
      state.done = i + 1;
      state.firstId ??= id;
    }
    this.progress.delete(key);
    // wechat4u returns no id for what it sends: the key stands in, unique per outbox row.
    const platformMessageId = state.firstId ?? `wechat-out:${key}`;
    this.sent.set(key, platformMessageId);
    if (this.sent.size > SENT_KEYS) {
      const oldest = this.sent.keys().next().value;
      if (oldest !== undefined) this.sent.delete(oldest);
    }
    return { platformMessageId };
  }

  /** Text parts (mentions on the first), then photos. */
  private async plan(room: Room, message: OutboundMessage): Promise<Step[]> {
    const names = message.mentions.map((m) => m.name);
    const body = stripMentionPrefixes(message.text, names);
    const contacts: Contact[] = [];
    const plain: string[] = [];
    const members = message.mentions.length > 0 ? await room.memberAll() : [];
    for (const m of message.mentions) {
      const contact = await findMember(room, members, m);
      if (contact && !contacts.some((c) => c.id === contact.id)) contacts.push(contact);
      else if (!contact) {
        plain.push(m.name);
        this.deps.log.warn(
          { channel: "wechat", personId: m.personId, chatId: message.chatId },
          "chief not found in the wechat group; mentioned as plain text",
        );
      }
    }
    let text = plain.map((n) => `@${n} `).join("") + body;
    const commands = [...new Set((message.actions ?? []).map((a) => a.command))];
    if (commands.length > 0) text += `\n${WX_TEXT.actionsHint(commands)}`;
    // room.say puts "@名字 " in front for each contact: leave room for it in the parts.
    const parts = splitText(text, WECHAT_MAX_TEXT - contacts.length * MENTION_ROOM);
    const steps: Step[] = parts.map((p, i) => ({ kind: "text", text: p, mentions: i === 0 ? contacts : [] }));
    for (const hash of message.imageHashes ?? []) steps.push({ kind: "image", hash });
    return steps;
  }

  /** Sends one step; returns the platform id when the puppet gives one. */
  private async say(room: Room, step: Step): Promise<string | null> {
    if (step.kind === "text") {
      const sent = await room.say(step.text, ...step.mentions);
      return sent ? sent.id : null;
    }
    const image = await this.deps.loadImage(step.hash);
    if (!image) {
      // A photo that is gone cannot come back: send the rest rather than hold the chat forever.
      this.deps.log.error({ channel: "wechat", hash: step.hash }, "stored photo missing; not sent");
      return null;
    }
    const ext = EXT_BY_MIME[image.mime] ?? "jpg";
    // Base64 FileBoxes work with every puppet (puppet-mock refuses buffers and streams).
    const box = FileBox.fromBase64(image.data.toString("base64"), `${step.hash.slice(0, 16)}.${ext}`);
    const sent = await room.say(box);
    return sent ? sent.id : null;
  }

  private assertLoggedIn() {
    if (!this.deps.bot.isLoggedIn) {
      throw new ChannelSendError("微信未登录，消息留在发件箱，登录后发出", {
        code: "WECHAT_LOGGED_OUT",
        retryAfterMs: LOGGED_OUT_RETRY_MS,
        unavailable: true,
      });
    }
  }

  private failure(err: unknown): ChannelSendError {
    if (err instanceof ChannelSendError) return err;
    if (!this.deps.bot.isLoggedIn) {
      return new ChannelSendError("微信在发送时退出登录", {
        code: "WECHAT_LOGGED_OUT",
        retryAfterMs: LOGGED_OUT_RETRY_MS,
        unavailable: true,
        cause: err,
      });
    }
    const text = err instanceof Error ? err.message : String(err);
    return new ChannelSendError(`微信发送失败：${text}`, { code: "WECHAT_SEND_FAILED", cause: err });
  }
}

/** The group member a mention means: by WeChat id, then by group nickname or name. */
async function findMember(
  room: Room,
  members: Contact[],
  m: OutboundMessage["mentions"][number],
): Promise<Contact | undefined> {
  if (m.wechatId) {
    const byId = members.find((c) => c.id === m.wechatId || weixinOf(c) === m.wechatId);
    if (byId) return byId;
  }
  const aliases = await Promise.all(members.map((c) => room.alias(c).catch(() => undefined)));
  const byAlias = members.filter((_, i) => aliases[i]?.trim() === m.name);
  if (byAlias.length === 1) return byAlias[0];
  const byName = members.filter((c) => c.name().trim() === m.name);
  return byName.length === 1 ? byName[0] : undefined;
}
