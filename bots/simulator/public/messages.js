// Renders the message list. Every piece of message data goes in through textContent or attributes
// set as properties (img.src), never as HTML: "<img src=x onerror=alert(1)>" stays text.
import { $, currentName, el, isMine, openLightbox, state } from "./state.js";
import { TEXT } from "./text.js";

/** Keep following new messages when the reader is this close to the bottom. */
const STICK_TO_BOTTOM_PX = 140;
const AVATAR_COLORS = [
  "#3370ff",
  "#7f3bf5",
  "#f5a623",
  "#34c724",
  "#f54a45",
  "#0e9f8e",
  "#d136d1",
  "#ff7d00",
];
/** Case numbers as DESIGN.md §2 spells them: county prefix + date + sequence, e.g. ZM20261126-007. */
const CASE_NUMBER = /[A-Z]{2,4}\d{8}-\d{3,}/y;

const handlers = {
  onAction: (_command, _replyTo) => {},
  onReply: (_messageId) => {},
  onInsert: (_text) => {},
};

/** Sets what action buttons, "回复" and case-number links do. */
export function configureMessages(next) {
  Object.assign(handlers, next);
}

/** After the identity changed: re-mark own messages and mentions of me. */
export function refreshOwnership() {
  const me = currentName();
  for (const info of state.byMessageId.values()) {
    if (info.payload) info.node.classList.toggle("mine", isMine(info.payload));
    for (const chip of info.node.querySelectorAll(".mention"))
      chip.classList.toggle("me", chip.dataset.name === me);
  }
}

function avatar(name, isBot) {
  if (isBot) return el("div", "avatar bot", "路");
  const chars = [...name];
  const isHan = /\p{Script=Han}/u.test(name);
  const label = isHan ? chars.slice(-2).join("") : (chars[0] ?? "?").toUpperCase();
  const node = el("div", "avatar", label);
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.codePointAt(0)) >>> 0;
  node.style.background = AVATAR_COLORS[hash % AVATAR_COLORS.length];
  node.setAttribute("aria-hidden", "true");
  return node;
}

function formatTime(date) {
  return date.toLocaleTimeString("zh-CN", { hour: "2-digit", minute: "2-digit", hour12: false });
}

function formatDay(date) {
  return date.toLocaleDateString("zh-CN", {
    year: "numeric",
    month: "long",
    day: "numeric",
    weekday: "short",
  });
}

/** Text with "@姓名" chips and clickable case numbers; everything else as plain text nodes. */
function richText(text, names) {
  const fragment = document.createDocumentFragment();
  const tokens = [...new Set(names.filter(Boolean))].sort((a, b) => b.length - a.length).map((n) => `@${n}`);
  let plain = "";
  const flush = () => {
    if (plain) fragment.append(document.createTextNode(plain));
    plain = "";
  };
  let i = 0;
  while (i < text.length) {
    const token = text[i] === "@" ? tokens.find((t) => text.startsWith(t, i)) : undefined;
    if (token) {
      flush();
      fragment.append(mentionChip(token.slice(1)));
      i += token.length;
      continue;
    }
    CASE_NUMBER.lastIndex = i;
    const caseNumber = /[A-Z]/.test(text[i]) ? CASE_NUMBER.exec(text)?.[0] : undefined;
    if (caseNumber) {
      flush();
      const link = el("span", "case-link", caseNumber);
      link.title = TEXT.queryCase(caseNumber);
      link.addEventListener("click", () => handlers.onInsert(TEXT.queryCase(caseNumber)));
      fragment.append(link);
      i += caseNumber.length;
      continue;
    }
    plain += text[i];
    i += 1;
  }
  flush();
  return fragment;
}

function mentionChip(name) {
  const chip = el("span", "mention", `@${name}`);
  chip.dataset.name = name;
  if (name === currentName()) chip.classList.add("me");
  return chip;
}

function quote(replyTo) {
  const quoted = state.byMessageId.get(replyTo);
  const summary = quoted
    ? `${quoted.senderName}：${quoted.text.replace(/\s+/g, " ") || TEXT.imagePlaceholder}`
    : TEXT.quoteMissing;
  const node = el("span", "quote", summary);
  node.title = summary;
  node.addEventListener("click", () => {
    const target = state.byMessageId.get(replyTo)?.node;
    if (!target) return;
    target.scrollIntoView({ behavior: "smooth", block: "center" });
    const bubble = target.querySelector(".bubble");
    bubble?.classList.remove("flash");
    void bubble?.offsetWidth; // restart the animation
    bubble?.classList.add("flash");
  });
  return node;
}

function imageGrid(sources) {
  const grid = el("div", "images");
  for (const src of sources) {
    const img = el("img");
    img.src = src;
    img.alt = TEXT.imageAlt;
    img.loading = "lazy";
    img.addEventListener("click", () => openLightbox(src));
    grid.append(img);
  }
  return grid;
}

/** The frame every message shares: avatar, name line, bubble. */
function messageShell({ name, at, mine, bot, messageId }) {
  const node = el("div", `msg${mine ? " mine" : ""}${bot ? " bot" : ""}`);
  const main = el("div", "msg-main");
  const head = el("div", "msg-head");
  head.append(el("span", "msg-name", name));
  if (bot) head.append(el("span", "tag tag-bot", TEXT.botTag));
  if (at) head.append(el("span", "msg-time", formatTime(at)));
  if (messageId) {
    const replyButton = el("button", "msg-reply-btn", TEXT.reply);
    replyButton.type = "button";
    replyButton.addEventListener("click", () => handlers.onReply(messageId));
    head.append(replyButton);
  }
  const bubble = el("div", "bubble");
  main.append(head, bubble);
  node.append(avatar(name, bot), main);
  return { node, main, bubble };
}

