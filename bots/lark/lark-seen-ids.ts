/**
 * Event ids seen recently. Lark redelivers an event it thinks was not acknowledged after 15 s, 5 min,
 * 1 h and 6 h, and the SDK does not deduplicate, so ids are kept for 8 hours (message ids are also
 * deduplicated for good by the inbox).
 */
import { SeenIds as SeenIdSet } from "../../src/core/seen-ids.ts";

/** Longer than Lark's last retry (6 h after the first delivery). */
export const SEEN_EVENT_TTL_MS = 8 * 60 * 60 * 1000;
/** A busy county sends far fewer events in 8 hours; the cap only bounds memory under a flood. */
export const SEEN_EVENT_MAX = 200_000;

/** Seen Lark event ids, with Lark's retention by default. */
export class SeenIds extends SeenIdSet {
  constructor(now: () => number = Date.now, ttlMs = SEEN_EVENT_TTL_MS, max = SEEN_EVENT_MAX) {
    super(now, ttlMs, max);
  }
}
