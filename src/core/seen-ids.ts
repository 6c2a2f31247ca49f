/**
 * Platform event ids seen recently, so a redelivered event is handled once (STYLE.md §9). Each
 * platform says how long it redelivers; the inbox still deduplicates message ids for good.
 */
export class SeenIds {
  /** id → first seen (ms); Map keeps insertion order, so the oldest come first. */
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs: number,
    private readonly max: number,
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
