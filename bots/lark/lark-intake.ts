/**
 * What the bot does with Lark events, whichever way they arrive (long connection or webhook):
 * messages go into the inbox (each event id once), button presses run the button's command through
 * the inbox as a reply to the card and answer within Lark's 3 seconds with a toast and the card as
 * it is now (`card: {type: "raw", data}`); when that cannot be ready in time, the card is patched
 * only after the answer.
 */
import type { Logger } from "pino";
import type { InboundMessage } from "../../src/core/types.ts";
import { readButtonValue } from "./lark-card.ts";
import { type LarkMessageEvent, readMessage, senderName, toInboundMessage } from "./lark-inbound.ts";
import type { InboundOutcome, LarkCaseSource, LarkInbox, LarkPeople } from "./lark-ports.ts";
import { type PressRegistry, pressMessageId } from "./lark-presses.ts";
import { SeenIds } from "./lark-seen-ids.ts";
import { LARK_TEXT } from "./lark-text.ts";

/** Lark waits 3 s for an answer; a message is acknowledged by then even if its photos still load. */
export const ACK_BUDGET_MS = 2_000;
/** A press is answered within this, leaving room for the network inside Lark's 3 s. */
export const CARD_TOAST_BUDGET_MS = 2_500;
/** Toasts are one short line. */
const TOAST_MAX_CHARS = 80;
/** A card the answer could not carry is patched this long after the answer (ANSWER_GRACE_MS and a margin). */
export const PATCH_AFTER_ANSWER_MS = 1_500;

export type ToastType = "success" | "error" | "warning" | "info";
export interface CardActionResponse {
  toast: { type: ToastType; content: string };
  /** The pressed card as it is now: Lark shows it in place of the old one. */
  card?: { type: "raw"; data: Record<string, unknown> };
}

/** The fields of card.action.trigger the bot reads (flattened by the SDK). */
export interface LarkCardActionEvent {
  event_id?: string;
  token?: string;
  create_time?: string;
  operator?: { open_id?: string };
  action?: { value?: unknown; tag?: string };
  context?: { open_message_id?: string; open_chat_id?: string };
  open_message_id?: string;
  open_chat_id?: string;
}

export interface LarkIntakeDeps {
  inbox: LarkInbox;
  people: LarkPeople;
  cases: Pick<LarkCaseSource, "isBotMessage">;
  presses: PressRegistry;
  download(messageId: string, fileKey: string): Promise<Uint8Array>;
  /** Answers a direct (one-to-one) chat, which the bot does not serve. */
  answerDirect(chatId: string, messageId: string): Promise<void>;
  log: Logger;
  botName: string;
  /** Lark chat ids served; null serves every group the bot is in. */
  chats: ReadonlySet<string> | null;
  /** The pressed case card as it should look now (null: not one of the case's cards). */
  pressedCard?(caseNumber: string, cardId: string): Promise<Record<string, unknown> | null>;
  /** Brings a case's cards up to date (after the press was answered without its card). */
  refreshCase?(caseNumber: string): void;
}

