/**
 * The WeChat connection on the local web page: GET /api/wechat/status (JSON: logged in or not, the
 * QR code to scan, alerts) and GET /wechat, a small page that shows it and refreshes itself.
 */
import type { FastifyInstance } from "fastify";
import { loopbackOnly } from "../../src/web/exposure.ts";
import type { WechatStatusView } from "./wechat-status.ts";
import { WX_TEXT } from "./wechat-texts.ts";

export interface WechatRouteDeps {
  status: () => WechatStatusView;
  /** Messages for WeChat waiting in the outbox. */
  pendingOutbound: () => Promise<number>;
}

/** How often the page asks for the status. */
const PAGE_REFRESH_MS = 3_000;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(WX_TEXT.page.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:2rem;max-width:40rem;color:#222}
.state{font-size:1.3rem;font-weight:600}.warn{color:#b45309}.error{color:#b91c1c}.info{color:#555}
#qr svg{max-width:100%;height:auto}ul{padding-left:1.2rem}li{margin:.2rem 0}
</style></head>
<body><h1>${esc(WX_TEXT.page.title)}</h1>
<section id="wechat-status" data-refresh-ms="${PAGE_REFRESH_MS}"><p class="state" id="state">…</p>
<div id="qr"></div><h2>${esc(WX_TEXT.page.rooms)}</h2><ul id="rooms"></ul>
<p>${esc(WX_TEXT.page.pending)}：<span id="pending">0</span></p>
<h2>${esc(WX_TEXT.page.alerts)}</h2><ul id="alerts"></ul></section>
<script src="/wechat/status.js"></script></body></html>`;

const SCRIPT = `(() => {
  const T = ${JSON.stringify({
    states: WX_TEXT.page.states,
    roles: WX_TEXT.page.roles,
    scanHint: WX_TEXT.page.scanHint,
    found: WX_TEXT.page.found,
    notFound: WX_TEXT.page.notFound,
    unknown: WX_TEXT.page.unknown,
  })};
  const $ = (id) => document.getElementById(id);
  const li = (text, cls) => { const e = document.createElement("li"); e.textContent = text; if (cls) e.className = cls; return e; };
  async function refresh() {
    try {
      const s = await (await fetch("/api/wechat/status")).json();
      const who = s.user && (s.state === "logged_in" || s.state === "logged_out") ? "：" + s.user : "";
      $("state").textContent = (T.states[s.state] || s.state) + who;
      const qr = $("qr");
      if (s.qr && s.qr.svg) {
        if (qr.dataset.payload !== s.qr.payload) { qr.innerHTML = s.qr.svg; qr.dataset.payload = s.qr.payload; }
        let hint = qr.querySelector("p"); if (!hint) { hint = document.createElement("p"); qr.appendChild(hint); }
        hint.textContent = T.scanHint;
      } else { qr.textContent = ""; delete qr.dataset.payload; }
      $("rooms").replaceChildren(...s.rooms.map((r) => li(r.topic + "（" + (T.roles[r.role] || r.role) + "）：" + (r.found === null ? T.unknown : r.found ? T.found : T.notFound), r.found === false ? "warn" : "")));
      $("alerts").replaceChildren(...s.alerts.map((a) => li(new Date(a.at).toLocaleString("zh-CN") + "  " + a.text, a.level)));
      $("pending").textContent = String(s.pendingOutbound);
    } catch (e) { $("state").textContent = String(e); }
  }
  refresh();
  setInterval(refresh, Number($("wechat-status").dataset.refreshMs));
})();`;

/**
 * The status page shows the login QR code: whoever scans it becomes the bot's WeChat account. It is
 * therefore served only to the machine itself (the operator next to the terminal that prints the
 * same QR), never to the network, whatever HOST the service listens on. The check is a hook of the
 * matched routes, not a test of the raw URL: `/api/%77echat/status` routes here too.
 */
export function registerWechatRoutes(server: FastifyInstance, deps: WechatRouteDeps) {
  server.register(async (app) => {
    app.addHook("onRequest", loopbackOnly(WX_TEXT.localOnly));
    app.get("/api/wechat/status", async (_req, reply) => {
      reply.header("cache-control", "no-store");
      return { ...deps.status(), pendingOutbound: await deps.pendingOutbound() };
    });
    app.get("/wechat", async (_req, reply) => reply.type("text/html; charset=utf-8").send(PAGE));
    app.get("/wechat/status.js", async (_req, reply) =>
      reply.type("text/javascript; charset=utf-8").send(SCRIPT),
    );
  });
}
