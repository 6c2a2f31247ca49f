/**
 * 不是同一个问题: a reporter whose report was linked to an open case as a duplicate says it is another
 * problem (replying to the bot's message or naming the case). Their report is opened as its own
 * case, exactly as it was understood, and the link is recorded as split on the first case.
 */

import type { SaidLocation } from "../core/location.ts";
import type { ExtractionResult } from "../core/ports.ts";
import type { ParsedMessage } from "./command-parser.ts";
import { openCase } from "./report-flow.ts";
import { T } from "./texts.ts";
import { type Outcome, Turn } from "./turn.ts";

const str = (v: unknown) => (typeof v === "string" ? v : "");

export async function handleNotDuplicate(turn: Turn, parsed: ParsedMessage): Promise<Outcome> {
  const { store, msg } = turn;
  const num = parsed.caseNumbers[0];
  const c = num
    ? await store.caseByNumber(num)
    : msg.replyTo
      ? await store.caseForMessage(msg.replyTo)
      : null;
  const linked = c ? await store.linkedReportBy(c.id, turn.person?.id ?? msg.sender.key) : null;
  if (!c || !linked) {
    await turn.reply(T.nothingToSplit, { kind: "refusal" });
    return { status: "processed", note: "not_duplicate without a linked report" };
  }
  const d = linked.data;
  await turn.event(c, "duplicate_split", { role: "reporter", data: { reportEventId: linked.eventId } });
  const ex: ExtractionResult = {
    isReport: true,
    problems: [{ categoryCode: str(d.categoryCode) || null, summary: str(d.summary) }],
    location: (d.location as SaidLocation | undefined) ?? { raw: "" },
    urgent: d.urgent === true,
    extractor: str(d.extractor),
    reason: `split from ${c.number}: ${str(d.reason)}`.slice(0, 500),
  };
  // The new case is the original report's: its text, its message (replies thread under it), its photos.
  const original = new Turn(
    { ...msg, text: str(d.text) || msg.text, messageId: str(d.messageId) || msg.messageId, imageHashes: [] },
    turn.person,
    store,
    turn.deps,
  );
  const photos = Array.isArray(d.photos) ? d.photos.filter((p): p is string => typeof p === "string") : [];
  await openCase(original, ex, ex.location, photos, false);
  return { status: "processed", note: `split from ${c.number}` };
}