/** `work`'s outcome, or "late" after `ms` (the timer is cleared as soon as the work is done). */
async function within(work: Promise<unknown>, ms: number): Promise<"done" | "late"> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work.then(() => "done" as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

function toast(type: ToastType, content: string): CardActionResponse {
  const line = content.replace(/\s+/g, " ").trim();
  return {
    toast: { type, content: line.length > TOAST_MAX_CHARS ? `${line.slice(0, TOAST_MAX_CHARS - 1)}…` : line },
  };
}

export class LarkIntake {
  /** Set once bot info is known; until then the bot's mention is recognised by name. */
  botOpenId: string | null = null;
  readonly seen = new SeenIds();
  private readonly ignoredChats = new Set<string>();
  /** Chats and senders already named in the log, so an admin can find their ids (once each). */
  private readonly namedChats = new Set<string>();
  private readonly namedStrangers = new Set<string>();
  private readonly background = new Set<Promise<unknown>>();

  constructor(private readonly deps: LarkIntakeDeps) {}

  /** Whether the bot serves group `chatId`. */
  serves(chatId: string): boolean {
    return this.deps.chats === null || this.deps.chats.has(chatId);
  }

  /**
   * im.message.receive_v1. Resolves once the message is in the inbox or the ack budget is spent
   * (the work then goes on). Throws only if storing failed within the budget, so Lark delivers again.
   */
  async onMessage(event: LarkMessageEvent): Promise<void> {
    const eventId = event.event_id ?? event.message?.message_id;
    if (eventId && !this.seen.add(eventId)) {
      this.deps.log.debug({ eventId }, "Lark event already received; ignored");
      return;
    }
    const work = this.handleMessage(event).catch((err: unknown) => {
      if (eventId) this.seen.delete(eventId);
      throw err;
    });
    this.track(work);
    if ((await within(work, ACK_BUDGET_MS)) === "late")
      this.deps.log.info({ eventId }, "Lark message acknowledged before its photos were stored");
  }

  private async handleMessage(event: LarkMessageEvent): Promise<void> {
    const deps = this.deps;
    const log = deps.log;
    const msg = event.message;
    if (!msg?.message_id || !msg.chat_id) {
      log.warn({ eventId: event.event_id }, "Lark message event without message or chat id; ignored");
      return;
    }
    if (event.sender?.sender_type && event.sender.sender_type !== "user") return;
    if (msg.chat_type === "p2p") {
      await deps.answerDirect(msg.chat_id, msg.message_id);
      return;
    }
    if (!this.serves(msg.chat_id)) {
      if (!this.ignoredChats.has(msg.chat_id)) {
        this.ignoredChats.add(msg.chat_id);
        log.info(
          { chatId: msg.chat_id },
          "飞书群不在 LARK_CHATS 中，消息已忽略（如需服务该群，请加入 LARK_CHATS）",
        );
      }
      return;
    }
    if (!this.namedChats.has(msg.chat_id)) {
      this.namedChats.add(msg.chat_id);
      log.info({ chatId: msg.chat_id, configured: deps.chats !== null }, "收到飞书群的消息");
    }
    const senderId = event.sender?.sender_id?.open_id;
    if (senderId && !deps.people.byOpenId(senderId) && !this.namedStrangers.has(senderId)) {
      this.namedStrangers.add(senderId);
      log.info(
        { openId: senderId, chatId: msg.chat_id },
        "飞书用户不在名册中（名册的飞书 open_id 列没有此人），按普通上报人处理",
      );
    }
    const ctx = {
      botOpenId: this.botOpenId,
      botName: deps.botName,
      people: deps.people,
      download: deps.download,
      log,
    };
    const { mentionsBot, parsed } = readMessage(event, ctx);
    const replyTo = msg.parent_id || msg.root_id;
    // With the "all group messages" scope Lark sends everything: keep what is for the bot (mentions,
    // replies to its messages) and photos (the conversation pairs them); leave people's chatter alone.
    if (
      !mentionsBot &&
      parsed.imageKeys.length === 0 &&
      !(replyTo && (await deps.cases.isBotMessage(replyTo)))
    ) {
      log.debug({ messageId: msg.message_id }, "Lark group message not for the bot; not stored");
      return;
    }
    const inbound = await toInboundMessage(event, ctx);
    const result = await deps.inbox.ingest(inbound);
    if (result.dropped)
      log.warn({ messageId: msg.message_id, reason: result.dropped }, "Lark message refused by the inbox");
  }

  /** card.action.trigger: run the button's command as the presser, answer with a toast. */
  async onCardAction(event: LarkCardActionEvent): Promise<CardActionResponse> {
    const started = Date.now();
    const { log, inbox, presses } = this.deps;
    const value = readButtonValue(event.action?.value);
    const cardId = event.context?.open_message_id ?? event.open_message_id;
    const chatId = event.context?.open_chat_id ?? event.open_chat_id;
    const openId = event.operator?.open_id;
    if (!value || !cardId || !chatId || !openId) return toast("error", LARK_TEXT.unknownButton);
    if (!this.serves(chatId)) return toast("error", LARK_TEXT.chatNotServed);
    const eventId = event.event_id ?? event.token ?? `${openId}-${started}`;
    const createdMs = Number(event.create_time);
    const inbound: InboundMessage = {
      channel: "lark",
      chatId: `lark:${chatId}`,
      messageId: pressMessageId(cardId, eventId),
      sender: { key: `lark:${openId}`, name: senderName(this.deps.people, openId), larkOpenId: openId },
      text: value.command,
      mentionsBot: true,
      mentions: [],
      images: [],
      replyTo: cardId,
      // Lark sends microseconds in some callbacks and milliseconds in others.
      sentAt:
        Number.isFinite(createdMs) && createdMs > 0
          ? new Date(createdMs > 1e14 ? createdMs / 1000 : createdMs)
          : new Date(),
      raw: { event: "card.action.trigger", event_id: eventId, value, operator: openId, card: cardId },
    };
    presses.begin(inbound.messageId);
    try {
      const stored = await inbox.ingest(inbound);
      if (stored.inboxId === undefined) {
        presses.timedOut(inbound.messageId);
        log.warn({ reason: stored.dropped, cardId }, "button press not stored");
        return toast("error", LARK_TEXT.pressFailed);
      }
      const outcome = await inbox.outcome(
        stored.inboxId,
        Math.max(0, CARD_TOAST_BUDGET_MS - (Date.now() - started)),
      );
      if (!outcome) {
        presses.timedOut(inbound.messageId);
        this.refreshAfterAnswer(value.case);
        return toast("info", LARK_TEXT.stillWorking);
      }
      const answer = this.toastFor(outcome, inbound.messageId);
      const card = value.case
        ? await this.cardFor(value.case, cardId, CARD_TOAST_BUDGET_MS - (Date.now() - started))
        : null;
      presses.answered(inbound.messageId);
      if (card) return { ...answer, card: { type: "raw", data: card } };
      this.refreshAfterAnswer(value.case);
      return answer;
    } catch (err) {
      presses.timedOut(inbound.messageId);
      log.error({ err, cardId, command: value.command }, "handling a Lark button press failed");
      return toast("error", LARK_TEXT.pressFailed);
    }
  }

  /** The pressed card re-rendered within the time left, or null (then it is patched after the answer). */
  private async cardFor(
    caseNumber: string,
    cardId: string,
    ms: number,
  ): Promise<Record<string, unknown> | null> {
    const render = this.deps.pressedCard;
    if (!render || ms <= 0) return null;
    let card: Record<string, unknown> | null = null;
    const work = render(caseNumber, cardId).then((c) => {
      card = c;
    });
    try {
      if ((await within(work, ms)) === "late") return null;
    } catch (err) {
      this.deps.log.warn(
        { err, caseNumber },
        "rendering the pressed card failed; it is patched after the answer",
      );
      return null;
    }
    return card;
  }

  /** Patches the case's cards once the press's answer has reached Lark. */
  private refreshAfterAnswer(caseNumber: string | undefined): void {
    const refresh = this.deps.refreshCase;
    if (!caseNumber || !refresh) return;
    setTimeout(() => refresh(caseNumber), PATCH_AFTER_ANSWER_MS).unref();
  }

  /** Waits for messages still being stored after their acknowledgement (used when stopping). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.background]);
  }

  private toastFor(outcome: InboundOutcome, pressId: string): CardActionResponse {
    const reply = outcome.replies.find((r) => r.replyTo === pressId) ?? outcome.replies[0];
    if (!reply)
      return toast(
        outcome.status === "failed" ? "error" : "info",
        outcome.status === "failed" ? LARK_TEXT.pressFailed : LARK_TEXT.stillWorking,
      );
    const text = reply.text.replace(/^(@\S+\s+)+/, "").split("\n")[0] ?? "";
    const type: ToastType =
      reply.kind === "refusal" || reply.kind === "error"
        ? "error"
        : reply.kind === "question"
          ? "warning"
          : "success";
    return toast(type, text);
  }

  private track(p: Promise<unknown>): void {
    const tracked = p.catch((err: unknown) => this.deps.log.error({ err }, "storing a Lark message failed"));
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }
}
