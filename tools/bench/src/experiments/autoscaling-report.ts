// The autoscaling benchmark's report: the comparison table, replicas / queue / TTFT over time, and
// what the figures say about scaling on vLLM's waiting count behind a gateway.
import { percentile } from "../load/percentiles.js";
import type { ProfilePhase } from "../load/load-profile.js";
import { cdfOption, timeSeriesOption } from "../report/chart-options.js";
import type { Report } from "../report/html-report.js";
import type { AutoscaleOptions, ScenarioResult } from "./autoscaling-benchmark.js";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function coldStartText(results: readonly ScenarioResult[]): string {
  const values = results.map((r) => r.mean_cold_start_s).filter((v): v is number => v !== null);
  return values.length ? `mean ${(values.reduce((a, b) => a + b, 0) / values.length).toFixed(1)} s` : "no replica was started";
}

/** p95 TTFT of requests sent in each window of `width` seconds. */
function windowedP95(points: ReadonlyArray<[number, number]>, width: number, end: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let t = 0; t < end; t += width) {
    const inWindow = points.filter(([s]) => s >= t && s < t + width).map(([, v]) => v);
    if (inWindow.length) out.push([t + width / 2, percentile(inWindow, 95)]);
  }
  return out;
}

export function comparisonRows(results: readonly ScenarioResult[]): Array<Array<string | number>> {
  return results.map((r) => [
    r.scenario,
    r.p95_ttft_ms,
    pct(r.sla_compliance),
    r.goodput_rps,
    r.replica_seconds,
    `${r.lost} / ${r.requests}`,
    r.max_replicas,
    `${r.scale_ups} / ${r.scale_downs}`,
  ]);
}

export const COMPARISON_COLUMNS = ["policy", "p95 TTFT (ms)", "SLA (TTFT < 2 s)", "goodput (req/s)", "replica-seconds", "lost / requests", "max replicas", "scale-ups / downs"];

export function findings(results: readonly ScenarioResult[]): string[] {
  const by = (n: string) => results.find((r) => r.scenario === n);
  const lines: string[] = [];
  const vw = by("hpa-vllm-waiting");
  const gq = by("hpa-gateway-queue");
  if (vw) {
    const maxWaiting = Math.max(0, ...vw.timeline.map((p) => p.waiting));
    const maxQueue = Math.max(0, ...vw.timeline.map((p) => p.queue));
    lines.push(
      `Scaling on vllm:num_requests_waiting: behind the gateway the replicas' waiting count peaked at ${maxWaiting.toFixed(0)} while the gateway held up to ${maxQueue.toFixed(0)} requests in its own queue; this policy reached ${vw.max_replicas} replicas, p95 TTFT ${vw.p95_ttft_ms.toFixed(0)} ms, SLA ${pct(vw.sla_compliance)}.`,
    );
  }
  if (gq) lines.push(`Scaling on the gateway's queue per replica reached ${gq.max_replicas} replicas, p95 TTFT ${gq.p95_ttft_ms.toFixed(0)} ms, SLA ${pct(gq.sla_compliance)}, ${gq.replica_seconds.toFixed(0)} replica-seconds.`);
  const fmax = by("fixed-max");
  if (gq && fmax && fmax.replica_seconds > 0) lines.push(`Against the maximum fixed pool, the gateway-queue HPA used ${pct(gq.replica_seconds / fmax.replica_seconds)} of its replica-seconds for ${pct(gq.sla_compliance)} vs ${pct(fmax.sla_compliance)} SLA compliance.`);
  const lost = results.reduce((a, r) => a + r.lost, 0);
  lines.push(lost === 0 ? "No request was lost in any policy, scale-in included (replicas are drained by the gateway before they stop)." : `${lost} requests failed; errors: ${results.flatMap((r) => r.errors).join("; ")}`);
  return lines;
}

