/** A fastify app with the simulator routes over an in-memory transcript and a recording ingest. */
import Fastify, { type FastifyInstance } from "fastify";
import type { SimPerson } from "../../bots/simulator/sim-post-message.ts";
import { MemorySimTranscript } from "../../bots/simulator/sim-transcript.ts";
import { SimulatorChannel } from "../../bots/simulator/simulator-channel.ts";
import { registerSimulatorRoutes } from "../../bots/simulator/simulator-routes.ts";
import type { IngestFn } from "../../src/core/ports.ts";
import type { Clock, InboundMessage } from "../../src/core/types.ts";

export const SIM_PEOPLE: SimPerson[] = [
  { id: "p_0006", name: "王建国", title: "商都大道（人文路—听篌街）三级路长", roles: ["chief3"] },
  { id: "p_0012", name: "陈静", title: "青年路街道二级路长", roles: ["chief2"] },
  { id: "p_0046", name: "廖红梅", title: "精细办督查员", roles: ["inspector"] },
];

export const FIXED_NOW = new Date("2026-11-26T02:30:00.000Z");

export interface SimHarness {
  app: FastifyInstance;
  channel: SimulatorChannel;
  transcript: MemorySimTranscript;
  /** Every InboundMessage ingest received, in order. */
  ingested: InboundMessage[];
}

/**
 * Builds the app. `onIngest` runs after the message is recorded; by default ingest behaves like the
 * real inbox: the first call per message id is new, later ones are duplicates.
 */
export function buildSimApp(
  options: {
    onIngest?: (message: InboundMessage, harness: SimHarness) => Promise<void> | void;
    /** Default true: undici's fetch leaves a spare socket that would hold close() ~4 s. */
    forceCloseConnections?: boolean | "idle";
  } = {},
): SimHarness {
  const app = Fastify({ logger: false, forceCloseConnections: options.forceCloseConnections ?? true });
  const clock: Clock = { now: () => FIXED_NOW };
  const transcript = new MemorySimTranscript();
  const channel = new SimulatorChannel({ transcript, clock });
  const ingested: InboundMessage[] = [];
  const seen = new Set<string>();
  const harness: SimHarness = { app, channel, transcript, ingested };
  const ingest: IngestFn = async (message) => {
    ingested.push(message);
    const duplicate = seen.has(message.messageId);
    seen.add(message.messageId);
    if (!duplicate) await options.onIngest?.(message, harness);
    return { duplicate };
  };
  registerSimulatorRoutes(app, {
    channel,
    transcript,
    ingest,
    people: async () => SIM_PEOPLE,
    clock,
  });
  return harness;
}
