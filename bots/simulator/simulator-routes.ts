/**
 * HTTP side of the web chat simulator: the page, its transcript API, a Server-Sent Events stream of
 * new messages, and the endpoint that turns a typed message into an InboundMessage.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import helmet from "@fastify/helmet";
import fastifyStatic from "@fastify/static";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { IngestFn } from "../../src/core/ports.ts";
import type { ChatId, Clock } from "../../src/core/types.ts";
import { projectPath } from "../../src/project-root.ts";
import { loopbackOnly, STRICT_CSP_DIRECTIVES } from "../../src/web/exposure.ts";
import {
  guestDisplayName,
  parseSimPost,
  SIM_POST_BODY_LIMIT,
  type SimPerson,
  toInboundMessage,
} from "./sim-post-message.ts";
import { SIM_TEXT } from "./sim-text.ts";
import type { SimTranscript, TranscriptEntry } from "./sim-transcript.ts";
import { type SimulatorChannel, simInKey, simOutMessageId } from "./simulator-channel.ts";

/** Sender id of someone not on the roster. */
export const SIM_GUEST_ID = "guest";
/** Comment line sent on idle event streams so proxies and browsers keep them open. */
const SSE_HEARTBEAT_MS = 15_000;
/** How long a browser waits before reconnecting a dropped event stream. */
const SSE_RETRY_MS = 3_000;
/** Entries per `GET /api/sim/messages` page; the page asks again while `hasMore`. */
const MESSAGES_PAGE_SIZE = 200;

const PUBLIC_DIR = projectPath("bots/simulator/public");

export interface SimulatorRouteDeps {
  channel: SimulatorChannel;
  transcript: SimTranscript;
  ingest: IngestFn;
  /** Roster people one can pick as "who am I" on the page. */
  people: () => Promise<SimPerson[]>;
  /** Default "路长通". */
  botName?: string;
  /** Default "sim:demo". */
  chatId?: ChatId;
  /** Title of the demo group on the page; default "路长制工作群". */
  groupName?: string;
  clock: Clock;
}

/** One transcript entry as the page receives it. */
export interface SimEntryView {
  id: number;
  direction: TranscriptEntry["direction"];
  /** Platform message id: "sim-out-<id>" for bot messages, the page's own id for typed ones. */
  messageId: string;
  at: string;
  payload: TranscriptEntry["payload"];
}

/** The shape the page renders: dates as ISO strings, platform message ids spelled out. */
export function toEntryView(entry: TranscriptEntry): SimEntryView {
  const messageId =
    entry.direction === "out" ? simOutMessageId(entry.id) : entry.key.slice(simInKey("").length);
  return {
    id: entry.id,
    direction: entry.direction,
    messageId,
    at: entry.at.toISOString(),
    payload: entry.payload,
  };
}

const afterQuerySchema = z.object({
  after: z.coerce
    .number({ error: SIM_TEXT.badAfter })
    .int({ error: SIM_TEXT.badAfter })
    .min(0, { error: SIM_TEXT.badAfter })
    .default(0),
});

/**
 * Registers the simulator page and its API on `server`. The simulator has no sign-in: whoever uses it
 * picks who they are. So every one of its routes (matched routes, whatever the URL's spelling) is
 * served to this machine only, with the console's security headers (CSP, no framing).
 */
export function registerSimulatorRoutes(server: FastifyInstance, deps: SimulatorRouteDeps): void {
  server.register(async (app) => {
    app.addHook("onRequest", loopbackOnly(SIM_TEXT.localOnly));
    await app.register(helmet, {
      contentSecurityPolicy: { useDefaults: false, directives: STRICT_CSP_DIRECTIVES },
      global: true,
    });
    registerRoutes(app, deps);
  });
}

