// The schematic street map: roads through their crossings' coordinates, segments coloured by street,
// open cases as pins coloured by light (a click opens the case), clusters on busy segments.
import { $, api, caseHref, el, initPage, toast } from "./common.js";
import { LIGHT_COLORS, TEXT } from "./texts.js";

const NS = "http://www.w3.org/2000/svg";
const WIDTH = 1000;
const MARGIN = 40;
const STREET_COLORS = [
  "#5b8ff9",
  "#5ad8a6",
  "#f6bd16",
  "#e86452",
  "#6dc8ec",
  "#945fb9",
  "#ff9845",
  "#1e9493",
  "#ff99c3",
  "#7262fd",
];
const LIGHTS = ["red", "yellow", "green"];
const PIN_OFFSET = 9;

let data = null;
let box = { x: 0, y: 0, w: WIDTH, h: WIDTH };
let home = { ...box };

/** An SVG element; attributes are set one by one (numbers and fixed names only). */
function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  for (const c of children) if (c) node.append(c);
  return node;
}

function title(text) {
  const t = document.createElementNS(NS, "title");
  t.textContent = text;
  return t;
}

/** Equirectangular projection fitted to the roster's crossings. */
function projection(points) {
  const lats = points.map((p) => p.lat);
  const lngs = points.map((p) => p.lng);
  const [minLat, maxLat, minLng, maxLng] = [
    Math.min(...lats),
    Math.max(...lats),
    Math.min(...lngs),
    Math.max(...lngs),
  ];
  const k = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const spanX = Math.max((maxLng - minLng) * k, 1e-6);
  const spanY = Math.max(maxLat - minLat, 1e-6);
  const scale = (WIDTH - 2 * MARGIN) / Math.max(spanX, spanY);
  const height = spanY * scale + 2 * MARGIN;
  return {
    height: Math.max(height, 300),
    at: (lng, lat) => [MARGIN + (lng - minLng) * k * scale, MARGIN + (maxLat - lat) * scale],
  };
}

function enabledLights() {
  return new Set(
    [...document.querySelectorAll(".light-toggle")].filter((c) => c.checked).map((c) => c.value),
  );
}

function draw() {
  const map = $("map");
  map.replaceChildren();
  const points = data.roads.flatMap((r) => r.crossings);
  if (points.length === 0) {
    $("map-stats").textContent = TEXT.mapNoCoordinates;
    return;
  }
  const proj = projection(points);
  home = { x: 0, y: 0, w: WIDTH, h: proj.height };
  if (box.w === WIDTH && box.x === 0 && box.y === 0) box = { ...home };
  const streetColor = new Map(data.streets.map((s, i) => [s, STREET_COLORS[i % STREET_COLORS.length]]));
  const roads = svg("g");
  const segments = svg("g");
  const crossings = svg("g");
  const labels = svg("g");
  const pins = svg("g");
  for (const r of data.roads) {
    if (r.crossings.length < 2) continue;
    const xy = r.crossings.map((c) => proj.at(c.lng, c.lat));
    roads.append(
      svg("polyline", { class: "road", points: xy.map((p) => p.join(",")).join(" "), "stroke-width": 10 }),
    );
    for (const [i, c] of r.crossings.entries()) {
      const [x, y] = xy[i];
      crossings.append(
        svg("circle", { class: "crossing", cx: x, cy: y, r: 3 }, title(`${r.name} · ${c.name}`)),
      );
    }
    const [a, b] = [xy[0], xy[xy.length - 1]];
    let angle = (Math.atan2(b[1] - a[1], b[0] - a[0]) * 180) / Math.PI;
    if (angle > 90) angle -= 180;
    if (angle < -90) angle += 180;
    const label = svg("text", {
      class: "road-label",
      x: a[0] + 8,
      y: a[1] - 10,
      transform: `rotate(${angle.toFixed(1)} ${a[0]} ${a[1]})`,
    });
    label.textContent = r.name;
    labels.append(label);
  }
  const show = enabledLights();
  for (const s of data.segments) {
    if (!s.line) continue;
    const [a, b] = s.line.map(([lng, lat]) => proj.at(lng, lat));
    segments.append(
      svg(
        "line",
        {
          class: "segment",
          x1: a[0],
          y1: a[1],
          x2: b[0],
          y2: b[1],
          stroke: streetColor.get(s.street) ?? "#999",
          "stroke-width": 5,
        },
        title(`${s.road} ${s.from}至${s.to}段（${s.id}）· ${s.street}`),
      ),
    );
    const shown = s.pins.filter((p) => show.has(p.light));
    const total = LIGHTS.filter((l) => show.has(l)).reduce((n, l) => n + s.counts[l], 0);
    if (total === 0) continue;
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    const len = Math.hypot(dx, dy) || 1;
    const [nx, ny] = [-dy / len, dx / len];
    if (total > shown.length || total > 6) {
      const worst = LIGHTS.find((l) => show.has(l) && s.counts[l] > 0) ?? "green";
      const [mx, my] = [(a[0] + b[0]) / 2 + nx * PIN_OFFSET, (a[1] + b[1]) / 2 + ny * PIN_OFFSET];
      const link = svg("a", {
        class: "cluster",
        href: `/console/?segment=${encodeURIComponent(s.id)}&state=open`,
      });
      link.append(
        title(TEXT.clusterTitle(`${s.road} ${s.from}至${s.to}段`, total)),
        svg("circle", { cx: mx, cy: my, r: 11, fill: LIGHT_COLORS[worst] }),
      );
      const count = svg("text", { x: mx, y: my });
      count.textContent = String(total);
      link.append(count);
      pins.append(link);
      continue;
    }
    shown.forEach((p, i) => {
      const t = (i + 1) / (shown.length + 1);
      const side = i % 2 === 0 ? 1 : -1;
      const [px, py] = [a[0] + dx * t + nx * PIN_OFFSET * side, a[1] + dy * t + ny * PIN_OFFSET * side];
      const link = svg("a", { href: caseHref(p.number), class: "pin-link", "data-number": p.number });
      link.append(
        title(`${p.number} ${p.category} ${p.summary}`),
        svg("circle", {
          class: "pin",
          cx: px,
          cy: py,
          r: 7,
          fill: LIGHT_COLORS[p.light],
          "data-light": p.light,
        }),
      );
      pins.append(link);
    });
  }
  map.append(roads, segments, crossings, labels, pins);
  applyBox();
  $("map-stats").textContent = TEXT.mapStats(data.pinned, data.unlocated, data.withoutCoordinates);
  renderLegend(streetColor);
}