export function autoscalingReport(results: readonly ScenarioResult[], o: AutoscaleOptions, command: string): Report {
  const end = Math.max(...results.map((r) => r.duration_s));
  const phases = o.phases.map((p: ProfilePhase) => `${p.name} ${p.durationS} s at ${p.fromRate}${p.toRate !== p.fromRate ? `->${p.toRate}` : ""} req/s`).join(", ");
  return {
    title: "Autoscaling benchmark: fixed pools vs the HPA algorithm on two signals",
    summary: [
      `Load profile (virtual seconds): ${phases}. Random prompts of ${o.inputLen} tokens and ${o.outputLen} output tokens (range ratio ${o.rangeRatio}), seed ${o.seed}, through the gateway's OpenAI facade to vllm-sim replicas (profile ${o.simProfile}${o.simArgs.length ? `, ${o.simArgs.join(" ")}` : ""}).`,
      `Times are the simulator's virtual time: the run used --time-scale ${o.timeScale} (wall = virtual x ${o.timeScale}); the idle tail, with nothing in flight, is fast-forwarded. A new replica is ready after at least ${o.coldStartS} s (model load) and its process start, whichever is longer (measured: ${coldStartText(results)}). The scaler checks every ${o.checkIntervalS} s.`,
      `HPA settings read from ${o.scaler.source}${o.chart ? `: min ${o.chart.spec.minReplicas}, max ${o.chart.spec.maxReplicas}, targets ${JSON.stringify(o.chart.targets)}, behavior ${JSON.stringify(o.chart.spec.behavior)}` : ""}.`,
      ...(o.fit
        ? [`Fitted to this machine: max replicas capped at ${o.fit.maxReplicas}; windows and periods x ${o.fit.behaviorScale} (the profile lasts minutes); replicas run max_num_seqs ${o.fit.maxNumSeqs} instead of ${o.fit.chartMaxNumSeqs}, so the per-replica targets are scaled by ${o.fit.maxNumSeqs}/${o.fit.chartMaxNumSeqs} to ${JSON.stringify(o.scaler.targets)}.`]
        : []),
      ...findings(results),
    ],
    sections: [
      { heading: "Comparison", table: { columns: COMPARISON_COLUMNS, rows: comparisonRows(results) }, commands: [command] },
      {
        heading: "Over time",
        charts: [
          { title: "Replicas (ready + starting)", option: timeSeriesOption(results.map((r) => ({ name: r.scenario, step: true, points: r.timeline.map((p) => [p.t, p.ready + p.starting] as [number, number]) })), "virtual s", "replicas") },
          { title: "Gateway queue depth", option: timeSeriesOption(results.map((r) => ({ name: r.scenario, points: r.timeline.map((p) => [p.t, p.queue] as [number, number]) })), "virtual s", "queued requests") },
          { title: "p95 TTFT per 10 s of send time", option: timeSeriesOption(results.map((r) => ({ name: r.scenario, points: windowedP95(r.ttft_points, 10, end) })), "virtual s", "ms") },
          ...results
            .filter((r) => r.signal === "vllm-waiting")
            .map((r) => ({
              title: "The trap: vLLM's waiting count vs the gateway's queue (HPA on vllm:num_requests_waiting)",
              caption: "The gateway admits only what the replicas can run, so the queue builds in the gateway and vLLM's own waiting count stays low.",
              option: timeSeriesOption(
                [
                  { name: "vllm:num_requests_waiting (sum)", points: r.timeline.map((p) => [p.t, p.waiting] as [number, number]) },
                  { name: "gateway_queue_depth", points: r.timeline.map((p) => [p.t, p.queue] as [number, number]) },
                  { name: "replicas", right: true, step: true, points: r.timeline.map((p) => [p.t, p.ready + p.starting] as [number, number]) },
                ],
                "virtual s",
                "requests",
                "replicas",
              ),
            })),
        ],
      },
      { heading: "TTFT distribution", charts: [{ title: "TTFT CDF", option: cdfOption(Object.fromEntries(results.map((r) => [r.scenario, r.ttft_points.map(([, v]) => v)])), "TTFT (ms)") }] },
      {
        heading: "Decisions",
        paragraphs: ["Every scaler decision is a JSON line in decisions.jsonl next to this report (time, signal values, current and desired replicas, reason); replica lifecycle events are there too."],
        table: {
          columns: ["policy", "t (s)", "metric", "target", "current", "desired", "reason"],
          rows: results.flatMap((r) => r.decisions.filter((d) => d.desired_replicas !== d.current_replicas).map((d) => [r.scenario, d.t, d.metric_value, d.target, d.current_replicas, d.desired_replicas, d.reason])),
        },
      },
    ],
  };
}
