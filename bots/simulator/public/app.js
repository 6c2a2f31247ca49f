// 路长通 web chat simulator page: who am I, the help panel, and start-up. Plain ES modules, no build.
// SECURITY: message data only ever reaches the page through textContent and DOM properties.
import {
  addFiles,
  autoGrow,
  cancelReply,
  insertIntoInput,
  sendMessage,
  startReply,
  submitComposer,
} from "./composer.js";
import { connectEvents } from "./live.js";
import { configureMessages, refreshOwnership } from "./messages.js";
import { $, el, GUEST_ID, guestName, showToast, state } from "./state.js";
import { COMMANDS, TEXT } from "./text.js";

const IDENTITY_STORAGE_KEY = "luzhang.sim.identity";
/** Order of the identity picker's groups; a person with several roles is listed under the first. */
const ROLE_ORDER = ["inspector", "chief1", "chief2", "chief3", "department", "admin"];

function primaryRole(person) {
  return ROLE_ORDER.find((role) => person.roles.includes(role)) ?? "other";
}

function renderIdentityPicker() {
  const select = $("identity-select");
  select.replaceChildren();
  select.append(new Option(TEXT.guestOption, GUEST_ID));
  for (const role of [...ROLE_ORDER, "other"]) {
    const members = state.people.filter((person) => primaryRole(person) === role);
    if (members.length === 0) continue;
    const group = el("optgroup");
    group.label = TEXT.roleGroups[role];
    for (const person of members) group.append(new Option(`${person.name}（${person.title}）`, person.id));
    select.append(group);
  }
  select.value = state.identity.senderId;
  if (select.value !== state.identity.senderId) {
    state.identity.senderId = GUEST_ID; // the saved person is no longer on the roster
    select.value = GUEST_ID;
  }
  $("guest-name").value = state.identity.guestName;
  updateIdentityView();
}

function updateIdentityView() {
  const isGuest = state.identity.senderId === GUEST_ID;
  $("guest-field").hidden = !isGuest;
  const person = state.peopleById.get(state.identity.senderId);
  $("speaking-as").textContent = isGuest
    ? TEXT.speakingAsGuest(guestName())
    : `${person?.name ?? ""}（${person?.title ?? ""}）`;
  const roles = $("identity-roles");
  roles.replaceChildren();
  const labels = isGuest
    ? [TEXT.guestRole]
    : (person?.roles ?? []).map((role) => TEXT.roleNames[role] ?? role);
  for (const label of labels) roles.append(el("span", "tag tag-role", label));
  localStorage.setItem(IDENTITY_STORAGE_KEY, JSON.stringify(state.identity));
  refreshOwnership();
}

function restoreIdentity() {
  try {
    const saved = JSON.parse(localStorage.getItem(IDENTITY_STORAGE_KEY) ?? "null");
    if (saved && typeof saved.senderId === "string") {
      state.identity = { senderId: saved.senderId, guestName: String(saved.guestName ?? "") };
    }
  } catch {
    localStorage.removeItem(IDENTITY_STORAGE_KEY); // unreadable: start as a guest
  }
}

function renderCommands() {
  const list = $("commands");
  for (const command of COMMANDS) {
    const item = el("li");
    const button = el("button", "command");
    button.type = "button";
    button.append(el("span", "command-name", command.name), el("span", "command-desc", command.desc));
    button.addEventListener("click", () => insertIntoInput(command.insert));
    item.append(button);
    list.append(item);
  }
}

function bindEvents() {
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    submitComposer();
  });
  $("text-input").addEventListener("keydown", (event) => {
    // isComposing: Enter that confirms a Chinese IME candidate must not send.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      submitComposer();
    }
  });
  $("text-input").addEventListener("input", autoGrow);
  $("text-input").addEventListener("paste", (event) => {
    const files = [...(event.clipboardData?.files ?? [])].filter((file) => file.type.startsWith("image/"));
    if (files.length > 0) {
      event.preventDefault();
      void addFiles(files);
    }
  });
  $("file-input").addEventListener("change", (event) => {
    void addFiles([...event.target.files]);
    event.target.value = "";
  });
  $("mention-toggle").addEventListener("click", () => {
    state.mentionBot = !state.mentionBot;
    $("mention-toggle").setAttribute("aria-pressed", String(state.mentionBot));
  });
  $("identity-select").addEventListener("change", (event) => {
    state.identity.senderId = event.target.value;
    updateIdentityView();
  });
  $("guest-name").addEventListener("input", (event) => {
    state.identity.guestName = event.target.value;
    updateIdentityView();
  });
  $("reply-cancel").addEventListener("click", cancelReply);
  $("lightbox").addEventListener("click", () => {
    $("lightbox").hidden = true;
  });
  $("panel-toggle").addEventListener("click", () => {
    const open = $("side-panel").classList.toggle("open");
    $("panel-toggle").setAttribute("aria-expanded", String(open));
  });
  for (const button of document.querySelectorAll("[data-insert]")) {
    button.addEventListener("click", () => insertIntoInput(button.dataset.insert ?? ""));
  }
}

async function start() {
  configureMessages({
    onAction: (command, replyTo) => sendMessage({ text: command, images: [], replyTo, mentionBot: true }),
    onReply: startReply,
    onInsert: insertIntoInput,
  });
  renderCommands();
  bindEvents();
  restoreIdentity();
  try {
    const response = await fetch("/api/sim/people", { cache: "no-store" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const info = await response.json();
    state.botName = info.botName || state.botName;
    if (info.groupName) {
      $("group-name").textContent = info.groupName;
      document.title = TEXT.pageTitle(info.groupName, state.botName);
    }
    state.people = info.people;
    state.peopleById = new Map(info.people.map((person) => [person.id, person]));
    $("member-count").textContent = TEXT.members(info.people.length + 1);
    $("mention-label").textContent = `@${state.botName}`;
  } catch (error) {
    console.error(error);
    showToast(TEXT.peopleFailed);
  }
  renderIdentityPicker();
  connectEvents();
  document.body.dataset.ready = "true";
}

void start();
