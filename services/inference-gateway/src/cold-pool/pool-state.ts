// A backend pool's state as callers see it, and what a request meets there. Pure: the pool's
// situation and the request in, a decision out.
import type { PriorityClass } from "../scheduling/priority-class.js";

/**
 * - warm: a backend takes traffic.
 * - waking: none does, and requests wait for one (the wake signal is up since the first of them).
 * - cold: none does and nothing waits.
 */
export type PoolState = "warm" | "waking" | "cold";

export function poolState(healthyBackends: number, waitingSince: number | undefined): PoolState {
  if (healthyBackends > 0) return "warm";
  return waitingSince === undefined ? "cold" : "waking";
}

export interface PoolSituation {
  state: PoolState;
  /** Someone (an autoscaler, the watchdog) starts the pool when the gateway holds requests for it. */
  wakeable: boolean;
  /** When the running wake was asked for (the first request held); undefined when nothing waits. */
  wakeAskedAt: number | undefined;
  expectedColdStartMs: number;
  /** How long a request waits for the pool before it is failed. */
  wakeTimeoutMs: number;
}

export interface RequestAtPool {
  priority: PriorityClass;
  /** Absolute time (ms) the caller needs its first token by, if it said. */
  deadlineAt?: number | undefined;
}

export type HoldDecision =
  /** The pool is warm: normal admission. */
  | { readonly kind: "go" }
  /** Wait in the queue, in its usual order, for the wake, until `holdUntil`. */
  | { readonly kind: "hold"; readonly expectedWakeAt: number; readonly holdUntil: number }
  /** Nobody wakes this pool: no healthy backend is a failure (UNAVAILABLE at once). */
  | { readonly kind: "refuse"; readonly reason: "not-wakeable" }
  /** Its deadline ends before the expected wake: UNAVAILABLE with the wake as the retry delay. */
  | { readonly kind: "refuse"; readonly reason: "deadline-before-wake"; readonly deadlineAt: number; readonly expectedWakeAt: number; readonly retryAfterMs: number };

/** A retry delay is never shorter than this, nor is a wake expected sooner (one that is late is due any moment). */
export const MIN_WAKE_RETRY_MS = 1_000;

/** When the pool should be ready: the wake's start plus the expected cold start, at least a moment from now. */
export function expectedWakeAt(situation: Pick<PoolSituation, "wakeAskedAt" | "expectedColdStartMs">, now: number): number {
  return Math.max((situation.wakeAskedAt ?? now) + situation.expectedColdStartMs, now + MIN_WAKE_RETRY_MS);
}

export function decideHold(situation: PoolSituation, request: RequestAtPool, now: number): HoldDecision {
  if (situation.state === "warm") return { kind: "go" };
  if (!situation.wakeable) return { kind: "refuse", reason: "not-wakeable" };
  const wakeAt = expectedWakeAt(situation, now);
  // Batch work has nobody waiting on it: its deadline orders the queue, it never turns it away.
  if (request.deadlineAt !== undefined && request.deadlineAt < wakeAt && request.priority !== "batch") {
    return { kind: "refuse", reason: "deadline-before-wake", deadlineAt: request.deadlineAt, expectedWakeAt: wakeAt, retryAfterMs: Math.round(wakeAt - now) };
  }
  return { kind: "hold", expectedWakeAt: wakeAt, holdUntil: now + situation.wakeTimeoutMs };
}
