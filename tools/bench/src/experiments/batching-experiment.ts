// Sequential vs static batches of 50 vs continuous batching through the gateway, on 10 restaurants
// x 50 reviews (one sentiment request per review), as in the design notes (500 reviews: 500 s
// sequential, 150 s static batch, 100 s continuous).
import { setMaxListeners } from "node:events";
import { generateDataset } from "@reviewlens/demo-data";
import { loadQwenTokenizer } from "../load/qwen-tokenizer.js";
import { RandomSource } from "../load/random-source.js";
import type { BenchRequest, RequestOutput } from "../load/request-output.js";
import { toVirtualTime } from "../load/request-output.js";
import { reviewPrompt } from "../load/review-dataset.js";
import type { BenchTarget } from "../targets/bench-target.js";
import { armResult, runArm, type ArmResult } from "./experiment-arm.js";
import { startSimStack } from "./sim-stack.js";

export interface BatchingOptions {
  restaurants: number;
  reviewsPerRestaurant: number;
  batchSize: number;
  outputLen: number;
  seed: number;
  /** Time scale of the sequential arm (long in virtual time, light on CPU). */
  sequentialTimeScale: number;
  /** Time scale of the batched arms (short in virtual time, heavy on CPU). */
  timeScale: number;
  log: (s: string) => void;
}

export function batchingWorkload(o: Pick<BatchingOptions, "restaurants" | "reviewsPerRestaurant" | "outputLen" | "seed">): BenchRequest[] {
  const tokenizer = loadQwenTokenizer();
  const random = new RandomSource(o.seed);
  const { reviews } = generateDataset({ seed: o.seed, restaurants: o.restaurants, reviewsPerRestaurant: o.reviewsPerRestaurant });
  return reviews.map((r) => {
    const prompt = reviewPrompt([r]);
    // Answers vary in length (a label, a reason): uniform in [len/2, 3 len/2].
    return { prompt, promptLen: tokenizer.encode(prompt).length, outputLen: random.int(Math.ceil(o.outputLen / 2), Math.floor((o.outputLen * 3) / 2)), kind: r.restaurant_id };
  });
}

/** Static batching: a batch starts only when the previous one has completely finished. */
async function runStaticBatches(target: BenchTarget, requests: readonly BenchRequest[], batchSize: number, timeScale: number): Promise<{ outputs: RequestOutput[]; durationS: number }> {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const outputs: RequestOutput[] = [];
  const signal = new AbortController().signal;
  setMaxListeners(0, signal);
  for (let i = 0; i < requests.length; i += batchSize) {
    const batch = requests.slice(i, i + batchSize);
    outputs.push(...(await Promise.all(batch.map((r) => target.send(r, elapsed(), signal)))).map((o) => toVirtualTime(o, timeScale)));
  }
  return { outputs, durationS: elapsed() / timeScale };
}

export async function runBatchingExperiment(o: BatchingOptions): Promise<ArmResult[]> {
  const requests = batchingWorkload(o);
  const arms: ArmResult[] = [];
  const withStack = async (name: string, timeScale: number, gateway: boolean, run: (s: Awaited<ReturnType<typeof startSimStack>>) => Promise<ArmResult>) => {
    o.log(`${name} (fresh simulator, time scale ${timeScale})`);
    // A fresh replica per arm, so no arm inherits another's prefix cache.
    const stack = await startSimStack({ timeScale, gateway });
    try {
      arms.push(await run(stack));
    } finally {
      await stack.stop();
    }
  };
  await withStack("sequential", o.sequentialTimeScale, false, (s) => runArm({ name: "sequential", target: s.direct(), requests, maxConcurrency: 1, timeScale: o.sequentialTimeScale, log: o.log }));
  await withStack(`static batch of ${o.batchSize}`, o.timeScale, false, async (s) => {
    const target = s.direct();
    const run = await runStaticBatches(target, requests, o.batchSize, o.timeScale).finally(() => target.close());
    return armResult(`static batch of ${o.batchSize}`, target, run.outputs, run.durationS, { timeScale: o.timeScale });
  });
  await withStack("continuous (vllm-sim alone)", o.timeScale, false, (s) => runArm({ name: "continuous (vllm-sim alone)", target: s.direct(), requests, timeScale: o.timeScale, log: o.log }));
  await withStack("continuous (gateway)", o.timeScale, true, (s) => runArm({ name: "continuous (gateway)", target: s.viaGateway(), requests, timeScale: o.timeScale, log: o.log }));
  return arms;
}
