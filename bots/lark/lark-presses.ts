/**
 * Button presses as inbound messages. A press becomes the typed command, as a reply to the card; its
 * message id names the card and the event (`om_card#event`), so the bot's answer quotes the card. A
 * refusal the presser already saw as a toast is not posted to the group again, and the pressed card
 * is not patched while its callback is open (the callback's answer carries the new card).
 */
import type { OutboundMessage } from "../../src/core/types.ts";

const SEPARATOR = "#";
/** How long a press is remembered for the toast/refusal hand-over; the toast answers within 3 s. */
const PRESS_MEMORY_MS = 10 * 60_000;
/**
 * After a press is answered its card stays unpatched this long: the answer still has to travel to
 * Lark, and Lark's delayed-update guide warns that an update before the answer may be undone.
 */
export const ANSWER_GRACE_MS = 1_000;

/** The inbound message id of a press on card `cardMessageId`. */
export function pressMessageId(cardMessageId: string, eventId: string): string {
  return `${cardMessageId}${SEPARATOR}${eventId}`;
}

/** The Lark message to reply to for a `replyTo` that may name a press. */
export function threadTarget(replyTo: string | undefined): string | undefined {
  if (!replyTo) return undefined;
  const cut = replyTo.indexOf(SEPARATOR);
  return cut < 0 ? replyTo : replyTo.slice(0, cut);
}

type PressState = "waiting" | "answered" | "timed_out";

/** Shared by the intake (which answers presses with toasts) and the channel (which sends replies). */
export class PressRegistry {
  private readonly presses = new Map<string, { state: PressState; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  begin(pressId: string): void {
    this.set(pressId, "waiting");
  }

  /** The toast showed the outcome. */
  answered(pressId: string): void {
    this.set(pressId, "answered");
  }

  /** The toast could not wait for the outcome: every reply must reach the chat. */
  timedOut(pressId: string): void {
    this.set(pressId, "timed_out");
  }

  /** Whether a press on this card is unanswered (or just answered): the card must not be patched now. */
  isCardOpen(cardId: string): boolean {
    const t = this.now();
    for (const [id, p] of this.presses) {
      if (!id.startsWith(`${cardId}${SEPARATOR}`)) continue;
      if (p.state === "waiting" || t - p.at < ANSWER_GRACE_MS) return true;
    }
    return false;
  }

  /** A refusal answering a press whose toast shows (or is about to show) it. */
  shouldSuppress(message: Pick<OutboundMessage, "kind" | "replyTo">): boolean {
    if (message.kind !== "refusal" || !message.replyTo) return false;
    const state = this.presses.get(message.replyTo)?.state;
    return state === "waiting" || state === "answered";
  }

  private set(pressId: string, state: PressState): void {
    const t = this.now();
    for (const [id, p] of this.presses) {
      if (t - p.at < PRESS_MEMORY_MS) break;
      this.presses.delete(id);
    }
    this.presses.delete(pressId);
    this.presses.set(pressId, { state, at: t });
  }
}
