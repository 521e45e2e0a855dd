// Micro-batching: items submitted by concurrent callers go to the backend in one call (bounded
// wait, bounded batch size); each caller gets its own slice of the results. A submission that finds
// no call of this batcher in flight goes on the next turn of the event loop, with whatever else came
// in that turn: waiting for company there only adds the window to its latency (a strength
// analysis's last claims, a search's query). While a call is in flight, submissions wait up to
// `maxWaitMs` for company, and batches form.

export interface MicroBatcherOptions<I, O> {
  /** Most items per backend call; a single submission larger than this is split. */
  maxBatchSize: number;
  /** Longest time the first waiting item waits for company while a backend call is in flight. */
  maxWaitMs: number;
  execute(items: I[], signal: AbortSignal): Promise<O[]>;
}

export interface BatchResult<O> {
  results: O[];
  /** Items in the largest backend call this submission's items travelled in. */
  batchedWith: number;
}

interface Pending<I, O> {
  items: I[];
  results: O[];
  remaining: number;
  batchedWith: number;
  signal: AbortSignal;
  resolve(result: BatchResult<O>): void;
  reject(error: unknown): void;
  settled: boolean;
}

interface Slice<I, O> {
  pending: Pending<I, O>;
  offset: number;
  items: I[];
}

export class MicroBatcher<I, O> {
  private waiting: Slice<I, O>[] = [];
  private waitingItems = 0;
  private timer: NodeJS.Timeout | undefined;
  private nextTurn: NodeJS.Immediate | undefined;
  private batches = 0;
  private inFlight = 0;

  constructor(private readonly options: MicroBatcherOptions<I, O>) {}

  /** Backend calls made so far. */
  get batchCount(): number {
    return this.batches;
  }

  submit(items: I[], signal: AbortSignal): Promise<BatchResult<O>> {
    if (items.length === 0) return Promise.resolve({ results: [], batchedWith: 0 });
    return new Promise<BatchResult<O>>((resolve, reject) => {
      const pending: Pending<I, O> = { items, results: new Array<O>(items.length), remaining: items.length, batchedWith: 0, signal, resolve, reject, settled: false };
      signal.addEventListener("abort", () => this.settle(pending, signal.reason), { once: true });
      for (let offset = 0; offset < items.length; offset += this.options.maxBatchSize) {
        const slice = items.slice(offset, offset + this.options.maxBatchSize);
        this.waiting.push({ pending, offset, items: slice });
        this.waitingItems += slice.length;
      }
      while (this.waitingItems >= this.options.maxBatchSize) this.flush();
      if (this.waitingItems === 0) return;
      if (this.inFlight === 0) this.nextTurn ??= setImmediate(() => this.flush());
      else this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
    });
  }

  private flush() {
    clearTimeout(this.timer);
    clearImmediate(this.nextTurn);
    this.timer = undefined;
    this.nextTurn = undefined;
    const batch: Slice<I, O>[] = [];
    let size = 0;
    // Callers that left before their batch went are dropped from it.
    while (this.waiting.length > 0) {
      const next = this.waiting[0]!;
      if (next.pending.settled) {
        this.waiting.shift();
        this.waitingItems -= next.items.length;
        continue;
      }
      if (size + next.items.length > this.options.maxBatchSize) break;
      this.waiting.shift();
      this.waitingItems -= next.items.length;
      batch.push(next);
      size += next.items.length;
    }
    if (this.waitingItems > 0) this.timer = setTimeout(() => this.flush(), this.options.maxWaitMs);
    if (batch.length > 0) void this.run(batch, size);
  }

  private async run(batch: Slice<I, O>[], size: number) {
    this.batches++;
    this.inFlight++;
    const controller = new AbortController();
    // The shared call stops only when every caller in it has gone.
    const callers = new Set(batch.map((s) => s.pending));
    const leave = () => {
      if ([...callers].every((p) => p.signal.aborted)) controller.abort(new Error("every caller left"));
    };
    for (const p of callers) p.signal.addEventListener("abort", leave, { once: true });
    try {
      const results = await this.options.execute(
        batch.flatMap((s) => s.items),
        controller.signal,
      );
      if (results.length !== size) throw new Error(`backend returned ${results.length} results for ${size} inputs`);
      let at = 0;
      for (const slice of batch) {
        const p = slice.pending;
        for (let i = 0; i < slice.items.length; i++) p.results[slice.offset + i] = results[at++]!;
        p.remaining -= slice.items.length;
        p.batchedWith = Math.max(p.batchedWith, size);
        if (p.remaining === 0) this.settle(p);
      }
    } catch (error) {
      for (const p of callers) this.settle(p, error);
    } finally {
      this.inFlight--;
      for (const p of callers) p.signal.removeEventListener("abort", leave);
    }
  }

  private settle(p: Pending<I, O>, error?: unknown) {
    if (p.settled) return;
    p.settled = true;
    if (error !== undefined) p.reject(error);
    else p.resolve({ results: p.results, batchedWith: p.batchedWith });
  }
}
