// `bench overload`: how each path in front of vllm-sim holds at multiples of the simulator's
// saturation. Saturation first (everything at once straight to the simulator, as bench-gateway
// measures it), then per path and multiple a fresh path process and Poisson arrivals at
// multiple x saturation for the duration, every request carrying the TTFT SLO as its deadline; the
// process's memory and queue are sampled throughout, and after the last answer it must hold nothing.
import { loadavg } from "node:os";
import { waitFor } from "@reviewlens/testkit";
import { interArrivalTimes } from "../load/arrival-process.js";
import { loadQwenTokenizer } from "../load/qwen-tokenizer.js";
import { randomDataset } from "../load/random-dataset.js";
import { RandomSource } from "../load/random-source.js";
import type { BenchRequest } from "../load/request-output.js";
import { runBenchmark } from "../load/run-benchmark.js";
import { runArm } from "../experiments/experiment-arm.js";
import { SIM_PROFILE } from "../experiments/sim-stack.js";
import { launchAll } from "../scaling/launch-all.js";
import { launchSimReplica, type SimReplica } from "../scaling/sim-replica-launcher.js";
import { createOpenAiTarget } from "../targets/openai-target.js";
import type { OverloadPath, PathLoad } from "./overload-paths.js";
import { sampleProcess, type ProcessSample } from "./process-sampler.js";
import { summariseOverload, type OverloadSummary } from "./overload-summary.js";

export const MODEL = "Qwen/Qwen2.5-7B-Instruct";

export interface OverloadOptions {
  paths: OverloadPath[];
  /** Multiples of saturation to offer, e.g. [2, 5]. */
  multiples: number[];
  /** Seconds of offered load per arm (virtual). */
  durationS: number;
  timeScale: number;
  /** The simulator's --max-num-seqs (small, so this machine can relay its saturation). */
  maxNumSeqs: number;
  inputLen: number;
  outputLen: number;
  /** Lengths uniform in len x [1 - r, 1 + r] (vllm bench serve's --random-range-ratio). */
  rangeRatio: number;
  /** The TTFT SLO, sent as every request's deadline. */
  sloTtftMs: number;
  seed: number;
  log: (s: string) => void;
}

export interface OverloadArm {
  path: string;
  multiple: number;
  offeredPerSecond: number;
  summary: OverloadSummary;
  samples: ProcessSample[];
  rssStartBytes: number;
  peakRssBytes: number;
  /** Once the last answer was in: ms until the path held nothing, and what it held then. */
  idle: { afterMs: number; held: PathLoad | undefined };
}

export interface OverloadResult {
  profile: string;
  options: Omit<OverloadOptions, "paths" | "log"> & { paths: string[] };
  saturationPerSecond: number;
  arms: OverloadArm[];
  /** Load averages at the start and the end: the machine is shared. */
  loadAverage: { start: number[]; end: number[] };
}

const two = (v: number) => Math.round(v * 100) / 100;

export async function runOverloadBenchmark(o: OverloadOptions): Promise<OverloadResult> {
  const loadStart = loadavg().map(two);
  const tokenizer = loadQwenTokenizer();
  const dataset = (n: number, seed: number): BenchRequest[] =>
    randomDataset({ numPrompts: n, inputLen: o.inputLen, outputLen: o.outputLen, rangeRatio: o.rangeRatio, prefixLen: 0 }, new RandomSource(seed), tokenizer);
  const sims: SimReplica[] = await launchAll(1, () => launchSimReplica({ timeScale: o.timeScale, profile: SIM_PROFILE, extraArgs: ["--max-num-seqs", String(o.maxNumSeqs)] }));
  const resetCaches = () => Promise.all(sims.map((s) => fetch(`${s.url}/reset_prefix_cache`, { method: "POST" })));
  try {
    await resetCaches();
    const probe = await runArm({
      name: "saturation (straight to the simulator, all at once)",
      target: createOpenAiTarget({ baseUrl: sims[0]!.url, endpoint: "/v1/completions", model: MODEL, ignoreEos: true }),
      requests: dataset(o.maxNumSeqs * 4, o.seed),
      timeScale: o.timeScale,
      log: o.log,
    });
    const saturation = probe.metrics["request_throughput"] as number;
    o.log(`saturation: ${saturation.toFixed(2)} requests/s`);

    const arms: OverloadArm[] = [];
    for (const path of o.paths) {
      for (const multiple of o.multiples) {
        const rate = saturation * multiple;
        const n = Math.ceil(rate * o.durationS);
        const requests = dataset(n, o.seed + 1000 * multiple + arms.length);
        const interArrival = interArrivalTimes(n, { requestRate: rate, burstiness: 1 }, new RandomSource(o.seed + arms.length + 1));
        o.log(`== ${path.name} at ${multiple}x saturation: ${rate.toFixed(1)} requests/s for ${o.durationS} s (${n} requests)`);
        const opened = await path.open({
          backends: sims.map((s) => s.url),
          gatewayEnv: { GATEWAY_MAX_NUM_SEQS: String(o.maxNumSeqs), GATEWAY_SLO_TTFT_MS: String(o.sloTtftMs) },
          ttftDeadlineMs: o.sloTtftMs,
          model: MODEL,
        });
        try {
          await resetCaches();
          const sampler = sampleProcess(opened.pid, opened.load);
          const run = await runBenchmark({ requests, interArrival, timeScale: o.timeScale, target: opened.target });
          const answeredAt = performance.now();
          let held: PathLoad | undefined;
          if (opened.load) {
            held = await waitFor(async () => {
              const now = await opened.load!();
              return now.queued === 0 && now.inFlight === 0 ? now : undefined;
            }, `${path.name} to hold nothing after the load`);
          }
          const idleAfterMs = Math.round(performance.now() - answeredAt);
          const samples = await sampler.stop();
          const summary = summariseOverload(run.outputs, o.sloTtftMs, o.durationS);
          const rss = samples.map((s) => s.rssBytes);
          arms.push({
            path: path.name,
            multiple,
            offeredPerSecond: two(rate),
            summary,
            samples,
            rssStartBytes: rss[0] ?? 0,
            peakRssBytes: Math.max(0, ...rss),
            idle: { afterMs: idleAfterMs, held },
          });
          o.log(
            `  admitted ${summary.admitted}, refused ${JSON.stringify(summary.refused)}, failed ${JSON.stringify(summary.failed)}; ` +
              `p95 TTFT of admitted ${summary.admittedTtftMs.p95} ms` +
              (summary.server ? ` (the gateway's view: p95 queued ${summary.server.queueMs.p95} ms, TTFT ${summary.server.ttftMs.p95} ms)` : "") +
              `; peak RSS ${(Math.max(0, ...rss) / 2 ** 20).toFixed(0)} MiB`,
          );
        } finally {
          await opened.target.close();
          await opened.close();
        }
      }
    }
    return {
      profile: SIM_PROFILE,
      options: { multiples: o.multiples, durationS: o.durationS, timeScale: o.timeScale, maxNumSeqs: o.maxNumSeqs, inputLen: o.inputLen, outputLen: o.outputLen, rangeRatio: o.rangeRatio, sloTtftMs: o.sloTtftMs, seed: o.seed, paths: o.paths.map((p) => p.name) },
      saturationPerSecond: two(saturation),
      arms,
      loadAverage: { start: loadStart, end: loadavg().map(two) },
    };
  } finally {
    await Promise.all(sims.map((s) => s.stop()));
  }
}
