// Roster: upload a file (same importer and problems as the command line), see and edit people and
// segments. Names and titles come from spreadsheets: text only, never markup.
import { $, api, el, initPage, toast } from "./common.js";
import { TEXT } from "./texts.js";

let roster = null;

function header(table, cols) {
  table.tHead.replaceChildren(el("tr", {}, ...cols.map((c) => el("th", { className: "nowrap", text: c }))));
}

function roleText(roles) {
  return roles.map((r) => roster.roleLabels[r] ?? r).join("、") || TEXT.leftRoster;
}

function matches(filter, ...values) {
  const f = filter.trim().toLowerCase();
  return (
    !f ||
    values.some((v) =>
      String(v ?? "")
        .toLowerCase()
        .includes(f),
    )
  );
}

function renderPeople() {
  const table = $("people");
  header(table, TEXT.personCols);
  const filter = $("people-filter").value;
  const rows = roster.people
    .filter((p) => matches(filter, p.id, p.name, p.title, p.phone))
    .map((p) => {
      const edit = el("button", {
        type: "button",
        className: "btn btn-small",
        text: TEXT.edit,
        dataset: { person: p.id },
      });
      const tr = el(
        "tr",
        { dataset: { id: p.id } },
        el("td", { className: "nowrap", text: p.id }),
        el("td", { className: "nowrap", text: p.name }),
        el("td", { text: p.title }),
        el("td", { className: "nowrap", text: p.phone }),
        el("td", { text: p.larkOpenId }),
        el("td", { text: p.wechatId }),
        el("td", { text: roleText(p.roles) }),
        el("td", {}, edit),
      );
      edit.addEventListener("click", () => tr.replaceWith(personEditor(p, tr)));
      return tr;
    });
  table.tBodies[0].replaceChildren(...rows);
}

function input(value, props = {}) {
  return el("input", { type: "text", value: value ?? "", ...props });
}

function personEditor(p, original) {
  const name = input(p.name, { maxLength: 50, required: true, ariaLabel: "姓名" });
  const title = input(p.title, { maxLength: 100, ariaLabel: "职务" });
  const phone = input(p.phone, { maxLength: 30, ariaLabel: "电话" });
  const lark = input(p.larkOpenId, { maxLength: 100, ariaLabel: "飞书ID" });
  const wechat = input(p.wechatId, { maxLength: 100, ariaLabel: "微信ID" });
  const boxes = roster.editableRoles.map((r) =>
    el(
      "label",
      {},
      el("input", { type: "checkbox", value: r, checked: p.roles.includes(r) }),
      roster.roleLabels[r],
    ),
  );
  const fixed = p.roles
    .filter((r) => !roster.editableRoles.includes(r))
    .map((r) => roster.roleLabels[r] ?? r);
  const save = el("button", { type: "button", className: "btn btn-small btn-primary", text: TEXT.save });
  const cancel = el("button", { type: "button", className: "btn btn-small", text: TEXT.cancel });
  const tr = el(
    "tr",
    { className: "edit-row" },
    el("td", { className: "nowrap", text: p.id }),
    el("td", {}, name),
    el("td", {}, title),
    el("td", {}, phone),
    el("td", {}, lark),
    el("td", {}, wechat),
    el(
      "td",
      {},
      el(
        "div",
        { className: "roles" },
        ...boxes,
        fixed.length ? el("span", { className: "muted", text: fixed.join("、") }) : null,
      ),
    ),
    el("td", { className: "nowrap" }, save, " ", cancel),
  );
  cancel.addEventListener("click", () => tr.replaceWith(original));
  save.addEventListener("click", async () => {
    save.disabled = true;
    try {
      await api(`/console/api/roster/people/${encodeURIComponent(p.id)}`, {
        method: "POST",
        body: {
          name: name.value,
          title: title.value,
          phone: phone.value,
          larkOpenId: lark.value,
          wechatId: wechat.value,
          roles: boxes
            .map((b) => b.querySelector("input"))
            .filter((c) => c.checked)
            .map((c) => c.value),
        },
      });
      toast(TEXT.saved);
      await loadRoster();
    } catch (error) {
      toast(error.message, "error");
      save.disabled = false;
    }
  });
  return tr;
}

function renderSegments() {
  const table = $("segments");
  header(table, TEXT.segmentCols);
  const filter = $("segments-filter").value;
  const rows = roster.segments
    .filter((s) => matches(filter, s.id, s.road, s.from, s.to, s.street, s.level3Name, s.level2Name))
    .map((s) => {
      const edit = el("button", {
        type: "button",
        className: "btn btn-small",
        text: TEXT.edit,
        dataset: { segment: s.id },
      });
      const tr = el(
        "tr",
        { dataset: { id: s.id } },
        el("td", { className: "nowrap", text: s.id }),
        el("td", { className: "nowrap", text: s.road }),
        el("td", { text: `${s.from} — ${s.to}` }),
        el("td", { className: "nowrap", text: s.street }),
        el("td", { className: "nowrap", text: s.level3Name || TEXT.none }),
        el("td", { className: "nowrap", text: s.level2Name || TEXT.none }),
        el("td", {}, edit),
      );
      edit.addEventListener("click", () => tr.replaceWith(segmentEditor(s, tr)));
      return tr;
    });
  table.tBodies[0].replaceChildren(...rows);
}

