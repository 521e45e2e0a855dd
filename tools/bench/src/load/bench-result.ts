// The result document vllm bench serve saves with --save-result, key for key, plus what our
// reports need (start times, request kinds, the time base).
import { computeMetrics, throughputOverTime, type MetricsOptions } from "./bench-metrics.js";
import type { RequestOutput } from "./request-output.js";

export interface RunDescription {
  backend: string;
  label?: string | undefined;
  modelId: string;
  tokenizerId: string;
  numPrompts: number;
  requestRate: number;
  burstiness: number;
  maxConcurrency?: number | undefined;
  timeScale: number;
  date?: Date;
}

export type BenchResult = Record<string, unknown> & {
  completed: number;
  failed: number;
  duration: number;
};

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);

export function buildResult(run: RunDescription, outputs: readonly RequestOutput[], metricsOptions: MetricsOptions): BenchResult {
  const metrics = computeMetrics(outputs, metricsOptions);
  const overTime = throughputOverTime(outputs);
  return {
    date: stamp(run.date ?? new Date()),
    backend: run.backend,
    label: run.label ?? null,
    model_id: run.modelId,
    tokenizer_id: run.tokenizerId,
    num_prompts: run.numPrompts,
    // vLLM writes "inf" for an unlimited rate.
    request_rate: Number.isFinite(run.requestRate) ? run.requestRate : "inf",
    burstiness: run.burstiness,
    max_concurrency: run.maxConcurrency ?? null,
    ...metrics,
    completed: metrics["completed"] ?? 0,
    failed: metrics["failed"] ?? 0,
    duration: metricsOptions.durationS,
    max_output_tokens_per_s: Math.max(0, ...overTime.map((p) => p.outputTokens)),
    max_concurrent_requests: Math.max(0, ...overTime.map((p) => p.concurrent)),
    input_lens: outputs.map((o) => o.promptLen),
    output_lens: outputs.map((o) => (o.success ? o.outputTokens : 0)),
    ttfts: outputs.map((o) => o.ttft),
    itls: outputs.map((o) => o.itl),
    generated_texts: outputs.map((o) => o.generatedText),
    errors: outputs.map((o) => o.error),
    start_times: outputs.map((o) => o.startTime),
    e2els: outputs.map((o) => o.latency),
    kinds: outputs.map((o) => o.kind ?? null),
    time_scale: run.timeScale,
    time_base: run.timeScale === 1 ? "wall" : "virtual",
  };
}

const NAMES: Record<string, [string, string]> = {
  ttft: ["Time to First Token", "TTFT"],
  tpot: ["Time per Output Token (excl. 1st token)", "TPOT"],
  itl: ["Inter-token Latency", "ITL"],
  e2el: ["End-to-end Latency", "E2EL"],
};

const row = (name: string, value: unknown) => `${name.padEnd(40)} ${typeof value === "number" ? (Number.isInteger(value) ? String(value) : value.toFixed(2)) : String(value)}`;
const rule = (title: string, fill = "-") => {
  const pad = Math.max(0, 50 - title.length);
  return fill.repeat(Math.floor(pad / 2)) + title + fill.repeat(Math.ceil(pad / 2));
};

/** The console summary in vllm bench serve's layout. */
export function formatSummary(result: BenchResult, metricsOptions: Pick<MetricsOptions, "percentileMetrics" | "percentiles">): string {
  const lines = [rule(" Serving Benchmark Result ", "=")];
  lines.push(row("Successful requests:", result.completed));
  lines.push(row("Failed requests:", result.failed));
  if (result["max_concurrency"] !== null) lines.push(row("Maximum request concurrency:", result["max_concurrency"]));
  lines.push(row(`Benchmark duration (s${result["time_base"] === "virtual" ? ", virtual" : ""}):`, result.duration));
  lines.push(row("Total input tokens:", result["total_input_tokens"]));
  lines.push(row("Total generated tokens:", result["total_output_tokens"]));
  lines.push(row("Request throughput (req/s):", result["request_throughput"]));
  if (result["request_goodput"] !== null) lines.push(row("Request goodput (req/s):", result["request_goodput"]));
  lines.push(row("Output token throughput (tok/s):", result["output_throughput"]));
  lines.push(row("Total Token throughput (tok/s):", result["total_token_throughput"]));
  for (const m of metricsOptions.percentileMetrics) {
    const [title, short] = NAMES[m]!;
    lines.push(rule(title));
    lines.push(row(`Mean ${short} (ms):`, result[`mean_${m}_ms`]));
    lines.push(row(`Median ${short} (ms):`, result[`median_${m}_ms`]));
    for (const p of metricsOptions.percentiles) lines.push(row(`P${p} ${short} (ms):`, result[`p${p}_${m}_ms`]));
  }
  lines.push("=".repeat(50));
  return lines.join("\n");
}
