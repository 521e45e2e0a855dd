export { runBenchCommand } from "./bench-command.js";
export { runServe, type ServeOptions } from "./serve-command.js";
export { runBenchmark, type RunOptions, type RunResult } from "./load/run-benchmark.js";
export { computeMetrics, type BenchMetrics } from "./load/bench-metrics.js";
export { buildResult, formatSummary, type BenchResult } from "./load/bench-result.js";
export * from "./scaling/hpa-algorithm.js";
