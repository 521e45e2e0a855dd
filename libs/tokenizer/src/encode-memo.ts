// The JavaScript tokenizer takes milliseconds for a long prompt. Processes that encode the same texts
// again keep their recent token ids: the simulator gets one prompt many times (an analysis's answers
// over the same prompt), and an analysis service plans each restaurant's reviews for every analysis
// of it (the same review blocks, the same instructions).
import { LRUCache } from "lru-cache";
import type { PromptTokenizer } from "./prompt-tokenizer.js";

export interface EncodeMemoOptions {
  /** Texts kept, by their total length in characters (least recently used dropped first). */
  maxChars: number;
  /** Shorter texts are encoded every time (cheaper than keeping them). Default 0: all kept. */
  minChars?: number;
}

/** `tokenizer` whose encode (and count) of a recent text comes from a memo. Its encode returns shared arrays: callers copy before they change one. */
export function memoizeEncodes<T extends PromptTokenizer>(tokenizer: T, options: EncodeMemoOptions): T {
  const minChars = options.minChars ?? 0;
  const memo = new LRUCache<string, number[]>({ maxSize: options.maxChars, sizeCalculation: (_ids, text) => Math.max(1, text.length) });
  const encode = (text: string): number[] => {
    if (text.length < minChars) return tokenizer.encode(text);
    let ids = memo.get(text);
    if (!ids) memo.set(text, (ids = tokenizer.encode(text)));
    return ids;
  };
  return { ...tokenizer, encode, count: (text: string) => encode(text).length };
}
