/**
 * Channel "lark": sends outbox messages into Lark groups. Replies quote the message they answer (in a
 * topic group Lark keeps them in its topic); people are @-mentioned as `<at user_id>`; a message
 * with buttons becomes a case card;
 * photos and charts are uploaded first. Every send waits for its slot in the group and app windows,
 * carries the outbox idempotency key as Lark's `uuid`, and, when it concerns a case, brings that
 * case's earlier cards up to date.
 */
import { createHash } from "node:crypto";
import type { Logger } from "pino";
import type { Channel } from "../../src/core/ports.ts";
import type { OutboundMessage } from "../../src/core/types.ts";
import { ChannelSendError } from "../../src/notify/channel-error.ts";
import type { MessageType } from "./lark-api.ts";
import { caseCard, textCard } from "./lark-card.ts";
import { postContent, textContent } from "./lark-content.ts";
import { type LarkApiError, OPERATOR_FIXES, REPLY_TARGET_GONE_CODES, toLarkApiError } from "./lark-errors.ts";
import type { CaseCardView, LarkCaseSource, LarkMediaSource } from "./lark-ports.ts";
import { ANSWER_GRACE_MS, type PressRegistry, threadTarget } from "./lark-presses.ts";
import type { LarkRateLimiter, Permit } from "./lark-rate-limiter.ts";

/** Lark keeps a `uuid` for deduplication up to 50 characters. */
export const LARK_UUID_MAX = 50;
/** Lark updates only messages younger than 14 days. */
export const PATCH_MAX_AGE_MS = 14 * 24 * 60 * 60 * 1000;
/** Remembered image keys and card renders; both are only caches. */
const CACHE_MAX = 2_000;
/** A refresh held back by an open press runs this long after the press's grace period. */
const REFRESH_MARGIN_MS = 500;

/** The Lark calls the channel makes (LarkApi in production). */
export interface LarkSendApi {
  createMessage(m: { chatId: string; msgType: MessageType; content: string; uuid: string }): Promise<string>;
  replyMessage(m: {
    messageId: string;
    msgType: MessageType;
    content: string;
    uuid: string;
  }): Promise<string>;
  patchMessage(messageId: string, content: string): Promise<void>;
  urgentApp(messageId: string, openIds: string[]): Promise<string[]>;
  uploadImage(data: Uint8Array, fileName: string, mime?: string): Promise<string>;
}

export interface LarkChannelOptions {
  api: LarkSendApi;
  limiter: LarkRateLimiter;
  cases: LarkCaseSource;
  media: LarkMediaSource;
  presses: PressRegistry;
  log: Logger;
  /** Make messages about overdue (red) cases urgent (加急) for the people they mention. */
  urgentOverdue: boolean;
}

/** The outbox idempotency key as a Lark uuid: itself if short enough, else its hash. */
export function larkUuid(idempotencyKey: string): string {
  if (idempotencyKey.length <= LARK_UUID_MAX) return idempotencyKey;
  return `h-${createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 40)}`;
}

/** "lark:oc_x" → "oc_x". */
export function larkChatId(chatId: string): string {
  return chatId.startsWith("lark:") ? chatId.slice(5) : chatId;
}

class BoundedMap<V> extends Map<string, V> {
  override set(key: string, value: V): this {
    this.delete(key);
    super.set(key, value);
    if (this.size > CACHE_MAX) {
      const oldest = this.keys().next().value;
      if (oldest !== undefined) this.delete(oldest);
    }
    return this;
  }
}

interface Rendered {
  msgType: MessageType;
  content: string;
}

export class LarkChannel implements Channel {
  readonly name = "lark";
  private readonly imageKeys = new BoundedMap<string>();
  /** Card content last sent or patched, per message id, so unchanged cards are not patched. */
  private readonly rendered = new BoundedMap<string>();
  /** Cases whose cards wait for an open press to be answered before they are patched. */
  private readonly pendingRefresh = new Set<string>();

  constructor(private readonly opts: LarkChannelOptions) {}

