// The fairness benchmark's figures from the requests' outputs (virtual seconds): tokens each tenant
// was served within the measurement window, and TTFT percentiles in which a request still waiting
// for its first token when the run was cut off counts with the wait it had so far (a lower bound).
import { percentile } from "../load/percentiles.js";
import type { RequestOutput } from "../load/request-output.js";

export interface Window {
  /** Virtual seconds from the run's start. */
  from: number;
  to: number;
}

export interface ServedTokens {
  requests: number;
  tokens: number;
  /** Tokens (prompt plus output) per virtual second of the window. */
  tokensPerS: number;
}

/** What completed within the window (by completion time), prompt plus output tokens. */
export function servedIn(outputs: readonly RequestOutput[], window: Window): ServedTokens {
  let requests = 0;
  let tokens = 0;
  for (const o of outputs) {
    const doneAt = o.startTime + o.latency;
    if (!o.success || doneAt < window.from || doneAt > window.to) continue;
    requests++;
    tokens += o.promptLen + o.outputTokens;
  }
  return { requests, tokens, tokensPerS: tokens / (window.to - window.from) };
}

export interface CensoredPercentile {
  ms: number;
  /** The percentile falls on a request that had no first token when the run was cut off: the true value is higher. */
  lowerBound: boolean;
}

/**
 * TTFT percentile over the requests sent within the window; a request without a first token at
 * `cutOffAt` (aborted, failed) counts as having waited until then.
 */
export function ttftPercentile(outputs: readonly RequestOutput[], p: number, window: Window, cutOffAt: number): CensoredPercentile {
  const values = outputs
    .filter((o) => o.startTime >= window.from && o.startTime <= window.to)
    .map((o) => (o.success ? { ms: o.ttft * 1_000, censored: false } : { ms: (cutOffAt - o.startTime) * 1_000, censored: true }))
    .sort((a, b) => a.ms - b.ms);
  if (values.length === 0) return { ms: 0, lowerBound: false };
  const ms = percentile(values.map((v) => v.ms), p);
  // Exact only when every wait at or below the percentile's rank is a real TTFT: a censored one
  // there could be larger and push the percentile up.
  const rank = Math.ceil((p / 100) * (values.length - 1));
  const lowerBound = values.slice(0, rank + 1).some((v) => v.censored);
  return { ms, lowerBound };
}

/** Requests sent within the window that had no first token when the run was cut off. */
export function unfinishedIn(outputs: readonly RequestOutput[], window: Window): number {
  return outputs.filter((o) => !o.success && o.startTime >= window.from && o.startTime <= window.to).length;
}

export interface GatewayTimings {
  /** Arrival at the gateway to dispatch to a backend (ms), p50 and p95. */
  queue: { p50: number; p95: number };
  /** Arrival at the gateway to its first token (ms), p50 and p95. */
  ttft: { p50: number; p95: number };
}

/**
 * What the gateway reported of the requests sent within the window that completed: where a TTFT
 * went (waiting in the gateway's queue, or after dispatch: the backend's steps), and, against the
 * client's TTFT, what the client and the loaded machine added.
 */
export function gatewayTimingsIn(outputs: readonly RequestOutput[], window: Window): GatewayTimings {
  const timed = outputs.filter((o) => o.success && o.serverTimings && o.startTime >= window.from && o.startTime <= window.to).map((o) => o.serverTimings!);
  const at = (values: number[]) => ({ p50: values.length ? percentile(values, 50) : 0, p95: values.length ? percentile(values, 95) : 0 });
  return { queue: at(timed.map((t) => t.queue * 1_000)), ttft: at(timed.map((t) => t.ttft * 1_000)) };
}
