// Prompts are built with Qwen2.5's own tokenizer, so their token lengths are what the simulator and
// vLLM count.
import { getTokenizer } from "@reviewlens/tokenizer";
import type { PromptTokenizer } from "./prompt-tokenizer.js";

/** Ordinary tokens only: ids from 151643 up are Qwen2.5's special tokens. */
const QWEN25_REGULAR_VOCAB = 151_643;

export function loadQwenTokenizer(): PromptTokenizer {
  const tokenizer = getTokenizer();
  return { vocabSize: Math.min(QWEN25_REGULAR_VOCAB, tokenizer.vocabSize), encode: (t) => tokenizer.encode(t), decode: (ids) => tokenizer.decode(ids) };
}
