// Prompts are built with Qwen2.5's own tokenizer, so their token lengths are what the simulator and
// vLLM count.
import { getTokenizer, type PromptTokenizer } from "@reviewlens/tokenizer";

/** Ordinary tokens only: ids from 151643 up are Qwen2.5's special tokens. */
const QWEN25_REGULAR_VOCAB = 151_643;

/** The tokenizer with its vocabulary cut to ordinary tokens, so random token ids make plain text. */
export function loadQwenTokenizer(): PromptTokenizer {
  const tokenizer = getTokenizer();
  return {
    vocabSize: Math.min(QWEN25_REGULAR_VOCAB, tokenizer.vocabSize),
    encode: (t) => tokenizer.encode(t),
    decode: (ids) => tokenizer.decode(ids),
    count: (t) => tokenizer.count(t),
    renderChat: (messages, addGenerationPrompt) => tokenizer.renderChat(messages, addGenerationPrompt),
  };
}
