// The report shows every path of each part side by side, with the charts the issue asks for.
import assert from "node:assert/strict";
import { it } from "node:test";
import type { Report } from "../report/html-report.js";
import { gatewayBenchReport } from "./gateway-report.js";
import type { PathFigures } from "./path-figures.js";

const figures = (key: string, path: string, ttft: number): PathFigures => ({
  path,
  key,
  requests: 2,
  outcomes: { served: 2, refused: 0, "timed out": 0, failed: 0 },
  p50_ttft_ms: ttft,
  p95_ttft_ms: ttft,
  p99_ttft_ms: ttft,
  p50_e2el_ms: ttft * 2,
  p99_e2el_ms: ttft * 2,
  output_tokens: 256,
  cpu_ms_per_1k_output_tokens: key === "direct" ? undefined : 40,
  peak_rss_mb: key === "direct" ? undefined : 100,
  samples: { ttftMs: [ttft, ttft + 1], e2eMs: [ttft * 2, ttft * 2 + 1] },
});
const paths = [figures("direct", "direct to vllm-sim", 10), figures("portkey", "Portkey", 40), figures("facade", "ours (OpenAI facade)", 11)];
const timeline = [{ t: 0.5, clientInFlight: 3, vllmWaiting: 2, vllmRunning: 1, gatewayQueue: 4 }];

const results = {
  profile: "qwen2.5-7b-h100",
  timeScale: 1,
  overhead: { saturationRequestsPerS: 17, requestsPerLoad: 2, rows: [0.5, 0.9].flatMap((load) => paths.map((f) => ({ ...f, load, requestRate: 17 * load, p50_e2el_ratio: 1, p99_e2el_ratio: 1, p50_ttft_ratio: 1, p99_ttft_ratio: 1 }))) },
  overload: { saturationRequestsPerS: 17, requestRate: 34, durationS: 60, clientTimeoutS: 30, rows: paths.map((f) => ({ ...f, offered: 2, served_within_slo: 2, max_vllm_waiting: 2, rss: [[0, 100]], timeline })) },
};

const section = (report: Report, heading: RegExp) => report.sections.find((s) => heading.test(s.heading));

it("puts the three paths in each part's table, with a TTFT and an E2E CDF per load", () => {
  const report = gatewayBenchReport(results);
  const overhead = section(report, /^1\. Overhead/)!;
  assert.deepEqual(
    overhead.table!.rows.map((r) => [r[0], r[1]]),
    ["50%", "90%"].flatMap((load) => paths.map((p) => [load, p.path])),
  );
  assert.deepEqual(
    overhead.charts!.map((c) => c.title),
    ["50% of saturation: TTFT CDF", "50% of saturation: end-to-end latency CDF", "90% of saturation: TTFT CDF", "90% of saturation: end-to-end latency CDF"],
  );
  const series = (overhead.charts![0]!.option["series"] as Array<{ name: string }>).map((s) => s.name);
  assert.deepEqual(series, paths.map((p) => p.path));
  assert.match(overhead.commands![0]!, /make bench-gateway ARGS="overhead"/);
});

it("draws queue depth and in flight over time for each path of the overload run", () => {
  const overload = section(gatewayBenchReport(results), /^Overload/)!;
  const timelines = overload.charts!.filter((c) => /queue depth and in flight/.test(c.title));
  assert.equal(timelines.length, paths.length);
  const names = (timelines[0]!.option["series"] as Array<{ name: string }>).map((s) => s.name);
  assert.deepEqual(names, ["in flight at the client", "waiting in vLLM", "running in vLLM", "queued in our gateway"]);
});

it("leaves out parts that did not run and figures from before the peer arms", () => {
  const report = gatewayBenchReport({ overhead: { saturationRequestsPerS: 1, rows: [{ load: 0.5, direct_p50_e2el_ms: 1 }] } });
  assert.deepEqual(report.sections, []);
});
