/** The context one inbound message is handled in: who said it, where, and how to answer. */

import type { StageCalendar } from "../core/deadline-stages.ts";
import type { Extractor } from "../core/ports.ts";
import type { RosterIndex } from "../core/roster-index.ts";
import type { TaxonomyIndex } from "../core/taxonomy.ts";
import type { Clock, OutboundAction, Person, Sender } from "../core/types.ts";
import type { CaseRecord, ConversationStore } from "./conversation-store.ts";
import type { ReportPort } from "./report-commands.ts";
import { T } from "./texts.ts";

/** An inbound message after the inbox stored it and the media store kept its photos. */
export interface StoredInbound {
  inboxId: number;
  channel: string;
  chatId: string;
  messageId: string;
  sender: Sender;
  text: string;
  mentionsBot: boolean;
  mentions: { key: string; name: string }[];
  imageHashes: string[];
  /** Attachments that were not images. */
  invalidImages: number;
  /** Voice, file, sticker …: content the bot cannot read (InboundMessage.unsupportedContent). */
  unsupportedContent?: boolean;
  replyTo?: string;
  sentAt: Date;
}

export interface ConversationConfig {
  casePrefix: string;
  timeZone: string;
  botNames: string[];
  maxTextLength: number;
  requireAfterPhoto: boolean;
  /** Photos and captions from the same person within this window belong together. */
  pairingWindowMs: number;
}

export interface ConversationDeps {
  roster: () => RosterIndex;
  taxonomy: TaxonomyIndex;
  extractor: Extractor;
  /** Deadlines and the yellow/red stages, on the work calendar. */
  calendar: StageCalendar;
  clock: Clock;
  config: ConversationConfig;
  /** Builds "今日简报" and "排名" on demand; without it the bot says they are not available. */
  reports?: ReportPort;
}

export type Outcome = { status: "processed" | "dropped"; note: string };

/** Per-message context handed to every handler (grammY-style). */
export class Turn {
  private replies = 0;
  readonly now: Date;

  constructor(
    readonly msg: StoredInbound,
    readonly person: Person | null,
    readonly store: ConversationStore,
    readonly deps: ConversationDeps,
  ) {
    this.now = deps.clock.now();
  }

  get roster(): RosterIndex {
    return this.deps.roster();
  }

  /** The message text without the bot's @-mention. */
  get body(): string {
    let t = this.msg.text ?? "";
    for (const name of this.deps.config.botNames) t = t.split(`@${name}`).join(" ");
    return t.replace(/\s+/g, " ").trim();
  }

  get actorName(): string {
    return this.person?.name ?? this.msg.sender.name;
  }

  /**
   * Whether the message was said in the chat it is about. A command from the web console (channel
   * "console") acts on a chat's case but was never posted there: nothing in the chat to quote.
   */
  get inChat(): boolean {
    return this.msg.chatId.startsWith(`${this.msg.channel}:`);
  }

  /** Answers in the thread of the inbound message (or, for a console command, in the case's chat, naming who). */
  async reply(
    text: string,
    extra: { caseId?: number; caseNumber?: string; kind?: string; mention?: Person[] } = {},
  ) {
    if (!this.inChat) {
      await this.send({ text: T.fromConsole(this.actorName, text), ...extra });
      return;
    }
    await this.send({ text, replyTo: this.msg.messageId, ...extra });
  }

  /** Sends a message to this chat, through the outbox. */
  async send(m: {
    text: string;
    replyTo?: string;
    caseId?: number;
    caseNumber?: string;
    kind?: string;
    mention?: Person[];
    actions?: OutboundAction[];
    imageHashes?: string[];
  }) {
    this.replies += 1;
    const mentions = (m.mention ?? []).map((p) => ({
      personId: p.id,
      name: p.name,
      larkOpenId: p.larkOpenId,
      wechatId: p.wechatId,
    }));
    const prefix = mentions.map((p) => `@${p.name} `).join("");
    await this.store.enqueue(
      {
        chatId: this.msg.chatId,
        text: prefix + m.text,
        mentions,
        kind: m.kind ?? "reply",
        ...(m.replyTo ? { replyTo: m.replyTo } : {}),
        ...(m.caseNumber ? { caseNumber: m.caseNumber } : {}),
        ...(m.actions ? { actions: m.actions } : {}),
        ...(m.imageHashes?.length ? { imageHashes: m.imageHashes } : {}),
      },
      // Deterministic per inbox row: reprocessing after a crash makes the same keys.
      { idempotencyKey: `in:${this.msg.inboxId}:${this.replies}`, caseId: m.caseId ?? null },
    );
  }

  /** Records a case event attributed to this message's sender. */
  async event(
    c: CaseRecord,
    type: string,
    e: {
      from?: CaseRecord["state"];
      to?: CaseRecord["state"];
      role?: string;
      data?: Record<string, unknown>;
    } = {},
  ) {
    await this.store.appendEvent({
      caseId: c.id,
      type,
      fromState: e.from ?? null,
      toState: e.to ?? null,
      actorKey: this.person?.id ?? this.msg.sender.key,
      actorName: this.actorName,
      actorRole: e.role ?? "",
      channel: this.msg.channel,
      messageId: this.msg.messageId,
      at: this.now,
      data: e.data ?? {},
    });
  }

  personById(id: string | null | undefined): Person | undefined {
    return id ? this.roster.people.get(id) : undefined;
  }
}
