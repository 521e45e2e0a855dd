// How long a request will wait in the queue for its position in it. Two measurements, the larger
// wins: the pace the queue has been draining at (each dispatched request that found others ahead of
// it tells how many milliseconds each position cost it: its wait / (ahead + 1); the 95th percentile
// of the recent ones, so that 19 of 20 requests admitted at the limit wait no longer than said;
// forgotten when the queue empties), and Little's law on the backends (the mean time recent requests held a sequence,
// divided by the sequences the backends run at once). Whatever bounds the backends - sequences,
// prefill tokens, decode - and however they finish (vLLM's batch ends together), that is the pace
// the queue really drains at; a prompt-token estimate alone admitted requests to a decode-bound
// backend that then waited tens of seconds.

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

  /**
   * Milliseconds of queueing per position with `slots` sequences running at once; undefined when
   * neither the queue's pace nor any service time is known yet.
   */
  msPerPosition(slots: number): number | undefined {
    const queuePace = this.paces.length >= this.minSamples ? quantile(this.paces, 0.95) : undefined;
    const servicePace = this.services.length > 0 && slots > 0 ? mean(this.services) / slots : undefined;
    if (queuePace === undefined) return servicePace;
    return Math.max(queuePace, servicePace ?? 0);
  }

  /** The expected queue wait of a request with `ahead` requests queued before it (ms). */
  waitMs(ahead: number, slots: number): number | undefined {
    if (ahead === 0) return 0;
    const pace = this.msPerPosition(slots);
    return pace === undefined ? undefined : (ahead + 1) * pace;
  }
}

function push(list: number[], value: number, window: number) {
  list.push(value);
  if (list.length > window) list.shift();
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** The q-quantile by nearest rank. */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
