/**
 * Issue 13 §3: the WeChat login page carries the QR code that logs whoever scans it in as the bot.
 * It is for this machine only, checked on the matched route: a percent-encoded spelling of the path
 * reaches the same route and the same check.
 */
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { registerWechatRoutes } from "../../bots/wechat/wechat-routes.ts";
import type { WechatStatusView } from "../../bots/wechat/wechat-status.ts";

const QR_PAYLOAD = "https://login.weixin.qq.com/l/secret-qr";

async function server(trustProxy: false | string[] = false) {
  const app = Fastify({ trustProxy });
  registerWechatRoutes(app, {
    status: () =>
      ({ state: "scan", qr: { payload: QR_PAYLOAD, svg: "<svg/>" } }) as unknown as WechatStatusView,
    pendingOutbound: async () => 0,
  });
  await app.ready();
  return app;
}

describe("/wechat and /api/wechat/status", () => {
  it("refuses every spelling of the paths from another address", async () => {
    const app = await server();
    for (const url of [
      "/api/wechat/status",
      "/api/%77echat/status",
      "/api/wechat/%73tatus",
      "/%77echat",
      "/wechat/status.js",
      "/api/wechat/status?x=1",
    ]) {
      const res = await app.inject({ method: "GET", url, remoteAddress: "198.51.100.7" });
      expect(res.statusCode, url).toBe(403);
      expect(res.body).not.toContain(QR_PAYLOAD);
    }
    const local = await app.inject({
      method: "GET",
      url: "/api/%77echat/status",
      remoteAddress: "127.0.0.1",
    });
    expect(local.statusCode).toBe(200);
    expect(local.body).toContain(QR_PAYLOAD);
    await app.close();
  });

  it("behind a trusted proxy, checks the forwarded client address", async () => {
    const app = await server(["127.0.0.1"]);
    const res = await app.inject({
      method: "GET",
      url: "/api/wechat/status",
      remoteAddress: "127.0.0.1",
      headers: { "x-forwarded-for": "198.51.100.7" },
    });
    expect(res.statusCode).toBe(403);
    await app.close();
  });
});
