/**
 * Channel "dingtalk": sends outbox messages into DingTalk groups, within DingTalk's rules
 * (docs/dingtalk.md §7): a reply goes through the answered message's session webhook while it is
 * valid, and @-mentions people by userid; anything else goes through the robot group-message API,
 * which cannot @ anyone — so an assignment, reminder or escalation sent that way also reaches its
 * chiefs one-to-one. A message with buttons about a case becomes an interactive card when a card
 * template is configured. Photos and charts are uploaded and shown in the markdown.
 */
import { createHash } from "node:crypto";
import type { Logger } from "pino";
import type { Channel } from "../../src/core/ports.ts";
import type { OutboundMessage } from "../../src/core/types.ts";
import { ChannelSendError } from "../../src/notify/channel-error.ts";
import type { DingtalkApi } from "./dingtalk-api.ts";
import { cardBody } from "./dingtalk-card.ts";
import { DingtalkApiError } from "./dingtalk-errors.ts";
import type { DingtalkMediaSource, DingtalkPeople } from "./dingtalk-ports.ts";
import type { DingtalkApiName, DingtalkRateLimiter } from "./dingtalk-rate-limiter.ts";
import { renderMarkdown } from "./dingtalk-render.ts";
import { DINGTALK_TEXT } from "./dingtalk-text.ts";
import type { SessionWebhooks } from "./dingtalk-webhooks.ts";

/** Kinds that must reach their chief even where the group message cannot @ them. */
export const DIRECT_KINDS: ReadonlySet<string> = new Set(["assignment", "reminder", "escalation"]);
/** Uploaded media ids are kept this long (DingTalk keeps them about three days: not verified). */
const MEDIA_ID_TTL_MS = 24 * 60 * 60 * 1000;
/** The monthly API quota is used up: waiting minutes cannot help, so the row waits long. */
const QUOTA_RETRY_MS = 30 * 60_000;
const CACHE_MAX = 2_000;

export interface DingtalkChannelOptions {
  api: DingtalkApi;
  limiter: DingtalkRateLimiter;
  webhooks: SessionWebhooks;
  people: DingtalkPeople;
  media: DingtalkMediaSource;
  log: Logger;
  cardTemplateId: string | null;
}

/** "dingtalk:cidX==" → "cidX==". */
export function conversationIdOf(chatId: string): string {
  return chatId.startsWith("dingtalk:") ? chatId.slice("dingtalk:".length) : chatId;
}

/** A stable id derived from the outbox key (card outTrackId, webhook message id). */
export function stableId(prefix: string, idempotencyKey: string): string {
  return `${prefix}${createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 32)}`;
}

/** What was already sent for an outbox row, so a retry after a partial failure sends only the rest. */
interface Progress {
  main?: { id: string; canAt: boolean };
  directDone?: boolean;
}

export class DingtalkChannel implements Channel {
  readonly name = "dingtalk";
  private readonly mediaIds = new Map<string, { id: string; at: number }>();
  private readonly progress = new Map<string, Progress>();

  constructor(private readonly opts: DingtalkChannelOptions) {}

  async send(
    message: OutboundMessage,
    options: { idempotencyKey: string },
  ): Promise<{ platformMessageId: string }> {
    const key = options.idempotencyKey;
    const conversationId = conversationIdOf(message.chatId);
    const progress = this.progress.get(key) ?? {};
    this.remember(this.progress, key, progress);
    if (!progress.main) progress.main = await this.sendMain(message, conversationId, key);
    const userIds = this.userIds(message);
    if (
      !progress.main.canAt &&
      DIRECT_KINDS.has(message.kind) &&
      userIds.length > 0 &&
      !progress.directDone
    ) {
      await this.sendDirect(message, userIds);
      progress.directDone = true;
    }
    this.progress.delete(key);
    return { platformMessageId: progress.main.id };
  }

  /** Sends a one-off answer outside the outbox (the hint for one-to-one chats) through a webhook. */
  async replyText(webhookUrl: string, text: string): Promise<void> {
    await this.opts.api.sendBySession(webhookUrl, { msgtype: "text", text: { content: text } });
  }

  private async sendMain(message: OutboundMessage, conversationId: string, key: string) {
    const { cardTemplateId, webhooks, log } = this.opts;
    const mediaIds = await this.upload(message.imageHashes ?? []);
    if (cardTemplateId && message.caseNumber && message.actions?.length) {
      try {
        return await this.sendCard(
          message,
          conversationId,
          key,
          cardTemplateId,
          message.caseNumber,
          mediaIds,
        );
      } catch (err) {
        if (!(err instanceof ChannelSendError) || !err.permanent) throw err;
        // A card DingTalk refuses for good (template missing or malformed): the text still goes out.
        log.warn({ err }, "interactive card refused; sending it as text with the commands to type");
      }
    }
    const replyTo = message.replyTo?.split("#")[0];
    const webhook = webhooks.forReply(replyTo, conversationId);
    if (webhook && replyTo) {
      const r = renderMarkdown(message, { ...this.renderOpts(true, mediaIds), typedActions: true });
      try {
        await this.limited("session", conversationId, () =>
          this.opts.api.sendBySession(webhook, {
            msgtype: "markdown",
            markdown: { title: r.title, text: r.markdown },
            at: { atUserIds: r.atUserIds, isAtAll: false },
          }),
        );
        return { id: stableId("wh", key), canAt: true };
      } catch (err) {
        if (err instanceof ChannelSendError && err.code === "dingtalk_rate_limited") throw err;
        // An expired or refused webhook: the group-message API still reaches the group.
        webhooks.forget(replyTo);
        log.info({ err, replyTo }, "session webhook refused; sending through the group-message API");
      }
    }
    const r = renderMarkdown(message, { ...this.renderOpts(false, mediaIds), typedActions: true });
    const id = await this.limited("group", conversationId, () =>
      this.opts.api.sendGroup(conversationId, "sampleMarkdown", { title: r.title, text: r.markdown }),
    );
    return { id: id || stableId("gm", key), canAt: false };
  }

