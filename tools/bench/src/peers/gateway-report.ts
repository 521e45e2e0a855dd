// bench-gateway's report on the shared ECharts page: each part's table with the three paths side by
// side, TTFT and end-to-end CDFs per workload, queue depth and in flight over time for 2c and the
// overload run, and the command that reproduces each section.
import type { Report, ReportChart, ReportSection } from "../report/html-report.js";
import { cdfOption, timeSeriesOption, type TimeSeries } from "../report/chart-options.js";
import type { AffinityRow } from "./affinity-part.js";
import type { BatchDropResult } from "./batch-drop-part.js";
import type { TimelinePoint } from "./load-timeline.js";
import type { OverheadResult } from "./overhead-part.js";
import type { OverloadResult } from "./overload-part.js";
import type { PathFigures } from "./path-figures.js";

const cmd = (args: string) => `make bench-gateway ARGS="${args}"     # quick check: ARGS="${args} --quick"`;
const opt = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? "-" : v);

function cdfCharts(title: string, rows: ReadonlyArray<{ path: string; samples: PathFigures["samples"] }>, ttftLabel = "TTFT"): ReportChart[] {
  return [
    { title: `${title}: ${ttftLabel} CDF`, option: cdfOption(Object.fromEntries(rows.map((r) => [r.path, r.samples.ttftMs])), "TTFT (ms)") },
    { title: `${title}: end-to-end latency CDF`, option: cdfOption(Object.fromEntries(rows.map((r) => [r.path, r.samples.e2eMs])), "E2E latency (ms)") },
  ];
}

function timelineChart(title: string, timeline: readonly TimelinePoint[]): ReportChart {
  const series: TimeSeries[] = [
    { name: "in flight at the client", points: timeline.map((p) => [p.t, p.clientInFlight]) },
    { name: "waiting in vLLM", points: timeline.map((p) => [p.t, p.vllmWaiting]) },
    { name: "running in vLLM", points: timeline.map((p) => [p.t, p.vllmRunning]) },
  ];
  if (timeline.some((p) => p.gatewayQueue !== undefined)) series.push({ name: "queued in our gateway", points: timeline.map((p) => [p.t, p.gatewayQueue ?? 0]) });
  return { title, option: timeSeriesOption(series, "s since the arm started", "requests") };
}

function overheadSection(r: OverheadResult): ReportSection {
  const loads = [...new Set(r.rows.map((x) => x.load))];
  return {
    heading: "1. Overhead: latency and relay cost at 50% and 90% of saturation",
    paragraphs: [`Saturation straight to the simulator (16 sequences, 256-token prompts, 128 output tokens): ${r.saturationRequestsPerS.toFixed(1)} req/s; ${r.requestsPerLoad} Poisson requests per load and path, wall time. Ratios are to direct. CPU: the relaying process only (Portkey's or our gateway's), per 1,000 output tokens it relayed.`],
    table: {
      columns: ["load", "path", "p50 / p99 e2e (ms)", "e2e ratio p50 / p99", "p50 / p99 TTFT (ms)", "TTFT ratio p50 / p99", "CPU ms / 1k tokens", "peak RSS (MB)", "failed"],
      rows: r.rows.map((x) => [`${x.load * 100}%`, x.path, `${x.p50_e2el_ms} / ${x.p99_e2el_ms}`, `${x.p50_e2el_ratio} / ${x.p99_e2el_ratio}`, `${x.p50_ttft_ms} / ${x.p99_ttft_ms}`, `${x.p50_ttft_ratio} / ${x.p99_ttft_ratio}`, opt(x.cpu_ms_per_1k_output_tokens), opt(x.peak_rss_mb), x.requests - x.outcomes.served]),
    },
    charts: loads.flatMap((load) => cdfCharts(`${load * 100}% of saturation`, r.rows.filter((x) => x.load === load))),
    commands: [cmd("overhead")],
  };
}

function batchDropSection(r: BatchDropResult): ReportSection {
  return {
    heading: `2c. ${r.batchPrompts} batch prompts at once + interactive requests at 10/s`,
    paragraphs: ["Direct and Portkey go to a simulator with vLLM's default FCFS policy (Portkey has no classes to pass on: its OpenAI provider drops vLLM's priority field); ours to the chart's deployment, the simulator with --scheduling-policy priority behind a gateway that sends its classes as priority. The TTFT CDF is the interactive requests'; the E2E CDF all served requests'."],
    table: {
      columns: ["path", "interactive p50 / p95 TTFT (ms)", "interactive under 2 s", "batch finished (s)", "batch time / direct", "failed", "CPU ms / 1k tokens", "peak RSS (MB)"],
      rows: r.rows.map((x) => [x.path, `${x.interactive_p50_ttft_ms} / ${x.interactive_p95_ttft_ms}`, `${(x.interactive_under_2s * 100).toFixed(1)}%`, x.batch_finished_s, x.batch_time_ratio_to_direct, x.failed, opt(x.cpu_ms_per_1k_output_tokens), opt(x.peak_rss_mb)]),
    },
    charts: [...cdfCharts("2c", r.rows, "interactive TTFT"), ...r.rows.map((x) => timelineChart(`2c, ${x.path}: queue depth and in flight`, x.timeline))],
    commands: [cmd("batch")],
  };
}

