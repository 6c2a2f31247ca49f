/**
 * What the bot does with stream callbacks: a robot message goes into the inbox once (redeliveries
 * are recognised by the stream message id and the msgId), its photos downloaded at once, and is
 * acknowledged when stored; a card button press becomes the button's command, as a reply to the card.
 * A callback that cannot be stored is left unacknowledged, so DingTalk pushes it again.
 */
import type { DWClientDownStream } from "dingtalk-stream";
import type { Logger } from "pino";
import { EXTENSION_ACTIONS, HANDLER_ACTIONS, INSPECTOR_ACTIONS } from "../../src/conversation/case-view.ts";
import { SeenIds } from "../../src/core/seen-ids.ts";
import type { InboundImage, InboundMessage } from "../../src/core/types.ts";
import { type CardCallback, commandFor, pressedButton, readButtonId } from "./dingtalk-card.ts";
import {
  MAX_IMAGES_PER_MESSAGE,
  type RobotMessage,
  readRobotMessage,
  senderKey,
  toInboundMessage,
} from "./dingtalk-inbound.ts";
import type { DingtalkCards, DingtalkInbox, DingtalkPeople } from "./dingtalk-ports.ts";
import { DINGTALK_TEXT } from "./dingtalk-text.ts";
import type { SessionWebhooks } from "./dingtalk-webhooks.ts";

/** DingTalk pushes an unacknowledged callback again within about a minute; ids are kept far longer. */
export const SEEN_TTL_MS = 2 * 60 * 60 * 1000;
const SEEN_MAX = 100_000;
/** A callback's data is one message: anything larger is not DingTalk's. */
export const MAX_CALLBACK_CHARS = 256 * 1024;
const DOWNLOAD_TRIES = 3;
const DOWNLOAD_RETRY_MS = 300;
const BUTTON_ACTIONS = [...HANDLER_ACTIONS, ...INSPECTOR_ACTIONS, ...EXTENSION_ACTIONS];

export interface DingtalkIntakeDeps {
  inbox: DingtalkInbox;
  people: DingtalkPeople;
  cards: DingtalkCards;
  webhooks: SessionWebhooks;
  download(downloadCode: string): Promise<{ data: Uint8Array; mime: string | undefined }>;
  /** Answers a one-to-one chat, which the bot does not serve. */
  answerDirect(webhookUrl: string): Promise<void>;
  ack(frame: DWClientDownStream, response?: unknown): void;
  log: Logger;
  /** Conversation ids served. */
  chats: ReadonlySet<string>;
}

function parse<T>(frame: DWClientDownStream): T | null {
  if (typeof frame.data !== "string" || frame.data.length > MAX_CALLBACK_CHARS) return null;
  try {
    const v = JSON.parse(frame.data) as unknown;
    return typeof v === "object" && v !== null ? (v as T) : null;
  } catch {
    return null;
  }
}

export class DingtalkIntake {
  readonly seen = new SeenIds(Date.now, SEEN_TTL_MS, SEEN_MAX);
  /** Chats and senders already named in the log, so an admin can find their ids (once each). */
  private readonly ignoredChats = new Set<string>();
  private readonly namedStrangers = new Set<string>();

  constructor(private readonly deps: DingtalkIntakeDeps) {}

  serves(conversationId: string): boolean {
    return this.deps.chats.has(conversationId);
  }

  /** TOPIC_ROBOT: a message that @ the robot (or any message in a one-to-one chat). */
  async onRobotMessage(frame: DWClientDownStream): Promise<void> {
    const { log } = this.deps;
    const msg = parse<RobotMessage>(frame);
    const streamId = frame.headers?.messageId ?? "";
    if (!msg?.msgId || !msg.conversationId) {
      log.warn({ streamId }, "DingTalk robot callback without msgId or conversationId; ignored");
      this.deps.ack(frame);
      return;
    }
    const ids = [`stream:${streamId}`, `msg:${msg.msgId}`].filter((id) => id !== "stream:");
    if (ids.some((id) => !this.seen.add(id))) {
      log.debug({ msgId: msg.msgId, streamId }, "DingTalk message already received; acknowledged again");
      this.deps.ack(frame);
      return;
    }
    try {
      await this.handle(msg);
      this.deps.ack(frame);
    } catch (err) {
      for (const id of ids) this.seen.delete(id);
      log.error(
        { err, msgId: msg.msgId },
        "storing a DingTalk message failed; left unacknowledged for redelivery",
      );
    }
  }

