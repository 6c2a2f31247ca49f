// Cases list: filters kept in the address bar (links and the back button work), a page of rows,
// the export link with the same filters.
import { $, api, caseHref, el, fmtTime, initPage, lightBadge, periodRange, toast } from "./common.js";
import { showLlmStatus } from "./llm-status.js";
import { TEXT } from "./texts.js";

const FILTER_KEYS = ["state", "light", "street", "department", "category", "from", "to", "q", "segment"];
const view = { page: 1, size: 50, pages: 1 };

function option(value, label) {
  return el("option", { value, text: label });
}

function fillSelects(meta) {
  $("f-state").replaceChildren(
    option("", TEXT.all),
    option("open", TEXT.openCases),
    ...meta.states.map((s) => option(s.value, s.label)),
  );
  $("f-light").replaceChildren(option("", TEXT.all), ...meta.lights.map((l) => option(l.value, l.label)));
  $("f-street").replaceChildren(option("", TEXT.all), ...meta.streets.map((s) => option(s, s)));
  $("f-department").replaceChildren(
    option("", TEXT.all),
    ...meta.departments.map((d) => option(d.code, d.name)),
  );
  $("f-category").replaceChildren(
    option("", TEXT.all),
    ...meta.categories.map((c) => option(c.code, `${c.name}（${c.code}）`)),
  );
  $("f-period").replaceChildren(...Object.entries(TEXT.periods).map(([k, label]) => option(k, label)));
}

/** The filters in the address bar. */
function filtersFromUrl() {
  const params = new URLSearchParams(location.search);
  const f = {};
  for (const k of FILTER_KEYS) f[k] = params.get(k) ?? "";
  view.page = Math.max(1, Number(params.get("page")) || 1);
  view.size = [20, 50, 100].includes(Number(params.get("size"))) ? Number(params.get("size")) : 50;
  return f;
}

function showFilters(f) {
  $("f-state").value = f.state;
  $("f-light").value = f.light;
  $("f-street").value = f.street;
  $("f-department").value = f.department;
  $("f-category").value = f.category;
  $("f-from").value = f.from;
  $("f-to").value = f.to;
  $("f-q").value = f.q;
  $("size").value = String(view.size);
  $("f-period").value = f.from || f.to ? "custom" : "all";
  const seg = $("segment-filter");
  seg.hidden = !f.segment;
  seg.replaceChildren();
  if (f.segment) {
    const clear = el("button", { type: "button", className: "btn btn-small", text: TEXT.clearSegment });
    clear.addEventListener("click", () => {
      const next = { ...filtersFromUrl(), segment: "" };
      go(next, 1);
    });
    seg.append(el("span", { className: "tag", text: TEXT.segmentFilter(f.segment) }), " ", clear);
  }
}

function formFilters() {
  return {
    state: $("f-state").value,
    light: $("f-light").value,
    street: $("f-street").value,
    department: $("f-department").value,
    category: $("f-category").value,
    from: $("f-from").value,
    to: $("f-to").value,
    q: $("f-q").value.trim(),
    segment: filtersFromUrl().segment,
  };
}

function queryOf(f, extra = {}) {
  const params = new URLSearchParams();
  for (const k of FILTER_KEYS) if (f[k]) params.set(k, f[k]);
  for (const [k, v] of Object.entries(extra)) params.set(k, String(v));
  return params;
}

function go(f, page) {
  const params = queryOf(f, page > 1 ? { page } : {});
  if (view.size !== 50) params.set("size", String(view.size));
  history.pushState(null, "", `${location.pathname}${params.size ? `?${params}` : ""}`);
  load();
}

function row(c) {
  const number = el("a", { href: caseHref(c.number), text: c.number });
  const tags = [];
  if (c.urgent) tags.push(el("span", { className: "tag tag-urgent", text: TEXT.urgent }));
  if (c.pendingExtension) tags.push(el("span", { className: "tag tag-ext", text: TEXT.extensionPending }));
  return el(
    "tr",
    {},
    el("td", { className: "nowrap" }, number, ...tags),
    el("td", {}, lightBadge(c.light, c.lightLabel)),
    el("td", {}, el("span", { className: `state state-${c.state}`, text: c.stateLabel })),
    el("td", { text: c.category }),
    el("td", { className: "summary", text: c.summary }),
    el("td", { className: "place", text: c.place }),
    el("td", { className: "nowrap", text: c.street }),
    el("td", { className: "nowrap", text: c.department }),
    el("td", { className: "nowrap", text: c.handler }),
    el("td", { className: "who", text: c.reporter }),
    el("td", { className: "nowrap", text: fmtTime(c.createdAt) }),
    el("td", { className: "nowrap", text: fmtTime(c.deadline) }),
  );
}

async function load() {
  const f = filtersFromUrl();
  showFilters(f);
  const params = queryOf(f, { page: view.page, size: view.size });
  $("export").href = `/console/export/cases.xlsx?${queryOf(f)}`;
  const body = $("cases").tBodies[0];
  try {
    const data = await api(`/console/api/cases?${params}`);
    view.pages = Math.max(1, Math.ceil(data.total / data.size));
    $("total").textContent = TEXT.casesTotal(data.total);
    body.replaceChildren(
      ...(data.items.length > 0
        ? data.items.map(row)
        : [el("tr", {}, el("td", { colSpan: 12, className: "muted", text: TEXT.noCases }))]),
    );
    $("page-info").textContent = TEXT.page(data.page, view.pages);
    $("prev").disabled = data.page <= 1;
    $("next").disabled = data.page >= view.pages;
    document.body.dataset.loaded = String(Date.now());
  } catch (error) {
    toast(error.message, "error");
  }
}

async function start() {
  await initPage("cases");
  void showLlmStatus($("llm-status"));
  fillSelects(await api("/console/api/meta"));
  $("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    go(formFilters(), 1);
  });
  $("f-reset").addEventListener("click", () => go({}, 1));
  $("f-period").addEventListener("change", () => {
    const name = $("f-period").value;
    if (name === "custom") return;
    const [from, to] = periodRange(name);
    $("f-from").value = from;
    $("f-to").value = to;
  });
  for (const id of ["f-from", "f-to"])
    $(id).addEventListener("change", () => ($("f-period").value = "custom"));
  $("prev").addEventListener("click", () => go(filtersFromUrl(), view.page - 1));
  $("next").addEventListener("click", () => go(filtersFromUrl(), view.page + 1));
  $("size").addEventListener("change", () => {
    const f = filtersFromUrl();
    view.size = Number($("size").value);
    go(f, 1);
  });
  window.addEventListener("popstate", load);
  await load();
}

start();