function overloadSection(r: OverloadResult): ReportSection {
  return {
    heading: `Overload: 2x saturation (${r.requestRate.toFixed(1)} req/s) for ${r.durationS} s`,
    paragraphs: [
      `Saturation ${r.saturationRequestsPerS.toFixed(1)} req/s straight to the simulator (16 sequences, 256-token prompts, 128 output tokens). Every client abandons a request after ${r.clientTimeoutS} s; requests to our gateway carry the 2 s TTFT SLO as x-ttft-deadline-ms, so it refuses (429) what it cannot start in time. p95 TTFT is of the requests served.`,
    ],
    table: {
      columns: ["path", "offered", "served", "served within 2 s", "refused", "timed out", "failed", "p95 TTFT served (ms)", "max waiting in vLLM", "max queued in gateway", "peak RSS (MB)", "CPU ms / 1k tokens"],
      rows: r.rows.map((x) => [x.path, x.offered, x.outcomes.served, x.served_within_slo, x.outcomes.refused, x.outcomes["timed out"], x.outcomes.failed, x.p95_ttft_ms, x.max_vllm_waiting, opt(x.max_gateway_queue), opt(x.peak_rss_mb), opt(x.cpu_ms_per_1k_output_tokens)]),
    },
    charts: [
      ...cdfCharts("Overload, served requests", r.rows),
      { title: "Resident memory of the relaying process", option: timeSeriesOption(r.rows.filter((x) => x.rss.length > 0).map((x) => ({ name: x.path, points: x.rss })), "s since the arm started", "RSS (MB)") },
      ...r.rows.map((x) => timelineChart(`Overload, ${x.path}: queue depth and in flight`, x.timeline)),
    ],
    commands: [cmd("overload")],
  };
}

function affinitySection(rows: readonly AffinityRow[]): ReportSection {
  const counts = [...new Set(rows.map((x) => x.prefixes))];
  return {
    heading: "Two replicas, shared prefixes: Portkey's load balancing against our routing",
    paragraphs: ["Poisson arrivals at 40 req/s (400 requests a prefix count; 150 with --quick), each a ~1,500-token shared prefix and a ~120-token tail; prefix-cache hit rate from the simulators' vllm:prefix_cache_* counters over the arm."],
    table: {
      columns: ["prefixes", "path", "routing", "prefix-cache hit rate", "p50 / p95 TTFT (ms)", "p99 e2e (ms)", "CPU ms / 1k tokens"],
      rows: rows.map((x) => [x.prefixes, x.path, x.routing, x.prefix_cache_hit_rate, `${x.p50_ttft_ms} / ${x.p95_ttft_ms}`, x.p99_e2el_ms, opt(x.cpu_ms_per_1k_output_tokens)]),
    },
    charts: counts.map((n) => ({ title: `${n} prefixes: TTFT CDF`, option: cdfOption(Object.fromEntries(rows.filter((x) => x.prefixes === n).map((x) => [`${x.path}, ${x.routing}`, x.samples.ttftMs])), "TTFT (ms)") })),
    commands: [cmd("affinity")],
  };
}

/** A two-path part kept from before (2a/2b, coalescing): its summary rows as a table. */
function plainSection(heading: string, rows: ReadonlyArray<Record<string, unknown>>, command: string): ReportSection {
  const columns = Object.keys(rows[0] ?? {});
  return { heading, table: { columns, rows: rows.map((r) => columns.map((c) => (typeof r[c] === "number" ? (r[c]) : JSON.stringify(r[c])))) }, commands: [command] };
}

export function gatewayBenchReport(results: Record<string, unknown>): Report {
  const sections: ReportSection[] = [];
  const overhead = results["overhead"] as OverheadResult | undefined;
  if (overhead?.rows?.[0]?.key) sections.push(overheadSection(overhead));
  const mixed = results["mixed"] as { rows?: Array<Record<string, unknown>> } | undefined;
  if (mixed?.rows?.length) sections.push(plainSection("2a/2b. 80/20 mix at 90% of saturation: FCFS (straight to the simulator) vs ours (gRPC)", mixed.rows, 'make bench-gateway ARGS="mixed"'));
  const batch = results["batchDrop"] as BatchDropResult | undefined;
  if (batch?.rows) sections.push(batchDropSection(batch));
  const coalescing = results["coalescing"] as Record<string, unknown> | undefined;
  if (coalescing) sections.push(plainSection("3. 10 restaurants x 50 reviews: sequential, static batches of 50, ours (gRPC)", [coalescing], 'make bench-gateway ARGS="coalescing"'));
  const overload = results["overload"] as OverloadResult | undefined;
  if (overload?.rows) sections.push(overloadSection(overload));
  const affinity = results["affinity"] as AffinityRow[] | undefined;
  if (affinity?.[0]?.key) sections.push(affinitySection(affinity));
  const machine = results["machine"] as { uptimeStart?: string; uptimeEnd?: string } | undefined;
  const portkey = results["portkey"] as { version?: string; honoNodeServer?: string; node?: string } | undefined;
  const run = results as { profile?: string; timeScale?: number; startedAt?: string; finishedAt?: string };
  return {
    title: "Inference gateway benchmark: direct, Portkey and ours",
    summary: [
      `vllm-sim profile ${run.profile}; scheduling parts in the simulator's virtual seconds (time scale ${run.timeScale}), overhead and overload in wall time (time scale 1). Started ${run.startedAt}, finished ${run.finishedAt ?? "-"}.`,
      `Peer: Portkey AI Gateway ${portkey?.version ?? "-"} (npm @portkey-ai/gateway, MIT) on Node ${portkey?.node ?? "-"} with @hono/node-server ${portkey?.honoNodeServer ?? "-"}, a loadbalance config over the simulator replicas; it is a provider router with retries, fallbacks and load balancing, not a scheduler in front of vLLM.`,
      `Machine load (uptime) at the start: ${machine?.uptimeStart ?? "-"}; at the end: ${machine?.uptimeEnd ?? "-"}. This 2-core machine is shared: figures from a busy machine say more about the CPU than the policies.`,
    ],
    sections,
  };
}
