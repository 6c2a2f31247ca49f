/**
 * The brake on password guessing at the console's sign-in. Every attempt is recorded before anything
 * is awaited (so 200 requests sent at once count as 200, not as 0 until the first hash finishes),
 * counted per client address, per name and overall, and only a few password hashes run at a time
 * (scrypt uses libuv's small thread pool, which file reads share: a flood of hashes stalled static
 * files for 26 s). A success clears that address's and that name's attempts. In memory: one process,
 * and a restart forgets, which is acceptable (OWASP: throttle, do not lock accounts forever).
 */

/** Failed sign-ins per client address, and per name, within WINDOW_MS before a pause. */
export const MAX_ATTEMPTS = 10;
export const WINDOW_MS = 15 * 60_000;
/** Sign-in attempts per minute from everyone together: a distributed guesser is slowed too. */
export const MAX_ATTEMPTS_PER_MINUTE = 60;
/** Password hashes at once: half of libuv's default thread pool of 4, the rest stays for files. */
export const MAX_CONCURRENT_CHECKS = 2;
/** Attempts waiting for a hash slot; more are answered "busy" at once. */
export const MAX_WAITING_CHECKS = 8;

/** Addresses or names remembered before old ones are swept. */
const MAX_KEYS = 10_000;

export type LoginVerdict =
  | { ok: true; finish: (success: boolean) => void }
  | { ok: false; reason: "address" | "name" | "busy"; waitMinutes: number };

export class LoginGuard {
  private readonly byAddress = new Map<string, number[]>();
  private readonly byName = new Map<string, number[]>();
  private overall: number[] = [];
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Records an attempt by `address` for `name` and says whether it may go on. When it may, await
   * `slot()` before hashing and call `finish` once the result is known.
   */
  begin(address: string, name: string): LoginVerdict {
    const t = this.now();
    const a = this.recent(this.byAddress, address, t);
    const n = this.recent(this.byName, name, t);
    this.overall = this.overall.filter((x) => t - x < 60_000);
    if (a.length >= MAX_ATTEMPTS) return { ok: false, reason: "address", waitMinutes: this.wait(a, t) };
    if (n.length >= MAX_ATTEMPTS) return { ok: false, reason: "name", waitMinutes: this.wait(n, t) };
    if (this.overall.length >= MAX_ATTEMPTS_PER_MINUTE || this.waiting.length >= MAX_WAITING_CHECKS)
      return { ok: false, reason: "busy", waitMinutes: 1 };
    a.push(t);
    n.push(t);
    this.overall.push(t);
    let done = false;
    return {
      ok: true,
      finish: (success) => {
        if (done) return;
        done = true;
        if (success) {
          this.byAddress.delete(address);
          this.byName.delete(name);
        }
      },
    };
  }

  /** Waits for one of the few hash slots; the returned function frees it. */
  async slot(): Promise<() => void> {
    // A freed slot passes straight to the next waiter, so no newcomer can squeeze in between.
    if (this.running >= MAX_CONCURRENT_CHECKS)
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    };
  }

  private recent(map: Map<string, number[]>, key: string, t: number): number[] {
    // Names and addresses sprayed by a guesser must not grow the maps without end.
    if (map.size > MAX_KEYS) for (const [k, v] of map) if (!v.some((x) => t - x < WINDOW_MS)) map.delete(k);
    const list = (map.get(key) ?? []).filter((x) => t - x < WINDOW_MS);
    map.set(key, list);
    return list;
  }

  private wait(list: number[], t: number): number {
    return Math.max(1, Math.ceil(((list[0] ?? t) + WINDOW_MS - t) / 60_000));
  }
}