  private async sendCard(
    message: OutboundMessage,
    conversationId: string,
    key: string,
    templateId: string,
    caseNumber: string,
    mediaIds: string[],
  ) {
    const outTrackId = stableId("lz", key);
    // Card markdown does not turn "@userid" into a mention: the delivery's atUserIds does.
    const r = renderMarkdown(message, { ...this.renderOpts(false, mediaIds), typedActions: false });
    const at = r.atUserIds.map((userId) => ({ userId, name: this.nameOf(message, userId) }));
    const body = cardBody({
      templateId,
      outTrackId,
      conversationId,
      robotCode: this.opts.api.robotCode,
      title: r.title,
      markdown: r.markdown,
      actions: message.actions ?? [],
      caseNumber,
      at,
    });
    await this.limited("card", conversationId, () => this.opts.api.createAndDeliverCard(body));
    return { id: outTrackId, canAt: true };
  }

  /** The one-to-one copy for the chiefs a group message could not @. */
  private async sendDirect(message: OutboundMessage, userIds: string[]): Promise<void> {
    const r = renderMarkdown(message, { ...this.renderOpts(false, []), typedActions: true });
    const result = await this.limited("oto", null, () =>
      this.opts.api.sendOneToOne(userIds, "sampleMarkdown", {
        title: r.title,
        text: DINGTALK_TEXT.directCopy(r.markdown),
      }),
    );
    if (result.invalidStaffIds.length > 0 || result.flowControlledStaffIds.length > 0)
      this.opts.log.warn(
        {
          invalid: result.invalidStaffIds,
          flowControlled: result.flowControlledStaffIds,
          kind: message.kind,
        },
        "one-to-one copy not delivered to everyone (check the 钉钉ID column of the roster)",
      );
  }

  private renderOpts(canAt: boolean, mediaIds: string[]) {
    return { userIdOf: (personId: string) => this.opts.people.userIdOf(personId), canAt, mediaIds };
  }

  private userIds(message: OutboundMessage): string[] {
    const ids = message.mentions.map((m) => this.opts.people.userIdOf(m.personId));
    return [...new Set(ids.filter((id): id is string => Boolean(id)))];
  }

  private nameOf(message: OutboundMessage, userId: string): string {
    return message.mentions.find((m) => this.opts.people.userIdOf(m.personId) === userId)?.name ?? "";
  }

  /** Media ids of stored photos and charts, uploading each once a day. Missing media is skipped. */
  private async upload(hashes: readonly string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const hash of hashes) {
      const cached = this.mediaIds.get(hash);
      if (cached && Date.now() - cached.at < MEDIA_ID_TTL_MS) {
        ids.push(cached.id);
        continue;
      }
      const media = await this.opts.media.read(hash);
      if (!media) {
        this.opts.log.warn({ hash }, "media to send is missing from the store");
        continue;
      }
      const ext = media.mime.split("/")[1] ?? "jpg";
      const id = await this.limited("upload", null, () =>
        this.opts.api.uploadImage(media.data, `${hash.slice(0, 16)}.${ext}`, media.mime),
      );
      this.remember(this.mediaIds, hash, { id, at: Date.now() });
      ids.push(id);
    }
    return ids;
  }

  private async limited<T>(
    api: DingtalkApiName,
    conversationId: string | null,
    fn: () => Promise<T>,
  ): Promise<T> {
    const { limiter } = this.opts;
    const permit = await (conversationId
      ? limiter.acquireGroupSend(api, conversationId)
      : limiter.acquire(api));
    try {
      return await fn();
    } catch (err) {
      throw this.sendError(api, err);
    } finally {
      permit.done();
    }
  }

  /** Maps a DingTalk failure to what the outbox needs: when to retry, or that retrying is useless. */
  private sendError(api: DingtalkApiName, err: unknown): ChannelSendError {
    if (err instanceof ChannelSendError) return err;
    const e =
      err instanceof DingtalkApiError
        ? err
        : new DingtalkApiError(err instanceof Error ? err.message : String(err), {
            code: "",
            httpStatus: 0,
            cause: err,
          });
    if (e.rateLimited) {
      this.opts.limiter.pause(api);
      return new ChannelSendError(e.message, {
        code: "dingtalk_rate_limited",
        retryAfterMs: 1_000,
        cause: e,
      });
    }
    const fix = e.fix ? `（${e.fix}）` : "";
    if (e.quotaExhausted)
      return new ChannelSendError(`${e.message}${fix}`, {
        code: `dingtalk_${e.code}`,
        retryAfterMs: QUOTA_RETRY_MS,
        cause: e,
      });
    return new ChannelSendError(`${api}: ${e.message}${fix}`, {
      code: `dingtalk_${e.code || "network"}`,
      permanent: e.permanent,
      cause: e,
    });
  }

  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > CACHE_MAX) {
      const oldest = map.keys().next().value;
      if (oldest !== undefined) map.delete(oldest);
    }
  }
}
