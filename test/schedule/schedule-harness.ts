/**
 * A whole service on a temp directory for the schedule tests: a fake clock the test moves in check
 * steps, a scripted extractor (so these tests depend on routing and scheduling, not on how the
 * extractor words things), and a log hook that can stop the service at an exact point of a run.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { type App, createApp } from "../../src/app/create-app.ts";
import { loadConfig } from "../../src/config.ts";
import type { Extractor } from "../../src/core/ports.ts";
import type { InboundImage, InboundMessage, OutboundMessage } from "../../src/core/types.ts";
import type { RunReport } from "../../src/schedule/scheduler.ts";
import { FakeClock, PNG_1PX } from "../helpers/test-app.ts";

export { PNG_1PX };

/** Reports the scripted extractor understands: a marker in the text → category and place. */
export const SCRIPT: Record<string, { code: string; road: string; crossing: string; summary: string }> = {
  报告A: { code: "06042", road: "商都大道", crossing: "民康路", summary: "垃圾箱满溢" },
  报告B: { code: "09001", road: "恒安路", crossing: "民康路", summary: "游商占道" },
  报告C: { code: "01023", road: "人文路", crossing: "青年路", summary: "井盖缺失" },
  报告E: { code: "06010", road: "青年路", crossing: "民康路", summary: "暴露垃圾" },
  报告F: { code: "01013", road: "东风路", crossing: "民康路", summary: "消防栓损坏" },
  报告G: { code: "01013", road: "陇海路", crossing: "民康路", summary: "消防栓漏水" },
};

export const scriptedExtractor: Extractor = {
  async extract({ text }) {
    const key = Object.keys(SCRIPT).find((k) => text.includes(k));
    const s = key ? SCRIPT[key] : undefined;
    if (!s) {
      return {
        isReport: false,
        problems: [],
        location: { raw: "" },
        urgent: false,
        extractor: "script",
        reason: "not scripted",
      };
    }
    return {
      isReport: true,
      problems: [{ categoryCode: s.code, summary: s.summary }],
      location: { road: s.road, crossing: s.crossing, raw: `${s.road}${s.crossing}路口` },
      urgent: false,
      extractor: "script",
      reason: "test script",
    };
  },
};

/** A bot message as the simulator shows it, with its outbox key and the (fake) time it went out. */
export interface Sent extends OutboundMessage {
  key: string;
  at: string;
}

export interface ScheduleHarness {
  app: App;
  clock: FakeClock;
  dir: string;
  say(who: string, text: string, opts?: { images?: InboundImage[]; replyTo?: string }): Promise<void>;
  /** One scheduler wake-up at the clock's time, then everything queued is sent. */
  tick(): Promise<RunReport[]>;
  sent(): Promise<Sent[]>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  dir?: string;
  now: string;
  env?: Record<string, string>;
  /** Sees every log record (pino JSON) as it is written. */
  onLog?: (record: { msg?: string; [k: string]: unknown }, app: () => App) => void;
}

let seq = 0;

export async function startScheduleApp(o: HarnessOptions): Promise<ScheduleHarness> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), "luzhang-schedule-"));
  const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: "info", ...o.env });
  const clock = new FakeClock(new Date(o.now));
  let app: App | null = null;
  const getApp = () => {
    if (!app) throw new Error("app not started");
    return app;
  };
  const log = pino(
    { level: "info" },
    {
      write: (line: string) => {
        if (o.onLog && app) o.onLog(JSON.parse(line) as { msg?: string }, getApp);
      },
    },
  );
  app = await createApp({ config, clock, log, startOutbox: false, extractor: scriptedExtractor });
  const a = app;
  return {
    app: a,
    clock,
    dir,
    async say(who, text, opts = {}) {
      const p = [...a.roster().people.values()].find((x) => x.name === who);
      seq += 1;
      const msg: InboundMessage = {
        channel: "sim",
        chatId: "sim:demo",
        messageId: `sched-${seq}-${clock.now().getTime()}`,
        sender: p ? { key: `sim:${p.id}`, name: p.name } : { key: `sim:guest:${who}`, name: who },
        text: `@路长通 ${text}`,
        mentionsBot: true,
        mentions: [],
        images: opts.images ?? [],
        ...(opts.replyTo ? { replyTo: opts.replyTo } : {}),
        sentAt: clock.now(),
      };
      await a.ingest(msg);
      await a.inbox.idle();
      await a.outbox.drain();
    },
    async tick() {
      const reports = await a.scheduler.runDue();
      await a.outbox.drain();
      return reports;
    },
    async sent() {
      const rows = await a.prisma.simMessage.findMany({
        where: { direction: "out" },
        orderBy: { id: "asc" },
      });
      // The channel sees the outbox key behind the database's random id (issue 13 §11): the outbox's own key.
      const dbId = (await a.prisma.setting.findUnique({ where: { key: "database.id" } }))?.value ?? "";
      return rows.map((r) => ({
        ...(JSON.parse(r.payload) as OutboundMessage),
        key: r.key.startsWith(`${dbId}:`) ? r.key.slice(dbId.length + 1) : r.key,
        at: r.at.toISOString(),
      }));
    },
    close: () => a.close(),
  };
}
