/** Typed errors a channel throws when sending fails, so the outbox knows when to retry. */
export class ChannelSendError extends Error {
  readonly code: string;
  /** The platform said when to try again (e.g. Lark's x-ogw-ratelimit-reset). */
  readonly retryAfterMs: number | undefined;
  /** Retrying cannot help (bad chat id, bot removed from the group). */
  readonly permanent: boolean;
  /**
   * The channel is not connected (e.g. WeChat logged out): nothing left, so the wait does not use up
   * the row's attempts, however long it lasts.
   */
  readonly unavailable: boolean;

  constructor(
    message: string,
    options: {
      code: string;
      retryAfterMs?: number;
      permanent?: boolean;
      unavailable?: boolean;
      cause?: unknown;
    },
  ) {
    super(message, { cause: options.cause });
    this.name = "ChannelSendError";
    this.code = options.code;
    this.retryAfterMs = options.retryAfterMs;
    this.permanent = options.permanent ?? false;
    this.unavailable = options.unavailable ?? false;
  }
}
