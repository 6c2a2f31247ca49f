/**
 * Inspector actions from the console go through the same case engine as chat: the console writes the
 * command an inspector would type ("核查通过 ZM20261126-007") into an InboundMessage on the "console"
 * channel, addressed to the case's chat and signed with the signed-in person, and ingests it. The
 * inbox stores it, the conversation checks permissions and state, records the event and queues the
 * notices to the chat, in one transaction, exactly as for a chat message. The request id the page
 * sends is the message id, so a double click or a retry is one action.
 */

import type { CaseRecord } from "../../conversation/conversation-store.ts";
import { type CaseCommandType, COMMAND_LABELS, transition } from "../../core/case-lifecycle.ts";
import { actorRoles } from "../../core/permissions.ts";
import type { IngestFn } from "../../core/ports.ts";
import type { RosterIndex } from "../../core/roster-index.ts";
import type { Clock, Person } from "../../core/types.ts";
import type { Sql } from "../../store/sql.ts";

/** The console's channel name; its sender keys are "console:<personId>". */
export const CONSOLE_CHANNEL = "console";

/** What an action needs besides the case: nothing, a reason (required or not), or a reassignment target. */
export type ActionInput = "none" | "reason" | "optional_reason" | "target";

interface ActionSpec {
  command: CaseCommandType;
  input: ActionInput;
  /** The chat command, as an inspector would type it. */
  text: (caseNumber: string, extra: string) => string;
}

/** The actions an inspector has in the console. */
export const CONSOLE_ACTIONS = {
  close: { command: "close", input: "none", text: (n) => `核查通过 ${n}` },
  rework: { command: "rework", input: "reason", text: (n, r) => `返工 ${n} ${r}` },
  approve_extension: { command: "approve_extension", input: "none", text: (n) => `同意延时 ${n}` },
  reject_extension: {
    command: "reject_extension",
    input: "optional_reason",
    text: (n, r) => `不同意延时 ${n} ${r}`,
  },
  reassign: { command: "reassign", input: "target", text: (n, t) => `改派 ${n} ${t}` },
  backlog: { command: "backlog", input: "optional_reason", text: (n, r) => `挂账 ${n} ${r}` },
  void: { command: "void", input: "reason", text: (n, r) => `作废 ${n} ${r}` },
} as const satisfies Record<string, ActionSpec>;

export type ConsoleAction = keyof typeof CONSOLE_ACTIONS;
export const CONSOLE_ACTION_NAMES = Object.keys(CONSOLE_ACTIONS) as ConsoleAction[];

/** Reasons are one line in chat; longer text is cut. */
const MAX_REASON = 200;
/** How long a request waits for the engine before answering "submitted, still processing". */
const WAIT_MS = 10_000;
const POLL_MS = 5;

/** The relations a person has to a case (DESIGN.md §3), as the chat computes them. */
export function rolesOf(c: CaseRecord, person: Person | null, roster: RosterIndex, personId: string) {
  return actorRoles(
    {
      handlerId: c.handlerId,
      coHandlerIds: c.coHandlers,
      superiorIds: c.segmentId ? roster.superiorsOf(c.segmentId) : [],
      reporterKey: c.reporterKey,
    },
    person,
    `${CONSOLE_CHANNEL}:${personId}`,
  );
}

/** The console actions `person` may take on `c` now, with their labels and inputs. */
export function availableActions(c: CaseRecord, person: Person | null, roster: RosterIndex) {
  if (!person) return [];
  const roles = rolesOf(c, person, roster, person.id);
  return CONSOLE_ACTION_NAMES.filter(
    (name) =>
      transition({
        state: c.state,
        command: CONSOLE_ACTIONS[name].command,
        roles,
        hasPendingExtension: Boolean(c.pendingExtension),
      }).ok,
  ).map((name) => ({
    action: name,
    label: COMMAND_LABELS[CONSOLE_ACTIONS[name].command],
    input: CONSOLE_ACTIONS[name].input,
  }));
}

