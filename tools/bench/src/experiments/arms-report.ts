// Report pieces shared by the side-by-side experiments: a metrics table per arm, latency CDFs and
// throughput over time.
import { throughputOverTime } from "../load/bench-metrics.js";
import { percentile } from "../load/percentiles.js";
import type { RequestOutput } from "../load/request-output.js";
import { cdfOption, timeSeriesOption } from "../report/chart-options.js";
import type { ReportChart, ReportTable } from "../report/html-report.js";
import type { ArmResult } from "./experiment-arm.js";

const n = (v: unknown) => (typeof v === "number" ? v : 0);

export function armsTable(arms: readonly ArmResult[]): ReportTable {
  return {
    columns: ["arm", "duration (s)", "completed", "failed", "req/s", "output tok/s", "mean TTFT (ms)", "p95 TTFT (ms)", "mean TPOT (ms)", "p95 E2E (ms)", "goodput (req/s, TTFT < 2 s)"],
    rows: arms.map((a) => {
      const m = a.metrics;
      return [a.name, n(m["duration"]), n(m["completed"]), n(m["failed"]), n(m["request_throughput"]), n(m["output_throughput"]), n(m["mean_ttft_ms"]), n(m["p95_ttft_ms"]), n(m["mean_tpot_ms"]), n(m["p95_e2el_ms"]), n(m["request_goodput"])];
    }),
  };
}

const ttftMs = (outputs: readonly RequestOutput[], kind?: string) => outputs.filter((o) => o.success && (kind === undefined || o.kind === kind)).map((o) => o.ttft * 1000);

export function armsCharts(arms: readonly ArmResult[]): ReportChart[] {
  return [
    { title: "TTFT CDF", option: cdfOption(Object.fromEntries(arms.map((a) => [a.name, ttftMs(a.outputs)])), "TTFT (ms)") },
    { title: "End-to-end latency CDF", option: cdfOption(Object.fromEntries(arms.map((a) => [a.name, a.outputs.filter((o) => o.success).map((o) => o.latency * 1000)])), "E2E latency (ms)") },
    {
      title: "Output tokens per second over the run",
      option: timeSeriesOption(arms.map((a) => ({ name: a.name, points: throughputOverTime(a.outputs).map((p) => [p.second, p.outputTokens] as [number, number]) })), "virtual s", "tokens/s"),
    },
  ];
}

/** TTFT percentiles of the requests of one kind (e.g. "small"). */
export function kindStats(outputs: readonly RequestOutput[], kind: string, sloMs = 2000) {
  const all = outputs.filter((o) => o.kind === kind);
  const ttfts = ttftMs(outputs, kind);
  return { count: all.length, p50: percentile(ttfts, 50), p95: percentile(ttfts, 95), p99: percentile(ttfts, 99), sla: all.length ? ttfts.filter((t) => t < sloMs).length / all.length : 0 };
}

export function kindCdf(arms: readonly ArmResult[], kind: string): ReportChart {
  return { title: `TTFT CDF of the ${kind} requests`, option: cdfOption(Object.fromEntries(arms.map((a) => [a.name, ttftMs(a.outputs, kind)])), "TTFT (ms)") };
}
