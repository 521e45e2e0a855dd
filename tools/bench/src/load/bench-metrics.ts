// The numbers vllm bench serve reports, computed the same way and under the same JSON keys, so a
// run against the gateway and one against vLLM can be compared line by line.
import { meetsSlos, type GoodputSlos } from "./goodput.js";
import { mean, median, percentile, std } from "./percentiles.js";
import type { RequestOutput } from "./request-output.js";

export type PercentileMetric = "ttft" | "tpot" | "itl" | "e2el";

export interface MetricsOptions {
  durationS: number;
  goodput?: GoodputSlos | undefined;
  percentileMetrics: readonly PercentileMetric[];
  percentiles: readonly number[];
}

export type BenchMetrics = Record<string, number | null>;

/** "99" for 99, "99.9" for 99.9, as vLLM names its keys. */
export const percentileKey = (p: number) => String(p);

/** TPOT of one request: decode time over tokens after the first; 0 for one token or less. */
export const tpotOf = (o: RequestOutput) => (o.outputTokens > 1 ? (o.latency - o.ttft) / (o.outputTokens - 1) : 0);

export function computeMetrics(outputs: readonly RequestOutput[], options: MetricsOptions): BenchMetrics {
  const done = outputs.filter((o) => o.success);
  const ttfts = done.map((o) => o.ttft);
  const tpots = done.filter((o) => o.outputTokens > 1).map(tpotOf);
  const itls = done.flatMap((o) => o.itl);
  const e2els = done.map((o) => o.latency);
  const totalInput = done.reduce((a, o) => a + o.promptLen, 0);
  const totalOutput = done.reduce((a, o) => a + o.outputTokens, 0);
  const good = options.goodput ? done.filter((o) => meetsSlos({ ttft: o.ttft, tpot: tpotOf(o), e2el: o.latency }, options.goodput!)).length : 0;
  const d = options.durationS > 0 ? options.durationS : Number.NaN;
  const metrics: BenchMetrics = {
    duration: options.durationS,
    completed: done.length,
    failed: outputs.length - done.length,
    total_input_tokens: totalInput,
    total_output_tokens: totalOutput,
    request_throughput: done.length / d,
    request_goodput: options.goodput ? good / d : null,
    output_throughput: totalOutput / d,
    total_token_throughput: (totalInput + totalOutput) / d,
  };
  const series: Record<PercentileMetric, number[]> = { ttft: ttfts, tpot: tpots, itl: itls, e2el: e2els };
  for (const name of options.percentileMetrics) {
    const ms = series[name].map((v) => v * 1000);
    metrics[`mean_${name}_ms`] = mean(ms);
    metrics[`median_${name}_ms`] = median(ms);
    metrics[`std_${name}_ms`] = std(ms);
    for (const p of options.percentiles) metrics[`p${percentileKey(p)}_${name}_ms`] = percentile(ms, p);
  }
  return metrics;
}

export interface ThroughputPoint {
  second: number;
  outputTokens: number;
  concurrent: number;
}

/** Output tokens and requests in flight per whole second of the run (vLLM's max_output_tokens_per_s). */
export function throughputOverTime(outputs: readonly RequestOutput[]): ThroughputPoint[] {
  const done = outputs.filter((o) => o.success);
  const end = Math.ceil(Math.max(0, ...done.map((o) => o.startTime + o.latency)));
  const points: ThroughputPoint[] = Array.from({ length: end }, (_, second) => ({ second, outputTokens: 0, concurrent: 0 }));
  for (const o of done) {
    // Tokens land at the first token and after each inter-token gap; usage may count more tokens
    // than chunks, so spread the remainder over the chunk times.
    const stamps = [o.startTime + o.ttft];
    for (const gap of o.itl) stamps.push(stamps[stamps.length - 1]! + gap);
    const perChunk = o.outputTokens / stamps.length;
    for (const t of stamps) {
      const p = points[Math.min(points.length - 1, Math.floor(t))];
      if (p) p.outputTokens += perChunk;
    }
    for (let s = Math.floor(o.startTime); s < Math.ceil(o.startTime + o.latency) && s < points.length; s++) points[s]!.concurrent += 1;
  }
  return points;
}