  private async handle(msg: RobotMessage): Promise<void> {
    const { deps } = this;
    const conversationId = msg.conversationId ?? "";
    if (msg.conversationType === "1") {
      if (msg.sessionWebhook)
        await deps
          .answerDirect(msg.sessionWebhook)
          .catch((err: unknown) => deps.log.warn({ err }, "answering a one-to-one chat failed"));
      return;
    }
    if (!this.serves(conversationId)) {
      if (!this.ignoredChats.has(conversationId)) {
        this.ignoredChats.add(conversationId);
        deps.log.info({ conversationId, title: msg.conversationTitle }, DINGTALK_TEXT.chatIgnored);
      }
      return;
    }
    deps.webhooks.remember(
      msg.msgId ?? "",
      conversationId,
      msg.sessionWebhook,
      msg.sessionWebhookExpiredTime,
    );
    this.nameStranger(msg);
    const read = readRobotMessage(msg);
    const images: InboundImage[] = [];
    for (const code of read.downloadCodes.slice(0, MAX_IMAGES_PER_MESSAGE))
      images.push(await this.downloadImage(msg.msgId ?? "", code));
    const result = await deps.inbox.ingest(toInboundMessage(msg, read, images, deps.people));
    if (result.dropped)
      deps.log.warn({ msgId: msg.msgId, reason: result.dropped }, "DingTalk message refused by the inbox");
  }

  /** TOPIC_CARD: a button press on one of the bot's cards, run as the presser's command. */
  async onCardCallback(frame: DWClientDownStream): Promise<void> {
    const { log, inbox, people, cards } = this.deps;
    const cb = parse<CardCallback>(frame);
    const streamId = frame.headers?.messageId ?? "";
    const button = cb ? readButtonId(pressedButton(cb)) : null;
    const command = button ? commandFor(button.type, BUTTON_ACTIONS) : null;
    if (!cb?.outTrackId || !cb.userId || !button || !command) {
      log.warn({ streamId }, "DingTalk card callback not from one of the bot's buttons; ignored");
      this.deps.ack(frame, {});
      return;
    }
    const pressId = `${cb.outTrackId}#${streamId}`;
    if (!this.seen.add(`press:${pressId}`)) {
      this.deps.ack(frame, {});
      return;
    }
    try {
      const chatId = await cards.chatOfCard(cb.outTrackId);
      if (!chatId || !this.serves(chatId.replace(/^dingtalk:/, ""))) {
        log.warn(
          { outTrackId: cb.outTrackId },
          "DingTalk button pressed on a card the bot did not send to a served group; ignored",
        );
        this.deps.ack(frame, {});
        return;
      }
      const person = people.byUserId(cb.userId);
      const inbound: InboundMessage = {
        channel: "dingtalk",
        chatId,
        messageId: pressId,
        sender: {
          key: `dingtalk:${cb.userId}`,
          name: person?.name ?? DINGTALK_TEXT.unknownUser,
          dingtalkId: cb.userId,
        },
        text: `${command} ${button.caseNumber}`,
        mentionsBot: true,
        mentions: [],
        images: [],
        replyTo: cb.outTrackId,
        sentAt: new Date(),
        raw: {
          event: "card.callback",
          outTrackId: cb.outTrackId,
          button: button.type,
          case: button.caseNumber,
          userId: cb.userId,
        },
      };
      const stored = await inbox.ingest(inbound);
      if (stored.inboxId === undefined)
        log.warn({ reason: stored.dropped, pressId }, "button press not stored");
      this.deps.ack(frame, {});
    } catch (err) {
      this.seen.delete(`press:${pressId}`);
      log.error({ err, pressId }, "handling a DingTalk button press failed; left unacknowledged");
    }
  }

  private nameStranger(msg: RobotMessage): void {
    const key = senderKey(msg);
    if (this.namedStrangers.has(key)) return;
    const staffId = msg.senderStaffId;
    if (staffId && this.deps.people.byUserId(staffId)) return;
    this.namedStrangers.add(key);
    this.deps.log.info(
      { userId: staffId, nick: msg.senderNick, conversationId: msg.conversationId },
      staffId ? DINGTALK_TEXT.strangerLogged : DINGTALK_TEXT.outsider,
    );
  }

  /**
   * Downloads one photo with a few tries (its download code is short-lived). If it cannot be had, an
   * empty image stands in: the inbox counts it as not an image and the bot asks for it again.
   */
  private async downloadImage(msgId: string, code: string): Promise<InboundImage> {
    for (let attempt = 1; ; attempt++) {
      try {
        const file = await this.deps.download(code);
        return { data: file.data, ...(file.mime ? { mime: file.mime } : {}) };
      } catch (err) {
        if (attempt >= DOWNLOAD_TRIES) {
          this.deps.log.error({ err, msgId }, "downloading a DingTalk photo failed");
          return { data: new Uint8Array(0) };
        }
        await new Promise((r) => setTimeout(r, DOWNLOAD_RETRY_MS * attempt));
      }
    }
  }
}
