// Seeded pseudo-random numbers from the repository's one generator (@reviewlens/seeded-random): a
// request with `seed` produces the same output every time.
import { SeededRandom } from "@reviewlens/seeded-random";

/** What the simulator draws: uniform in [0, 1) and integers in [min, max]. */
export type RandomSource = Pick<SeededRandom, "next" | "int">;

export function createRandom(seed: number): RandomSource {
  return new SeededRandom(seed);
}

/** A stable seed for a token sequence (greedy decoding of the same prompt gives the same text). */
export function seedFromTokens(tokens: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const t of tokens) h = Math.imul(h ^ t, 0x01000193);
  return h >>> 0;
}
