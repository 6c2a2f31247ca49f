/**
 * ROSTER_*: how large a roster file may be once unpacked and parsed (the environment schema's part,
 * merged into src/config.ts). The defaults are far above a county's roster (well under 5 MB) and
 * far below what would hurt the service.
 */
import { z } from "zod";
import type { RosterParseLimits } from "./roster-load-isolated.ts";

const int = (min: number, max: number, def: number, what: string) =>
  z.coerce
    .number({ message: `应为 ${min}–${max} 的整数（${what}）` })
    .int(`应为 ${min}–${max} 的整数（${what}）`)
    .min(min, `应为 ${min}–${max} 的整数（${what}）`)
    .max(max, `应为 ${min}–${max} 的整数（${what}）`)
    .default(def);

/** The roster-limit part of the environment schema. */
export const rosterLimitsEnvShape = {
  ROSTER_MAX_UNZIPPED_MB: int(1, 2048, 50, "MB"),
  ROSTER_MAX_ZIP_ENTRIES: int(10, 100_000, 1000, "个"),
  ROSTER_MAX_ZIP_RATIO: int(10, 10_000, 100, "倍"),
  ROSTER_PARSE_MEMORY_MB: int(32, 4096, 256, "MB"),
  ROSTER_PARSE_TIMEOUT_SECONDS: int(5, 3600, 120, "秒"),
};

type RosterLimitsEnv = { [K in keyof typeof rosterLimitsEnvShape]: number };

/** The limits the console upload and `npm run roster:import` apply. */
export function toRosterLimits(e: RosterLimitsEnv): RosterParseLimits {
  return {
    maxUnzippedBytes: e.ROSTER_MAX_UNZIPPED_MB * 1024 * 1024,
    maxEntries: e.ROSTER_MAX_ZIP_ENTRIES,
    maxRatio: e.ROSTER_MAX_ZIP_RATIO,
    parseMemoryMb: e.ROSTER_PARSE_MEMORY_MB,
    parseTimeoutMs: e.ROSTER_PARSE_TIMEOUT_SECONDS * 1000,
  };
}

/** The limits from an environment alone (the `roster:import` command, which needs nothing else). */
export function readRosterLimits(env: Record<string, string | undefined>): RosterParseLimits {
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = z.object(rosterLimitsEnvShape).safeParse(set);
  if (!parsed.success)
    throw new Error(parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join("；"));
  return toRosterLimits(parsed.data);
}
