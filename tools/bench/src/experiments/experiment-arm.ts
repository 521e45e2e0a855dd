// One arm of a side-by-side experiment: a workload sent to one target, summarised with the same
// vllm-bench-serve metrics as every other arm of the run.
import { buildResult, type BenchResult } from "../load/bench-result.js";
import type { BenchRequest, RequestOutput } from "../load/request-output.js";
import { runBenchmark } from "../load/run-benchmark.js";
import type { BenchTarget } from "../targets/bench-target.js";

export interface ArmOptions {
  name: string;
  target: BenchTarget;
  requests: readonly BenchRequest[];
  interArrival?: readonly number[];
  maxConcurrency?: number;
  timeScale: number;
  goodputTtftMs?: number;
  log?: (s: string) => void;
}

export interface ArmResult {
  name: string;
  /** vllm bench serve's summary keys (the per-request arrays left out). */
  metrics: ArmMetrics;
  outputs: RequestOutput[];
  durationS: number;
}

export type ArmMetrics = Record<string, unknown> & Pick<BenchResult, "completed" | "failed">;

const PER_REQUEST_KEYS = ["input_lens", "output_lens", "ttfts", "itls", "generated_texts", "errors", "start_times", "e2els", "kinds"];

export function summaryOf(result: BenchResult): ArmMetrics {
  // Only per-request arrays are left out: the counts stay.
  return { ...Object.fromEntries(Object.entries(result).filter(([k]) => !PER_REQUEST_KEYS.includes(k))), completed: result.completed, failed: result.failed };
}

export function armResult(name: string, target: BenchTarget, outputs: RequestOutput[], durationS: number, o: Pick<ArmOptions, "timeScale" | "goodputTtftMs" | "maxConcurrency">): ArmResult {
  const result = buildResult(
    { backend: target.backend, label: name, modelId: "Qwen/Qwen2.5-7B-Instruct", tokenizerId: "Qwen/Qwen2.5-7B-Instruct", numPrompts: outputs.length, requestRate: Infinity, burstiness: 1, maxConcurrency: o.maxConcurrency, timeScale: o.timeScale },
    outputs,
    { durationS, goodput: { ttft: o.goodputTtftMs ?? 2000 }, percentileMetrics: ["ttft", "tpot", "itl", "e2el"], percentiles: [50, 90, 95, 99] },
  );
  return { name, metrics: summaryOf(result), outputs, durationS };
}

export async function runArm(o: ArmOptions): Promise<ArmResult> {
  o.log?.(`  ${o.name}: ${o.requests.length} requests...`);
  const run = await runBenchmark({ requests: o.requests, interArrival: o.interArrival ?? o.requests.map(() => 0), maxConcurrency: o.maxConcurrency, timeScale: o.timeScale, target: o.target }).finally(() => o.target.close());
  const arm = armResult(o.name, o.target, run.outputs, run.durationS, o);
  o.log?.(`  ${o.name}: ${run.durationS.toFixed(1)} s (virtual), ${arm.metrics.completed} completed, ${arm.metrics.failed} failed`);
  return arm;
}
