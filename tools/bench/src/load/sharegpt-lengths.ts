// ShareGPT-shaped request lengths without the data set, filtered as vLLM's ShareGPT sampler filters
// them (both at least 4 tokens, the prompt at most 1024, prompt + output at most 2048). Prompts are
// log-normal, outputs exponential (memoryless), the shapes ServeGen (arXiv 2025) found for chat
// traffic. The prompts' log-spread is fitted to the first ten requests of vLLM's seeded ShareGPT
// sample as a public `benchmark_serving` result lists them (LambdaLabsML/vllm-benchmark, 1xH100
// Meta-Llama-3-8B-Instruct: 13, 25, 27, 10, 329, 29, 399, 328, 4, 205 tokens); location and scale
// are solved so the filtered means equal the totals every published 1000-prompt run prints
// (215,196 prompt and about 197,500 generated tokens with Llama 3's tokenizer).
import { RandomSource } from "./random-source.js";

export interface RequestLengths {
  input: number;
  output: number;
}

export interface ShareGptShape {
  inputMu: number;
  inputSigma: number;
  /** Mean of the exponential before the filter. */
  outputScale: number;
}

export const SHAREGPT_PROMPT_LOG_SIGMA = 1.59;
export const SHAREGPT_MEAN_TOKENS = { input: 215.2, output: 197.5 } as const;

/** vLLM's sample_sharegpt_requests keeps a conversation's first turn only if this holds. */
export function keptByVllmFilter(input: number, output: number): boolean {
  return input >= 4 && output >= 4 && input <= 1024 && input + output <= 2048;
}

const promptOf = (shape: ShareGptShape, z: number) => Math.max(1, Math.round(Math.exp(shape.inputMu + shape.inputSigma * z)));
const outputOf = (shape: ShareGptShape, u: number) => Math.max(1, Math.ceil(-shape.outputScale * Math.log(1 - u)));

/** Seeded (normal, uniform) pairs the solve integrates over (the same every call). */
const SOLVE_SAMPLE = (() => {
  const random = new RandomSource(20240903);
  return Array.from({ length: 6000 }, () => [random.normal(), random.uniform()] as const);
})();

function filteredMeans(shape: ShareGptShape): RequestLengths {
  let input = 0;
  let output = 0;
  let kept = 0;
  for (const [z, u] of SOLVE_SAMPLE) {
    const i = promptOf(shape, z);
    const o = outputOf(shape, u);
    if (!keptByVllmFilter(i, o)) continue;
    input += i;
    output += o;
    kept++;
  }
  return { input: input / kept, output: output / kept };
}

/** The prompt location and output scale whose filtered means are the targets (fixed-point iteration). */
export function shareGptShape(meanInput: number = SHAREGPT_MEAN_TOKENS.input, meanOutput: number = SHAREGPT_MEAN_TOKENS.output): ShareGptShape {
  if (!(meanInput >= 4 && meanInput <= 1024) || !(meanOutput >= 4 && meanOutput <= 1024)) {
    throw new RangeError(`ShareGPT mean lengths must be in [4, 1024] tokens, got ${meanInput} / ${meanOutput}`);
  }
  const sigma = SHAREGPT_PROMPT_LOG_SIGMA;
  const shape = { inputMu: Math.log(meanInput) - sigma ** 2 / 2, inputSigma: sigma, outputScale: meanOutput };
  for (let k = 0; k < 40; k++) {
    const means = filteredMeans(shape);
    shape.inputMu += Math.log(meanInput / means.input);
    shape.outputScale *= meanOutput / means.output;
  }
  return shape;
}

/** `n` requests' lengths, redrawn until vLLM's filter keeps them. */
export function sampleShareGptLengths(n: number, random: RandomSource, shape: ShareGptShape = shareGptShape()): RequestLengths[] {
  const out: RequestLengths[] = [];
  while (out.length < n) {
    const input = promptOf(shape, random.normal());
    const output = outputOf(shape, random.uniform());
    if (keptByVllmFilter(input, output)) out.push({ input, output });
  }
  return out;
}
