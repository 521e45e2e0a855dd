// A bounded, ordered write buffer that batches rows to a sink and rides out sink outages: failed
// batches go back to the front and are retried with exponential backoff; when the bound is hit the
// oldest rows not already in flight are dropped and reported. No I/O of its own: the sink does it.

export interface BatchSink<T> {
  write(rows: T[]): Promise<void>;
}

export interface BatchedWriterOptions {
  /** Rows per sink write. */
  readonly batchSize: number;
  /** Rows held at most (buffered plus in flight); beyond it the oldest are dropped. */
  readonly maxBufferedRows: number;
  /** How long a partial batch waits for company before it is written. */
  readonly flushIntervalMs: number;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  onDropped?(count: number): void;
  onWriteError?(error: unknown, consecutiveFailures: number, retryInMs: number): void;
  onRecovered?(consecutiveFailures: number): void;
}

interface Entry<T> {
  readonly seq: number;
  readonly row: T;
}

export interface BatchedWriterStats {
  readonly buffered: number;
  readonly written: number;
  readonly dropped: number;
  readonly consecutiveFailures: number;
}

export class BatchedWriter<T> {
  private buffer: Entry<T>[] = [];
  private inflight: Entry<T>[] = [];
  private nextSeq = 1;
  private written = 0;
  private dropped = 0;
  private failures = 0;
  private pumping = false;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private wakeSleep: (() => void) | undefined;
  private waiters: { seq: number; resolve: () => void }[] = [];

  constructor(
    private readonly sink: BatchSink<T>,
    private readonly options: BatchedWriterOptions,
  ) {
    if (options.batchSize < 1 || options.maxBufferedRows < options.batchSize) {
      throw new RangeError("batchSize must be >= 1 and maxBufferedRows >= batchSize");
    }
  }

  add(row: T): void {
    this.buffer.push({ seq: this.nextSeq++, row });
    this.enforceBound();
    if (this.buffer.length >= this.options.batchSize) void this.pump();
    else this.timer ??= setTimeout(() => void this.pump(), this.options.flushIntervalMs).unref();
  }

  /** Resolves once every row added before the call is written (or dropped); retries meanwhile. */
  flush(): Promise<void> {
    const target = this.nextSeq - 1;
    const done = new Promise<void>((resolve) => this.waiters.push({ seq: target, resolve }));
    this.notifyWaiters();
    this.wakeSleep?.(); // a caller waiting for a flush should not sit out a long backoff
    void this.pump();
    return done;
  }

  /** Flushes within timeoutMs; returns how many rows could not be written (and are now discarded). */
  async close(timeoutMs: number): Promise<{ lost: number }> {
    let timeout: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => (timeout = setTimeout(() => resolve("timeout"), timeoutMs)));
    const outcome = await Promise.race([this.flush().then(() => "flushed" as const), timedOut]);
    clearTimeout(timeout);
    clearTimeout(this.timer);
    if (outcome === "flushed") return { lost: 0 };
    const lost = this.buffer.length + this.inflight.length;
    this.buffer = [];
    this.closed = true;
    this.wakeSleep?.();
    this.notifyWaiters();
    return { lost };
  }

  stats(): BatchedWriterStats {
    return {
      buffered: this.buffer.length + this.inflight.length,
      written: this.written,
      dropped: this.dropped,
      consecutiveFailures: this.failures,
    };
  }

  private enforceBound(): void {
    const excess = this.buffer.length + this.inflight.length - this.options.maxBufferedRows;
    if (excess <= 0) return;
    const n = Math.min(excess, this.buffer.length);
    this.buffer.splice(0, n);
    this.dropped += n;
    this.options.onDropped?.(n);
    this.notifyWaiters();
  }

  private async pump(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.buffer.length > 0 && !this.closed) {
        const batch = this.buffer.splice(0, this.options.batchSize);
        this.inflight = batch;
        try {
          await this.sink.write(batch.map((e) => e.row));
          this.inflight = [];
          this.written += batch.length;
          if (this.failures > 0) this.options.onRecovered?.(this.failures);
          this.failures = 0;
        } catch (err) {
          this.inflight = [];
          if (this.closed) break;
          this.buffer.unshift(...batch);
          this.enforceBound();
          this.failures++;
          const delay = Math.min(this.options.retryMaxMs, this.options.retryInitialMs * 2 ** (this.failures - 1));
          this.options.onWriteError?.(err, this.failures, delay);
          await this.sleep(delay);
        }
        this.notifyWaiters();
      }
    } finally {
      this.pumping = false;
      this.notifyWaiters();
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(finish, ms);
      function finish() {
        clearTimeout(t);
        resolve();
      }
      this.wakeSleep = () => {
        this.wakeSleep = undefined;
        finish();
      };
    });
  }

  private notifyWaiters(): void {
    const oldestPending = this.inflight[0]?.seq ?? this.buffer[0]?.seq ?? Infinity;
    const ready = this.waiters.filter((w) => w.seq < oldestPending || this.closed);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}
