// Prompts are built with Qwen2.5's own tokenizer (@reviewlens/tokenizer), so their token lengths are
// what the simulator and vLLM count.
import type { PromptTokenizer } from "./prompt-tokenizer.js";

interface Qwen25Tokenizer {
  encode(text: string): number[];
  decode(ids: number[]): string;
}

/** Ordinary tokens only: ids from 151643 up are Qwen2.5's special tokens. */
const QWEN25_REGULAR_VOCAB = 151_643;

export async function loadQwenTokenizer(): Promise<PromptTokenizer> {
  const specifier = "@reviewlens/tokenizer";
  const { getTokenizer } = (await import(specifier)) as { getTokenizer(): Qwen25Tokenizer };
  const tokenizer = getTokenizer();
  return { vocabSize: QWEN25_REGULAR_VOCAB, encode: (t) => tokenizer.encode(t), decode: (ids) => tokenizer.decode(ids) };
}
