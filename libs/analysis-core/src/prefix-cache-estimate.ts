// What vLLM's prefix cache would serve of a set of prompts, for prompts never sent (the all-reviews
// comparison): a prompt reuses the full KV blocks of the longest prefix it shares with a prompt
// before it, never its last token, as vLLM's block-hash cache does with nothing evicted.

export const KV_BLOCK_TOKENS = 16;

export class PrefixCacheEstimate {
  private readonly blocks = new Map<string, number>();

  constructor(private readonly blockSize = KV_BLOCK_TOKENS) {}

  /** Adds a prompt's blocks to the cache and returns how many of its tokens were already cached. */
  add(tokens: readonly number[]): number {
    const full = Math.floor(tokens.length / this.blockSize);
    const reusable = Math.floor((tokens.length - 1) / this.blockSize);
    let parent = 0;
    let cached = 0;
    let hitting = true;
    for (let b = 0; b < full; b++) {
      const key = `${parent}:${tokens.slice(b * this.blockSize, (b + 1) * this.blockSize).join(",")}`;
      let id = this.blocks.get(key);
      if (id === undefined) {
        hitting = false;
        id = this.blocks.size + 1;
        this.blocks.set(key, id);
      } else if (hitting && b < reusable) cached += this.blockSize;
      parent = id;
    }
    return cached;
  }
}
