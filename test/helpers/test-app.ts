/** A whole service on a temp directory with a settable clock, for end-to-end tests. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { type App, createApp } from "../../src/app/create-app.ts";
import { loadConfig } from "../../src/config.ts";
import type { InboundImage, InboundMessage, OutboundMessage, Person } from "../../src/core/types.ts";

/** A 1×1 PNG. */
export const PNG_1PX = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

export class FakeClock {
  constructor(private t: Date) {}
  now = () => new Date(this.t);
  set(iso: string) {
    this.t = new Date(iso);
  }
  advance(ms: number) {
    this.t = new Date(this.t.getTime() + ms);
  }
}

export interface TestApp {
  app: App;
  clock: FakeClock;
  dir: string;
  person(name: string): Person;
  /** Sends a message into the simulator chat as `who` (a roster name or a guest name). */
  say(
    who: string,
    text: string,
    opts?: { images?: InboundImage[]; replyTo?: string; mention?: boolean; id?: string },
  ): Promise<string>;
  /** Bot messages sent so far (from the simulator transcript), with their platform ids. */
  botMessages(): Promise<(OutboundMessage & { platformId: string })[]>;
  close(): Promise<void>;
}

let seq = 0;

export async function startTestApp(
  opts: { now?: string; env?: Record<string, string>; dir?: string } = {},
): Promise<TestApp> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "luzhang-test-"));
  const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: "silent", ...opts.env });
  const clock = new FakeClock(new Date(opts.now ?? "2026-11-26T10:00:00+08:00"));
  const app = await createApp({ config, clock, log: pino({ level: "silent" }), startOutbox: false });
  const person = (name: string) => {
    const p = [...app.roster().people.values()].find((x) => x.name === name);
    if (!p) throw new Error(`no roster person ${name}`);
    return p;
  };
  return {
    app,
    clock,
    dir,
    person,
    async say(who, text, o = {}) {
      const p = [...app.roster().people.values()].find((x) => x.name === who);
      seq += 1;
      const id = o.id ?? `t-${Date.now()}-${seq}`;
      const msg: InboundMessage = {
        channel: "sim",
        chatId: "sim:demo",
        messageId: id,
        sender: p ? { key: `sim:${p.id}`, name: p.name } : { key: `sim:guest:${who}`, name: who },
        text: o.mention === false ? text : `@路长通 ${text}`,
        mentionsBot: o.mention !== false,
        mentions: [],
        images: o.images ?? [],
        ...(o.replyTo ? { replyTo: o.replyTo } : {}),
        sentAt: clock.now(),
      };
      await app.ingest(msg);
      await app.inbox.idle();
      await app.outbox.drain();
      return id;
    },
    async botMessages() {
      const rows = await app.prisma.simMessage.findMany({
        where: { direction: "out" },
        orderBy: { id: "asc" },
      });
      return rows.map((r) => ({
        ...(JSON.parse(r.payload) as OutboundMessage),
        platformId: `sim-out-${r.id}`,
      }));
    },
    async close() {
      await app.close();
    },
  };
}
