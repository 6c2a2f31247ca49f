// One case: facts, before/after photos side by side, the timeline, and the inspector's actions,
// which the server runs through the same case engine as chat (the group is notified there).
import { $, api, el, fmtTime, initPage, lightBadge, requestId, session, toast } from "./common.js";
import { TEXT } from "./texts.js";

const HASH = /^[0-9a-f]{64}$/;
const number = new URLSearchParams(location.search).get("n") ?? "";
let meta = null;

function fact(label, value, wide = false) {
  return [el("dt", { text: label }), el("dd", { className: wide ? "wide" : "", text: value || "—" })];
}

function renderFacts(c) {
  const F = TEXT.fields;
  const handler = c.handler ? `${c.handler.name}${c.handler.phone ? `（${c.handler.phone}）` : ""}` : "";
  $("facts").replaceChildren(
    ...fact(F.category, c.categoryArea ? `${c.category} · ${c.categoryArea}` : c.category, true),
    ...fact(F.summary, c.summary, true),
    ...fact(F.locationText, c.locationText, true),
    ...fact(F.place, c.segment ? `${c.place}（${c.segment.id}）` : c.place),
    ...fact(F.street, c.segment?.street ?? ""),
    ...fact(F.department, c.department),
    ...fact(F.handler, handler),
    ...fact(F.street2Chief, c.street2Chief),
    ...fact(F.coHandlers, c.coHandlers.join("、")),
    ...fact(F.reporter, c.reporter),
    ...fact(F.source, `${c.channel} · ${c.chat}`),
    ...fact(F.createdAt, fmtTime(c.createdAt)),
    ...fact(F.timeLimit, c.timeLimit),
    ...fact(F.deadline, fmtTime(c.deadline)),
    ...fact(F.acknowledgedAt, fmtTime(c.acknowledgedAt)),
    ...fact(F.fixedAt, fmtTime(c.fixedAt)),
    ...fact(F.closedAt, fmtTime(c.closedAt)),
    ...fact(F.reworkCount, String(c.reworkCount)),
    ...fact(F.extensionCount, String(c.extensionCount)),
    ...(c.duplicateOf ? fact(F.duplicateOf, c.duplicateOf) : []),
  );
}

function renderPhotos(list, slot) {
  const node = $(slot);
  const photos = list.filter((p) => HASH.test(p.hash));
  if (photos.length === 0) {
    node.replaceChildren(el("div", { className: "photo-empty", text: TEXT.noPhotos }));
    return;
  }
  node.replaceChildren(
    ...photos.map((p) =>
      el(
        "a",
        { href: `/media/${p.hash}`, target: "_blank", rel: "noopener" },
        el("img", { src: `/media/${p.hash}`, alt: `${fmtTime(p.at)}`, loading: "lazy" }),
      ),
    ),
  );
}

function renderTimeline(events) {
  $("timeline").replaceChildren(
    ...events.map((e) =>
      el(
        "li",
        {},
        el("div", { className: "when", text: `${fmtTime(e.at)} · ${e.channel}` }),
        el("div", {
          className: "what",
          text: `${e.label}${e.from || e.to ? `（${TEXT.stateChange(e.from || "—", e.to || "—")}）` : ""}`,
        }),
        el("div", { text: [e.actor, e.role].filter(Boolean).join(" · ") }),
        e.detail ? el("div", { className: "detail", text: e.detail }) : null,
      ),
    ),
  );
}

function showResult(message, kind) {
  const node = $("action-result");
  node.textContent = message;
  node.dataset.kind = kind;
  node.hidden = false;
}

async function submit(action, fields, button) {
  button.disabled = true;
  button.textContent = TEXT.working;
  try {
    const res = await api(`/console/api/cases/${encodeURIComponent(number)}/actions`, {
      method: "POST",
      body: { action, ...fields },
    });
    $("action-form-slot").replaceChildren();
    showResult(res.message, "ok");
    await load();
  } catch (error) {
    showResult(error.message, "error");
    button.disabled = false;
    button.textContent = TEXT.submit;
    // Refused for the case's state: someone changed it since the page loaded; show what it is now.
    if (error.status === 409) await load();
  }
}

function option(value, label) {
  return el("option", { value, text: label });
}

