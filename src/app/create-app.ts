/**
 * Wires the service: database (migrated at start), roster, conversation core, inbox, outbox, the
 * simulator channel and the HTTP server. Everything time- or IO-related is injectable for tests.
 */
import { mkdir } from "node:fs/promises";
import Fastify, { type FastifyInstance } from "fastify";
import pino, { type Logger } from "pino";
import { SIM_POST_BODY_LIMIT } from "../../bots/simulator/sim-post-message.ts";
import { registerSimulatorRoutes } from "../../bots/simulator/simulator-routes.ts";
import { SimulatorChannel } from "../../bots/simulator/simulator-channel.ts";
import type { Config } from "../config.ts";
import { ConversationService } from "../conversation/conversation-service.ts";
import type { Channel, Extractor } from "../core/ports.ts";
import type { RosterIndex } from "../core/roster-index.ts";
import type { Clock, InboundMessage } from "../core/types.ts";
import { createWorkCalendar } from "../core/work-calendar.ts";
import { RulesExtractor } from "../extraction/rules-extractor.ts";
import { OutboxWorker } from "../notify/outbox-worker.ts";
import { applyRoster } from "../roster/roster-apply.ts";
import { loadRosterFile } from "../roster/roster-load.ts";
import { openDatabase } from "../store/db.ts";
import type { PrismaClient } from "../store/generated/client.ts";
import { MediaStore } from "../store/media-store.ts";
import { migrateDatabase } from "../store/migrate.ts";
import { PrismaSimTranscript } from "../store/prisma-sim-transcript.ts";
import { loadRosterIndex } from "../store/roster-repo.ts";
import { registerMediaRoutes } from "../web/media-routes.ts";
import { InboxProcessor } from "./inbox-processor.ts";
import { loadTaxonomy, SHIPPED_DEMO_ROSTER } from "./taxonomy-load.ts";
import { fileURLToPath } from "node:url";

export interface AppOptions {
  config: Config;
  clock?: Clock;
  log?: Logger;
  /** More channels (Lark, WeChat) to send through. */
  channels?: Channel[];
  /** Replaces the rules extractor (the LLM extractor of a later issue, or a test double). */
  extractor?: Extractor;
  /** Start the outbox polling loop (default true). Tests may drive `outbox.drain()` themselves. */
  startOutbox?: boolean;
}

export interface App {
  config: Config;
  prisma: PrismaClient;
  log: Logger;
  server: FastifyInstance;
  inbox: InboxProcessor;
  outbox: OutboxWorker;
  simulator: SimulatorChannel | null;
  roster(): RosterIndex;
  reloadRoster(): Promise<void>;
  ingest(msg: InboundMessage): Promise<{ duplicate: boolean }>;
  /** Resolves when every queued inbound message is processed and nothing due is left unsent. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const systemClock: Clock = { now: () => new Date() };

export async function createApp(options: AppOptions): Promise<App> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? pino({ level: config.logLevel, redact: ["*.appSecret", "*.apiKey", "*.password", "*.token"] });
  await mkdir(config.dataDir, { recursive: true });
  const applied = await migrateDatabase({ dbFile: config.databaseFile, log: (m) => log.info(m) });
  if (applied.length > 0) log.info({ applied }, "database migrations applied");
  const db = openDatabase({ dbFile: config.databaseFile });
  const prisma = db.prisma;

  const taxonomy = loadTaxonomy();
  if (config.loadDemoRoster && (await prisma.person.count()) === 0) {
    const loaded = await loadRosterFile(fileURLToPath(SHIPPED_DEMO_ROSTER), new Set(taxonomy.items.map((i) => i.code)));
    if (!loaded.ok) throw new Error(`demo roster is invalid: ${JSON.stringify(loaded.problems.slice(0, 3))}`);
    await applyRoster(prisma, loaded.roster);
    log.info("数据库为空，已载入演示路长名册（中牟县）");
  }
  let roster = await loadRosterIndex(prisma);
  let extractor: Extractor = options.extractor ?? new RulesExtractor(roster, taxonomy);
  const reloadRoster = async () => {
    roster = await loadRosterIndex(prisma);
    if (!options.extractor) extractor = new RulesExtractor(roster, taxonomy);
  };

  const calendar = createWorkCalendar({
    timeZone: config.timeZone,
    workHours: config.workHours,
    override: { holidays: config.holidaysOverride, workdays: config.workdaysOverride },
  });
  const year = Number(calendar.localDate(clock.now()).slice(0, 4));
  if (!calendar.knowsYear(year)) {
    log.warn(`工作日历不含 ${year} 年的法定节假日数据，按周一至周五计算；请用 HOLIDAYS_OVERRIDE / WORKDAYS_OVERRIDE 补充`);
  }

  const conversation = new ConversationService({
    roster: () => roster,
    taxonomy,
    extractor: { extract: (input) => extractor.extract(input) },
    calendar,
    clock,
    config: {
      casePrefix: config.casePrefix,
      timeZone: config.timeZone,
      botNames: [config.botName],
      maxTextLength: config.maxTextLength,
      requireAfterPhoto: config.requireAfterPhoto,
      pairingWindowMs: 2 * 60_000,
    },
  });

  const channels = new Map<string, Channel>();
  let simulator: SimulatorChannel | null = null;
  const transcript = new PrismaSimTranscript(prisma);
  if (config.simulator) {
    simulator = new SimulatorChannel({
      transcript,
      clock,
      onListenerError: (err, entry) => log.warn({ err, entryId: entry.id }, "simulator stream listener failed"),
    });
    channels.set(simulator.name, simulator);
  }
  for (const ch of options.channels ?? []) channels.set(ch.name, ch);

  const media = new MediaStore(config.mediaDir);
  const outbox = new OutboxWorker({ prisma, channels, clock, log });
  const inbox = new InboxProcessor({ prisma, media, conversation, clock, log, onOutbox: () => outbox.poke() });

  const server = Fastify({ logger: false, bodyLimit: SIM_POST_BODY_LIMIT });
  server.get("/healthz", async () => ({ ok: true }));
  registerMediaRoutes(server, { prisma, media });
  const ingest = (msg: InboundMessage) => inbox.ingest(msg);
  if (simulator) {
    registerSimulatorRoutes(server, {
      channel: simulator,
      transcript,
      ingest,
      clock,
      botName: config.botName,
      people: async () => [...roster.people.values()],
    });
  }

  const resumed = await inbox.resume();
  if (resumed > 0) log.info({ resumed }, "resuming inbound messages stored before the last stop");
  if (options.startOutbox ?? true) outbox.start();

  return {
    config,
    prisma,
    log,
    server,
    inbox,
    outbox,
    simulator,
    roster: () => roster,
    reloadRoster,
    ingest,
    async idle() {
      await inbox.idle();
      await outbox.idle();
    },
    async close() {
      await server.close();
      await inbox.idle();
      await outbox.stop();
      await db.close();
    },
  };
}