function personSelect(value, label) {
  const select = el(
    "select",
    { ariaLabel: label },
    el("option", { value: "", text: TEXT.none }),
    ...roster.people.map((p) =>
      el("option", { value: p.id, text: p.title ? `${p.name}（${p.title}）` : p.name }),
    ),
  );
  select.value = value ?? "";
  return select;
}

function segmentEditor(s, original) {
  const street = el(
    "select",
    { ariaLabel: "街道" },
    ...roster.streets.map((n) => el("option", { value: n, text: n })),
  );
  street.value = s.street;
  const l3 = personSelect(s.level3ChiefId, "三级路长");
  const l2 = personSelect(s.level2ChiefId, "二级路长");
  const save = el("button", { type: "button", className: "btn btn-small btn-primary", text: TEXT.save });
  const cancel = el("button", { type: "button", className: "btn btn-small", text: TEXT.cancel });
  const tr = el(
    "tr",
    { className: "edit-row" },
    el("td", { className: "nowrap", text: s.id }),
    el("td", { className: "nowrap", text: s.road }),
    el("td", { text: `${s.from} — ${s.to}` }),
    el("td", {}, street),
    el("td", {}, l3),
    el("td", {}, l2),
    el("td", { className: "nowrap" }, save, " ", cancel),
  );
  cancel.addEventListener("click", () => tr.replaceWith(original));
  save.addEventListener("click", async () => {
    save.disabled = true;
    try {
      await api(`/console/api/roster/segments/${encodeURIComponent(s.id)}`, {
        method: "POST",
        body: { street: street.value, level3ChiefId: l3.value || null, level2ChiefId: l2.value || null },
      });
      toast(TEXT.saved);
      await loadRoster();
    } catch (error) {
      toast(error.message, "error");
      save.disabled = false;
    }
  });
  return tr;
}

function problemTable(problems) {
  return el(
    "table",
    { className: "grid problems" },
    el("thead", {}, el("tr", {}, ...TEXT.problemCols.map((c) => el("th", { text: c })))),
    el(
      "tbody",
      {},
      ...problems.map((p) =>
        el(
          "tr",
          { className: p.severity },
          el("td", { className: "nowrap", text: p.severity === "warning" ? TEXT.warning : TEXT.error }),
          el("td", { text: p.sheet }),
          el("td", { className: "num", text: p.row ?? "" }),
          el("td", { text: p.column }),
          el("td", { text: p.path }),
          el("td", { text: p.message }),
        ),
      ),
    ),
  );
}

async function upload(event) {
  event.preventDefault();
  const file = $("file").files[0];
  const out = $("upload-result");
  if (!file) return;
  const button = $("upload-btn");
  button.disabled = true;
  button.textContent = TEXT.uploadBusy;
  const form = new FormData();
  form.append("file", file, file.name);
  try {
    const res = await api(`/console/api/roster/upload${$("dry-run").checked ? "?dryRun=1" : ""}`, {
      method: "POST",
      form,
    });
    if (!res.ok) {
      const errors = res.problems.filter((p) => p.severity !== "warning").length;
      out.replaceChildren(
        el("p", { className: "error", text: TEXT.problemsTitle(res.fileName, errors) }),
        el("div", { className: "table-wrap" }, problemTable(res.problems)),
      );
    } else {
      out.replaceChildren(
        el("p", { className: "result", text: res.summary }),
        ...(res.warnings.length ? [el("p", { text: TEXT.warningsTitle }), problemTable(res.warnings)] : []),
      );
      if (!res.dryRun) await loadRoster();
    }
    document.body.dataset.uploaded = String(Date.now());
  } catch (error) {
    out.replaceChildren(el("p", { className: "error", text: error.message }));
  } finally {
    button.disabled = false;
    button.textContent = TEXT.upload;
  }
}

async function loadRoster() {
  roster = await api("/console/api/roster");
  renderPeople();
  renderSegments();
}

async function start() {
  await initPage("roster");
  $("upload-hint").textContent = TEXT.uploadHint;
  $("edit-hint").textContent = TEXT.editHint;
  $("upload-form").addEventListener("submit", upload);
  $("people-filter").addEventListener("input", renderPeople);
  $("segments-filter").addEventListener("input", renderSegments);
  try {
    await loadRoster();
    document.body.dataset.loaded = String(Date.now());
  } catch (error) {
    toast(error.message, "error");
  }
}

start();
