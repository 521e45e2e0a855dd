// Work a look-ahead starts before a step asks for it, once per key: the step gets the early result
// when it asks for the same key. A look-ahead's failure is nobody's error: the step asks again, so a
// transient error in the look-ahead costs what it cost before.

export class LookAheadMemo<V> {
  private readonly started = new Map<string, Promise<V>>();

  /** Starts the work for `key` unless it has started; returns at once. */
  prefetch(key: string, start: () => Promise<V>): void {
    if (this.started.has(key)) return;
    const early = start();
    // Settled by get(), or never needed; a rejection before then is not unhandled.
    early.catch(() => undefined);
    this.started.set(key, early);
  }

  /** The started work's result, else (not started, or it failed) the work done now. */
  async get(key: string, start: () => Promise<V>): Promise<V> {
    const early = this.started.get(key);
    if (early) {
      try {
        return await early;
      } catch {
        // The look-ahead's attempt failed: this one is the step's own.
      }
    }
    const own = start();
    this.started.set(key, own);
    return own;
  }
}
