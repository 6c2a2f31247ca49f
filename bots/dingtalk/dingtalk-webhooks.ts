/**
 * Session webhooks of received messages. A robot message carries a `sessionWebhook` the bot may post
 * its reply to (and @ people by userid) until `sessionWebhookExpiredTime`. They are kept in memory
 * only: they are credentials, and after a restart replies go through the group-message API instead.
 */

/** A webhook is not used this close to its expiry: the reply might arrive after it. */
export const WEBHOOK_EXPIRY_MARGIN_MS = 60_000;
/** Messages remembered; older ones have expired anyway (about 1.5 hours). */
const MAX_WEBHOOKS = 5_000;

interface Webhook {
  url: string;
  expiresAt: number;
  conversationId: string;
}

export class SessionWebhooks {
  private readonly byMessage = new Map<string, Webhook>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Remembers the webhook of message `msgId` in `conversationId`. */
  remember(
    msgId: string,
    conversationId: string,
    url: string | undefined,
    expiresAt: number | undefined,
  ): void {
    if (!msgId || !url || !Number.isFinite(expiresAt)) return;
    this.byMessage.delete(msgId);
    this.byMessage.set(msgId, { url, expiresAt: Number(expiresAt), conversationId });
    for (const [id, w] of this.byMessage) {
      if (this.byMessage.size <= MAX_WEBHOOKS && w.expiresAt > this.now()) break;
      this.byMessage.delete(id);
    }
  }

  /** The webhook to reply to `msgId` in `conversationId`, while it is still valid. */
  forReply(msgId: string | undefined, conversationId: string): string | null {
    if (!msgId) return null;
    const w = this.byMessage.get(msgId);
    if (!w || w.conversationId !== conversationId) return null;
    return w.expiresAt - this.now() > WEBHOOK_EXPIRY_MARGIN_MS ? w.url : null;
  }

  /** Forgets a webhook DingTalk refused (expired early, or revoked). */
  forget(msgId: string): void {
    this.byMessage.delete(msgId);
  }
}
