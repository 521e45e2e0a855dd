// Honest overload: a request is refused at once, with a retry hint, when the gateway's queue is full
// or its TTFT deadline cannot be met, instead of being queued to fail late. Its wait is the largest of
// the prefill work ahead (at the configured prefill rate), the turns of the backends' sequence slots
// the requests ahead of it take (sequence-slot-wait.ts) and the requests ahead at the pace the queue
// has been draining. The last two are what bound a decode-bound backend: a prompt-token estimate
// alone admitted requests that then waited tens of seconds. Pure: the queue's and backends' state in,
// a decision out.
import { sequenceSlotWaitMs, type SequenceCapacity } from "./sequence-slot-wait.js";

export interface OverloadState {
  queueLength: number;
  maxQueueLength: number;
  /** Prefill tokens queued ahead of a request of this class and cost (Infinity: all that go before any of its class). */
  tokensAhead(cost: number): number;
  /** Requests queued ahead of a request of this class and cost. */
  requestsAhead(cost: number): number;
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
  /** The healthy backends' sequence slots, how many run, how long one is held. */
  capacity: SequenceCapacity;
  /** The wait of a request with `ahead` requests queued before it at the queue's measured pace; undefined while unknown. */
  queuePaceWaitMs(ahead: number): number | undefined;
  /** Dispatch to first token as recent requests took it (0 before any). */
  firstTokenMs: number;
}

export type OverloadDecision =
  | { readonly refuse: false }
  | { readonly refuse: true; readonly reason: "queue-full"; readonly queueLength: number; readonly retryAfterMs: number }
  | { readonly refuse: true; readonly reason: "deadline-unmeetable"; readonly deadlineMs: number; readonly expectedTtftMs: number; readonly requestsAhead: number; readonly retryAfterMs: number }
  | { readonly refuse: true; readonly reason: "pace-unknown"; readonly deadlineMs: number; readonly requestsAhead: number; readonly retryAfterMs: number };

/** A retry hint within sane bounds (100 ms to a minute, whole milliseconds). */
export function clampRetryAfter(ms: number): number {
  return Math.round(Math.min(60_000, Math.max(100, ms)));
}

/** Before any hold time or pace is known, a deadline is promised only to requests that find a free sequence slot. */
const UNKNOWN_PACE_RETRY_MS = 1_000;

/** The larger of the two waits; undefined only when neither is known. */
function dispatchWaitMs(state: OverloadState, ahead: number): number | undefined {
  const bySlots = sequenceSlotWaitMs(state.capacity, ahead);
  const byPace = state.queuePaceWaitMs(ahead);
  return bySlots === undefined && byPace === undefined ? undefined : Math.max(bySlots ?? 0, byPace ?? 0);
}

export function decideOverload(state: OverloadState, request: { cost: number; ttftDeadlineMs?: number | undefined }): OverloadDecision {
  const tokensPerMs = (state.prefillTokensPerSecond * Math.max(1, state.healthyBackends)) / 1_000;
  const overShare = !state.tenantQueue || state.tenantQueue.queued >= state.tenantQueue.share;
  if (state.queueLength >= state.maxQueueLength && overShare) {
    // Half the time the work ahead takes to drain: by then there is room again, on average.
    const drainMs = Math.max((state.tokensAhead(Infinity) + state.inFlightPrefillTokens) / tokensPerMs, dispatchWaitMs(state, state.queueLength) ?? 0);
    return { refuse: true, reason: "queue-full", queueLength: state.queueLength, retryAfterMs: clampRetryAfter(drainMs / 2) };
  }
  const deadlineMs = request.ttftDeadlineMs;
  if (!deadlineMs) return { refuse: false };
  const requestsAhead = state.requestsAhead(request.cost);
  const queuedMs = dispatchWaitMs(state, requestsAhead);
  if (queuedMs === undefined) {
    return { refuse: true, reason: "pace-unknown", deadlineMs, requestsAhead, retryAfterMs: UNKNOWN_PACE_RETRY_MS };
  }
  const prefillBoundMs = (state.tokensAhead(request.cost) + state.inFlightPrefillTokens + request.cost) / tokensPerMs;
  // Once dispatched, its first token takes what it took recent requests (prefill, the backend's step).
  const paceBoundMs = (queuedMs ?? 0) + Math.max(request.cost / tokensPerMs, state.firstTokenMs);
  const expectedTtftMs = Math.max(prefillBoundMs, paceBoundMs);
  if (expectedTtftMs > deadlineMs) {
    return { refuse: true, reason: "deadline-unmeetable", deadlineMs, expectedTtftMs, requestsAhead, retryAfterMs: clampRetryAfter(expectedTtftMs - deadlineMs) };
  }
  return { refuse: false };
}
