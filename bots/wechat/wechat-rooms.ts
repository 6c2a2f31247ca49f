/**
 * The configured groups, known by topic (群名): room ids change between logins, so chat ids are
 * `wechat:<topic>` and the live room is looked up again in each login session.
 */
import type { Room, Wechaty } from "wechaty";
import type { ChatId } from "../../src/core/types.ts";
import type { WechatRoomRole } from "./wechat-config.ts";
import type { WechatStatus } from "./wechat-status.ts";
import { WX_TEXT } from "./wechat-texts.ts";

export const WECHAT_CHANNEL = "wechat";

export interface ConfiguredRoom {
  topic: string;
  role: WechatRoomRole;
}

/** The stable chat id of a configured group. */
export function wechatChatId(topic: string): ChatId {
  return `${WECHAT_CHANNEL}:${topic}`;
}

export class WechatRooms {
  private readonly byTopic: Map<string, ConfiguredRoom>;
  /** Live rooms of the current login session. */
  private live = new Map<string, Room>();
  /** Topics already alerted about in this session (a missing room is looked for at every retry). */
  private alerted = new Set<string>();

  constructor(
    private readonly bot: Wechaty,
    rooms: readonly ConfiguredRoom[],
    private readonly status: WechatStatus,
  ) {
    this.byTopic = new Map(rooms.map((r) => [r.topic, r]));
  }

  /** The configured group with this (live) topic, if any. */
  configured(topic: string): ConfiguredRoom | undefined {
    return this.byTopic.get(topic.trim());
  }

  /** The topic a chat id names, if it is one of ours. */
  topicOf(chatId: ChatId): string | null {
    const prefix = `${WECHAT_CHANNEL}:`;
    if (!chatId.startsWith(prefix)) return null;
    const topic = chatId.slice(prefix.length);
    return this.byTopic.has(topic) ? topic : null;
  }

  /** Remembers the live room a message came from. */
  remember(topic: string, room: Room) {
    this.live.set(topic.trim(), room);
    this.status.roomFound(topic.trim(), true);
  }

  /** Forgets live rooms: ids are per login session. */
  reset() {
    this.live = new Map();
    this.alerted = new Set();
  }

  /** The live room for a configured topic in this session, or null (then flagged on the page). */
  async find(topic: string, options: { alert: boolean } = { alert: true }): Promise<Room | null> {
    const known = this.live.get(topic);
    if (known) return known;
    let matches = await this.bot.Room.findAll({ topic });
    if (matches.length === 0) {
      // Topics with stray spaces: compare trimmed.
      const all = await this.bot.Room.findAll();
      const topics = await Promise.all(all.map(async (r) => (await r.topic()).trim()));
      matches = all.filter((_, i) => topics[i] === topic);
    }
    const room = matches[0];
    this.status.roomFound(topic, Boolean(room));
    if (!room) {
      if (options.alert && !this.alerted.has(topic)) {
        this.alerted.add(topic);
        this.status.alert("warn", WX_TEXT.roomMissing(topic), { topic });
      }
      return null;
    }
    if (matches.length > 1 && !this.alerted.has(topic)) {
      this.alerted.add(topic);
      this.status.alert("warn", WX_TEXT.roomDuplicate(topic, matches.length), { topic });
    }
    this.live.set(topic, room);
    return room;
  }

  /** Looks every configured group up; alerts for missing ones only when asked (the list may still be loading). */
  async checkAll(options: { alert: boolean }) {
    for (const topic of this.byTopic.keys()) await this.find(topic, options);
  }
}
