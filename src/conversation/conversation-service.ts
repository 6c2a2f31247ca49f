/**
 * The conversation core: one stored inbound message in, commands applied and replies queued out.
 * Extraction (possibly a slow LLM call) runs before the transaction; everything written for one
 * message lands in one transaction, so a crash leaves either all of it or none.
 */

import type { ExtractionResult } from "../core/ports.ts";
import type { Person } from "../core/types.ts";
import { applyCommand, handleCaseCommand } from "./case-commands.ts";
import { type ParsedMessage, parseCommand } from "./command-parser.ts";
import type { ConversationStore } from "./conversation-store.ts";
import { handleNotDuplicate } from "./duplicate-split.ts";
import { handleMyTasks, handleQuery } from "./query-flow.ts";
import { buildReportReply, handleReportCommand, type ReportReply } from "./report-commands.ts";
import { handleReport } from "./report-flow.ts";
import { T } from "./texts.ts";
import { type ConversationDeps, type Outcome, type StoredInbound, Turn } from "./turn.ts";

/** Runs the work for one message in one transaction (and records its outcome there). */
export type OutcomeTransaction = (work: (store: ConversationStore) => Promise<Outcome>) => Promise<Outcome>;

/** Whether a message is meant for the bot: it @-mentions the bot or replies to (quotes) one of its messages. */
export function isAddressed(msg: { mentionsBot: boolean; replyTo?: string | null }): boolean {
  return msg.mentionsBot || Boolean(msg.replyTo);
}

/** What anyone may do, a sender whose identity is not confirmed too. */
const UNPRIVILEGED: ReadonlySet<string> = new Set([
  "help",
  "my_tasks",
  "query",
  "brief",
  "ranking",
  "report",
]);

export class ConversationService {
  constructor(private readonly deps: ConversationDeps) {}

  /**
   * Who the sender is in the roster: a platform id the roster lists, the simulator's or console's own
   * id, or a binding console staff confirmed. Never a name alone: anyone can set a group nickname.
   */
  identify(msg: StoredInbound): Person | null {
    const roster = this.deps.roster();
    const s = msg.sender;
    if (s.larkOpenId) return roster.personByLark(s.larkOpenId) ?? null;
    // DingTalk senders are known by their roster 钉钉ID only, never by name (issue 18).
    if (s.key.startsWith("dingtalk:"))
      return s.dingtalkId ? (roster.personByDingtalk(s.dingtalkId) ?? null) : null;
    if (s.wechatId) {
      const p = roster.personByWechat(s.wechatId);
      if (p) return p;
    }
    if (s.key.startsWith("sim:")) {
      const p = roster.people.get(s.key.slice(4));
      if (p) return p;
    }
    // The web console signs its users in and names them by roster id ("console:<personId>"); no
    // chat channel makes keys with this prefix.
    if (s.key.startsWith("console:")) return roster.people.get(s.key.slice("console:".length)) ?? null;
    return roster.personByBinding(s.key) ?? null;
  }

  /**
   * The roster person a chat sender without a known id claims to be by name (a WeChat group
   * nickname): someone with no id on that platform in the roster. It only asks console staff to
   * confirm the binding; until then the sender is a plain reporter.
   */
  nameCandidate(msg: StoredInbound): Person | null {
    const s = msg.sender;
    if (!s.wechatId || !s.name) return null;
    const p = this.deps.roster().personByName(s.name);
    return p && !p.wechatId ? p : null;
  }

  /**
   * Handles one message. `runInTransaction` is per message so the caller can mark its inbox row in
   * the same transaction. Never throws for bad input: the sender always gets an answer.
   */
  async handle(msg: StoredInbound, runInTransaction: OutcomeTransaction): Promise<Outcome> {
    const { config } = this.deps;
    const person = this.identify(msg);
    const candidate = person ? null : this.nameCandidate(msg);
    const text = msg.text ?? "";
    const parsed = parseCommand(text.length > config.maxTextLength ? "" : text, config.botNames);
    const addressed = isAddressed(msg);
    let extraction: ExtractionResult | null = null;
    if (addressed && parsed.command.type === "report" && text.trim() && text.length <= config.maxTextLength) {
      extraction = await this.deps.extractor.extract({
        text: parsed.body,
        imageCount: msg.imageHashes.length,
        imageHashes: msg.imageHashes,
      });
    }
    // Reports read many cases and render a chart: built before the transaction, like extraction.
    const cmdType = parsed.command.type;
    const report =
      addressed && (cmdType === "brief" || cmdType === "ranking")
        ? await buildReportReply(this.deps.reports, cmdType, this.deps.clock.now())
        : null;
    return runInTransaction(async (store) => {
      const turn = new Turn(msg, person, store, this.deps);
      if (candidate && addressed) {
        await store.requestBinding({
          senderKey: msg.sender.key,
          personId: candidate.id,
          senderName: msg.sender.name,
          chatId: msg.chatId,
          at: turn.now,
        });
        if (!UNPRIVILEGED.has(parsed.command.type)) {
          await turn.reply(T.identityUnconfirmed(candidate.name), { kind: "refusal" });
          return { status: "processed", note: `identity of ${msg.sender.key} not confirmed` };
        }
      }
      return this.route(turn, parsed, extraction, addressed, report);
    });
  }

