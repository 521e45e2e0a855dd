// Chained hashes of a prompt's leading blocks, as vLLM's prefix cache keys its 16-token KV blocks:
// two prompts share their first n keys exactly when they share their first n blocks.
import { createHash } from "node:crypto";

export interface PrefixBlockOptions {
  /** Block size in tokens when token ids are known (vLLM's KV block: 16). */
  blockTokens: number;
  /** Block size in characters when only the text is known (about 16 tokens of mixed text). */
  blockChars: number;
  /** Only the leading blocks matter for affinity (shared instructions). */
  maxBlocks: number;
}

export function prefixBlockKeys(prompt: string | number[], options: PrefixBlockOptions): string[] {
  const size = typeof prompt === "string" ? options.blockChars : options.blockTokens;
  const blocks = Math.min(options.maxBlocks, Math.floor(prompt.length / size));
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
