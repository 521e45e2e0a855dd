// Part 3 (overload) through every path: Poisson arrivals at twice the simulator's saturation for
// 60 s. Every client gives up on a request after CLIENT_TIMEOUT_S; requests to our gateway carry the
// 2 s TTFT SLO as their deadline (x-ttft-deadline-ms), which it refuses at once when it cannot meet
// it (429). What each path does with the excess: queued in vLLM, refused, or timed out.
import { interArrivalTimes } from "../load/arrival-process.js";
import { RandomSource } from "../load/random-source.js";
import { NO_NATURAL_EOS, dataset, saturation, type PeerContext } from "./peer-context.js";
import { pathFigures, type PathFigures } from "./path-figures.js";
import { runPathArm } from "./path-arm.js";
import { startPeerStack, type PathKey } from "./peer-stack.js";
import type { TimelinePoint } from "./load-timeline.js";

export const CLIENT_TIMEOUT_S = 30;
export const SLO_TTFT_MS = 2_000;

export interface OverloadRow extends PathFigures {
  offered: number;
  served_within_slo: number;
  max_vllm_waiting: number;
  max_gateway_queue?: number | undefined;
  rss: Array<[number, number]>;
  timeline: TimelinePoint[];
}

export interface OverloadResult {
  saturationRequestsPerS: number;
  requestRate: number;
  durationS: number;
  clientTimeoutS: number;
  rows: OverloadRow[];
}

export const OVERLOAD_PATHS: PathKey[] = ["direct", "portkey", "facade"];

export async function overloadPart(ctx: PeerContext): Promise<OverloadResult> {
  const durationS = ctx.quick ? 20 : 60;
  ctx.log(`\n== overload: 2x saturation for ${durationS} s through every path (time scale 1, --max-num-seqs 16, 256-token prompts, 128-token outputs)`);
  const stack = await startPeerStack({ timeScale: 1, simArgs: ["--max-num-seqs", "16", ...NO_NATURAL_EOS], gateway: true, gatewayEnv: { GATEWAY_MAX_NUM_SEQS: "16" }, portkey: ctx.portkey });
  try {
    const requestsOf = (n: number, seed: number) => dataset(ctx, { numPrompts: n, inputLen: 256, outputLen: 128, rangeRatio: 0 }, seed);
    const sat = await saturation(ctx, stack.paths.direct!, requestsOf(64, ctx.seed), 1);
    const rate = 2 * sat;
    const count = Math.round(rate * durationS);
    const requests = requestsOf(count, ctx.seed + 60);
    const interArrival = interArrivalTimes(count, { requestRate: rate, burstiness: 1 }, new RandomSource(ctx.seed + 61));
    const rows: OverloadRow[] = [];
    for (const key of OVERLOAD_PATHS) {
      const headers = key === "facade" ? { "x-ttft-deadline-ms": String(SLO_TTFT_MS) } : undefined;
      const result = await runPathArm(stack.paths[key]!, { requests, interArrival, timeScale: 1, timeoutS: CLIENT_TIMEOUT_S, timeline: true, ...(headers ? { headers } : {}), log: ctx.log });
      const timeline = result.timeline ?? [];
      const queues = timeline.map((p) => p.gatewayQueue).filter((v): v is number => v !== undefined);
      rows.push({
        ...pathFigures(result),
        offered: count,
        served_within_slo: result.arm.outputs.filter((o) => o.success && o.ttft * 1000 < SLO_TTFT_MS).length,
        max_vllm_waiting: Math.max(0, ...timeline.map((p) => p.vllmWaiting)),
        max_gateway_queue: queues.length ? Math.max(...queues) : undefined,
        rss: result.usage?.rss ?? [],
        timeline,
      });
    }
    return { saturationRequestsPerS: sat, requestRate: rate, durationS, clientTimeoutS: CLIENT_TIMEOUT_S, rows };
  } finally {
    await stack.stop();
  }
}
