// Part 2c through every path: 500 large batch-class prompts dropped at once while interactive
// requests arrive at 10/s. Direct and Portkey go to a simulator with vLLM's default FCFS policy (what
// a Portkey user runs; Portkey has no classes to pass on); ours to the chart's deployment, a
// simulator with `--scheduling-policy priority` behind a gateway that sends its classes as priority.
import { interArrivalTimes } from "../load/arrival-process.js";
import { percentile } from "../load/percentiles.js";
import { RandomSource } from "../load/random-source.js";
import type { BenchRequest, RequestOutput } from "../load/request-output.js";
import { NO_NATURAL_EOS, dataset, type PeerContext } from "./peer-context.js";
import { latencySamples, pathFigures, ratio, type LatencySamples } from "./path-figures.js";
import { runPathArm } from "./path-arm.js";
import { startPeerStack, type PathKey, type PeerStack } from "./peer-stack.js";
import type { TimelinePoint } from "./load-timeline.js";

export interface BatchDropRow {
  path: string;
  key: PathKey;
  interactive_p50_ttft_ms: number;
  interactive_p95_ttft_ms: number;
  interactive_under_2s: number;
  batch_finished_s: number;
  batch_time_ratio_to_direct: number;
  failed: number;
  cpu_ms_per_1k_output_tokens?: number | undefined;
  peak_rss_mb?: number | undefined;
  /** Interactive requests' TTFT and every served request's e2e, for the CDFs. */
  samples: LatencySamples;
  timeline: TimelinePoint[];
}

export interface BatchDropResult {
  batchPrompts: number;
  interactiveRequests: number;
  rows: BatchDropRow[];
}

/** The batch at t = 0 and interactive requests along a Poisson process at 10/s, merged by arrival. */
export function batchDropWorkload(ctx: PeerContext, batchCount: number, interactiveCount: number): { requests: BenchRequest[]; interArrival: number[] } {
  const large = dataset(ctx, { numPrompts: batchCount, inputLen: 3_000, outputLen: 64, rangeRatio: 0.1 }, ctx.seed + 30).map((r) => ({ ...r, kind: "batch", priority: "batch" as const }));
  const small = dataset(ctx, { numPrompts: interactiveCount, inputLen: 200, outputLen: 64, rangeRatio: 0.25 }, ctx.seed + 31).map((r) => ({ ...r, kind: "interactive", priority: "interactive" as const }));
  const gaps = interArrivalTimes(interactiveCount, { requestRate: 10, burstiness: 1 }, new RandomSource(ctx.seed + 32));
  let t = 0;
  const timed = [...large.map((r) => ({ r, at: 0 })), ...small.map((r, i) => ({ r, at: (t += gaps[i]!) }))].sort((a, b) => a.at - b.at);
  return { requests: timed.map((x) => x.r), interArrival: timed.map((x, i) => x.at - (i === 0 ? 0 : timed[i - 1]!.at)) };
}

const finishedAt = (outputs: readonly RequestOutput[]) => Math.max(0, ...outputs.filter((o) => o.success).map((o) => o.startTime + o.latency));

export async function batchDropPart(ctx: PeerContext): Promise<BatchDropResult> {
  const batchCount = ctx.quick ? 100 : 500;
  const interactiveCount = ctx.quick ? 100 : 400;
  ctx.log(`\n== 2c. ${batchCount} large batch prompts at once + interactive small requests at 10/s, through every path`);
  const { requests, interArrival } = batchDropWorkload(ctx, batchCount, interactiveCount);
  const stacks: PeerStack[] = [];
  try {
    stacks.push(await startPeerStack({ timeScale: ctx.timeScale, simArgs: NO_NATURAL_EOS, gateway: false, portkey: ctx.portkey }));
    stacks.push(await startPeerStack({ timeScale: ctx.timeScale, simArgs: ["--scheduling-policy", "priority", ...NO_NATURAL_EOS], gateway: true, gatewayEnv: { GATEWAY_BACKEND_PRIORITY: "true" } }));
    const [fcfs, ours] = stacks as [PeerStack, PeerStack];
    const paths = [fcfs.paths.direct!, fcfs.paths.portkey!, ours.paths.facade!, ours.paths.grpc!];
    const rows: BatchDropRow[] = [];
    for (const path of paths) {
      const result = await runPathArm(path, { requests, interArrival, timeScale: ctx.timeScale, timeline: true, log: ctx.log });
      const outputs = result.arm.outputs;
      const inter = outputs.filter((o) => o.kind === "interactive" && o.success);
      const interTtft = inter.map((o) => o.ttft * 1000);
      const figures = pathFigures(result);
      const batchS = Math.round(finishedAt(outputs.filter((o) => o.kind === "batch")) * 10) / 10;
      rows.push({
        path: path.name,
        key: path.key,
        interactive_p50_ttft_ms: Math.round(percentile(interTtft, 50)),
        interactive_p95_ttft_ms: Math.round(percentile(interTtft, 95)),
        interactive_under_2s: ratio(inter.filter((o) => o.ttft < 2).length, interactiveCount),
        batch_finished_s: batchS,
        batch_time_ratio_to_direct: ratio(batchS, rows[0]?.batch_finished_s ?? batchS),
        failed: outputs.filter((o) => !o.success).length,
        cpu_ms_per_1k_output_tokens: figures.cpu_ms_per_1k_output_tokens,
        peak_rss_mb: figures.peak_rss_mb,
        samples: { ttftMs: latencySamples(inter).ttftMs, e2eMs: figures.samples.e2eMs },
        timeline: result.timeline ?? [],
      });
    }
    return { batchPrompts: batchCount, interactiveRequests: interactiveCount, rows };
  } finally {
    await Promise.all(stacks.map((s) => s.stop()));
  }
}
