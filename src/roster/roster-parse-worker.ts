/**
 * Worker thread of roster-load-isolated.ts: reads and checks one roster file and posts the result.
 * It runs with its own heap limit, so a file that unpacks to too much kills this thread only.
 */
import { parentPort, workerData } from "node:worker_threads";
import { loadRosterFile } from "./roster-load.ts";
import type { RosterParseJob } from "./roster-load-isolated.ts";

const job = workerData as RosterParseJob;
parentPort?.postMessage(await loadRosterFile(job.file, job.taxonomyCodes));
