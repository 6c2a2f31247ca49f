/** "@路长通 今日简报" and "@路长通 排名" answer in the thread with text and a chart, @-mentioning nobody. */
import { afterEach, describe, expect, it } from "vitest";
import { parseCommand } from "../../src/conversation/command-parser.ts";
import { type ScheduleHarness, startScheduleApp } from "./schedule-harness.ts";

let h: ScheduleHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe("on-demand reports", () => {
  it.each([
    ["@路长通 今日简报", "brief"],
    ["简报", "brief"],
    ["@路长通 排名", "ranking"],
    ["考核排名", "ranking"],
    ["排名靠后的路段垃圾很多", "report"],
  ])("%s → %s", (text, type) => {
    expect(parseCommand(text, ["路长通"]).command.type).toBe(type);
  });

  it("posts today's brief and the current ranking with their charts", async () => {
    h = await startScheduleApp({ now: "2026-10-08T09:00:00+08:00" });
    await h.say("张三", "报告A 商都大道民康路口垃圾箱满了");
    h.clock.set("2026-10-08T11:30:00+08:00");
    await h.say("廖红梅", "今日简报");
    await h.say("廖红梅", "排名");
    const sent = await h.sent();
    const brief = sent.find((m) => m.kind === "brief");
    expect(brief?.text).toContain("【路长通今日简报】10月8日（周四） 11:30");
    expect(brief?.text).toContain("今日新增 1 件");
    expect(brief?.text).toContain("ZM20261008-001 垃圾站(箱)满溢 商都大道新圃街至文明路段 刚超期 黄卫东");
    expect(brief?.text).not.toContain("@黄卫东");
    expect(brief?.mentions).toEqual([]);
    expect(brief?.replyTo).toBeTruthy();
    const ranking = sent.find((m) => m.kind === "ranking");
    expect(ranking?.text).toContain("本周（10月5日至10月8日）");
    expect(ranking?.text).toContain("本月累计（10月1日至10月8日）");
    for (const m of [brief, ranking]) {
      expect(m?.imageHashes?.length).toBe(1);
      const media = await h.app.prisma.media.findUnique({ where: { hash: m?.imageHashes?.[0] ?? "" } });
      expect(media?.mime).toBe("image/png");
      const res = await h.app.server.inject({ method: "GET", url: `/media/${m?.imageHashes?.[0]}` });
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toBe("image/png");
    }
  });
});