  async send(
    message: OutboundMessage,
    options: { idempotencyKey: string },
  ): Promise<{ platformMessageId: string }> {
    const { log, presses } = this.opts;
    if (presses.shouldSuppress(message)) {
      log.debug({ key: options.idempotencyKey }, "refusal shown as a toast; not posted");
      return { platformMessageId: `toast:${options.idempotencyKey}` };
    }
    const chatId = larkChatId(message.chatId);
    const view = message.caseNumber ? await this.opts.cases.view(message.caseNumber) : null;
    const body = await this.render(message, view);
    const messageId = await this.deliver(
      chatId,
      threadTarget(message.replyTo),
      body,
      larkUuid(options.idempotencyKey),
    );
    if (body.msgType === "interactive") this.rendered.set(messageId, body.content);
    await this.afterSend(message, view, messageId);
    return { platformMessageId: messageId };
  }

  /** Sends a one-off answer outside the outbox (the hint for direct chats), within the limits. */
  async sendText(chatId: string, text: string, uuid: string, replyTo?: string): Promise<string> {
    return this.deliver(chatId, replyTo, { msgType: "text", content: textContent(text, []) }, larkUuid(uuid));
  }

  /** Re-renders every card of the case and patches those whose content changed. Never throws. */
  async refreshCase(caseNumber: string, except?: string, known?: CaseCardView | null): Promise<number> {
    const { cases, log } = this.opts;
    let patched = 0;
    try {
      const view = known ?? (await cases.view(caseNumber));
      if (!view) return 0;
      for (const card of await cases.cards(caseNumber)) {
        if (card.messageId === except || Date.now() - card.sentAt.getTime() > PATCH_MAX_AGE_MS) continue;
        // Its callback's answer carries the new card; a patch now could be undone by Lark.
        if (this.opts.presses.isCardOpen(card.messageId)) {
          this.refreshLater(caseNumber);
          continue;
        }
        const content = JSON.stringify(await this.caseCardJson(view, card.mentions));
        if (this.rendered.get(card.messageId) === content) continue;
        const permit = await this.opts.limiter.acquirePatch(card.messageId);
        try {
          await this.opts.api.patchMessage(card.messageId, content);
          this.rendered.set(card.messageId, content);
          patched += 1;
        } catch (err) {
          log.warn(
            { err: toLarkApiError("message patch", err), caseNumber, messageId: card.messageId },
            "updating a case card failed",
          );
        } finally {
          permit.done();
        }
      }
    } catch (err) {
      log.warn({ err, caseNumber }, "refreshing case cards failed");
    }
    return patched;
  }

  /** Refreshes the case's cards again once open presses are answered (one timer per case). */
  private refreshLater(caseNumber: string): void {
    if (this.pendingRefresh.has(caseNumber)) return;
    this.pendingRefresh.add(caseNumber);
    setTimeout(() => {
      this.pendingRefresh.delete(caseNumber);
      void this.refreshCase(caseNumber);
    }, ANSWER_GRACE_MS + REFRESH_MARGIN_MS).unref();
  }

  /**
   * The pressed card as it should look now, for the callback's answer (`card: {type: "raw", data}`),
   * remembered as rendered so it is not patched again. Null when it is not one of the case's cards.
   */
  async pressedCard(caseNumber: string, cardId: string): Promise<Record<string, unknown> | null> {
    const view = await this.opts.cases.view(caseNumber);
    if (!view) return null;
    const card = (await this.opts.cases.cards(caseNumber)).find((c) => c.messageId === cardId);
    if (!card) return null;
    const json = await this.caseCardJson(view, card.mentions);
    this.rendered.set(cardId, JSON.stringify(json));
    return json;
  }

  private async render(message: OutboundMessage, view: CaseCardView | null): Promise<Rendered> {
    if (message.actions && message.actions.length > 0) {
      const card = view
        ? await this.caseCardJson(view, message.mentions)
        : textCard({
            text: message.text,
            mentions: message.mentions,
            actions: message.actions,
            ...(message.caseNumber ? { caseNumber: message.caseNumber } : {}),
          });
      return { msgType: "interactive", content: JSON.stringify(card) };
    }
    if (message.imageHashes && message.imageHashes.length > 0) {
      const keys: string[] = [];
      // A chart or photo is the point of such a message: a failed upload fails the send (retried).
      for (const hash of message.imageHashes) {
        const key = await this.imageKey(hash);
        if (key) keys.push(key);
      }
      return { msgType: "post", content: postContent(message.text, message.mentions, keys) };
    }
    return { msgType: "text", content: textContent(message.text, message.mentions) };
  }

