// How long a request will wait in the queue for its position in it, at the pace the queue has been
// draining: each dispatched request that found others ahead of it tells how many milliseconds each
// position cost it (its wait / (ahead + 1)); the 95th percentile of the recent ones is used, so that
// 19 of 20 requests admitted at the limit wait no longer than said; forgotten when the queue empties.
// Whatever bounds the backends - sequences, prefill tokens, decode, a shrunk KV cache - that is the
// pace the queue really drains at. Beside it, the hold times of recent requests (dispatch to last
// token) and their dispatch-to-first-token times, for sequence-slot-wait.ts and the first token.

export interface DispatchedRequest {
  /** Time it spent queued (ms). */
  waitedMs: number;
  /** Requests queued ahead of it when it arrived. */
  aheadAtArrival: number;
  /** Requests still queued after it left. */
  stillQueued: number;
}

export class QueueWaitModel {
  private readonly paces: number[] = [];
  private readonly services: number[] = [];
  private readonly firstTokens: number[] = [];

  constructor(
    /** Requests each measurement is averaged over. */
    private readonly window = 64,
    /** Fewer than this and the queue's own pace is unknown. */
    private readonly minSamples = 8,
  ) {}

  dispatched(d: DispatchedRequest): void {
    if (d.aheadAtArrival > 0) push(this.paces, d.waitedMs / (d.aheadAtArrival + 1), this.window);
    if (d.stillQueued === 0) this.paces.length = 0;
  }

  /**
   * A request finished after holding a backend sequence for `serviceMs` (dispatch to last token),
   * its first token `firstTokenMs` after dispatch.
   */
  finished(serviceMs: number, firstTokenMs: number): void {
    push(this.services, serviceMs, this.window);
    push(this.firstTokens, firstTokenMs, this.window);
  }

  /** Dispatch to first token that 19 of 20 recent requests did not exceed (ms); 0 before any finished. */
  firstTokenMs(): number {
    return this.firstTokens.length === 0 ? 0 : quantile(this.firstTokens, 0.95);
  }

  /** How long a sequence was held that 19 of 20 recent requests did not exceed (ms); undefined before any finished. */
  holdMs(): number | undefined {
    return this.services.length === 0 ? undefined : quantile(this.services, 0.95);
  }

  /** Milliseconds of queueing per position; undefined until enough requests waited in a backlog. */
  msPerPosition(): number | undefined {
    return this.paces.length >= this.minSamples ? quantile(this.paces, 0.95) : undefined;
  }

  /** The expected queue wait of a request with `ahead` requests queued before it (ms), at the queue's pace. */
  waitMs(ahead: number): number | undefined {
    if (ahead === 0) return 0;
    const pace = this.msPerPosition();
    return pace === undefined ? undefined : (ahead + 1) * pace;
  }
}

function push(list: number[], value: number, window: number) {
  list.push(value);
  if (list.length > window) list.shift();
}

/** The q-quantile by nearest rank. */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