  private async route(
    turn: Turn,
    parsed: ParsedMessage,
    extraction: ExtractionResult | null,
    addressed: boolean,
    report: ReportReply | null = null,
  ): Promise<Outcome> {
    const { msg, deps } = turn;
    const text = msg.text ?? "";
    if (!addressed) {
      // Photos without an @ (WeChat sends them alone): keep them for the caption, or attach them
      // to the sender's fix that is waiting for a photo, or to the report they just made.
      if (msg.imageHashes.length === 0) return { status: "dropped", note: "not addressed to the bot" };
      return this.pairPhoto(turn, false);
    }
    if (msg.invalidImages > 0 && msg.imageHashes.length === 0) {
      await turn.reply(T.badImage, { kind: "error" });
      return { status: "processed", note: "invalid image" };
    }
    if (text.length > deps.config.maxTextLength) {
      await turn.reply(T.tooLong(deps.config.maxTextLength), { kind: "error" });
      return { status: "processed", note: "text too long" };
    }
    if (!text.trim() || !parsed.body.trim()) {
      if (msg.unsupportedContent && msg.imageHashes.length === 0) {
        await turn.reply(T.unsupportedContent, { kind: "error" });
        return { status: "processed", note: "unsupported content" };
      }
      if (msg.imageHashes.length > 0) {
        const paired = await this.pairPhoto(turn, true);
        if (paired.status === "processed") return paired;
        await turn.reply(T.photoWaiting, { kind: "question" });
        return { status: "processed", note: "photo waiting for caption" };
      }
      await turn.reply(T.empty, { kind: "error" });
      return { status: "processed", note: "empty message" };
    }
    const cmd = parsed.command;
    switch (cmd.type) {
      case "help":
        await turn.reply(T.help, { kind: "help" });
        return { status: "processed", note: "help" };
      case "my_tasks":
        return handleMyTasks(turn);
      case "query":
        return handleQuery(turn, cmd.caseNumber);
      case "not_duplicate":
        return handleNotDuplicate(turn, parsed);
      case "brief":
      case "ranking":
        return handleReportCommand(turn, cmd.type, report);
      case "report":
        if (!extraction) {
          await turn.reply(T.unknown, { kind: "unknown" });
          return { status: "processed", note: "unknown" };
        }
        return handleReport(turn, extraction);
      default:
        return handleCaseCommand(turn, parsed, cmd);
    }
  }

  /**
   * A lone photo: completes a fix waiting for its photo, joins a report made just before, or waits.
   * A photo sent to the bot (`addressed`) that joins a report is answered; one sent without an @
   * joins quietly (WeChat sends photos apart from their text).
   */
  private async pairPhoto(turn: Turn, addressed: boolean): Promise<Outcome> {
    const { msg, store, deps } = turn;
    const since = new Date(turn.now.getTime() - deps.config.pairingWindowMs);
    const actorKey = turn.person?.id ?? msg.sender.key;
    const waitingFix = await store.lastEventBy(actorKey, "fix_photo_requested", since);
    if (waitingFix) {
      const c = await store.caseById(waitingFix.caseId);
      if (c && (c.state === "dispatched" || c.state === "in_progress" || c.state === "backlogged")) {
        return applyCommand(turn, c, { type: "fix" }, msg.imageHashes);
      }
    }
    const recent = await store.recentCaseReportedBy(msg.sender.key, msg.chatId, since);
    if (recent) {
      await store.attachMedia(recent.id, msg.imageHashes, "before", turn.now);
      await turn.event(recent, "photo_added", { role: "reporter", data: { photos: msg.imageHashes } });
      if (addressed) {
        await turn.reply(T.photoJoined(recent.number), {
          caseId: recent.id,
          caseNumber: recent.number,
          kind: "receipt",
        });
      }
      return { status: "processed", note: `photo joined ${recent.number}` };
    }
    await store.addPendingPhotos({
      chatId: msg.chatId,
      senderKey: msg.sender.key,
      hashes: msg.imageHashes,
      messageId: msg.messageId,
      at: turn.now,
    });
    return { status: "dropped", note: "photo kept for its caption" };
  }
}
