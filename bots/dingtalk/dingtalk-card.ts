/**
 * Interactive cards (互动卡片, created with callbackType STREAM, so presses come over the stream).
 * A button carries structured data in its id — `luzhang|<command type>|<case number>` — never a
 * sentence to parse again; a press becomes the typed command the button stands for, checked like
 * any other command before anything changes.
 */
import { parseCommand } from "../../src/conversation/command-parser.ts";
import type { OutboundAction } from "../../src/core/types.ts";

const MARK = "luzhang";
const SEPARATOR = "|";

/** The command type of an action ("收到" → acknowledge). */
export function actionType(action: OutboundAction): string {
  return parseCommand(action.command, []).command.type;
}

/** The button id of an action about a case. */
export function buttonId(action: OutboundAction, caseNumber: string): string {
  return [MARK, actionType(action), caseNumber].join(SEPARATOR);
}

/** A pressed button: its command type and case, or null if the id is not one of ours. */
export function readButtonId(id: unknown): { type: string; caseNumber: string } | null {
  if (typeof id !== "string" || id.length > 80) return null;
  const [mark, type, caseNumber, ...rest] = id.split(SEPARATOR);
  if (mark !== MARK || !type || !caseNumber || rest.length > 0) return null;
  if (!/^[a-z_]{2,30}$/.test(type) || !/^[A-Z]{1,8}\d{8}-\d{3,}$/.test(caseNumber)) return null;
  return { type, caseNumber };
}

/** The text command a pressed button stands for, among the actions the bot offers; null if none. */
export function commandFor(type: string, actions: readonly OutboundAction[]): string | null {
  return actions.find((a) => actionType(a) === type)?.command ?? null;
}

/** The fields of a card callback the bot reads (content is a JSON string). */
export interface CardCallback {
  outTrackId?: string;
  userId?: string;
  spaceType?: string;
  spaceId?: string;
  content?: string;
}

/** The button id pressed in a card callback. */
export function pressedButton(cb: CardCallback): string | null {
  try {
    const content = JSON.parse(cb.content ?? "{}") as { cardPrivateData?: { actionIds?: unknown[] } };
    const id = content.cardPrivateData?.actionIds?.[0];
    return typeof id === "string" ? id : null;
  } catch {
    return null;
  }
}

/** The body of /v1.0/card/instances/createAndDeliver for a card in a group. */
export function cardBody(input: {
  templateId: string;
  outTrackId: string;
  conversationId: string;
  robotCode: string;
  title: string;
  markdown: string;
  actions: readonly OutboundAction[];
  caseNumber: string;
  at: { userId: string; name: string }[];
}) {
  const msgButtons = input.actions.map((a) => ({
    text: a.label,
    color: a.for === "inspector" ? "blue" : "gray",
    id: buttonId(a, input.caseNumber),
    request: true,
  }));
  return {
    cardTemplateId: input.templateId,
    outTrackId: input.outTrackId,
    callbackType: "STREAM",
    // Card variables are strings; structured ones are JSON text.
    cardData: {
      cardParamMap: {
        title: input.title,
        markdown: input.markdown,
        sys_full_json_obj: JSON.stringify({ msgButtons }),
      },
    },
    openSpaceId: `dtv1.card//IM_GROUP.${input.conversationId}`,
    imGroupOpenSpaceModel: { supportForward: false },
    imGroupOpenDeliverModel: {
      robotCode: input.robotCode,
      ...(input.at.length > 0
        ? { atUserIds: Object.fromEntries(input.at.map((p) => [p.userId, p.name])) }
        : {}),
    },
    userIdType: 1,
  };
}
