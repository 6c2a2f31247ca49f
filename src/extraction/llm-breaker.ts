/**
 * The circuit breaker in front of one LLM endpoint. A setup that cannot work (a permanent error)
 * or an outage (timeouts or refused connections several times in a row) pauses the LLM for a while:
 * messages go to the rules at once instead of waiting for a timeout each. After the pause one
 * message is let through as a probe; its success closes the breaker, its failure pauses again. Each
 * distinct reason is logged once.
 */
import type { LlmExtractionError } from "./llm-errors.ts";
import { LLM_TEXT } from "./llm-texts.ts";

export type BreakerState = "closed" | "open" | "half_open";

export interface BreakerStatus {
  state: BreakerState;
  /** When the pause ends (open), ISO time. */
  pausedUntil: string | null;
  /** The last failure, scrubbed of secrets: what happened and what to change. */
  lastError: { code: string; message: string; fix: string | null; at: string } | null;
  /** Timeouts or connection failures in a row. */
  consecutiveFailures: number;
}

export interface BreakerLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface BreakerOptions {
  pauseMs: number;
  timeoutsToPause: number;
  now?: () => number;
  log?: BreakerLog;
  /** Names the endpoint in log lines ("qwen-plus"). */
  label: string;
}

export class LlmBreaker {
  private state: BreakerState = "closed";
  private openUntil = 0;
  private failures = 0;
  private probing = false;
  private lastError: BreakerStatus["lastError"] = null;
  private lastLogged = "";
  private readonly now: () => number;

  constructor(private readonly opts: BreakerOptions) {
    this.now = opts.now ?? Date.now;
  }

  /**
   * Whether a request may go out now. While paused: no. When the pause is over: exactly one
   * request (the probe) until it reports back.
   */
  admit(): { ok: true; probe: boolean } | { ok: false; why: string } {
    if (this.state === "open" && this.now() >= this.openUntil) this.state = "half_open";
    if (this.state === "closed") return { ok: true, probe: false };
    if (this.state === "half_open" && !this.probing) {
      this.probing = true;
      return { ok: true, probe: true };
    }
    return { ok: false, why: this.lastError?.fix ?? this.lastError?.message ?? "LLM 暂停中" };
  }

  /** A reply came back (valid or not: the service is up). */
  success(probe: boolean): void {
    if (probe) this.probing = false;
    this.failures = 0;
    if (this.state !== "closed") {
      this.state = "closed";
      this.lastLogged = "";
      this.opts.log?.info({ llm: this.opts.label }, LLM_TEXT.resumed(this.opts.label));
    }
  }

  /** A request failed; permanent errors and repeated outages pause the endpoint. */
  failure(err: LlmExtractionError, probe: boolean): void {
    if (probe) this.probing = false;
    const at = new Date(this.now()).toISOString();
    if (err.kind === "message") {
      // The service answered: it is up, only this message went wrong.
      if (probe) this.success(true);
      return;
    }
    this.lastError = { code: err.code, message: err.message.slice(0, 300), fix: err.fix, at };
    const minutes = Math.max(1, Math.round(this.opts.pauseMs / 60_000));
    if (err.kind === "permanent") {
      this.pause(LLM_TEXT.paused(minutes, err.fix ?? err.message), err);
      return;
    }
    this.failures += 1;
    if (probe || this.failures >= this.opts.timeoutsToPause) {
      this.pause(LLM_TEXT.pausedOutage(this.failures, minutes, err.message.slice(0, 120)), err);
    }
  }

  status(): BreakerStatus {
    if (this.state === "open" && this.now() >= this.openUntil) this.state = "half_open";
    return {
      state: this.state,
      pausedUntil: this.state === "open" ? new Date(this.openUntil).toISOString() : null,
      lastError: this.lastError,
      consecutiveFailures: this.failures,
    };
  }

  private pause(line: string, err: LlmExtractionError): void {
    this.state = "open";
    this.openUntil = this.now() + this.opts.pauseMs;
    // One line per distinct reason: a probe failing again the same way stays quiet.
    const key = `${err.kind}:${err.fix ?? err.code}`;
    if (key === this.lastLogged) return;
    this.lastLogged = key;
    this.opts.log?.warn({ llm: this.opts.label, code: err.code, kind: err.kind }, line);
  }
}
