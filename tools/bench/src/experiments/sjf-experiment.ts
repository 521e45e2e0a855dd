// SJF by prefill cost (the gateway) vs FCFS (vLLM's own scheduler, the simulator alone) under an
// 80/20 mix of small and large prompts arriving in bursts: what happens to the small ones' TTFT.
import { interArrivalTimes } from "../load/arrival-process.js";
import { loadQwenTokenizer } from "../load/qwen-tokenizer.js";
import { randomDataset } from "../load/random-dataset.js";
import { RandomSource } from "../load/random-source.js";
import type { BenchRequest } from "../load/request-output.js";
import { runArm, type ArmResult } from "./experiment-arm.js";
import { startSimStack } from "./sim-stack.js";

export interface SjfOptions {
  numPrompts: number;
  smallShare: number;
  smallInputLen: number;
  largeInputLen: number;
  outputLen: number;
  requestRate: number;
  burstiness: number;
  seed: number;
  timeScale: number;
  simArgs: string[];
  log: (s: string) => void;
}

export function sjfWorkload(o: SjfOptions): { requests: BenchRequest[]; interArrival: number[] } {
  const tokenizer = loadQwenTokenizer();
  const random = new RandomSource(o.seed);
  const smallCount = Math.round(o.numPrompts * o.smallShare);
  const small = randomDataset({ numPrompts: smallCount, inputLen: o.smallInputLen, outputLen: o.outputLen, rangeRatio: 0.25, prefixLen: 0 }, new RandomSource(o.seed + 10), tokenizer).map((r) => ({ ...r, kind: "small" }));
  const large = randomDataset({ numPrompts: o.numPrompts - smallCount, inputLen: o.largeInputLen, outputLen: o.outputLen, rangeRatio: 0.25, prefixLen: 0 }, new RandomSource(o.seed + 20), tokenizer).map((r) => ({ ...r, kind: "large" }));
  // Interleave at random, seeded.
  const all: BenchRequest[] = [...small, ...large];
  for (let i = all.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return { requests: all, interArrival: interArrivalTimes(all.length, { requestRate: o.requestRate, burstiness: o.burstiness }, new RandomSource(o.seed + 1)) };
}

export async function runSjfExperiment(o: SjfOptions): Promise<ArmResult[]> {
  const workload = sjfWorkload(o);
  const arms: ArmResult[] = [];
  for (const [name, gateway] of [["FCFS (vllm-sim alone)", false], ["SJF by prefill cost (gateway)", true]] as const) {
    o.log(`${name} (fresh simulator, time scale ${o.timeScale})`);
    const stack = await startSimStack({ timeScale: o.timeScale, gateway, simArgs: o.simArgs });
    try {
      arms.push(await runArm({ name, target: gateway ? stack.viaGateway() : stack.direct(), ...workload, timeScale: o.timeScale, log: o.log }));
    } finally {
      await stack.stop();
    }
  }
  return arms;
}
