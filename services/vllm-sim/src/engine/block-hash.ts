// Content hash of a KV block chained to its parent, so equal hashes mean equal prefixes (as vLLM).
// Two 32-bit multiply-xorshift lanes folded into 53 bits: collisions are negligible at 1M tokens.

export function hashBlock(parent: number, tokens: readonly number[], start: number, blockSize: number): number {
  let h1 = (parent % 0x100000000) ^ 0x9e3779b9;
  let h2 = Math.floor(parent / 0x100000000) ^ 0x85ebca6b;
  for (let i = start; i < start + blockSize; i++) {
    const t = tokens[i]!;
    h1 = Math.imul(h1 ^ t, 0xcc9e2d51);
    h1 = (h1 << 15) | (h1 >>> 17);
    h2 = Math.imul(h2 ^ t, 0x1b873593);
    h2 = (h2 << 13) | (h2 >>> 19);
    h1 = Math.imul(h1 ^ (h2 >>> 7), 0x85ebca6b);
  }
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h2 ^= h2 >>> 13;
  h2 = Math.imul(h2, 0xc2b2ae35);
  return (h1 >>> 0) * 0x200000 + (h2 >>> 11);
}
