// The figures every part reports per path: latency percentiles of what was served, the relay's CPU
// per 1,000 output tokens and its memory, what became of the requests, and the raw latencies the
// report's CDFs are drawn from.
import { percentile } from "../load/percentiles.js";
import type { RequestOutput } from "../load/request-output.js";
import type { PathArm } from "./path-arm.js";
import { outcomeCounts, type Outcome } from "./request-outcome.js";

export interface LatencySamples {
  ttftMs: number[];
  e2eMs: number[];
}

export interface PathFigures {
  path: string;
  key: string;
  requests: number;
  outcomes: Record<Outcome, number>;
  p50_ttft_ms: number;
  p95_ttft_ms: number;
  p99_ttft_ms: number;
  p50_e2el_ms: number;
  p99_e2el_ms: number;
  output_tokens: number;
  /** CPU of the relaying process per 1,000 output tokens it relayed (none for direct). */
  cpu_ms_per_1k_output_tokens?: number | undefined;
  peak_rss_mb?: number | undefined;
  samples: LatencySamples;
}

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

export function latencySamples(outputs: readonly RequestOutput[]): LatencySamples {
  const served = outputs.filter((o) => o.success);
  return { ttftMs: served.map((o) => round(o.ttft * 1000)), e2eMs: served.map((o) => round(o.latency * 1000)) };
}

export function pathFigures(result: PathArm, outputs: readonly RequestOutput[] = result.arm.outputs): PathFigures {
  const samples = latencySamples(outputs);
  const outputTokens = outputs.filter((o) => o.success).reduce((n, o) => n + o.outputTokens, 0);
  const q = (values: number[], p: number) => round(percentile(values, p));
  return {
    path: result.path.name,
    key: result.path.key,
    requests: outputs.length,
    outcomes: outcomeCounts(outputs),
    p50_ttft_ms: q(samples.ttftMs, 50),
    p95_ttft_ms: q(samples.ttftMs, 95),
    p99_ttft_ms: q(samples.ttftMs, 99),
    p50_e2el_ms: q(samples.e2eMs, 50),
    p99_e2el_ms: q(samples.e2eMs, 99),
    output_tokens: outputTokens,
    cpu_ms_per_1k_output_tokens: result.usage && outputTokens > 0 ? round((result.usage.cpuMs / outputTokens) * 1000) : undefined,
    peak_rss_mb: result.usage?.peakRssMb,
    samples,
  };
}

export const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 1000 : Number.NaN);
