/**
 * The case card (Lark card JSON 2.0): number, category, place, photo, deadline and light, with the
 * buttons the case's state allows, grouped by who may press them. Pure: the same view renders the
 * same JSON, so a card is patched only when something visible changed.
 */

import { EXTENSION_ACTIONS, HANDLER_ACTIONS, INSPECTOR_ACTIONS } from "../../src/conversation/case-view.ts";
import { parseCommand } from "../../src/conversation/command-parser.ts";
import { transition } from "../../src/core/case-lifecycle.ts";
import { LIGHT_LABELS } from "../../src/core/light.ts";
import type { OutboundAction, OutboundMessage } from "../../src/core/types.ts";
import { taggableMentions } from "./lark-content.ts";
import type { CaseCardView } from "./lark-ports.ts";
import { LARK_TEXT } from "./lark-text.ts";

/** Marks a button value as ours, so presses on other cards are told apart. */
export const BUTTON_MARK = "luzhang";

/** What a pressed button carries back in `action.value`. */
export interface ButtonValue {
  [BUTTON_MARK]: 1;
  command: string;
  case?: string;
}

type Mention = OutboundMessage["mentions"][number];

const HEADER_TEMPLATE = { green: "green", yellow: "orange", red: "red" } as const;
const STATE_TAG_COLOR: Record<CaseCardView["state"], string> = {
  pending: "neutral",
  dispatched: "blue",
  in_progress: "indigo",
  awaiting_check: "orange",
  closed: "green",
  returned: "red",
  backlogged: "purple",
  voided: "neutral",
};
const ALL_ACTIONS: readonly OutboundAction[] = [
  ...HANDLER_ACTIONS,
  ...INSPECTOR_ACTIONS,
  ...EXTENSION_ACTIONS,
];

/** The buttons that make sense for the case now: a command someone in that role may run in this state. */
export function actionsFor(view: Pick<CaseCardView, "state" | "pendingExtension">): OutboundAction[] {
  return ALL_ACTIONS.filter((a) => {
    const type = parseCommand(a.command, []).command.type;
    if (
      type === "help" ||
      type === "my_tasks" ||
      type === "query" ||
      type === "report" ||
      type === "brief" ||
      type === "ranking" ||
      type === "not_duplicate"
    )
      return false;
    const roles = a.for === "inspector" ? (["inspector"] as const) : (["handler"] as const);
    const ok = transition({
      state: view.state,
      command: type,
      roles,
      hasPendingExtension: view.pendingExtension,
    }).ok;
    // Extension answers only while a request waits.
    return ok && (type !== "approve_extension" && type !== "reject_extension" ? true : view.pendingExtension);
  });
}

function at(mentions: readonly Mention[]): string {
  return mentions.map((m) => (m.larkOpenId ? `<at id=${m.larkOpenId}></at>` : `@${m.name}`)).join(" ");
}

