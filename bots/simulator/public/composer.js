// The composer: text, photos, the "@路长通" toggle and replies; sends with a stable client message
// id, so a retry after a failure is recorded once by the server.
import { catchUp } from "./live.js";
import { renderUserMessage, scrollToBottom } from "./messages.js";
import { $, currentName, el, GUEST_ID, guestName, showToast, state } from "./state.js";
import { TEXT } from "./text.js";

/** Limits of POST /api/sim/messages, checked here first for a friendlier message. */
const MAX_IMAGES = 4;
const MAX_IMAGE_MB = 8;
/** The textarea grows with its text up to this height, then scrolls. */
const MAX_INPUT_PX = 160;

function newMessageId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

export function sendMessage({ text, images, replyTo, mentionBot }) {
  if (!text.trim() && images.length === 0) return false;
  const body = {
    clientMessageId: newMessageId(),
    senderId: state.identity.senderId,
    text,
    images,
    mentionBot,
  };
  if (state.identity.senderId === GUEST_ID) body.guestName = guestName();
  if (replyTo) body.replyTo = replyTo;
  state.localImages.set(body.clientMessageId, images);

  const shell = renderUserMessage({
    id: 0,
    messageId: body.clientMessageId,
    at: null,
    payload: {
      senderId: body.senderId,
      senderName: currentName(),
      text,
      imageCount: images.length,
      replyTo,
      mentionBot,
    },
  });
  shell.node.classList.add("pending", "mine");
  const status = el("div", "msg-status", TEXT.sending);
  shell.main.append(status);
  state.pending.set(body.clientMessageId, shell.node);
  $("messages").append(shell.node);
  $("empty-state").hidden = true;
  scrollToBottom();
  void post(body, status);
  return true;
}

async function post(body, status) {
  status.className = "msg-status";
  status.textContent = TEXT.sending;
  let error = "";
  try {
    const response = await fetch("/api/sim/messages", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (response.ok) {
      status.textContent = "";
      void catchUp(); // in case the event stream is between reconnects
      return;
    }
    const answer = await response.json().catch(() => ({}));
    error = typeof answer.error === "string" ? answer.error : `HTTP ${response.status}`;
  } catch {
    error = TEXT.networkError;
  }
  showToast(error);
  status.className = "msg-status failed";
  status.textContent = TEXT.failed;
  const retry = el("button", "", TEXT.retry);
  retry.type = "button";
  retry.addEventListener("click", () => void post(body, status)); // same id: the server appends once
  status.append(retry);
}

export function submitComposer() {
  const input = $("text-input");
  const sent = sendMessage({
    text: input.value,
    images: state.attachments.map((a) => a.dataUrl),
    replyTo: state.replyTo?.messageId,
    mentionBot: state.mentionBot,
  });
  if (!sent) return;
  input.value = "";
  autoGrow();
  state.attachments = [];
  renderAttachments();
  cancelReply();
}

export function startReply(messageId) {
  const quoted = state.byMessageId.get(messageId);
  state.replyTo = { messageId };
  $("reply-bar-text").textContent = quoted
    ? `${quoted.senderName}：${quoted.text || TEXT.imagePlaceholder}`
    : "";
  $("reply-bar").hidden = false;
  $("text-input").focus();
}

export function cancelReply() {
  state.replyTo = null;
  $("reply-bar").hidden = true;
}

export function insertIntoInput(text) {
  const input = $("text-input");
  input.value = text;
  autoGrow();
  input.focus();
  input.setSelectionRange(text.length, text.length);
  $("side-panel").classList.remove("open");
}

export function autoGrow() {
  const input = $("text-input");
  input.style.height = "auto";
  input.style.height = `${Math.min(input.scrollHeight + 2, MAX_INPUT_PX)}px`;
}

function readAsDataUrl(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

export async function addFiles(files) {
  for (const file of files) {
    if (state.attachments.length >= MAX_IMAGES) {
      showToast(TEXT.tooManyImages(MAX_IMAGES));
      break;
    }
    if (!file.type.startsWith("image/")) {
      showToast(TEXT.notAnImage(file.name));
      continue;
    }
    if (file.size > MAX_IMAGE_MB * 1024 * 1024) {
      showToast(TEXT.imageTooLarge(file.name, MAX_IMAGE_MB));
      continue;
    }
    try {
      state.attachments.push({ dataUrl: await readAsDataUrl(file), name: file.name });
    } catch (error) {
      console.error("reading a photo failed", error);
      showToast(TEXT.readFailed(file.name));
    }
  }
  renderAttachments();
}

export function renderAttachments() {
  const box = $("attachments");
  box.replaceChildren();
  state.attachments.forEach((attachment, index) => {
    const item = el("div", "attachment");
    const img = el("img");
    img.src = attachment.dataUrl;
    img.alt = attachment.name;
    const remove = el("button", "", "×");
    remove.type = "button";
    remove.title = TEXT.removeImage;
    remove.setAttribute("aria-label", `${TEXT.removeImage} ${attachment.name}`);
    remove.addEventListener("click", () => {
      state.attachments.splice(index, 1);
      renderAttachments();
    });
    item.append(img, remove);
    box.append(item);
  });
  box.hidden = state.attachments.length === 0;
}
