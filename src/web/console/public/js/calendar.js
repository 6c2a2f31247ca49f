// The work calendar: a year's holidays and make-up working days with where each comes from, and for
// admins the State Council's notice pasted, parsed into a calendar to check, then confirmed.
// Day names come from pasted text: they reach the page as text only.
import { $, api, el, fmtTime, initPage, toast, today } from "./common.js";
import { TEXT } from "./texts.js";

const params = new URLSearchParams(location.search);
let year = Number(params.get("year")) || 0;
let parsedYear = 0;

/** Weekday of 'YYYY-MM-DD', Monday = 0. */
const weekdayOf = (date) => (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
const pad = (n) => String(n).padStart(2, "0");

/** Twelve small months; `days` are the special days of the year (date, kind, source, name …). */
function renderMonths(container, y, days) {
  const byDate = new Map(days.map((d) => [d.date, d]));
  const now = today();
  const months = [];
  for (let m = 1; m <= 12; m++) {
    const first = `${y}-${pad(m)}-01`;
    const length = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const cells = Array.from({ length: weekdayOf(first) }, () => el("td"));
    for (let d = 1; d <= length; d++) {
      const date = `${y}-${pad(m)}-${pad(d)}`;
      const special = byDate.get(date);
      const classes = [];
      if (weekdayOf(date) >= 5) classes.push("weekend");
      if (special) classes.push(special.kind);
      if (date === now) classes.push("today");
      const title = special
        ? [special.name, special.kindLabel, special.sourceLabel].filter(Boolean).join(" · ")
        : "";
      cells.push(
        el(
          "td",
          {
            className: classes.join(" "),
            title,
            dataset: special ? { date, source: special.source, kind: special.kind } : { date },
          },
          el("span", { className: "d", text: String(d) }),
        ),
      );
    }
    const rows = [];
    for (let i = 0; i < cells.length; i += 7) rows.push(el("tr", {}, ...cells.slice(i, i + 7)));
    months.push(
      el(
        "div",
        { className: "month" },
        el("h3", { text: TEXT.monthTitle(m) }),
        el(
          "table",
          {},
          el("thead", {}, el("tr", {}, ...TEXT.weekdays.map((w) => el("th", { text: w })))),
          el("tbody", {}, ...rows),
        ),
      ),
    );
  }
  container.replaceChildren(...months);
}

function renderLegend(sourceLabels) {
  $("legend").replaceChildren(
    el("span", {}, el("span", { className: "swatch holiday" }), TEXT.legendHoliday),
    el("span", {}, el("span", { className: "swatch workday" }), TEXT.legendWorkday),
    ...Object.entries(sourceLabels).map(([key, label]) =>
      el("span", { className: `src-${key}`, text: label }),
    ),
  );
}

function renderDays(days) {
  const table = $("days");
  table.tHead.replaceChildren(el("tr", {}, ...TEXT.dayCols.map((c) => el("th", { text: c }))));
  table.tBodies[0].replaceChildren(
    ...days.map((d) =>
      el(
        "tr",
        { dataset: { date: d.date } },
        el("td", { className: "nowrap", text: d.date }),
        el("td", { text: `周${TEXT.weekdays[weekdayOf(d.date)]}` }),
        el("td", { text: d.kindLabel }),
        el("td", { text: d.name }),
        el("td", {}, el("span", { className: `src-${d.source}`, text: d.sourceLabel })),
      ),
    ),
  );
  const count = (kind) => days.filter((d) => d.kind === kind).length;
  $("days-summary").textContent = TEXT.daysSummary(count("holiday"), count("workday"));
}

function renderEntries(entries) {
  const table = $("entries");
  table.tHead.replaceChildren(el("tr", {}, ...TEXT.entryCols.map((c) => el("th", { text: c }))));
  const rows = entries.map((e) =>
    el(
      "tr",
      {},
      el("td", { className: "nowrap", text: fmtTime(e.enteredAt) }),
      el("td", { text: String(e.year) }),
      el("td", { className: "num", text: String(e.dayCount) }),
      el("td", { text: e.enteredByName }),
      el("td", { className: "muted", text: e.note }),
    ),
  );
  table.tBodies[0].replaceChildren(
    ...(rows.length
      ? rows
      : [el("tr", {}, el("td", { className: "muted", colSpan: 5, text: TEXT.noEntries }))]),
  );
}

async function load() {
  const data = await api(`/console/api/calendar${year ? `?year=${year}` : ""}`);
  year = data.year;
  $("year-title").textContent = TEXT.yearTitle(year);
  $("year-source").textContent = TEXT.yearSource(data.yearSourceLabel);
  renderLegend(data.sourceLabels);
  renderMonths($("months"), year, data.days);
  renderDays(data.days);
  renderEntries(data.entries);
  $("enter-card").hidden = !data.canEnter;
  history.replaceState(null, "", `/console/calendar?year=${year}`);
  document.body.dataset.loaded = String(year);
}

function showResult(message, kind) {
  const box = $("parse-result");
  box.textContent = message;
  box.dataset.kind = kind;
  box.hidden = false;
}

async function parse() {
  const text = $("notice").value;
  $("preview").hidden = true;
  parsedYear = 0;
  showResult(TEXT.parsing, "info");
  try {
    const p = await api("/console/api/calendar/preview", { method: "POST", body: { text } });
    parsedYear = p.year;
    $("parse-result").hidden = true;
    $("preview-title").textContent = TEXT.previewTitle(p.year);
    $("preview-note").textContent = TEXT.previewNote(
      p.currentSource === "weekdays" ? "" : p.currentSourceLabel,
    );
    renderMonths($("preview-months"), p.year, p.days);
    $("preview").hidden = false;
    $("preview").dataset.year = String(p.year);
  } catch (e) {
    showResult(e.message, "error");
  }
}

async function confirmEntry() {
  const button = $("confirm");
  button.disabled = true;
  button.textContent = TEXT.confirming;
  try {
    const r = await api("/console/api/calendar/entries", {
      method: "POST",
      body: { text: $("notice").value, year: parsedYear },
    });
    const changed = r.changed.map((c) => `${c.number}（${c.from} → ${c.to}）`).join("、");
    showResult(changed ? `${r.message}${TEXT.changedCases(changed)}` : r.message, "ok");
    $("preview").hidden = true;
    $("notice").value = "";
    $("calendar-warning")?.remove();
    year = r.year;
    await load();
    toast(r.message);
  } catch (e) {
    showResult(e.message, "error");
  } finally {
    button.disabled = false;
    button.textContent = TEXT.confirmEntry;
  }
}

async function main() {
  await initPage("calendar");
  $("enter-hint").textContent = TEXT.enterHint;
  const count = () => {
    $("notice-count").textContent = TEXT.noticeCount($("notice").value.length);
  };
  $("notice").addEventListener("input", count);
  count();
  $("parse").addEventListener("click", parse);
  $("confirm").addEventListener("click", confirmEntry);
  $("discard").addEventListener("click", () => {
    $("preview").hidden = true;
  });
  $("prev-year").addEventListener("click", () => {
    year -= 1;
    load().catch((e) => toast(e.message, "error"));
  });
  $("next-year").addEventListener("click", () => {
    year += 1;
    load().catch((e) => toast(e.message, "error"));
  });
  await load();
}

main().catch((e) => toast(e.message, "error"));
