// Honest overload: a request is refused at once, with a retry hint, when the gateway's queue is full
// or its TTFT deadline cannot be met, instead of being queued to fail late. Pure: the queue's and
// backends' state in, a decision out.

export interface OverloadState {
  queueLength: number;
  maxQueueLength: number;
  /** Prefill tokens queued ahead of a request of this class and cost (Infinity: all that go before any of its class). */
  tokensAhead(cost: number): number;
  /** Prefill tokens dispatched to the backends that have not had their first token yet. */
  inFlightPrefillTokens: number;
  healthyBackends: number;
  /** Prefill throughput of one backend. */
  prefillTokensPerSecond: number;
  /**
   * With fair queueing: the requester's tenant's queued requests and its weighted share of
   * maxQueueLength among the tenants queued. A full queue refuses only tenants at or over their
   * share, so one tenant's flood cannot lock the others out (the queue then holds at most twice
   * maxQueueLength). Absent: the queue's length alone decides.
   */
  tenantQueue?: { queued: number; share: number } | undefined;
}

export type OverloadDecision =
  | { readonly refuse: false }
  | { readonly refuse: true; readonly reason: "queue-full"; readonly queueLength: number; readonly retryAfterMs: number }
  | { readonly refuse: true; readonly reason: "deadline-unmeetable"; readonly deadlineMs: number; readonly expectedTtftMs: number; readonly retryAfterMs: number };

/** A retry hint within sane bounds (100 ms to a minute, whole milliseconds). */
export function clampRetryAfter(ms: number): number {
  return Math.round(Math.min(60_000, Math.max(100, ms)));
}

export function decideOverload(state: OverloadState, request: { cost: number; ttftDeadlineMs?: number | undefined }): OverloadDecision {
  const tokensPerMs = (state.prefillTokensPerSecond * Math.max(1, state.healthyBackends)) / 1_000;
  const overShare = !state.tenantQueue || state.tenantQueue.queued >= state.tenantQueue.share;
  if (state.queueLength >= state.maxQueueLength && overShare) {
    // Half the time the work ahead takes to drain: by then there is room again, on average.
    const drainMs = (state.tokensAhead(Infinity) + state.inFlightPrefillTokens) / tokensPerMs;
    return { refuse: true, reason: "queue-full", queueLength: state.queueLength, retryAfterMs: clampRetryAfter(drainMs / 2) };
  }
  if (request.ttftDeadlineMs) {
    const expectedTtftMs = (state.tokensAhead(request.cost) + state.inFlightPrefillTokens + request.cost) / tokensPerMs;
    if (expectedTtftMs > request.ttftDeadlineMs) {
      return {
        refuse: true,
        reason: "deadline-unmeetable",
        deadlineMs: request.ttftDeadlineMs,
        expectedTtftMs,
        retryAfterMs: clampRetryAfter(expectedTtftMs - request.ttftDeadlineMs),
      };
    }
  }
  return { refuse: false };
}