/** A message someone typed; also used for our own message while it is still being sent. */
export function renderUserMessage(view) {
  const p = view.payload;
  const at = view.at ? new Date(view.at) : null;
  const shell = messageShell({
    name: p.senderName,
    at,
    mine: isMine(p),
    bot: false,
    messageId: view.messageId,
  });
  if (p.replyTo) shell.bubble.append(quote(p.replyTo));
  const text = p.text ?? "";
  if (p.mentionBot && !text.includes(`@${state.botName}`)) {
    shell.bubble.append(mentionChip(state.botName), document.createTextNode(" "));
  }
  shell.bubble.append(richText(text, [state.botName, ...state.people.map((person) => person.name)]));
  const local = state.localImages.get(view.messageId);
  if (local && local.length > 0) shell.bubble.append(imageGrid(local));
  else if (p.imageCount > 0) {
    const row = el("div", "images");
    for (let i = 0; i < p.imageCount; i += 1)
      row.append(el("span", "image-placeholder", TEXT.imagePlaceholder));
    shell.bubble.append(row);
  }
  return shell;
}

function renderBotMessage(view) {
  const m = view.payload;
  const shell = messageShell({
    name: state.botName,
    at: new Date(view.at),
    mine: false,
    bot: true,
    messageId: view.messageId,
  });
  if (typeof m.kind === "string") shell.node.classList.add(`kind-${m.kind.replace(/[^a-z0-9_-]/gi, "")}`);
  if (m.caseNumber) {
    const head = el("div", "card-head");
    head.append(el("span", "case-no", `${TEXT.caseLabel} ${m.caseNumber}`));
    const kind = TEXT.kinds[m.kind];
    if (kind) head.append(el("span", "tag tag-role", kind));
    shell.bubble.append(head);
  }
  if (m.replyTo) shell.bubble.append(quote(m.replyTo));
  const text = m.text ?? "";
  const names = (m.mentions ?? []).map((mention) => mention.name);
  const missing = names.filter((name) => !text.includes(`@${name}`));
  for (const name of missing) shell.bubble.append(mentionChip(name), document.createTextNode(" "));
  shell.bubble.append(richText(text, names));
  const hashes = (m.imageHashes ?? []).filter((hash) => typeof hash === "string");
  if (hashes.length > 0)
    shell.bubble.append(imageGrid(hashes.map((hash) => `/media/${encodeURIComponent(hash)}`)));
  const actions = m.actions ?? [];
  if (actions.length > 0) {
    const row = el("div", "actions");
    actions.forEach((action, index) => {
      const button = el("button", "action-btn", action.label);
      button.type = "button";
      if (action.for === "inspector") button.classList.add("inspector");
      else if (index === 0) button.classList.add("primary");
      button.title = `${action.command} · ${action.for === "inspector" ? TEXT.inspectorAction : TEXT.handlerAction}`;
      button.addEventListener("click", () => {
        button.disabled = true;
        setTimeout(() => {
          button.disabled = false;
        }, 1500);
        handlers.onAction(action.command, view.messageId);
      });
      row.append(button);
    });
    shell.bubble.append(row);
  }
  return shell;
}

function nearBottom() {
  const list = $("messages");
  return list.scrollHeight - list.scrollTop - list.clientHeight < STICK_TO_BOTTOM_PX;
}

export function scrollToBottom() {
  const list = $("messages");
  list.scrollTop = list.scrollHeight;
}

/** Places a node after the confirmed messages, before our own still-pending ones. */
function placeConfirmed(node) {
  const list = $("messages");
  const firstPending = list.querySelector(".msg.pending");
  list.insertBefore(node, firstPending);
}

/** Renders one transcript entry once, in id order. */
export function addEntry(view) {
  if (!view || typeof view.id !== "number" || state.rendered.has(view.id)) return;
  state.rendered.add(view.id);
  const follow = nearBottom();
  const shell = view.direction === "out" ? renderBotMessage(view) : renderUserMessage(view);
  shell.node.dataset.id = String(view.id);
  const payload = view.payload;
  state.byMessageId.set(view.messageId, {
    senderName: view.direction === "out" ? state.botName : payload.senderName,
    text: payload.text ?? "",
    payload: view.direction === "in" ? payload : null,
    node: shell.node,
  });
  $("empty-state").hidden = true;

  const pendingNode = state.pending.get(view.messageId);
  let mineNow = false;
  if (pendingNode) {
    pendingNode.remove();
    state.pending.delete(view.messageId);
    mineNow = true;
  }

  const later =
    view.id < state.lastId
      ? [...$("messages").querySelectorAll(".msg[data-id]")].find((n) => Number(n.dataset.id) > view.id)
      : undefined;
  if (later) {
    later.before(shell.node); // arrived out of order (rare): no day divider juggling
  } else {
    const day = formatDay(new Date(view.at));
    if (day !== state.lastDay) {
      state.lastDay = day;
      const divider = el("div", "day-divider");
      divider.append(el("span", "", day));
      placeConfirmed(divider);
    }
    placeConfirmed(shell.node);
  }
  state.lastId = Math.max(state.lastId, view.id);
  if (follow || mineNow) scrollToBottom();
}
