// vLLM's API server tokenises a request in Rust in a fraction of a millisecond; the simulator's
// JavaScript tokenizer takes milliseconds for a long prompt, CPU time a GPU server does not spend and
// that the simulated engine's clock does not count. Clients that send one prompt many times (an
// analysis's answers over the same prompt) get its token ids from a small memo of recent long texts.
import type { Qwen25Tokenizer } from "@reviewlens/tokenizer";

/** The memo's encode returns shared arrays: callers copy before they change one (EngineRequest does). */
export function memoizeLongEncodes(tokenizer: Qwen25Tokenizer, capacity = 256, minChars = 512): Qwen25Tokenizer {
  const memo = new Map<string, number[]>();
  const encode = (text: string): number[] => {
    if (text.length < minChars) return tokenizer.encode(text);
    let ids = memo.get(text);
    if (ids) {
      memo.delete(text);
    } else {
      ids = tokenizer.encode(text);
      if (memo.size >= capacity) memo.delete(memo.keys().next().value!);
    }
    memo.set(text, ids);
    return ids;
  };
  return { ...tokenizer, encode, count: (text) => encode(text).length };
}