async function reassignFields(c) {
  meta ??= await api("/console/api/meta");
  const segment = el(
    "select",
    { id: "reassign-segment" },
    option("", TEXT.keepSegment),
    ...meta.segments.map((s) => option(s.id, `${s.label}${s.chief ? ` · ${s.chief}` : ""}`)),
  );
  segment.value = c.segment?.id ?? "";
  const person = el(
    "select",
    { id: "reassign-person" },
    option("", TEXT.segmentChief),
    ...meta.people.map((p) => option(p.id, p.title ? `${p.name}（${p.title}）` : p.name)),
  );
  return {
    nodes: [
      el("label", { className: "field" }, el("span", { text: TEXT.reassignSegment }), segment),
      el("label", { className: "field" }, el("span", { text: TEXT.reassignPerson }), person),
    ],
    values: () => ({ segmentId: segment.value, personId: person.value }),
  };
}

/** Opens the small form of an action: a confirmation, a reason, or where to reassign. */
async function openForm(c, a) {
  const id = requestId();
  const slot = $("action-form-slot");
  $("action-result").hidden = true;
  const ok = el("button", { type: "submit", className: "btn btn-primary", text: TEXT.submit });
  const cancel = el("button", { type: "button", className: "btn", text: TEXT.cancel });
  cancel.addEventListener("click", () => slot.replaceChildren());
  let fields = [];
  let values = () => ({});
  if (a.input === "reason" || a.input === "optional_reason") {
    const text = el("textarea", {
      id: "action-reason",
      maxLength: 200,
      required: a.input === "reason",
      placeholder: TEXT.reasonPlaceholder,
    });
    fields = [
      el(
        "label",
        { className: "field" },
        el("span", { text: a.input === "reason" ? TEXT.reason : TEXT.reasonOptional }),
        text,
      ),
    ];
    values = () => ({ reason: text.value.trim() });
  } else if (a.input === "target") {
    const r = await reassignFields(c);
    fields = r.nodes;
    values = r.values;
  }
  const form = el(
    "form",
    { className: "action-form", id: `form-${a.action}` },
    el("strong", { text: a.label }),
    ...fields,
    el("div", { className: "actions" }, ok, cancel),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit(a.action, { ...values(), requestId: id }, ok);
  });
  slot.replaceChildren(form);
  form.querySelector("textarea, select, button")?.focus();
}

function renderActions(c) {
  const box = $("actions");
  box.replaceChildren();
  const ext = $("pending-ext");
  ext.hidden = !c.pendingExtension;
  if (c.pendingExtension) ext.textContent = TEXT.pendingExtension(c.pendingExtension);
  if (!session.canAct) {
    box.append(el("p", { className: "muted", text: TEXT.cannotAct }));
    return;
  }
  if (c.actions.length === 0) {
    box.append(el("p", { className: "muted", text: TEXT.noActions }));
    return;
  }
  for (const a of c.actions) {
    const b = el("button", {
      type: "button",
      className: `btn${a.action === "void" ? " btn-danger" : a.action === "close" ? " btn-primary" : ""}`,
      text: a.label,
      dataset: { action: a.action },
    });
    b.addEventListener("click", () => openForm(c, a));
    box.append(b);
  }
  // A returned case: refusing the return is a reassignment back to the same segment and chief.
  if (c.state === "returned" && c.handler && c.actions.some((a) => a.action === "reassign")) {
    const b = el("button", {
      type: "button",
      className: "btn",
      text: TEXT.rejectReturn,
      dataset: { action: "reject-return" },
    });
    b.addEventListener("click", () => {
      const id = requestId();
      submit("reassign", { segmentId: c.segment?.id ?? "", personId: c.handler.id, requestId: id }, b);
    });
    box.append(b);
  }
}

async function load() {
  try {
    const c = await api(`/console/api/cases/${encodeURIComponent(number)}`);
    document.title = `${c.number} · 路长通精细办后台`;
    $("number").textContent = c.number;
    $("state-badge").replaceChildren(el("span", { className: `state state-${c.state}`, text: c.stateLabel }));
    $("light-badge").replaceChildren(c.light ? lightBadge(c.light, c.lightLabel) : "");
    $("tags").replaceChildren(c.urgent ? el("span", { className: "tag tag-urgent", text: TEXT.urgent }) : "");
    $("notice-link").href = `/console/notice?n=${encodeURIComponent(c.number)}`;
    renderFacts(c);
    renderPhotos(c.photos.before, "photos-before");
    renderPhotos(c.photos.after, "photos-after");
    renderTimeline(c.events);
    renderActions(c);
    $("layout").hidden = false;
    document.body.dataset.loaded = String(Date.now());
  } catch (error) {
    $("error").textContent = error.status === 404 ? TEXT.caseNotFound : error.message;
    $("error").hidden = false;
    toast(error.message, "error");
  }
}

async function start() {
  await initPage("cases");
  await load();
}

start();