/** One line of user text for a chat command: no line breaks, no @-mentions of the bot, bounded. */
export function oneLine(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, " ")
    .replace(/@/g, "＠")
    .trim()
    .slice(0, MAX_REASON);
}

export interface ActionRequest {
  action: ConsoleAction;
  /** Reason, or the reassignment target ("SD-2", "SD-2 p_0006"). */
  extra: string;
  /** Client-made id: the message id, so a retry is the same action. */
  requestId: string;
}

export type ActionOutcome =
  | { status: "done"; message: string }
  | { status: "refused"; message: string }
  | { status: "pending"; message: string };

export interface ActionDeps {
  sql: Sql;
  ingest: IngestFn;
  clock: Clock;
}

/** The message id of a console request in the inbox. */
export const consoleMessageId = (requestId: string) => `console-${requestId}`;

/**
 * The result of a request already submitted (a double click, a retry after a lost answer), or null
 * when this request id is new. Its result is what the engine did then, not a fresh permission check.
 */
export function priorOutcome(
  sql: Sql,
  c: CaseRecord,
  req: Pick<ActionRequest, "action" | "requestId">,
): ActionOutcome | null {
  const messageId = consoleMessageId(req.requestId);
  const row = sql.get<{ id: number }>(
    'SELECT id FROM "InboxMessage" WHERE channel = ? AND platformMessageId = ?',
    CONSOLE_CHANNEL,
    messageId,
  );
  return row ? outcomeOf(sql, c, CONSOLE_ACTIONS[req.action].command, row.id, messageId) : null;
}

function outcomeOf(
  sql: Sql,
  c: CaseRecord,
  command: CaseCommandType,
  inboxId: number,
  messageId: string,
): ActionOutcome {
  const status = sql.get<{ status: string }>(
    'SELECT status FROM "InboxMessage" WHERE id = ?',
    inboxId,
  )?.status;
  if (status === "received") return { status: "pending", message: "" };
  // The engine's first answer (replies are keyed in:<inboxId>:<n>) is what the chat was told.
  const reply = sql.get<{ payload: string }>(
    'SELECT payload FROM "OutboxMessage" WHERE idempotencyKey = ?',
    `in:${inboxId}:1`,
  );
  const text = reply ? ((JSON.parse(reply.payload) as { text?: string }).text ?? "") : "";
  const applied = sql.get<{ id: number }>(
    'SELECT id FROM "CaseEvent" WHERE caseId = ? AND messageId = ? AND type = ? LIMIT 1',
    c.id,
    messageId,
    command,
  );
  return applied ? { status: "done", message: text } : { status: "refused", message: text };
}

/** Submits an action for `person` on case `c` through the engine and waits for its result. */
export async function submitAction(
  deps: ActionDeps,
  c: CaseRecord,
  person: Person,
  req: ActionRequest,
): Promise<ActionOutcome> {
  const spec = CONSOLE_ACTIONS[req.action];
  const messageId = consoleMessageId(req.requestId);
  const ingested = await deps.ingest({
    channel: CONSOLE_CHANNEL,
    chatId: c.chatId,
    messageId,
    sender: { key: `${CONSOLE_CHANNEL}:${person.id}`, name: person.name },
    text: spec.text(c.number, oneLine(req.extra)).trim(),
    mentionsBot: true,
    mentions: [],
    images: [],
    sentAt: deps.clock.now(),
  });
  if (ingested.dropped) return { status: "refused", message: ingested.dropped };
  const inboxId = ingested.inboxId ?? -1;
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const row = deps.sql.get<{ status: string }>('SELECT status FROM "InboxMessage" WHERE id = ?', inboxId);
    if (row?.status !== "received") break;
    if (Date.now() > deadline) return { status: "pending", message: "" };
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return outcomeOf(deps.sql, c, spec.command, inboxId, messageId);
}
