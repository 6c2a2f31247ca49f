// Page state shared by the simulator's modules, and the DOM helpers they all use.
import { TEXT } from "./text.js";

export const GUEST_ID = "guest";

export const state = {
  botName: "路长通",
  people: [],
  peopleById: new Map(),
  identity: { senderId: GUEST_ID, guestName: "" },
  mentionBot: true,
  attachments: [], // { dataUrl, name }
  replyTo: null, // { messageId }
  lastId: 0,
  rendered: new Set(), // transcript ids on the page
  byMessageId: new Map(), // platform message id -> { senderName, text, payload, node }
  localImages: new Map(), // client message id -> data URLs of our own photos, this session only
  pending: new Map(), // client message id -> node of a message not yet confirmed
  lastDay: "",
};

export const $ = (id) => document.getElementById(id);

/** Creates an element; `text` goes in as textContent, never as HTML. */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function guestName() {
  return state.identity.guestName.trim() || TEXT.guest;
}

/** Display name of whoever the page is speaking as. */
export function currentName() {
  if (state.identity.senderId === GUEST_ID) return guestName();
  return state.peopleById.get(state.identity.senderId)?.name ?? TEXT.guest;
}

/** Whether a typed message was sent by the current identity. */
export function isMine(payload) {
  if (payload.senderId !== state.identity.senderId) return false;
  return payload.senderId !== GUEST_ID || payload.senderName === guestName();
}

let toastTimer = 0;
export function showToast(message) {
  const toast = $("toast");
  toast.textContent = message;
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    toast.hidden = true;
  }, 4000);
}

export function openLightbox(src) {
  $("lightbox-img").src = src;
  $("lightbox").hidden = false;
}
