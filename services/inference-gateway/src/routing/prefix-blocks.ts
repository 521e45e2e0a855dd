// Chained hashes of a prompt's leading blocks, as vLLM's prefix cache keys its 16-token KV blocks:
// two prompts share their first n keys exactly when they share their first n blocks.
import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";

export interface PrefixBlockOptions {
  /** Block size in tokens when token ids are known (vLLM's KV block: 16). */
  blockTokens: number;
  /** Block size in characters when only the text is known (about 16 tokens of mixed text). */
  blockChars: number;
  /** Only the leading blocks matter for affinity (shared instructions). */
  maxBlocks: number;
}

// An analysis sends one prompt text many times at once (an answer per review or key over it), and
// hashing up to 128 blocks cost about 0.3 ms a request, on the thread that dispatches the others:
// the keys of recent texts are kept (lru-cache), per options object.
const RECENT_TEXTS = 256;
const recentTextKeys = new WeakMap<PrefixBlockOptions, LRUCache<string, readonly string[]>>();

/** The keys of `prompt`'s leading blocks; shared between equal texts, so callers must not change them. */
export function prefixBlockKeys(prompt: string | number[], options: PrefixBlockOptions): readonly string[] {
  if (typeof prompt !== "string") return hashBlocks(prompt, options.blockTokens, options.maxBlocks);
  let recent = recentTextKeys.get(options);
  if (!recent) recentTextKeys.set(options, (recent = new LRUCache({ max: RECENT_TEXTS })));
  let keys = recent.get(prompt);
  if (!keys) recent.set(prompt, (keys = hashBlocks(prompt, options.blockChars, options.maxBlocks)));
  return keys;
}

function hashBlocks(prompt: string | number[], size: number, maxBlocks: number): string[] {
  const blocks = Math.min(maxBlocks, Math.floor(prompt.length / size));
  const keys: string[] = [];
  const hash = createHash("sha1");
  for (let i = 0; i < blocks; i++) {
    const block = prompt.slice(i * size, (i + 1) * size);
    hash.update(typeof block === "string" ? block : Uint32Array.from(block));
    hash.update("\u0000");
    keys.push(hash.copy().digest("base64url"));
  }
  return keys;
}
