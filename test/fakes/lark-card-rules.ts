/**
 * The card JSON 2.0 rules the fake Lark enforces, as strict as Lark's documentation: "在 JSON 2.0 版本
 * 中，传入不支持的属性将报错" (unsupported properties are refused; 卡片 JSON 2.0 版本更新说明), body
 * under `body.elements`, no `action` container, `update_multi` only true, at most 30 KB of card
 * JSON and 200 components (the limits issue 17 cites; the message-create page was not found in this
 * search). Properties listed per component are those of Lark's component pages as far as this
 * project uses them, plus their documented siblings (margin, element_id …).
 */

type Json = Record<string, unknown>;

/** Card content larger than this is refused. */
export const CARD_MAX_BYTES = 30 * 1024;
/** Components in one card at most. */
export const CARD_MAX_ELEMENTS = 200;

const COMMON = ["tag", "element_id", "margin"];

const TOP = ["schema", "config", "card_link", "header", "body"];
const CONFIG = [
  "streaming_mode",
  "streaming_config",
  "summary",
  "locales",
  "enable_forward",
  "update_multi",
  "width_mode",
  "use_custom_translation",
  "enable_forward_interaction",
  "style",
];
const HEADER = [
  "title",
  "subtitle",
  "text_tag_list",
  "i18n_text_tag_list",
  "template",
  "icon",
  "ud_icon",
  "padding",
];
const BODY = [
  "elements",
  "direction",
  "padding",
  "horizontal_spacing",
  "horizontal_align",
  "vertical_spacing",
  "vertical_align",
];
const TEXT = ["tag", "content", "i18n_content", "text_size", "text_color", "text_align", "lines"];

/** Properties each component may carry. */
const COMPONENTS: Record<string, string[]> = {
  markdown: [...COMMON, "content", "i18n_content", "text_align", "text_size", "icon", "href"],
  div: [...COMMON, "text", "icon", "width"],
  img: [
    ...COMMON,
    "img_key",
    "alt",
    "title",
    "corner_radius",
    "scale_type",
    "size",
    "transparent",
    "preview",
  ],
  hr: [...COMMON],
  column_set: [
    ...COMMON,
    "horizontal_spacing",
    "horizontal_align",
    "flex_mode",
    "background_style",
    "columns",
    "action",
    "behaviors",
  ],
  column: [
    ...COMMON,
    "background_style",
    "width",
    "weight",
    "vertical_align",
    "vertical_spacing",
    "horizontal_align",
    "horizontal_spacing",
    "direction",
    "padding",
    "elements",
    "behaviors",
  ],
  button: [
    ...COMMON,
    "type",
    "size",
    "width",
    "text",
    "icon",
    "hover_tips",
    "disabled",
    "disabled_tips",
    "confirm",
    "behaviors",
  ],
};

const BEHAVIORS: Record<string, string[]> = {
  callback: ["type", "value"],
  open_url: ["type", "default_url", "android_url", "ios_url", "pc_url"],
};

function unknown(obj: Json, allowed: readonly string[], where: string): string | null {
  const extra = Object.keys(obj).filter((k) => !allowed.includes(k));
  return extra.length > 0 ? `unsupported property ${extra.join(", ")} in ${where}` : null;
}

function checkText(v: unknown, where: string): string | null {
  if (v === undefined) return null;
  if (typeof v !== "object" || v === null) return `${where} must be a text object`;
  return unknown(v as Json, TEXT, where);
}

/** Why Lark would refuse this card content, or null. */
export function cardProblem(content: string, imageKnown: (key: string) => boolean): string | null {
  if (Buffer.byteLength(content, "utf8") > CARD_MAX_BYTES) return `card larger than ${CARD_MAX_BYTES} bytes`;
  let card: Json;
  try {
    card = JSON.parse(content) as Json;
  } catch {
    return "card is not JSON";
  }
  if (card.schema !== "2.0") return "schema must be 2.0";
  const top = unknown(card, TOP, "card");
  if (top) return top;
  const config = (card.config ?? {}) as Json;
  const c = unknown(config, CONFIG, "config");
  if (c) return c;
  if (config.update_multi === false) return "JSON 2.0 cards support only update_multi: true";
  const header = card.header as Json | undefined;
  if (header) {
    const h = unknown(header, HEADER, "header") ?? checkText(header.title, "header.title");
    if (h) return h;
    for (const tag of (header.text_tag_list as Json[] | undefined) ?? []) {
      const p =
        unknown(tag, ["tag", "element_id", "text", "color"], "text_tag") ??
        checkText(tag.text, "text_tag.text");
      if (p) return p;
    }
  }
  const body = card.body as Json | undefined;
  if (!body || !Array.isArray(body.elements)) return "body.elements missing";
  const b = unknown(body, BODY, "body");
  if (b) return b;
  let count = 0;
  const walk = (el: Json): string | null => {
    count += 1;
    const tag = String(el.tag);
    if (tag === "action") return "JSON 2.0 cards have no action container";
    const allowed = COMPONENTS[tag];
    if (!allowed) return `unknown component ${tag}`;
    const p = unknown(el, allowed, tag);
    if (p) return p;
    if (tag === "img" && !imageKnown(String(el.img_key))) return `unknown img_key ${String(el.img_key)}`;
    if (tag === "button") {
      const t = checkText(el.text, "button.text");
      if (t) return t;
      const behaviors = el.behaviors as Json[] | undefined;
      if (!Array.isArray(behaviors) || behaviors.length === 0) return "button without behaviors";
      for (const beh of behaviors) {
        const fields = BEHAVIORS[String(beh.type)];
        if (!fields) return `unknown behavior ${String(beh.type)}`;
        const bp = unknown(beh, fields, "behavior");
        if (bp) return bp;
      }
    }
    for (const child of [...((el.columns as Json[]) ?? []), ...((el.elements as Json[]) ?? [])]) {
      const q = walk(child);
      if (q) return q;
    }
    return null;
  };
  for (const el of body.elements as Json[]) {
    const p = walk(el);
    if (p) return p;
  }
  return count > CARD_MAX_ELEMENTS ? `card has ${count} components, more than ${CARD_MAX_ELEMENTS}` : null;
}
