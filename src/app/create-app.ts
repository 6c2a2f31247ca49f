/**
 * Wires the service: database (migrated at start), roster, conversation core, inbox, outbox, the
 * simulator channel and the HTTP server. Everything time- or IO-related is injectable for tests.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import pino, { type Logger } from "pino";
import type { DingtalkBot } from "../../bots/dingtalk/dingtalk-bot.ts";
import type { LarkBot } from "../../bots/lark/lark-bot.ts";
import { SimulatorChannel } from "../../bots/simulator/simulator-channel.ts";
import { registerSimulatorRoutes } from "../../bots/simulator/simulator-routes.ts";
import type { WechatPuppetInstance, WechatRuntime } from "../../bots/wechat/wechat-runtime.ts";
import { CalendarService } from "../calendar/calendar-service.ts";
import { CT } from "../calendar/calendar-texts.ts";
import type { Config } from "../config.ts";
import { ConversationService } from "../conversation/conversation-service.ts";
import type { Channel, Extractor } from "../core/ports.ts";
import type { RosterIndex } from "../core/roster-index.ts";
import type { Clock, InboundMessage } from "../core/types.ts";
import { createExtractor, createLlmRuntime } from "../extraction/create-extractor.ts";
import type { LlmRuntime } from "../extraction/llm-runtime.ts";
import { OutboxWorker } from "../notify/outbox-worker.ts";
import type { ReportService } from "../report/report-service.ts";
import { applyRoster } from "../roster/roster-apply.ts";
import { loadRosterFile } from "../roster/roster-load.ts";
import type { Scheduler } from "../schedule/scheduler.ts";
import { lazyReportPort, setupSchedule } from "../schedule/setup-schedule.ts";
import { openDatabase } from "../store/db.ts";
import { checkIntegrity, databaseId } from "../store/db-health.ts";
import type { PrismaClient } from "../store/generated/client.ts";
import { lockDatabaseFile } from "../store/instance-lock.ts";
import { MediaStore } from "../store/media-store.ts";
import { migrateDatabase } from "../store/migrate.ts";
import { loadRosterIndex } from "../store/roster-repo.ts";
import { Sql } from "../store/sql.ts";
import { SqliteSimTranscript } from "../store/sqlite-sim-transcript.ts";
import { registerConsole } from "../web/console/console-routes.ts";
import { fastifyTrustProxy } from "../web/exposure.ts";
import { registerMediaRoutes } from "../web/media-routes.ts";
import { extractionPhotoLoader } from "./extraction-photos.ts";
import { registerHealthRoute } from "./health-route.ts";
import { InboxProcessor } from "./inbox-processor.ts";
import { refuseUnfinishedPostgres } from "./postgres-start.ts";
import { loadTaxonomy, SHIPPED_DEMO_ROSTER } from "./taxonomy-load.ts";

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
  /**
   * Start the cron jobs when SCHEDULER is on (default false: main.ts asks for them). Tests drive
   * `scheduler.runDue()` with their own clock instead.
   */
  startScheduler?: boolean;
  /** Called after each inbound message is processed (metrics, benchmarks). */
  onProcessed?: (inboxId: number, outcome: { status: string; note: string }) => void;
  /** Waits (channel pacing); injected so tests do not really wait. Default: setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** A wechaty puppet instance instead of the configured WECHAT_PUPPET (tests: wechaty-puppet-mock). */
  wechatPuppet?: WechatPuppetInstance;
}

