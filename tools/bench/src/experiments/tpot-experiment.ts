// TPOT against output length (128 / 256 / 512 / 1024): with paged KV cache and continuous batching
// the time per output token should stay nearly flat as outputs grow.
import { loadQwenTokenizer } from "../load/qwen-tokenizer.js";
import { randomDataset } from "../load/random-dataset.js";
import { RandomSource } from "../load/random-source.js";
import { runArm, type ArmResult } from "./experiment-arm.js";
import { startSimStack } from "./sim-stack.js";

export interface TpotOptions {
  outputLens: number[];
  numPrompts: number;
  inputLen: number;
  maxConcurrency: number;
  seed: number;
  timeScale: number;
  log: (s: string) => void;
}

export async function runTpotExperiment(o: TpotOptions): Promise<ArmResult[]> {
  const tokenizer = loadQwenTokenizer();
  const arms: ArmResult[] = [];
  const stack = await startSimStack({ timeScale: o.timeScale, gateway: true });
  try {
    for (const len of o.outputLens) {
      const requests = randomDataset({ numPrompts: o.numPrompts, inputLen: o.inputLen, outputLen: len, rangeRatio: 0, prefixLen: 0 }, new RandomSource(o.seed + len), tokenizer);
      arms.push(await runArm({ name: `output ${len}`, target: stack.viaGateway(), requests, maxConcurrency: o.maxConcurrency, timeScale: o.timeScale, log: o.log }));
    }
  } finally {
    await stack.stop();
  }
  return arms;
}
