// Identical in-flight requests run once: the first caller starts the execution, later callers with
// the same key subscribe to it and receive every event from the beginning. The execution is
// aborted only when every subscriber has gone. With a retention window, a finished execution keeps
// answering its key (safe retries by idempotency key).

export interface Subscription<E> {
  /** True when this caller joined an execution another caller started. */
  readonly coalesced: boolean;
  readonly events: AsyncIterable<E>;
}

interface Execution<E> {
  readonly events: E[];
  done: boolean;
  /** Set when the execution threw: what it threw, which may be any value. */
  failure: { error: unknown } | undefined;
  subscribers: number;
  readonly abort: AbortController;
  wake: Array<() => void>;
  expiresAt: number;
}

export class SharedExecutions<E> {
  private readonly running = new Map<string, Execution<E>>();

  constructor(private readonly clock: () => number = () => Date.now()) {}

  /** Number of distinct executions alive (running or retained). */
  get size(): number {
    return this.running.size;
  }

  /**
   * Subscribes to the execution of `key`, starting it with `start` when there is none.
   * `signal` is this caller's: aborting it unsubscribes; the last one out aborts the execution.
   */
  subscribe(key: string, start: (signal: AbortSignal) => AsyncIterable<E>, signal: AbortSignal, retainMs = 0): Subscription<E> {
    this.expire();
    let execution = this.running.get(key);
    const coalesced = execution !== undefined && !(execution.done && execution.failure !== undefined);
    if (!execution || !coalesced) {
      execution = { events: [], done: false, failure: undefined, subscribers: 0, abort: new AbortController(), wake: [], expiresAt: Infinity };
      this.running.set(key, execution);
      void this.produce(key, execution, start, retainMs);
    }
    return { coalesced, events: this.consume(execution, signal) };
  }

  private async produce(key: string, execution: Execution<E>, start: (signal: AbortSignal) => AsyncIterable<E>, retainMs: number) {
    try {
      for await (const event of start(execution.abort.signal)) {
        execution.events.push(event);
        this.notify(execution);
      }
    } catch (error) {
      execution.failure = { error: error ?? new Error("execution failed") };
    }
    execution.done = true;
    // Failures are never retained: the next caller runs it again.
    if (retainMs > 0 && execution.failure === undefined) execution.expiresAt = this.clock() + retainMs;
    else if (this.running.get(key) === execution) this.running.delete(key);
    this.notify(execution);
  }

  private async *consume(execution: Execution<E>, signal: AbortSignal): AsyncGenerator<E> {
    execution.subscribers++;
    let aborted = false;
    const onAbort = () => {
      aborted = true;
      this.notify(execution);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      for (let next = 0; ; ) {
        while (next < execution.events.length) yield execution.events[next++]!;
        if (aborted) throw signal.reason;
        if (execution.done) {
          if (execution.failure !== undefined) throw execution.failure.error;
          return;
        }
        await new Promise<void>((resolve) => execution.wake.push(resolve));
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
      if (--execution.subscribers === 0 && !execution.done) execution.abort.abort(signal.reason ?? new Error("every caller left"));
    }
  }

  private notify(execution: Execution<E>) {
    const wake = execution.wake;
    execution.wake = [];
    for (const resolve of wake) resolve();
  }

  private expire() {
    const now = this.clock();
    for (const [key, execution] of this.running) if (execution.done && execution.expiresAt <= now) this.running.delete(key);
  }
}
