// What one overload arm's requests came to: admitted (answered) or refused (RESOURCE_EXHAUSTED over
// gRPC, 429 over HTTP) and how fast and with which retry delay, the TTFT of the admitted, and any
// other failure (which an honest gateway has none of).
import { percentile } from "../load/percentiles.js";
import type { RequestOutput } from "../load/request-output.js";

/** The statuses that mean "too much load, retry later". */
export const REFUSAL_STATUSES = ["RESOURCE_EXHAUSTED", "HTTP 429"];

export interface Spread {
  p50: number;
  p95: number;
  max: number;
}

export interface OverloadSummary {
  sent: number;
  admitted: number;
  /** Refusals by status. */
  refused: Record<string, number>;
  /** Any other failure by status (or its message when it had none). */
  failed: Record<string, number>;
  /** Send to refusal, ms. */
  refusalMs: Spread;
  /** The retry delay refusals asked for, ms; `missing`: refusals without one. */
  retryAfterMs: Spread & { min: number; missing: number; distinct: number };
  /** TTFT of the admitted requests, ms. */
  admittedTtftMs: Spread;
  /** Share of admitted requests whose first token came within the SLO. */
  admittedWithinSlo: number;
  /** Admitted requests per second of the arm. */
  admittedPerSecond: number;
  /** The admitted requests' time as the server reported it (queued in it; arrival to first token), ms. */
  server?: { queueMs: Spread; ttftMs: Spread };
}

const ms = (seconds: readonly number[]) => seconds.map((s) => s * 1000);
const round = (v: number) => Math.round(v * 10) / 10;

function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { p50: 0, p95: 0, max: 0 };
  return { p50: round(percentile(values, 50)), p95: round(percentile(values, 95)), max: round(Math.max(...values)) };
}

function countBy(outputs: readonly RequestOutput[], key: (o: RequestOutput) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outputs) counts[key(o)] = (counts[key(o)] ?? 0) + 1;
  return counts;
}

/** `durationS`: how long requests were offered (seconds, the simulator's virtual time). */
export function summariseOverload(outputs: readonly RequestOutput[], sloTtftMs: number, durationS: number): OverloadSummary {
  const admitted = outputs.filter((o) => o.success);
  const refusals = outputs.filter((o) => !o.success && REFUSAL_STATUSES.includes(o.status ?? ""));
  const failures = outputs.filter((o) => !o.success && !REFUSAL_STATUSES.includes(o.status ?? ""));
  const hints = refusals.flatMap((o) => (o.retryAfterMs === undefined ? [] : [o.retryAfterMs]));
  const ttfts = ms(admitted.map((o) => o.ttft));
  const reported = admitted.flatMap((o) => (o.serverTimings ? [o.serverTimings] : []));
  return {
    sent: outputs.length,
    admitted: admitted.length,
    refused: countBy(refusals, (o) => o.status!),
    failed: countBy(failures, (o) => o.status ?? o.error.slice(0, 80)),
    refusalMs: spread(ms(refusals.flatMap((o) => (o.failedAfter === undefined ? [] : [o.failedAfter])))),
    retryAfterMs: { ...spread(hints), min: hints.length ? Math.min(...hints) : 0, missing: refusals.length - hints.length, distinct: new Set(hints).size },
    admittedTtftMs: spread(ttfts),
    admittedWithinSlo: admitted.length === 0 ? 1 : ttfts.filter((t) => t < sloTtftMs).length / admitted.length,
    admittedPerSecond: durationS > 0 ? admitted.length / durationS : 0,
    ...(reported.length > 0 ? { server: { queueMs: spread(ms(reported.map((t) => t.queue))), ttftMs: spread(ms(reported.map((t) => t.ttft))) } } : {}),
  };
}