function renderLegend(streetColor) {
  const items = [...streetColor].map(([street, color]) =>
    el("span", {}, el("span", { className: "swatch", dataset: { color } }), street),
  );
  const lights = LIGHTS.map((l) =>
    el(
      "span",
      { className: `light light-${l}` },
      el("span", { className: "dot" }),
      { red: "红灯", yellow: "黄灯", green: "绿灯" }[l],
    ),
  );
  $("legend").replaceChildren(...items, ...lights);
  // Colours set through the CSSOM (allowed by the CSP, unlike style attributes).
  for (const sw of $("legend").querySelectorAll(".swatch")) sw.style.background = sw.dataset.color;
}

function applyBox() {
  $("map").setAttribute("viewBox", `${box.x} ${box.y} ${box.w} ${box.h}`);
}

function zoom(factor, cx = box.x + box.w / 2, cy = box.y + box.h / 2) {
  const w = Math.min(home.w * 4, Math.max(home.w / 20, box.w * factor));
  const h = (w / box.w) * box.h;
  box = { x: cx - ((cx - box.x) * w) / box.w, y: cy - ((cy - box.y) * h) / box.h, w, h };
  applyBox();
}

function enablePanZoom() {
  const map = $("map");
  const toSvg = (event) => {
    const r = map.getBoundingClientRect();
    const scale = Math.max(box.w / r.width, box.h / r.height);
    return [box.x + (event.clientX - r.left) * scale, box.y + (event.clientY - r.top) * scale, scale];
  };
  map.addEventListener(
    "wheel",
    (event) => {
      event.preventDefault();
      const [x, y] = toSvg(event);
      zoom(event.deltaY > 0 ? 1.2 : 1 / 1.2, x, y);
    },
    { passive: false },
  );
  let drag = null;
  map.addEventListener("pointerdown", (event) => {
    if (event.target.closest("a")) return;
    drag = { x: event.clientX, y: event.clientY, box: { ...box }, scale: toSvg(event)[2] };
    map.setPointerCapture(event.pointerId);
  });
  map.addEventListener("pointermove", (event) => {
    if (!drag) return;
    box = {
      ...drag.box,
      x: drag.box.x - (event.clientX - drag.x) * drag.scale,
      y: drag.box.y - (event.clientY - drag.y) * drag.scale,
    };
    applyBox();
  });
  map.addEventListener("pointerup", () => {
    drag = null;
  });
  $("zoom-in").addEventListener("click", () => zoom(1 / 1.5));
  $("zoom-out").addEventListener("click", () => zoom(1.5));
  $("zoom-reset").addEventListener("click", () => {
    box = { ...home };
    applyBox();
  });
}

async function start() {
  await initPage("map");
  $("map-hint").textContent = TEXT.mapHint;
  try {
    data = await api("/console/api/map");
    draw();
    enablePanZoom();
    for (const c of document.querySelectorAll(".light-toggle")) c.addEventListener("change", draw);
    document.body.dataset.loaded = String(Date.now());
  } catch (error) {
    toast(error.message, "error");
  }
}

start();
