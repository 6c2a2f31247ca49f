/**
 * One transaction at a time on the shared SQLite connection. Prisma's own interactive
 * transactions (through the adapter, see db.ts) and the hot path's direct-SQL transactions both
 * pass through this gate, so neither ever issues BEGIN inside the other's transaction.
 */
export class TxGate {
  private tail: Promise<void> = Promise.resolve();

  /** Waits for the gate; call the returned function exactly once to open it again. */
  acquire(): Promise<() => void> {
    let open!: () => void;
    const next = new Promise<void>((resolve) => {
      open = resolve;
    });
    const ready = this.tail.then(() => open);
    this.tail = this.tail.then(() => next);
    return ready;
  }
}
