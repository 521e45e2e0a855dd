import type { Embedder } from "./embedder.js";

export interface HashingEmbedderOptions {
  dimension?: number;
}

export interface HashingEmbedder extends Embedder {
  /** The synchronous core: one L2-normalised vector (all zeros for text with no characters). */
  embedOne(text: string): number[];
}

const MIN_GRAM = 1;
const MAX_GRAM = 3;

// FNV-1a over UTF-16 code units: byte-oriented JS hash packages (murmurhash's `charCodeAt & 0xff`)
// drop the high byte of Hangul syllables and would make most Korean n-grams collide.
function fnv1a(text: string, seed: number): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function normalizeForEmbedding(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/gu, " ").trim();
}

/**
 * Deterministic character n-gram (1-3, after NFKC + lowercase) feature hashing, L2-normalised.
 * A second hash picks each feature's sign so that collisions cancel out on average instead of
 * biasing every vector towards the same buckets. Needs no model and no network: the embedded default.
 */
export function createHashingEmbedder(options: HashingEmbedderOptions = {}): HashingEmbedder {
  const dimension = options.dimension ?? 384;
  if (!Number.isInteger(dimension) || dimension < 1) throw new RangeError(`dimension must be a positive integer, got ${dimension}`);

  function embedOne(text: string): number[] {
    const vector = new Float64Array(dimension);
    const chars = Array.from(normalizeForEmbedding(text));
    for (let n = MIN_GRAM; n <= MAX_GRAM; n++) {
      for (let i = 0; i + n <= chars.length; i++) {
        const gram = chars.slice(i, i + n).join("");
        if (gram.trim() === "") continue;
        const bucket = fnv1a(gram, 0) % dimension;
        const sign = fnv1a(gram, 0x5bd1e995) & 1 ? 1 : -1;
        vector[bucket] = (vector[bucket] ?? 0) + sign;
      }
    }
    let norm = 0;
    for (const value of vector) norm += value * value;
    norm = Math.sqrt(norm);
    return Array.from(vector, (value) => (norm === 0 ? 0 : value / norm));
  }

  return {
    dimension,
    embedOne,
    async embed(texts, signal) {
      signal?.throwIfAborted();
      return texts.map(embedOne);
    },
  };
}