function registerRoutes(app: FastifyInstance, deps: SimulatorRouteDeps): void {
  const botName = deps.botName ?? "路长通";
  const chatId = deps.chatId ?? "sim:demo";

  // decorateReply: false so a second @fastify/static elsewhere in the app does not collide on sendFile.
  app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: "/sim/", decorateReply: false, index: false });

  app.get("/", async (_request, reply) => {
    const html = await readFile(path.join(PUBLIC_DIR, "index.html"), "utf8");
    return reply.type("text/html; charset=utf-8").header("cache-control", "no-cache").send(html);
  });

  app.get("/api/sim/people", async () => ({
    botName,
    chatId,
    groupName: deps.groupName ?? SIM_TEXT.defaultGroupName,
    people: (await deps.people()).map(({ id, name, title, roles }) => ({ id, name, title, roles })),
    guest: { id: SIM_GUEST_ID, name: SIM_TEXT.guestLabel },
  }));

  app.get("/api/sim/messages", async (request, reply) => {
    const query = afterQuerySchema.safeParse(request.query ?? {});
    if (!query.success) return reply.code(400).send({ ok: false, error: SIM_TEXT.badAfter });
    const entries = await deps.transcript.list({
      chatId,
      afterId: query.data.after,
      limit: MESSAGES_PAGE_SIZE + 1,
    });
    return {
      entries: entries.slice(0, MESSAGES_PAGE_SIZE).map(toEntryView),
      hasMore: entries.length > MESSAGES_PAGE_SIZE,
    };
  });

  registerEventStream(app, deps.channel, chatId);

  app.post(
    "/api/sim/messages",
    { bodyLimit: SIM_POST_BODY_LIMIT, errorHandler: postErrorHandler },
    async (request, reply) => {
      const parsed = parseSimPost(request.body);
      if (!parsed.ok) return reply.code(400).send({ ok: false, error: parsed.error });
      const { post } = parsed;
      const people = await deps.people();
      const person = post.senderId === SIM_GUEST_ID ? null : people.find((p) => p.id === post.senderId);
      if (person === undefined) return reply.code(400).send({ ok: false, error: SIM_TEXT.unknownSender });

      await deps.channel.recordUserMessage({
        clientMessageId: post.clientMessageId,
        chatId,
        payload: {
          senderId: post.senderId,
          senderName: person ? person.name : guestDisplayName(post.guestName),
          text: post.text,
          imageCount: post.images?.length ?? 0,
          ...(post.replyTo !== undefined && { replyTo: post.replyTo }),
          mentionBot: post.mentionBot,
        },
      });
      const inbound = toInboundMessage({ post, person, people, chatId, botName, now: deps.clock.now() });
      try {
        const { duplicate } = await deps.ingest(inbound);
        return reply.code(202).send({ ok: true, duplicate });
      } catch (error) {
        // The typed message is in the transcript; the page may retry with the same id, ingest is idempotent.
        request.log.error({ err: error, messageId: inbound.messageId }, "simulator ingest failed");
        return reply.code(503).send({ ok: false, error: SIM_TEXT.ingestFailed });
      }
    },
  );
}

/** `GET /api/sim/events`: new transcript entries of the demo chat as Server-Sent Events. */
function registerEventStream(app: FastifyInstance, channel: SimulatorChannel, chatId: ChatId): void {
  const open = new Set<() => void>();
  // Streams never go idle, so without this `app.close()` would wait for every browser tab to leave.
  app.addHook("preClose", async () => {
    for (const close of [...open]) close();
  });

  app.get("/api/sim/events", (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    const write = (chunk: string) => {
      if (!res.writableEnded && !res.destroyed) res.write(chunk);
    };
    write(`retry: ${SSE_RETRY_MS}\n: connected\n\n`);
    const unsubscribe = channel.onEntry((entry) => {
      if (entry.chatId !== chatId) return;
      write(`id: ${entry.id}\nevent: entry\ndata: ${JSON.stringify(toEntryView(entry))}\n\n`);
    });
    const heartbeat = setInterval(() => write(": heartbeat\n\n"), SSE_HEARTBEAT_MS);
    const close = () => {
      if (!open.delete(close)) return;
      clearInterval(heartbeat);
      unsubscribe();
      if (!res.writableEnded) res.end();
    };
    open.add(close);
    res.on("close", close);
    request.log.debug({ subscribers: channel.subscriberCount }, "simulator event stream opened");
  });
}

/** Turns body-parsing failures of the post route into Chinese messages. */
function postErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 500;
  if (status >= 500) {
    request.log.error({ err: error }, "simulator post failed");
    void reply.code(500).send({ ok: false, error: SIM_TEXT.internalError });
    return;
  }
  const message =
    error.code === "FST_ERR_CTP_EMPTY_JSON_BODY"
      ? SIM_TEXT.emptyBody
      : error.code === "FST_ERR_CTP_BODY_TOO_LARGE"
        ? SIM_TEXT.bodyTooLarge(Math.floor(SIM_POST_BODY_LIMIT / 1024 / 1024))
        : error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE"
          ? SIM_TEXT.unsupportedType
          : error instanceof SyntaxError || error.code === "FST_ERR_CTP_INVALID_JSON_BODY"
            ? SIM_TEXT.badJson
            : SIM_TEXT.badRequest;
  void reply.code(status).send({ ok: false, error: message });
}