/** Keeps user-written text from opening tags (a forged <at>) in card markdown. */
function md(text: string): string {
  return text.replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function button(action: OutboundAction, caseNumber: string | undefined) {
  const value: ButtonValue = {
    [BUTTON_MARK]: 1,
    command: action.command,
    ...(caseNumber ? { case: caseNumber } : {}),
  };
  return {
    tag: "button",
    text: { tag: "plain_text", content: action.label },
    type: action.for === "inspector" ? "primary_filled" : action.command === "回退" ? "default" : "primary",
    behaviors: [{ type: "callback", value }],
  };
}

function buttonRows(actions: readonly OutboundAction[], caseNumber: string | undefined): unknown[] {
  const rows: unknown[] = [];
  for (const [role, label] of [
    ["handler", LARK_TEXT.handlerButtons],
    ["inspector", LARK_TEXT.inspectorButtons],
  ] as const) {
    const mine = actions.filter((a) => a.for === role);
    if (mine.length === 0) continue;
    rows.push({ tag: "markdown", content: `**${label}**` });
    rows.push({
      tag: "column_set",
      flex_mode: "flow",
      horizontal_spacing: "small",
      columns: mine.map((a) => ({ tag: "column", width: "auto", elements: [button(a, caseNumber)] })),
    });
  }
  return rows;
}

/** A case card. `photoKey` is the Lark image_key of the photo to show (after-photo once fixed). */
export function caseCard(input: {
  view: CaseCardView;
  mentions: readonly Mention[];
  photoKey: string | null;
  photoIsAfter: boolean;
}) {
  const { view, mentions } = input;
  const light = view.light;
  const deadline = light
    ? `${view.deadline}　${LARK_TEXT.lightIcons[light]} ${LIGHT_LABELS[light]}`
    : view.deadline;
  const fields = [
    `**${LARK_TEXT.fieldCategory}**：${md(view.category)}`,
    `**${LARK_TEXT.fieldPlace}**：${md(view.place)}`,
    ...(view.summary ? [`**${LARK_TEXT.fieldSummary}**：${md(view.summary)}`] : []),
    `**${LARK_TEXT.fieldHandler}**：${md(view.handlerName ?? LARK_TEXT.noHandler)}`,
    `**${LARK_TEXT.fieldDeadline}**：${md(deadline)}`,
    ...(view.reworkCount > 0 ? [`**${LARK_TEXT.fieldRework}**：${view.reworkCount} 次`] : []),
    ...(view.pendingExtension ? [LARK_TEXT.extensionPending] : []),
  ];
  const intro = [at(mentions), LARK_TEXT.intro[view.state]].filter(Boolean).join(" ");
  const elements: unknown[] = [
    { tag: "markdown", content: intro },
    { tag: "markdown", content: fields.join("\n") },
  ];
  if (input.photoKey) {
    const alt = input.photoIsAfter ? LARK_TEXT.cardAfterPhotoAlt : LARK_TEXT.cardPhotoAlt;
    elements.push({
      tag: "img",
      img_key: input.photoKey,
      alt: { tag: "plain_text", content: alt },
      scale_type: "fit_horizontal",
    });
  }
  const actions = actionsFor(view);
  if (actions.length > 0) elements.push({ tag: "hr" }, ...buttonRows(actions, view.number));
  const tags = [
    {
      tag: "text_tag",
      text: { tag: "plain_text", content: view.stateLabel },
      color: STATE_TAG_COLOR[view.state],
    },
  ];
  if (view.urgent && light)
    tags.push({ tag: "text_tag", text: { tag: "plain_text", content: LARK_TEXT.urgentTag }, color: "red" });
  return {
    schema: "2.0",
    config: { update_multi: true, summary: { content: LARK_TEXT.cardSummary(view.number, view.stateLabel) } },
    header: {
      title: { tag: "plain_text", content: LARK_TEXT.cardTitle(view.number) },
      template: light ? HEADER_TEMPLATE[light] : view.state === "closed" ? "turquoise" : "grey",
      text_tag_list: tags,
    },
    body: { elements },
  };
}

/** A card for a message with buttons but no case to show: its text and its own buttons. */
export function textCard(input: {
  text: string;
  mentions: readonly Mention[];
  actions: readonly OutboundAction[];
  caseNumber?: string;
}) {
  let text = md(input.text);
  for (const m of taggableMentions(input.mentions))
    text = text.split(`@${md(m.name)}`).join(`<at id=${m.larkOpenId}></at>`);
  return {
    schema: "2.0",
    config: { update_multi: true },
    body: { elements: [{ tag: "markdown", content: text }, ...buttonRows(input.actions, input.caseNumber)] },
  };
}

/** Reads our button value from a card action, or null if it is not one of ours. */
export function readButtonValue(value: unknown): ButtonValue | null {
  let v = value;
  if (typeof v === "string") {
    try {
      v = JSON.parse(v);
    } catch {
      return null;
    }
  }
  if (typeof v !== "object" || v === null) return null;
  const o = v as Record<string, unknown>;
  if (o[BUTTON_MARK] !== 1 || typeof o.command !== "string" || !o.command.trim() || o.command.length > 50)
    return null;
  return { [BUTTON_MARK]: 1, command: o.command, ...(typeof o.case === "string" ? { case: o.case } : {}) };
}