  private async caseCardJson(view: CaseCardView, mentions: OutboundMessage["mentions"]) {
    const showAfter =
      view.afterPhotos.length > 0 && (view.state === "awaiting_check" || view.state === "closed");
    const hash = showAfter ? view.afterPhotos.at(-1) : view.beforePhotos[0];
    let photoKey: string | null = null;
    if (hash) {
      try {
        photoKey = await this.imageKey(hash);
      } catch (err) {
        // The card still goes out; the next refresh adds the photo once the upload works.
        this.opts.log.warn(
          { err, caseNumber: view.number },
          "uploading the case photo failed; card sent without it",
        );
      }
    }
    return caseCard({ view, mentions, photoKey, photoIsAfter: showAfter });
  }

  /** The image_key of a stored photo or chart, uploading it once. Null if the media is gone. */
  private async imageKey(hash: string): Promise<string | null> {
    const cached = this.imageKeys.get(hash);
    if (cached) return cached;
    const media = await this.opts.media.read(hash);
    if (!media) {
      this.opts.log.warn({ hash }, "media to send is missing from the store");
      return null;
    }
    const ext = media.mime.split("/")[1] ?? "jpg";
    const key = await this.limited(this.opts.limiter.acquireApi(), "image upload", () =>
      this.opts.api.uploadImage(media.data, `${hash.slice(0, 16)}.${ext}`, media.mime),
    );
    this.imageKeys.set(hash, key);
    return key;
  }

  private async limited<T>(slot: Promise<Permit>, what: string, fn: () => Promise<T>): Promise<T> {
    const permit = await slot;
    try {
      return await fn();
    } catch (err) {
      throw this.sendError(what, toLarkApiError(what, err), null);
    } finally {
      permit.done();
    }
  }

  /** One message, as a (quote) reply or into the group, inside the group's and app's limits. */
  private async deliver(
    chatId: string,
    replyTo: string | undefined,
    body: Rendered,
    uuid: string,
  ): Promise<string> {
    const { api, limiter } = this.opts;
    const permit = await limiter.acquireSend(chatId);
    let error: LarkApiError;
    try {
      const id = replyTo
        ? await api.replyMessage({ messageId: replyTo, ...body, uuid })
        : await api.createMessage({ chatId, ...body, uuid });
      limiter.sent(chatId);
      return id;
    } catch (err) {
      error = toLarkApiError(replyTo ? "message reply" : "message create", err);
    } finally {
      permit.done();
    }
    if (replyTo && REPLY_TARGET_GONE_CODES.has(error.code)) {
      this.opts.log.info(
        { replyTo, code: error.code },
        "message to reply to is gone; sending into the group",
      );
      return this.deliver(chatId, undefined, body, uuid);
    }
    throw this.sendError("send", error, chatId);
  }

  /** Maps a Lark failure to what the outbox needs: when to retry, or that retrying is useless. */
  private sendError(what: string, e: LarkApiError, chatId: string | null): ChannelSendError {
    const { limiter } = this.opts;
    if (e.rateLimited) {
      const ms = e.retryAfterMs ?? 1_000;
      limiter.pauseApp(ms);
      return new ChannelSendError(e.message, { code: "lark_rate_limited", retryAfterMs: ms, cause: e });
    }
    if (e.frequencyLimited && chatId) {
      const ms = limiter.frequencyLimited(chatId);
      return new ChannelSendError(e.message, { code: "lark_frequency_limited", retryAfterMs: ms, cause: e });
    }
    const fix = OPERATOR_FIXES.get(e.code);
    return new ChannelSendError(`${what}: ${e.message}${fix ? `（${fix}）` : ""}`, {
      code: `lark_${e.code}`,
      permanent: e.permanent,
      cause: e,
    });
  }

  private async afterSend(
    message: OutboundMessage,
    view: CaseCardView | null,
    messageId: string,
  ): Promise<void> {
    const { log } = this.opts;
    if (this.opts.urgentOverdue && view?.light === "red") {
      const openIds = message.mentions.map((m) => m.larkOpenId).filter((id): id is string => Boolean(id));
      if (openIds.length > 0) {
        try {
          const permit = await this.opts.limiter.acquireApi();
          try {
            const refused = await this.opts.api.urgentApp(messageId, openIds);
            log.info(
              { caseNumber: view.number, messageId, people: openIds.length, refused },
              "overdue case message made urgent",
            );
          } finally {
            permit.done();
          }
        } catch (err) {
          log.warn({ err: toLarkApiError("urgent", err), messageId }, "making the message urgent failed");
        }
      }
    }
    if (message.caseNumber) await this.refreshCase(message.caseNumber, messageId, view);
  }
}
