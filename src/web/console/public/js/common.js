// Shared by every console page: the session, the API client (CSRF header on every change), DOM
// building and formatting. SECURITY: data from the server only reaches the page through textContent,
// DOM properties and attributes set one by one — never innerHTML.
import { TEXT } from "./texts.js";

const CSRF_HEADER = "x-csrf-token";

export const $ = (id) => document.getElementById(id);

/**
 * Builds an element: `el("a", { className: "x", text: "y", href: "/z", dataset: { k: "v" } }, child…)`.
 * `text` becomes textContent; other keys are DOM properties (`on*` handlers included).
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === "text") node.textContent = String(value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "attrs") for (const [k, v] of Object.entries(value)) node.setAttribute(k, String(v));
    else node[key] = value;
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const session = {
  name: "",
  csrfToken: "",
  canAct: false,
  simulator: false,
  timeZone: "Asia/Shanghai",
};

/** An error the API answered with, carrying its Chinese message. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Calls the console API. JSON in and out; `form` sends multipart. Redirects to sign-in on 401. */
export async function api(path, { method = "GET", body, form } = {}) {
  const headers = {};
  if (method !== "GET") headers[CSRF_HEADER] = session.csrfToken;
  if (body !== undefined) headers["content-type"] = "application/json";
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: form ?? (body !== undefined ? JSON.stringify(body) : undefined),
      credentials: "same-origin",
    });
  } catch {
    throw new ApiError(0, TEXT.networkError);
  }
  const data = await res.json().catch(() => ({}));
  if (res.status === 401 && !path.startsWith("/console/api/login")) {
    location.assign(`/console/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    throw new ApiError(401, TEXT.sessionExpired);
  }
  if (!res.ok && !(res.status === 202)) throw new ApiError(res.status, data.error || TEXT.loadFailed);
  return data;
}

/** Loads the session (or goes to sign-in), fills the top bar, marks the current page in the menu. */
export async function initPage(pageName) {
  const data = await api("/console/api/session");
  Object.assign(session, data);
  const who = $("who");
  if (who) who.textContent = data.title ? `${data.name}（${data.title}）` : data.name;
  for (const link of document.querySelectorAll(".nav a")) {
    if (link.dataset.page === pageName) link.setAttribute("aria-current", "page");
  }
  const simLink = $("sim-link");
  if (simLink) simLink.hidden = !data.simulator;
  addCalendarLink(pageName);
  await showCalendarWarning();
  $("logout")?.addEventListener("click", async () => {
    await api("/console/api/logout", { method: "POST" }).catch(() => {});
    location.assign("/console/login");
  });
  document.body.dataset.ready = "true";
  return data;
}

/** The 工作日历 page in the menu of every page (pages written before it do not list it). */
function addCalendarLink(pageName) {
  const nav = document.querySelector(".nav");
  if (!nav || nav.querySelector('a[data-page="calendar"]')) return;
  const link = el("a", { href: "/console/calendar", text: TEXT.calendarNav, dataset: { page: "calendar" } });
  if (pageName === "calendar") link.setAttribute("aria-current", "page");
  nav.insertBefore(link, $("sim-link"));
}

/** While a year's holidays are unknown, every page says so at the top, with the steps to fix it. */
async function showCalendarWarning() {
  const status = await api("/console/api/calendar/status").catch(() => null);
  const w = status?.warning;
  if (!w || $("calendar-warning")) return;
  const banner = el(
    "div",
    { id: "calendar-warning", className: "banner calendar-banner", attrs: { role: "alert" } },
    el("strong", { text: w.title }),
    el("ol", {}, ...w.steps.map((step) => el("li", { text: step }))),
    location.pathname === "/console/calendar"
      ? null
      : el("a", { href: "/console/calendar", className: "btn btn-small", text: TEXT.calendarGo }),
  );
  document.querySelector("main")?.prepend(banner);
}

const FORMATS = new Map();
function formatter(timeZone) {
  let f = FORMATS.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("zh-CN", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hour12: false,
    });
    FORMATS.set(timeZone, f);
  }
  return f;
}

/** "2026-11-26 10:05" in the service's time zone; "" for nothing. */
export function fmtTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const p = Object.fromEntries(
    formatter(session.timeZone)
      .formatToParts(d)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** Today's date 'YYYY-MM-DD' in the service's time zone. */
export function today() {
  return fmtTime(new Date().toISOString()).slice(0, 10);
}

/** 'YYYY-MM-DD' n days after a date. */
export function addDays(day, n) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** First and last day of a named period relative to today. */
export function periodRange(name) {
  const t = today();
  const weekday = (new Date(`${t}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
  const monthStart = `${t.slice(0, 8)}01`;
  switch (name) {
    case "today":
      return [t, t];
    case "last7":
      return [addDays(t, -6), t];
    case "week":
      return [addDays(t, -weekday), t];
    case "month":
      return [monthStart, t];
    case "lastMonth": {
      const lastDay = addDays(monthStart, -1);
      return [`${lastDay.slice(0, 8)}01`, lastDay];
    }
    case "year":
      return [`${t.slice(0, 4)}-01-01`, t];
    default:
      return ["", ""];
  }
}

/** A small message at the bottom of the page. */
export function toast(message, kind = "info") {
  let node = $("toast");
  if (!node) {
    node = el("div", { id: "toast", className: "toast", attrs: { role: "status", "aria-live": "polite" } });
    document.body.append(node);
  }
  node.textContent = message;
  node.dataset.kind = kind;
  node.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => {
    node.hidden = true;
  }, 4000);
}

/** A light as a coloured dot with its label. */
export function lightBadge(light, label) {
  if (!light) return el("span", { className: "muted", text: "—" });
  return el(
    "span",
    { className: `light light-${light}`, title: label },
    el("span", { className: "dot" }),
    label,
  );
}

/** A fresh id for an action request (its message id in the case engine). */
export function requestId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
}

/** Link to a case page. */
export function caseHref(number) {
  return `/console/case?n=${encodeURIComponent(number)}`;
}
