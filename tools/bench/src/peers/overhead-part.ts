// Part 1 through every path: what relaying costs, at 50% and 90% of the simulator's saturation,
// in wall time (time scale 1) on a 16-sequence replica (saturation within what this machine relays).
import { interArrivalTimes } from "../load/arrival-process.js";
import { RandomSource } from "../load/random-source.js";
import { NO_NATURAL_EOS, dataset, saturation, type PeerContext } from "./peer-context.js";
import { pathFigures, ratio, type PathFigures } from "./path-figures.js";
import { runPathArm } from "./path-arm.js";
import { startPeerStack, type PathKey } from "./peer-stack.js";

export interface OverheadRow extends PathFigures {
  load: number;
  requestRate: number;
  p50_e2el_ratio: number;
  p99_e2el_ratio: number;
  p50_ttft_ratio: number;
  p99_ttft_ratio: number;
}

export interface OverheadResult {
  saturationRequestsPerS: number;
  requestsPerLoad: number;
  rows: OverheadRow[];
}

export const OVERHEAD_PATHS: PathKey[] = ["direct", "portkey", "facade", "grpc"];

export async function overheadPart(ctx: PeerContext): Promise<OverheadResult> {
  ctx.log("\n== 1. overhead through every path (time scale 1, --max-num-seqs 16, 256-token prompts, 128-token outputs)");
  const stack = await startPeerStack({ timeScale: 1, simArgs: ["--max-num-seqs", "16", ...NO_NATURAL_EOS], gateway: true, gatewayEnv: { GATEWAY_MAX_NUM_SEQS: "16" }, portkey: ctx.portkey });
  try {
    const requestsOf = (n: number, seed: number) => dataset(ctx, { numPrompts: n, inputLen: 256, outputLen: 128, rangeRatio: 0 }, seed);
    const sat = await saturation(ctx, stack.paths.direct!, requestsOf(64, ctx.seed), 1);
    // 300 requests: the p99 of fewer is a single request's latency.
    const count = ctx.quick ? 60 : 300;
    const rows: OverheadRow[] = [];
    for (const load of [0.5, 0.9]) {
      const requests = requestsOf(count, ctx.seed + Math.round(load * 10));
      const interArrival = interArrivalTimes(count, { requestRate: sat * load, burstiness: 1 }, new RandomSource(ctx.seed + 3));
      const figures = [];
      for (const key of OVERHEAD_PATHS) figures.push(pathFigures(await runPathArm(stack.paths[key]!, { label: `${load * 100}%`, requests, interArrival, timeScale: 1, log: ctx.log })));
      const direct = figures[0]!;
      for (const f of figures) {
        rows.push({
          load,
          requestRate: sat * load,
          ...f,
          p50_e2el_ratio: ratio(f.p50_e2el_ms, direct.p50_e2el_ms),
          p99_e2el_ratio: ratio(f.p99_e2el_ms, direct.p99_e2el_ms),
          p50_ttft_ratio: ratio(f.p50_ttft_ms, direct.p50_ttft_ms),
          p99_ttft_ratio: ratio(f.p99_ttft_ms, direct.p99_ttft_ms),
        });
      }
    }
    return { saturationRequestsPerS: sat, requestsPerLoad: count, rows };
  } finally {
    await stack.stop();
  }
}