export interface App {
  config: Config;
  prisma: PrismaClient;
  /** Direct SQL on Prisma's SQLite connection (hot paths only). */
  sql: Sql;
  log: Logger;
  server: FastifyInstance;
  inbox: InboxProcessor;
  outbox: OutboxWorker;
  simulator: SimulatorChannel | null;
  /** The WeChat bot when WECHAT_PUPPET is set. */
  wechat: WechatRuntime | null;
  /** The Lark (Feishu) bot when LARK_APP_ID is set. */
  lark: LarkBot | null;
  /** The LLM runtime when LLM_BASE_URL is set; `llmChecked` resolves when its start check is done. */
  llm: LlmRuntime | null;
  llmChecked: Promise<void>;
  /** The DingTalk bot when DINGTALK_CLIENT_ID is set. */
  dingtalk: DingtalkBot | null;
  /** Digest, reminders, escalation and rankings (src/schedule); started by `startScheduler`. */
  scheduler: Scheduler;
  reports: ReportService;
  /** The live work calendar and entering a year's holiday notice (src/calendar). */
  calendars: CalendarService;
  roster(): RosterIndex;
  reloadRoster(): Promise<void>;
  ingest(msg: InboundMessage): Promise<{ duplicate: boolean; inboxId?: number; dropped?: string }>;
  /** Resolves when every queued inbound message is processed and nothing due is left unsent. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const systemClock: Clock = { now: () => new Date() };

export async function createApp(options: AppOptions): Promise<App> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const log =
    options.log ??
    pino({ level: config.logLevel, redact: ["*.appSecret", "*.apiKey", "*.password", "*.token"] });
  await mkdir(config.dataDir, { recursive: true });
  if (config.databaseUrl) await refuseUnfinishedPostgres({ url: config.databaseUrl, log });
  await mkdir(path.dirname(config.databaseFile), { recursive: true });
  // One process per SQLite database, and never on a damaged one (docs/security.md).
  const lock = lockDatabaseFile(config.databaseFile);
  try {
    checkIntegrity(config.databaseFile);
  } catch (error) {
    lock.release();
    throw error;
  }
  const applied = await migrateDatabase({ dbFile: config.databaseFile, log: (m) => log.info(m) });
  if (applied.length > 0) log.info({ applied }, "database migrations applied");
  const db = openDatabase({ dbFile: config.databaseFile });
  const prisma = db.prisma;
  const sql = new Sql(await db.sqlite());
  const dbId = databaseId(sql);

  const taxonomy = loadTaxonomy();
  if (config.loadDemoRoster && (await prisma.person.count()) === 0) {
    const loaded = await loadRosterFile(SHIPPED_DEMO_ROSTER, new Set(taxonomy.items.map((i) => i.code)));
    if (!loaded.ok) throw new Error(`demo roster is invalid: ${JSON.stringify(loaded.problems.slice(0, 3))}`);
    await applyRoster(prisma, loaded.roster);
    log.info("数据库为空，已载入演示路长名册（中牟县）");
  }
  let roster = await loadRosterIndex(prisma);
  // LLM first when LLM_BASE_URL is set, the offline rules extractor otherwise and as its fallback.
  // The LLM runtime (clients, breakers) outlives roster reloads: a paused LLM stays paused.
  const llm = config.llm && !options.extractor ? await createLlmRuntime(config.llm, { taxonomy, log }) : null;
  const makeExtractor = () => createExtractor({ roster, taxonomy, llm: config.llm, runtime: llm, log });
  let extractor: Extractor = options.extractor ?? (await makeExtractor());
  if (!options.extractor)
    log.info(
      config.llm ? `信息提取：LLM ${config.llm.text.model}，失败时用规则` : "信息提取：规则（未配置 LLM）",
    );
  // Not awaited: the service starts on the rules while the LLM answers its check.
  const llmChecked = llm && config.llm?.checkAtStart ? llm.check() : Promise.resolve();
  const reloadRoster = async () => {
    roster = await loadRosterIndex(prisma);
    if (!options.extractor) extractor = await makeExtractor();
  };
  const extractionPhotos = extractionPhotoLoader(prisma, new MediaStore(config.mediaDir));

  // The work calendar: chinese-days, the years entered in the console, the env overrides (which win).
  const calendars = await CalendarService.open({
    prisma,
    sql,
    transaction: (work) => db.transaction(work),
    roster: () => roster,
    clock,
    log,
    base: {
      timeZone: config.timeZone,
      workHours: config.workHours,
      override: { holidays: config.holidaysOverride, workdays: config.workdaysOverride },
    },
    warnFrom: config.calendarWarnFrom,
    pokeOutbox: () => outbox.poke(),
  });
  const calendar = calendars.calendar;
  const warning = calendars.warning(clock.now());
  if (warning) log.warn({ steps: CT.warningSteps(warning) }, CT.warningTitle(warning));

  const conversation = new ConversationService({
    roster: () => roster,
    taxonomy,
    extractor: {
      extract: async (input) =>
        extractor.extract({ ...input, images: await extractionPhotos(input.imageHashes ?? []) }),
    },
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
    reports: lazyReportPort(() => schedule.reports),
  });

  const channels = new Map<string, Channel>();
  let simulator: SimulatorChannel | null = null;
  const transcript = new SqliteSimTranscript(sql);
  if (config.simulator) {
    simulator = new SimulatorChannel({
      transcript,
      clock,
      onListenerError: (err, entry) =>
        log.warn({ err, entryId: entry.id }, "simulator stream listener failed"),
    });
    channels.set(simulator.name, simulator);
  }
  for (const ch of options.channels ?? []) channels.set(ch.name, ch);
  let wechat: WechatRuntime | null = null;
  if (config.wechat) {
    // Loaded only when configured: wechaty is heavy and stays inside bots/wechat.
    const { createWechatRuntime } = await import("../../bots/wechat/wechat-runtime.ts");
    wechat = await createWechatRuntime({
      config: config.wechat,
      botName: config.botName,
      mediaDir: config.mediaDir,
      prisma,
      clock,
      log,
      roster: () => roster,
      ingest: (msg) => inbox.ingest(msg),
      pokeOutbox: () => outbox.poke(),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.wechatPuppet ? { puppet: options.wechatPuppet } : {}),
    });
    channels.set(wechat.channel.name, wechat.channel);
  }

  const media = new MediaStore(config.mediaDir);
  const schedule = await setupSchedule({
    prisma,
    sql,
    media,
    roster: () => roster,
    taxonomy,
    calendar,
    clock,
    log,
    timeZone: config.timeZone,
    simulator: config.simulator,
    settings: config.schedule,
    calendarWarning: { warning: (now) => calendars.warning(now), minute: config.calendarWarnMinute },
  });
  const outbox = new OutboxWorker({
    sql,
    channels,
    clock,
    log,
    transaction: (work) => db.transaction(work),
    keyPrefix: dbId,
  });
  const inbox = new InboxProcessor({
    sql,
    transaction: (work) => db.transaction(work),
    media,
    conversation,
    clock,
    log,
    onOutbox: () => outbox.poke(),
    deliverLocal: () => outbox.sendLocal(),
    ...(options.onProcessed ? { onProcessed: options.onProcessed } : {}),
  });

  // Fastify's default 1 MB body limit; the simulator's message route raises its own (photos as data URLs).
  const server = Fastify({
    logger: false,
    forceCloseConnections: true,
    trustProxy: fastifyTrustProxy(config.trustProxy),
  });
  registerHealthRoute(server, { sql, clock, log, llmStatus: () => llm?.status() ?? null });
  registerMediaRoutes(server, { prisma, media });
  const ingest = (msg: InboundMessage) => inbox.ingest(msg);
  // The 精细办 web console (/console): its actions enter the case engine through `ingest`.
  await registerConsole(server, {
    config,
    prisma,
    sql,
    transaction: (work) => db.transaction(work),
    roster: () => roster,
    reloadRoster,
    taxonomy,
    calendar,
    calendars,
    clock,
    log,
    ingest,
    llmStatus: () => llm?.status() ?? null,
  });
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

  if (wechat) wechat.registerRoutes(server);
  let lark: LarkBot | null = null;
  if (config.lark) {
    // Loaded only when configured: the Lark SDK stays inside bots/lark.
    const { setupLark } = await import("./lark-setup.ts");
    lark = await setupLark({
      config: config.lark,
      botName: config.botName,
      timeZone: config.timeZone,
      sql,
      prisma,
      media,
      clock,
      calendar,
      taxonomy,
      roster: () => roster,
      ingest,
      server,
      log,
    });
    channels.set(lark.channel.name, lark.channel);
  }
  let dingtalk: DingtalkBot | null = null;
  if (config.dingtalk) {
    // Loaded only when configured: the DingTalk SDK stays inside bots/dingtalk.
    const { setupDingtalk } = await import("./dingtalk-setup.ts");
    dingtalk = await setupDingtalk({
      config: config.dingtalk,
      sql,
      prisma,
      media,
      roster: () => roster,
      ingest,
      log,
    });
    channels.set(dingtalk.channel.name, dingtalk.channel);
  }

  const resumed = await inbox.resume();
  if (resumed > 0) log.info({ resumed }, "resuming inbound messages stored before the last stop");
  if (options.startOutbox ?? true) outbox.start();
  if (options.startScheduler && config.schedule.enabled) {
    // Not awaited: the catch-up (a digest missed while down) runs while the service starts taking messages.
    schedule.scheduler.start().catch((err) => log.error({ err }, "scheduler catch-up failed"));
  }
  await wechat?.start();
  await lark?.start();
  await dingtalk?.start();

  return {
    config,
    prisma,
    sql,
    log,
    server,
    inbox,
    outbox,
    simulator,
    wechat,
    lark,
    llm,
    llmChecked,
    dingtalk,
    scheduler: schedule.scheduler,
    reports: schedule.reports,
    calendars,
    roster: () => roster,
    reloadRoster,
    ingest,
    async idle() {
      await inbox.idle();
      await outbox.idle();
    },
    async close() {
      await schedule.scheduler.stop();
      await wechat?.stop();
      await lark?.stop();
      await dingtalk?.stop();
      await server.close();
      await inbox.idle();
      inbox.stop();
      await outbox.stop();
      await db.close();
      lock.release();
    },
  };
}
