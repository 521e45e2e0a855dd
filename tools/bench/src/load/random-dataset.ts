// vllm bench serve's "random" data set: lengths uniform in [len x (1 - r), len x (1 + r)], prompts of
// random tokens behind an optional shared prefix of --prefix-len tokens (prefix-cache hits). Unlike
// vLLM, tokens are drawn from whole-word tokens (" word"), whose text re-tokenizes to the same ids:
// prompts get their exact length without slow decode/re-encode repair of random byte fragments.
import type { PromptTokenizer } from "@reviewlens/tokenizer";
import type { RandomSource } from "./random-source.js";
import type { BenchRequest } from "./request-output.js";

export interface RandomDatasetOptions {
  numPrompts: number;
  inputLen: number;
  outputLen: number;
  /** In [0, 1). */
  rangeRatio: number;
  prefixLen: number;
}

export function lengthRange(len: number, rangeRatio: number): [number, number] {
  if (!(rangeRatio >= 0 && rangeRatio < 1)) throw new RangeError(`--random-range-ratio must be in [0, 1), got ${rangeRatio}`);
  return [Math.floor(len * (1 - rangeRatio)), Math.floor(len * (1 + rangeRatio))];
}

/** Token lengths only: the distribution the tests check and the prompts follow. */
export function sampleLengths(options: RandomDatasetOptions, random: RandomSource): Array<{ input: number; output: number }> {
  const [inLo, inHi] = lengthRange(options.inputLen, options.rangeRatio);
  const [outLo, outHi] = lengthRange(options.outputLen, options.rangeRatio);
  if (outLo < 1) throw new RangeError(`--random-output-len x (1 - range ratio) must be at least 1 token`);
  return Array.from({ length: options.numPrompts }, () => ({ input: random.int(inLo, inHi), output: random.int(outLo, outHi) }));
}

/** Decodes ids and re-encodes until the text is exactly `target` tokens (decode/encode is not an identity). */
export function textOfLength(ids: number[], target: number, tokenizer: PromptTokenizer, filler: (i: number) => number): { text: string; tokens: number } {
  let current = ids.slice(0, target);
  for (let attempt = 0; attempt < 8; attempt++) {
    const text = tokenizer.decode(current);
    const reencoded = tokenizer.encode(text);
    if (reencoded.length === target) return { text, tokens: target };
    current = reencoded.length > target ? reencoded.slice(0, target) : [...reencoded, ...Array.from({ length: target - reencoded.length }, (_, i) => filler(attempt * 131 + i))];
  }
  const text = tokenizer.decode(current);
  return { text, tokens: tokenizer.encode(text).length };
}

const WORD_POOL_SIZE = 4096;
const WORD = /^ [a-zA-Z]{3,}$/;

/** Seeded pool of whole-word token ids. */
export function wordTokenPool(tokenizer: PromptTokenizer, random: RandomSource): number[] {
  const pool = new Set<number>();
  for (let tries = 0; pool.size < WORD_POOL_SIZE && tries < 400_000; tries++) {
    const id = random.int(0, tokenizer.vocabSize - 1);
    if (WORD.test(tokenizer.decode([id]))) pool.add(id);
  }
  return [...pool];
}

export function randomDataset(options: RandomDatasetOptions, random: RandomSource, tokenizer: PromptTokenizer): BenchRequest[] {
  return promptsOfLengths(sampleLengths(options, random), random, tokenizer, options.prefixLen);
}

/** Prompts of random whole-word tokens with exactly these token lengths (plus the shared prefix), each with its output length. */
export function promptsOfLengths(lengths: ReadonlyArray<{ input: number; output: number }>, random: RandomSource, tokenizer: PromptTokenizer, prefixLen = 0): BenchRequest[] {
  const pool = wordTokenPool(tokenizer, random);
  const n = pool.length;
  const word = (k: number) => pool[((k % n) + n) % n]!;
  const prefixIds = Array.from({ length: prefixLen }, () => word(random.int(0, n - 1)));
  const prefix = prefixLen > 0 ? textOfLength(prefixIds, prefixLen, tokenizer, (i) => word(i * 7919)).text : "";
  return lengths.map(({ input, output }, i) => {
    const offset = random.int(0, n - 1);
    const ids = Array.from({ length: input }, (_, j) => word(offset + i + j * 17));
    const body = textOfLength(ids, input, tokenizer, (k) => word(offset + k * 31));
    // Like vLLM, the prompt is prefix + body and its length is counted on the whole.
    const prompt = prefix + body.text;
    return { prompt, promptLen: tokenizer.encode(prompt).length, outputLen: output };
  });
}
