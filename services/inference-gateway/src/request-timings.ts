// Per-request timings from an execution's timestamps, as seen by one caller (a caller that joined
// an identical in-flight request arrived later than the one that started it).
import type { ExecutionTrace } from "./llm-request.js";

export interface RequestTimings {
  queueMs: number;
  ttftMs: number;
  prefillMs: number;
  decodeMs: number;
  tpotMs: number;
  e2eMs: number;
  tokensPerSecond: number;
}

export function requestTimings(trace: ExecutionTrace, callerArrivedAt: number, outputTokens: number): RequestTimings {
  const since = (t: number) => Math.max(0, t - callerArrivedAt);
  const decodeMs = Math.max(0, trace.finishedAt - trace.firstTokenAt);
  const tpotMs = outputTokens > 1 ? decodeMs / (outputTokens - 1) : 0;
  return {
    queueMs: since(trace.dispatchedAt),
    ttftMs: since(trace.firstTokenAt),
    prefillMs: Math.max(0, trace.firstTokenAt - Math.max(trace.dispatchedAt, callerArrivedAt)),
    decodeMs,
    tpotMs,
    e2eMs: since(trace.finishedAt),
    tokensPerSecond: tpotMs > 0 ? 1_000 / tpotMs : 0,
  };
}
