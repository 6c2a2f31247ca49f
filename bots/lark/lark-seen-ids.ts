/**
 * Event ids seen recently. Lark redelivers an event it thinks was not acknowledged after 15 s, 5 min,
 * 1 h and 6 h, and the SDK does not deduplicate, so ids are kept for 8 hours (message ids are also
 * deduplicated for good by the inbox).
 */

/** Longer than Lark's last retry (6 h after the first delivery). */
export const SEEN_EVENT_TTL_MS = 8 * 60 * 60 * 1000;
/** A busy county sends far fewer events in 8 hours; the cap only bounds memory under a flood. */
export const SEEN_EVENT_MAX = 200_000;

export class SeenIds {
  /** id → first seen (ms); Map keeps insertion order, so the oldest come first. */
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs = SEEN_EVENT_TTL_MS,
    private readonly max = SEEN_EVENT_MAX,
  ) {}

  /** Records `id`; false if it was already seen within the TTL. */
  add(id: string): boolean {
    const t = this.now();
    this.prune(t);
    const seen = this.ids.get(id);
    if (seen !== undefined && t - seen < this.ttlMs) return false;
    this.ids.delete(id);
    this.ids.set(id, t);
    return true;
  }

  /** Forgets `id`, so a redelivery is handled again (after a failure). */
  delete(id: string): void {
    this.ids.delete(id);
  }

  get size(): number {
    return this.ids.size;
  }

  private prune(t: number): void {
    for (const [id, at] of this.ids) {
      if (t - at < this.ttlMs && this.ids.size <= this.max) break;
      this.ids.delete(id);
    }
  }
}
