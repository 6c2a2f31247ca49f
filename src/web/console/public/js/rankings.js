// Rankings and trends for any period, with ECharts (served from this server: no CDN).
import { $, api, el, fmtTime, initPage, periodRange, toast } from "./common.js";
import { TEXT } from "./texts.js";

const RATE_KEYS = ["disposalRate", "onTimeDisposalRate", "reworkRate", "closureRate", "extensionRate"];
const COUNT_KEYS = ["toDispose", "disposed", "closed", "overdueOpen"];
const CHART_COLORS = ["#3370ff", "#30a46c", "#f0a020"];

const charts = {};
function chart(id) {
  charts[id] ??= window.echarts.init($(id), null, { renderer: "canvas" });
  return charts[id];
}

const pct = (v) => (v === null || v === undefined ? "—" : `${(v * 100).toFixed(1)}%`);

function formState() {
  const params = new URLSearchParams(location.search);
  const [from, to] = periodRange("month");
  return {
    unit: params.get("unit") || "street",
    from: params.get("from") || from,
    to: params.get("to") || to,
  };
}

function queryOf(s) {
  return new URLSearchParams({ unit: s.unit, from: s.from, to: s.to }).toString();
}

function renderTable(data) {
  const L = data.labels;
  $("table-title").textContent = `${data.unitLabel}考核排名`;
  $("ranking").tHead.replaceChildren(
    el(
      "tr",
      {},
      el("th", { text: L.rank }),
      el("th", { text: data.unitLabel }),
      el("th", { text: L.score }),
      el("th", { text: L.grade }),
      ...COUNT_KEYS.map((k) => el("th", { className: "nowrap", text: L[k] })),
      ...RATE_KEYS.map((k) => el("th", { className: "nowrap", text: L[k] })),
      el("th", { className: "nowrap", text: L.averageDisposalHours }),
    ),
  );
  const row = (u, total = false) =>
    el(
      "tr",
      { className: total ? "total" : "" },
      el("td", { className: "num", text: u.rank ?? "" }),
      el("td", { text: u.name }),
      el("td", { className: "num", text: u.score === null ? TEXT.unrated : u.score.toFixed(1) }),
      el("td", { className: `grade grade-${u.grade ?? ""}`, text: u.grade ?? "" }),
      ...COUNT_KEYS.map((k) => el("td", { className: "num", text: String(u.counts[k]) })),
      ...RATE_KEYS.map((k) => el("td", { className: "num", text: pct(u.rates[k]) })),
      el("td", {
        className: "num",
        text: u.rates.averageDisposalHours === null ? "—" : u.rates.averageDisposalHours.toFixed(1),
      }),
    );
  $("ranking").tBodies[0].replaceChildren(...data.units.map((u) => row(u)), row(data.total, true));
  const un = $("unattributed");
  un.hidden = !data.unattributed;
  un.textContent = TEXT.unattributed(data.unattributed);
}

function renderCharts(data) {
  $("score-title").textContent = TEXT.scoreChart(data.unitLabel);
  const rated = data.units
    .filter((u) => u.score !== null)
    .slice(0, 30)
    .reverse();
  chart("score-chart").setOption(
    {
      color: CHART_COLORS,
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", max: 100 },
      yAxis: {
        type: "category",
        data: rated.map((u) => u.name),
        axisLabel: { width: 160, overflow: "truncate" },
      },
      series: [
        {
          type: "bar",
          name: data.labels.score,
          data: rated.map((u) => u.score),
          label: { show: true, position: "right", formatter: (p) => Number(p.value).toFixed(1) },
        },
      ],
    },
    true,
  );
  const b = data.trend.buckets;
  chart("trend-chart").setOption(
    {
      color: CHART_COLORS,
      grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: b.map((x) => x.label) },
      yAxis: [
        { type: "value", name: "件", minInterval: 1 },
        { type: "value", name: TEXT.onTimeRate, min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      ],
      series: [
        { type: "bar", name: TEXT.created, data: b.map((x) => x.created) },
        { type: "bar", name: TEXT.closed, data: b.map((x) => x.closed) },
        {
          type: "line",
          name: TEXT.onTimeRate,
          yAxisIndex: 1,
          connectNulls: true,
          data: b.map((x) =>
            x.onTimeDisposalRate === null ? null : Math.round(x.onTimeDisposalRate * 1000) / 10,
          ),
        },
      ],
    },
    true,
  );
}

async function load() {
  const s = formState();
  $("unit").value = s.unit;
  $("from").value = s.from;
  $("to").value = s.to;
  $("export").href = `/console/export/rankings.xlsx?${queryOf(s)}`;
  try {
    const data = await api(`/console/api/rankings?${queryOf(s)}`);
    renderTable(data);
    renderCharts(data);
    $("as-of").textContent = TEXT.asOf(fmtTime(data.asOf));
    document.body.dataset.loaded = String(Date.now());
  } catch (error) {
    toast(error.message, "error");
  }
}

async function start() {
  await initPage("rankings");
  const names = ["week", "month", "lastMonth", "last7", "year", "custom"];
  $("period").replaceChildren(...names.map((n) => el("option", { value: n, text: TEXT.periods[n] })));
  $("period").value = new URLSearchParams(location.search).has("from") ? "custom" : "month";
  $("period").addEventListener("change", () => {
    if ($("period").value === "custom") return;
    const [from, to] = periodRange($("period").value);
    $("from").value = from;
    $("to").value = to;
  });
  for (const id of ["from", "to"]) $(id).addEventListener("change", () => ($("period").value = "custom"));
  $("period-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const s = { unit: $("unit").value, from: $("from").value, to: $("to").value };
    if (!s.from || !s.to || s.from > s.to) {
      toast(TEXT.periodInvalid, "error");
      return;
    }
    history.pushState(null, "", `${location.pathname}?${queryOf(s)}`);
    load();
  });
  window.addEventListener("popstate", load);
  window.addEventListener("resize", () => {
    for (const c of Object.values(charts)) c.resize();
  });
  await load();
}

start();
